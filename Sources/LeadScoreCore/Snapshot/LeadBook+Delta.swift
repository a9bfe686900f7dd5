/// Incremental checkpoints of a lead book: a delta holds what changed since the previous
/// checkpoint (a full `serialize(into:)` or another delta), so writing one costs in proportion to
/// the leads an interval touched, not to the leads the book holds.
///
/// A book restored from a full snapshot followed by its deltas, in order, serializes to the same
/// bytes as the book that wrote them (the property the tests check after every delta).
///
/// What a delta holds, tag `LSDELTA`:
/// - the stream time and lead count of the state it follows (a delta is refused on any other);
/// - the configuration version, stream time, half-lives and technographics list it was written
///   under (a delta read under other half-lives or another list is converted lead by lead, as a
///   full snapshot is);
/// - the tails of the append-only tables (strings, owners, account ids) since the last checkpoint;
/// - the account count and every changed account;
/// - the lead count (a forgotten lead shrinks it: the last lead moved into its slot, which is a
///   changed slot) and every changed lead below it: its id, record, accumulators, cap counters,
///   breach chain, first-touch start and late floor;
/// - the forgotten leads' sequence table, whole, when it changed (erasures are rare).
extension LeadBook {
    /// Format version of `serializeDelta(into:)`.
    public static let deltaVersion: UInt32 = 1

    /// What the last checkpoint covered: the lengths of the append-only tables, and whether the
    /// forgotten leads' table changed since.
    struct CheckpointMarks: Sendable {
        var strings = 0
        var owners = 0
        var accountIDs = 0
        var forgottenChanged = true
        /// Stream time and lead count at the checkpoint: a delta names the state it follows, so
        /// one applied to another state (a delta skipped or out of order) is refused.
        var streamTime = Int64.min
        var leadCount = 0
    }

    /// Leads changed since the last checkpoint (an upper bound: a lead forgotten since may count).
    public var changedLeadCount: Int { leads.changes.list.count }

    /// Whether anything changed since the last checkpoint.
    public var hasChangesSinceCheckpoint: Bool {
        !leads.changes.list.isEmpty || !accounts.changes.list.isEmpty || checkpointed.forgottenChanged
            || strings.count != checkpointed.strings || owners.count != checkpointed.owners
            || accountIDs.count != checkpointed.accountIDs
    }

    /// Declares the current state checkpointed (after a full snapshot or a delta was taken).
    public mutating func markCheckpointed() {
        leads.clearChanges()
        accounts.clearChanges()
        checkpointed = CheckpointMarks(strings: strings.count, owners: owners.count, accountIDs: accountIDs.count,
                                       forgottenChanged: false, streamTime: streamTime.millisecondsSinceEpoch, leadCount: leads.count)
    }

    /// Appends what changed since the last checkpoint and declares the state checkpointed.
    public mutating func serializeDelta(into out: inout [UInt8]) {
        var w = SnapshotBytesWriter(bytes: out)
        out = []
        w.bytes.reserveCapacity(w.bytes.count + leads.changes.list.count * 140 + accounts.changes.list.count * 36 + 256)
        w.tag("LSDELTA")
        w.u32(LeadBook.deltaVersion)
        w.string(model.version)
        w.i64(checkpointed.streamTime)
        w.u32(UInt32(checkpointed.leadCount))
        w.i64(streamTime.millisecondsSinceEpoch)
        w.u32(UInt32(model.halfLife.count))
        for h in model.halfLife { w.f64(h) }
        w.strings(model.technographicNames)
        writeTail(strings, from: checkpointed.strings, into: &w)
        writeTail(owners, from: checkpointed.owners, into: &w)
        writeTail(accountIDs, from: checkpointed.accountIDs, into: &w)

        w.u32(UInt32(accounts.count))
        let changedAccounts = accounts.changes.list.filter { Int($0) < accounts.count }.sorted()
        w.u32(UInt32(changedAccounts.count))
        for a in changedAccounts {
            let account = accounts[Int(a)]
            w.i32(a)
            w.i64(account.clock)
            w.f64(account.intent)
            w.i32(account.firstLead)
            w.i32(account.owner)
            w.i32(account.ownerSetBy)
        }

        w.u32(UInt32(leads.count))
        let changedLeads = leads.changes.list.filter { Int($0) < leads.count }.sorted()
        w.u32(UInt32(changedLeads.count))
        for index in changedLeads {
            let i = Int(index)
            let lead = leads[i]
            w.i32(index)
            w.string(leadIDs[i])
            LeadBook.writeLead(lead, into: &w)
            let intent = Int(lead.intentBlock)
            for k in intent..<(intent + lead.intentCount) { w.f64(intentPool[k]) }
            let caps = Int(lead.capBlock)
            for k in caps..<(caps + 2 * lead.capCount) { w.f64(capPool[k]) }
            let chain = slaBreaches[index] ?? []
            w.u32(UInt32(chain.count))
            for owner in chain { w.i32(owner) }
            if lead.hasPendingSLA, let start = slaStarts[index] {
                w.u8(1)
                w.i64(start)
            } else {
                w.u8(0)
            }
            if let floor = lateFloors[index] {
                w.u8(1)
                w.i64(floor)
            } else {
                w.u8(0)
            }
        }

        if checkpointed.forgottenChanged {
            w.u8(1)
            w.u32(UInt32(forgottenSeq.count))
            for (hash, seq) in forgottenSeq.sorted(by: { $0.key < $1.key }) {
                w.u64(hash)
                w.u32(seq)
            }
        } else {
            w.u8(0)
        }
        out = w.bytes
        markCheckpointed()
    }

    private func writeTail(_ table: [String], from start: Int, into w: inout SnapshotBytesWriter) {
        w.u32(UInt32(start))
        w.strings(Array(table[start...]))
    }

    /// Restores a book from a full snapshot and the deltas written after it, in order, scoring
    /// from now on with `config` (a configuration other than the writer's converts the state as
    /// `init(deserializing:config:)` does).
    ///
    /// The derived state (indexes, timer heaps, quality) is rebuilt once, after the last delta,
    /// not after the base as well: so a base's duplicate lead or account ids are refused only when
    /// its deltas leave them in place (a writer never makes either).
    public init(deserializing base: [UInt8], deltas: [[UInt8]], config: ScoringConfig) throws(SnapshotError) {
        guard !deltas.isEmpty else {
            try self.init(deserializing: base, config: config)
            return
        }
        let stored = base.withUnsafeBytes { buffer in
            Result { () throws(SnapshotError) in try LeadBook(storedState: buffer, config: config) }
        }
        self = try stored.get()
        for delta in deltas {
            let result = delta.withUnsafeBytes { buffer in
                Result { () throws(SnapshotError) in try applyDelta(buffer) }
            }
            try result.get()
        }
        for account in accounts where account.firstLead >= Int32(leads.count) || account.ownerSetBy >= Int32(leads.count) {
            throw SnapshotError(code: .corrupt, field: "accounts")
        }
        try rebuildDerivedState()
        markCheckpointed()
    }

    /// Applies one delta to the stored state. The indexes, heaps and quality are rebuilt by the
    /// caller once all deltas are in (`rebuildDerivedState`).
    private mutating func applyDelta(_ buffer: UnsafeRawBufferPointer) throws(SnapshotError) {
        var r = SnapshotReader(buffer)
        try r.expectTag("LSDELTA", version: LeadBook.deltaVersion, field: "delta header")
        _ = try r.string("config_version")
        guard try r.i64("previous_stream_time") == streamTime.millisecondsSinceEpoch,
              try r.u32("previous_lead_count") == UInt32(leads.count)
        else { throw SnapshotError(code: .corrupt, field: "delta out of order") }
        let time = try r.i64("stream_time")
        guard time >= streamTime.millisecondsSinceEpoch else { throw SnapshotError(code: .corrupt, field: "stream_time") }
        streamTime = Timestamp(millisecondsSinceEpoch: time)
        guard try r.u32("half_lives") == UInt32(Signal.slotCount) else { throw SnapshotError(code: .corrupt, field: "half_lives") }
        var halfLives = [Double](repeating: 0, count: Signal.slotCount)
        for k in 0..<Signal.slotCount {
            halfLives[k] = try r.f64("half_lives")
            guard halfLives[k].isFinite && halfLives[k] >= 1 else { throw SnapshotError(code: .corrupt, field: "half_lives") }
        }
        let technographicNames = try r.strings("technographics")
        guard technographicNames.count <= 32 else { throw SnapshotError(code: .corrupt, field: "technographics") }
        try LeadBook.readTail(&strings, &r, field: "strings")
        try LeadBook.readTail(&owners, &r, field: "owners")
        try LeadBook.readTail(&accountIDs, &r, field: "account_ids")

        let accountCount = Int(try r.u32("accounts"))
        guard accountCount == accountIDs.count, accountCount >= accounts.count else {
            throw SnapshotError(code: .corrupt, field: "accounts")
        }
        while accounts.count < accountCount { accounts.append(AccountRecord()) }
        let changedAccounts = try r.u32("accounts")
        try r.need(Int(changedAccounts) * 32, "accounts")
        for _ in 0..<changedAccounts {
            let a = try r.i32("accounts")
            var account = AccountRecord()
            account.clock = try r.i64("accounts")
            account.intent = try r.f64("accounts")
            account.firstLead = try r.i32("accounts")
            account.owner = try r.i32("accounts")
            account.ownerSetBy = try r.i32("accounts")
            guard a >= 0, Int(a) < accountCount, account.owner < Int32(owners.count), account.owner >= -1,
                  account.ownerSetBy >= -1, account.firstLead >= -1, account.intent.isFinite && account.intent >= 0
            else { throw SnapshotError(code: .corrupt, field: "accounts") }
            accounts[Int(a)] = account
        }

        let leadCount = Int(try r.u32("leads"))
        // Leads past the new count were forgotten (their slots refilled from the end).
        while leads.count > leadCount {
            releaseCells(leads.count - 1)
            slaBreaches[Int32(leads.count - 1)] = nil
            slaStarts[Int32(leads.count - 1)] = nil
            lateFloors[Int32(leads.count - 1)] = nil
            leads.removeLast()
            leadIDs.removeLast()
        }
        let grownFrom = leads.count
        while leads.count < leadCount {
            leads.append(LeadRecord(clock: Int64.min))
            leadIDs.append("")
        }
        var filled = [Bool](repeating: false, count: leadCount - grownFrom)
        let moved: [UInt32]? = technographicNames == model.technographicNames ? nil : technographicNames.indices.reduce(
            into: [UInt32](repeating: 0, count: 32)) { $0[$1] = model.technographicBits[technographicNames[$1]] ?? 0 }
        let changedLeads = try r.u32("leads")
        for _ in 0..<changedLeads {
            let index = try r.i32("leads")
            guard index >= 0, Int(index) < leadCount else { throw SnapshotError(code: .corrupt, field: "leads") }
            let i = Int(index)
            if i >= grownFrom { filled[i - grownFrom] = true } else { releaseCells(i) }
            leadIDs[i] = try r.string("lead_ids")
            let lead = try LeadBook.readLead(&r, version: LeadBook.snapshotVersion)
            guard lead.account < Int32(accountCount), lead.nextInAccount < Int32(leadCount),
                  lead.owner < Int32(owners.count), lead.industry < Int32(strings.count),
                  lead.country < Int32(strings.count), lead.region < Int32(strings.count),
                  lead.bucket == LeadRecord.noBucket || Bucket(rawValue: lead.bucket) != nil,
                  lead.intentSlots >> UInt16(Signal.slotCount) == 0, lead.capSlots >> UInt16(Signal.slotCount) == 0,
                  lead.intentClock <= lead.clock, lead.flags & ~LeadRecord.allFlags == 0
            else { throw SnapshotError(code: .corrupt, field: "leads") }
            leads[i] = lead
            try readIntentCells(i, &r)
            try readCapCells(i, &r)
            let chainCount = try r.u32("sla_breaches")
            guard chainCount <= 64 else { throw SnapshotError(code: .corrupt, field: "sla_breaches") }
            var chain: [Int32] = []
            for _ in 0..<chainCount {
                let owner = try r.i32("sla_breaches")
                guard owner >= 0, owner < Int32(owners.count) else { throw SnapshotError(code: .corrupt, field: "sla_breaches") }
                chain.append(owner)
            }
            slaBreaches[index] = chain.isEmpty ? nil : chain
            slaStarts[index] = try r.u8("sla_starts") == 1 ? try r.i64("sla_starts") : nil
            lateFloors[index] = try r.u8("late_floors") == 1 ? try r.i64("late_floors") : nil
            if halfLives != model.halfLife { rebaseToClock(i, halfLives: halfLives) }
            if let moved, leads[i].technographics != 0 { rederiveTechnographics(i, moved: moved) }
        }
        guard !filled.contains(false) else { throw SnapshotError(code: .corrupt, field: "leads") }

        if try r.u8("forgotten") == 1 {
            let forgotten = try r.u32("forgotten")
            try r.need(Int(forgotten) * 12, "forgotten")
            forgottenSeq = [:]
            for _ in 0..<forgotten {
                let hash = try r.u64("forgotten")
                forgottenSeq[hash] = try r.u32("forgotten")
            }
        }
        guard r.offset == buffer.count else { throw SnapshotError(code: .corrupt, field: "trailing bytes") }
    }

    /// Returns lead `i`'s accumulator and cap blocks to their pools (before the slot is rewritten
    /// or dropped).
    private mutating func releaseCells(_ i: Int) {
        let lead = leads[i]
        if lead.intentCount > 0 { intentPool.release(lead.intentBlock, size: lead.intentCount) }
        if lead.capCount > 0 { capPool.release(lead.capBlock, size: 2 * lead.capCount) }
        leads[i].intentSlots = 0
        leads[i].capSlots = 0
    }

    private static func readTail(_ table: inout [String], _ r: inout SnapshotReader, field: String) throws(SnapshotError) {
        let start = Int(try r.u32(field))
        let tail = try r.strings(field)
        guard start == table.count else { throw SnapshotError(code: .corrupt, field: "\(field) (delta out of order)") }
        table.append(contentsOf: tail)
    }
}
