/// One lead's live state in a `LeadBook`, kept small (96 bytes; its intent accumulators and daily
/// cap counters live in the book's pools) so a million leads stay well under 200 bytes each.
struct LeadRecord: Sendable, Equatable {
    /// Last evaluation moment (ms): the lead's clock, which never goes backwards.
    var clock: Int64
    /// Reference time (ms) of the lead's intent accumulators: the moment intent was last added.
    /// Evaluations that add no intent (profiles, account intent, decay) leave the accumulators
    /// alone, so a contribution is decayed in one step from when it was added, as the closed form
    /// does, and rounding does not build up over evaluations.
    var intentClock: Int64
    /// Lower bound of the next decay transition (ms, whole second), `Int64.max` for none.
    /// A heap entry is live only while its time equals this.
    var timerDue: Int64 = Int64.max
    /// First-touch deadline (ms) of the lead's current routing while its owner has not touched
    /// it, `Int64.max` for none, `touchedMarker` once the current owner has touched it (no SLA
    /// until the owner changes). A heap entry in `LeadBook.slaTimers` is live only while its time
    /// equals this.
    var slaDue: Int64 = Int64.max
    /// `deal_value_usd` from the profile when `dealKnown`, else the seats when `seatsKnown`
    /// (a given deal value always wins over seats, so one field holds whichever counts).
    var dealOrSeats: Double = 0
    var account: Int32 = -1
    /// Next lead of the same account in lead id order, -1 at the end.
    var nextInAccount: Int32 = -1
    /// Index into the book's owner (rep id) table, -1 for none.
    var owner: Int32 = -1
    var seq: UInt32 = 0
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
    /// First cell of the lead's block in the book's `IntentPool`, -1 when it has no intent yet.
    var intentBlock: Int32 = -1
    /// Bit `slot` set when the block holds that slot's accumulator (cells in slot order).
    var intentSlots: UInt16 = 0
    /// Bit `slot` set when the lead has a daily cap counter for that signal (in `capPool`).
    var capSlots: UInt16 = 0
    /// First cell of the lead's cap counters in the book's `capPool` (two cells per slot of
    /// `capSlots`, in slot order: the UTC day, then the points counted that day), -1 when none.
    var capBlock: Int32 = -1
    /// `Bucket.rawValue`, `LeadRecord.noBucket` before the first evaluation.
    var bucket: UInt8 = LeadRecord.noBucket
    var flags: UInt8 = 0

    static let noBucket: UInt8 = 0xff
    static let profileKnown: UInt8 = 1
    static let enrichmentRequested: UInt8 = 2
    static let belowFloor: UInt8 = 4
    /// `dealOrSeats` is a deal value.
    static let dealKnown: UInt8 = 8
    /// `dealOrSeats` is a seat count (no deal value given yet).
    static let seatsKnown: UInt8 = 16
    /// The CRM said `disqualified: true`.
    static let crmDisqualified: UInt8 = 32
    /// Bits 6-7: `DisqualifierConfig.DomainReason` of the last email domain given, 0 for none.
    static let domainReasonShift: UInt8 = 6
    static let domainReasonMask: UInt8 = 0xc0
    static let allFlags: UInt8 = 0xff

    init(clock: Int64) {
        self.clock = clock
        intentClock = clock
    }

    /// `slaDue` of a lead whose current owner touched it (never a deadline: no entry has it).
    static let touchedMarker: Int64 = Int64.max - 1

    /// A first-touch deadline is running.
    var hasPendingSLA: Bool { slaDue < LeadRecord.touchedMarker }

    var currentBucket: Bucket? { Bucket(rawValue: bucket) }
    var hasProfile: Bool { flags & LeadRecord.profileKnown != 0 }
    /// A hard disqualifier holds (CRM flag or email domain).
    var isDisqualified: Bool { flags & (LeadRecord.crmDisqualified | LeadRecord.domainReasonMask) != 0 }
    /// Number of daily cap counters (two cells each).
    var capCount: Int { capSlots.nonzeroBitCount }

    /// Why the lead is disqualified, for outputs: `crm` first, then the domain's reason.
    var disqualifiedBy: String? {
        if flags & LeadRecord.crmDisqualified != 0 { return "crm" }
        let reason = (flags & LeadRecord.domainReasonMask) >> LeadRecord.domainReasonShift
        return DisqualifierConfig.DomainReason(rawValue: reason)?.name
    }
    /// Number of intent accumulators (cells of its block).
    var intentCount: Int { intentSlots.nonzeroBitCount }

    /// The given deal value, nil when none.
    var dealValue: Double? { flags & LeadRecord.dealKnown != 0 ? dealOrSeats : nil }
    /// The given seats, nil when none or when a deal value was given (which wins).
    var seats: Double? { flags & LeadRecord.seatsKnown != 0 && flags & LeadRecord.dealKnown == 0 ? dealOrSeats : nil }
}

/// One account's third-party intent, which counts toward each of its leads.
struct AccountRecord: Sendable, Equatable {
    /// Reference time of `intent` and the account's last intent update (ms).
    var clock: Int64 = Int64.min
    /// Third-party intent at `clock`, before decay.
    var intent: Double = 0
    /// First lead of the account in lead id order, -1 when none.
    var firstLead: Int32 = -1
    /// The rep (index into the book's owners) routing made the account's owner, -1 when none:
    /// the rep its first routed lead went to (`routing.learn_account_owner`). The CRM's
    /// `account_assigned` lives in the rep book and wins over it.
    var owner: Int32 = -1
    /// The lead whose routing set `owner` (so a decision replaced after a crash moves it too).
    var ownerSetBy: Int32 = -1
}

/// A scheduled decay transition; stale entries are skipped when popped (lazy invalidation).
struct TimerEntry: Comparable, Sendable {
    var due: Int64
    var lead: Int32

    static func < (lhs: TimerEntry, rhs: TimerEntry) -> Bool {
        lhs.due != rhs.due ? lhs.due < rhs.due : lhs.lead < rhs.lead
    }
}
