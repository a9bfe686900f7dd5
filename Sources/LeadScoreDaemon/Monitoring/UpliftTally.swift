import LeadScoreCore

/// Counts, per rep bucket, how many routed leads of the model group and of the holdout group
/// converted: the live form of SPEC section 2's holdout ("so uplift can be measured").
///
/// The definition: a lead counts once, in the group (model or holdout) and bucket (A, B, C) of its
/// latest routing decision before its first `converted` outcome; it is converted once any
/// `converted` outcome for it has been read, otherwise it counts as routed and not converted.
/// Routings after the first conversion do not move it. A lead whose latest routing sent it to
/// `self_serve` is not counted. Routing and outcomes come from two topics, so when a conversion is
/// read before the lead's routing (e.g. while catching up at start) it waits for the routing.
///
/// Memory is bounded: a lead is a 64-bit hash of its id (FNV-1a; a collision among a million
/// leads has odds of about 1 in 30 million) and one byte, about 12-24 bytes in a dictionary. Leads
/// live in two generations: when the newer holds `maxLeads / 2`, the older is forgotten (its
/// counts subtracted) and the newer becomes the older. A lead routed or converted again moves to
/// the newer one. So the figures always cover the `maxLeads / 2` to `maxLeads` leads most recently
/// touched. Owned by the rep feed's thread; others read the `counts` it publishes.
struct UpliftTally: Sendable {
    /// One lead's state: bits 0-2 the group (0 none, else `Counts.cell + 1`), bit 7 converted.
    private typealias Entry = UInt8
    private static let convertedBit: UInt8 = 0x80

    /// The published figures.
    struct Counts: Sendable, Equatable {
        /// Routed leads by cell (`cell(bucket:holdout:)`).
        var routed = [Int](repeating: 0, count: 6)
        /// Converted leads by cell.
        var converted = [Int](repeating: 0, count: 6)
        /// Leads remembered (routed or converted, in either generation).
        var trackedLeads = 0
        /// Leads forgotten to stay within `maxLeads`.
        var forgottenLeads = 0

        /// The cell of a rep bucket and group; nil for `nurture` and `self_serve`.
        static func cell(bucket: Bucket, holdout: Bool) -> Int? {
            let b: Int
            switch bucket {
            case .a: b = 0
            case .b: b = 1
            case .c: b = 2
            case .nurture, .selfServe, .disqualified: return nil
            }
            return b * 2 + (holdout ? 1 : 0)
        }

        /// Routed and converted leads of one bucket and group.
        func figures(bucket: Bucket, holdout: Bool) -> (routed: Int, converted: Int) {
            guard let c = Self.cell(bucket: bucket, holdout: holdout) else { return (0, 0) }
            return (routed[c], converted[c])
        }
    }

    let maxLeads: Int
    private var newer: [UInt64: Entry] = [:]
    private var older: [UInt64: Entry] = [:]
    private(set) var counts = Counts()

    init(maxLeads: Int) {
        self.maxLeads = max(2, maxLeads)
    }

    /// The key of a lead: stable across processes, so every instance counts the same leads.
    static func key(_ leadID: String) -> UInt64 { FNV1a64.hash(leadID) }

    /// A routing decision for a lead (any instance's).
    mutating func recordRouting(leadID: String, bucket: Bucket, holdout: Bool) {
        let key = Self.key(leadID)
        var entry = take(key)
        let converted = entry & Self.convertedBit != 0
        let group = entry & 0x07
        if !(converted && group != 0) {
            let newGroup = Self.Counts.cell(bucket: bucket, holdout: holdout).map { UInt8($0 + 1) } ?? 0
            if newGroup != group {
                add(entry, -1)
                entry = (entry & Self.convertedBit) | newGroup
                add(entry, 1)
            }
        }
        put(key, entry)
    }

    /// A `converted` outcome for a lead: counted the first time only.
    mutating func recordConversion(leadID: String) {
        let key = Self.key(leadID)
        var entry = take(key)
        if entry & Self.convertedBit == 0 {
            add(entry, -1)
            entry |= Self.convertedBit
            add(entry, 1)
        }
        put(key, entry)
    }

    /// An erased lead (`lead_forgotten`, seen as the tombstone its erasure writes to the routing
    /// topic): its hash and its share of the counts go, as when a generation is forgotten, so the
    /// tally keeps nothing of it and a later lead with the same id counts afresh. Unknown leads
    /// change nothing.
    mutating func forget(leadID: String) {
        let entry = take(Self.key(leadID))
        guard entry != 0 else { return }
        add(entry, -1)
        if newer.removeValue(forKey: Self.key(leadID)) != nil { counts.trackedLeads -= 1 }
    }

    /// The entry of a lead (0 when unknown), taken out of whichever generation holds it.
    private mutating func take(_ key: UInt64) -> Entry {
        if let e = newer[key] { return e }
        if let e = older.removeValue(forKey: key) {
            counts.trackedLeads -= 1
            return e
        }
        return 0
    }

    /// Stores an entry in the newer generation, rotating generations when it is full. A lead
    /// with nothing to count (routed to `self_serve` only) is not kept.
    private mutating func put(_ key: UInt64, _ entry: Entry) {
        guard entry != 0 else {
            if newer.removeValue(forKey: key) != nil { counts.trackedLeads -= 1 }
            return
        }
        if newer.updateValue(entry, forKey: key) == nil {
            counts.trackedLeads += 1
        }
        if newer.count >= (maxLeads + 1) / 2 {
            for (_, e) in older { add(e, -1) }
            counts.trackedLeads -= older.count
            counts.forgottenLeads += older.count
            older = newer
            newer = [:]
            newer.reserveCapacity(older.count)
        }
    }

    /// Adds (`sign` 1) or removes (-1) an entry's contribution to the counts.
    private mutating func add(_ entry: Entry, _ sign: Int) {
        let group = Int(entry & 0x07)
        guard group != 0 else { return }
        counts.routed[group - 1] += sign
        if entry & Self.convertedBit != 0 { counts.converted[group - 1] += sign }
    }
}

extension UpliftTally {
    /// Appends the tally (both generations and the counts) for a rep checkpoint: 9 bytes per lead.
    func encode(into out: inout ByteWriter) {
        for i in 0..<6 {
            out.int64(Int64(counts.routed[i]))
            out.int64(Int64(counts.converted[i]))
        }
        out.int64(Int64(counts.forgottenLeads))
        for generation in [older, newer] {
            out.uint32(UInt32(generation.count))
            for (key, entry) in generation.sorted(by: { $0.key < $1.key }) {
                out.uint64(key)
                out.raw([entry])
            }
        }
    }

    /// Reads a tally written by `encode(into:)`, kept within `maxLeads` from then on (a smaller
    /// limit than the writer's forgets at the next rotation).
    init(decoding r: inout ByteReader, maxLeads: Int) throws(SnapshotFileError) {
        self.init(maxLeads: maxLeads)
        for i in 0..<6 {
            counts.routed[i] = Int(try r.int64())
            counts.converted[i] = Int(try r.int64())
        }
        counts.forgottenLeads = Int(try r.int64())
        var generations: [[UInt64: Entry]] = []
        for _ in 0..<2 {
            let n = Int(try r.uint32())
            guard n <= r.remaining / 9 else { throw SnapshotFileError(.corrupt, "\(n) uplift leads in \(r.remaining) bytes") }
            var generation: [UInt64: Entry] = [:]
            generation.reserveCapacity(n)
            for _ in 0..<n {
                let key = try r.uint64()
                generation[key] = try r.bytes(1)[0]
            }
            generations.append(generation)
        }
        older = generations[0]
        newer = generations[1]
        counts.trackedLeads = older.count + newer.count
    }
}
