/// One lead's live state in a `LeadBook`, kept small (72 bytes; its 11 intent accumulators live in
/// the book's flat `Float` array) so a million leads stay well under 200 bytes each.
struct LeadRecord: Sendable, Equatable {
    /// Last evaluation moment (ms) and the reference time of the lead's intent accumulators.
    var clock: Int64
    /// Lower bound of the next decay transition (ms, whole second), `Int64.max` for none.
    /// A heap entry is live only while its time equals this.
    var timerDue: Int64 = Int64.max
    /// `deal_value_usd` from the profile, NaN when not given.
    var dealValue: Double = .nan
    var account: Int32 = -1
    /// Next lead of the same account in lead id order, -1 at the end.
    var nextInAccount: Int32 = -1
    /// Index into the book's owner (rep id) table, -1 for none.
    var owner: Int32 = -1
    var seq: UInt32 = 0
    var seats: Int32 = -1
    var employees: Int32 = -1
    /// Indexes into the book's string table, -1 when unknown.
    var industry: Int32 = -1
    var country: Int32 = -1
    var region: Int32 = -1
    /// Bits of the configured technographics the lead uses.
    var technographics: UInt32 = 0
    /// Quality points, computed when the profile changes (single precision is exact for the sums
    /// of point values a configuration uses, and the same value is used everywhere).
    var quality: Float = 0
    /// `Bucket.rawValue`, `LeadRecord.noBucket` before the first evaluation.
    var bucket: UInt8 = LeadRecord.noBucket
    var flags: UInt8 = 0

    static let noBucket: UInt8 = 0xff
    static let profileKnown: UInt8 = 1
    static let enrichmentRequested: UInt8 = 2
    static let belowFloor: UInt8 = 4

    init(clock: Int64) {
        self.clock = clock
    }

    var currentBucket: Bucket? { Bucket(rawValue: bucket) }
    var hasProfile: Bool { flags & LeadRecord.profileKnown != 0 }
}

/// One account's third-party intent, which counts toward each of its leads.
struct AccountRecord: Sendable, Equatable {
    /// Reference time of `intent` and the account's last intent update (ms).
    var clock: Int64 = Int64.min
    /// Third-party intent at `clock`, before decay.
    var intent: Double = 0
    /// First lead of the account in lead id order, -1 when none.
    var firstLead: Int32 = -1
}

/// A scheduled decay transition; stale entries are skipped when popped (lazy invalidation).
struct TimerEntry: Comparable, Sendable {
    var due: Int64
    var lead: Int32

    static func < (lhs: TimerEntry, rhs: TimerEntry) -> Bool {
        lhs.due != rhs.due ? lhs.due < rhs.due : lhs.lead < rhs.lead
    }
}
