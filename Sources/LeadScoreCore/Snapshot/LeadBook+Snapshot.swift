import Collections

extension LeadBook {
    /// Format version of `serialize(into:)`.
    public static let snapshotVersion: UInt32 = 1

    /// Appends the book's state: tag `LSLEADS`, format version, the configuration version it was
    /// scored with, then leads, accumulators, accounts and interned strings. Decay timers are not
    /// written: each lead's bound is, and the heap is rebuilt from them. The caller adds the file
    /// header, checksum and atomic write.
    public func serialize(into out: inout [UInt8]) {
        var w = SnapshotWriter(bytes: out)
        out = []
        w.bytes.reserveCapacity(w.bytes.count + leads.count * 110 + 64)
        w.tag("LSLEADS")
        w.u32(LeadBook.snapshotVersion)
        w.string(model.version)
        w.i64(streamTime.millisecondsSinceEpoch)
        w.strings(strings)
        w.strings(owners)
        w.strings(accountIDs)
        for account in accounts {
            w.i64(account.clock)
            w.f64(account.intent)
            w.i32(account.firstLead)
        }
        w.strings(leadIDs)
        for lead in leads {
            w.i64(lead.clock)
            w.i64(lead.timerDue)
            w.f64(lead.dealValue)
            w.i32(lead.account)
            w.i32(lead.nextInAccount)
            w.i32(lead.owner)
            w.u32(lead.seq)
            w.i32(lead.seats)
            w.i32(lead.employees)
            w.i32(lead.industry)
            w.i32(lead.country)
            w.i32(lead.region)
            w.u32(lead.technographics)
            w.u8(lead.bucket)
            w.u8(lead.flags)
        }
        w.floats(intent)
        out = w.bytes
    }

    /// The configuration version recorded in a lead snapshot (to decide whether to restore it).
    public static func snapshotConfigVersion(_ bytes: [UInt8]) throws(SnapshotError) -> String {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SnapshotError) in
                var r = SnapshotReader(buffer)
                try r.expectTag("LSLEADS", version: snapshotVersion, field: "header")
                return try r.string("config_version")
            }
        }
        return try result.get()
    }

    /// Restores a book written by `serialize(into:)`, scoring from now on with `config`. Using a
    /// different configuration than the snapshot's is allowed (a reload) but its technographic
    /// list must be the same, since leads keep technographics as bits of that list.
    public init(deserializing bytes: [UInt8], config: ScoringConfig) throws(SnapshotError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SnapshotError) in try LeadBook(deserializing: buffer, config: config) }
        }
        self = try result.get()
    }

    /// Restores a book from raw bytes (see `init(deserializing:config:)`).
    public init(deserializing buffer: UnsafeRawBufferPointer, config: ScoringConfig) throws(SnapshotError) {
        self.init(config: config)
        var r = SnapshotReader(buffer)
        try r.expectTag("LSLEADS", version: LeadBook.snapshotVersion, field: "header")
        _ = try r.string("config_version")
        streamTime = Timestamp(millisecondsSinceEpoch: try r.i64("stream_time"))
        strings = try r.strings("strings")
        owners = try r.strings("owners")
        accountIDs = try r.strings("account_ids")
        accounts.reserveCapacity(accountIDs.count)
        for _ in 0..<accountIDs.count {
            var account = AccountRecord()
            account.clock = try r.i64("accounts")
            account.intent = try r.f64("accounts")
            account.firstLead = try r.i32("accounts")
            accounts.append(account)
        }
        leadIDs = try r.strings("lead_ids")
        let n = leadIDs.count
        leads.reserveCapacity(n)
        var pending: [TimerEntry] = []
        for i in 0..<n {
            try r.need(66, "leads")
            var lead = LeadRecord(clock: try r.i64("leads"))
            lead.timerDue = try r.i64("leads")
            lead.dealValue = try r.f64("leads")
            lead.account = try r.i32("leads")
            lead.nextInAccount = try r.i32("leads")
            lead.owner = try r.i32("leads")
            lead.seq = try r.u32("leads")
            lead.seats = try r.i32("leads")
            lead.employees = try r.i32("leads")
            lead.industry = try r.i32("leads")
            lead.country = try r.i32("leads")
            lead.region = try r.i32("leads")
            lead.technographics = try r.u32("leads")
            lead.bucket = try r.u8("leads")
            lead.flags = try r.u8("leads")
            // Indexes must point inside their tables: a corrupt snapshot must not trap later.
            guard lead.account < Int32(accounts.count), lead.nextInAccount < Int32(n),
                  lead.owner < Int32(owners.count), lead.industry < Int32(strings.count),
                  lead.country < Int32(strings.count), lead.region < Int32(strings.count),
                  lead.bucket == LeadRecord.noBucket || Bucket(rawValue: lead.bucket) != nil
            else { throw SnapshotError(code: .corrupt, field: "leads") }
            if lead.timerDue != Int64.max { pending.append(TimerEntry(due: lead.timerDue, lead: Int32(i))) }
            leads.append(lead)
        }
        for account in accounts where account.firstLead >= Int32(n) {
            throw SnapshotError(code: .corrupt, field: "accounts")
        }
        intent = try r.floats("intent")
        guard intent.count == n * Signal.slotCount else { throw SnapshotError(code: .corrupt, field: "intent") }
        guard r.offset == buffer.count else { throw SnapshotError(code: .corrupt, field: "trailing bytes") }
        timers = Heap(pending)
        leadIndex = LeadIDTable(capacity: n)
        for i in 0..<n {
            // A duplicate id would make two leads share one identity: refuse the snapshot.
            guard leadIndex.find(leadIDs[i], in: leadIDs) == nil else {
                throw SnapshotError(code: .corrupt, field: "duplicate lead id")
            }
            leadIndex.insert(Int32(i), in: leadIDs)
        }
        for (a, id) in accountIDs.enumerated() { accountIndex[id] = Int32(a) }
        for (s, text) in strings.enumerated() { stringIndex[text] = Int32(s) }
        isTargetIndustry = strings.map { model.targetIndustries.contains($0) }
        // Quality is derived state: recomputed under the configuration now in force.
        for i in 0..<n { refreshQuality(i) }
        for (o, id) in owners.enumerated() { ownerIndex[id] = Int32(o) }
        guard accountIndex.count == accounts.count else {
            throw SnapshotError(code: .corrupt, field: "duplicate ids")
        }
    }
}
