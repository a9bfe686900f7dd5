import Collections

extension LeadBook {
    /// Format version of `serialize(into:)`. Version 4 adds the technographics list the leads'
    /// bits refer to, so a book restored under another list is re-derived by name instead of
    /// reading its bits against the new list's positions, the routing moment of each pending
    /// first-touch deadline (a touch stamped before it does not count) and the first-touch floor
    /// of leads whose latest event was late (`LeadBook.firstTouchDue`). Version 3 adds the negative signals' slots (14
    /// half-lives, negative accumulators), each lead's daily cap counters, the disqualifier
    /// flags, each account's owner learned by routing with the lead that set it, each lead's
    /// first-touch deadline, the breach chains of re-routed leads and the forgotten leads'
    /// sequence table. Version 2 (sparse double-precision accumulators with their own reference
    /// time, 11 slots) and version 1 (eleven single-precision accumulators per lead) are still
    /// read, with no learned account owners.
    public static let snapshotVersion: UInt32 = 4
    /// The oldest format version `init(deserializing:config:)` reads.
    public static let oldestReadableSnapshotVersion: UInt32 = 1

    /// Appends the book's state: tag `LSLEADS`, format version, the configuration version it was
    /// scored with, the half-lives of its accumulators, then leads, accumulators, accounts and
    /// interned strings. Decay timers are not written: each lead's bound is, and the heap is
    /// rebuilt from them. Only the accumulators in use are written, lead by lead, so a restored
    /// pool is compact. The caller adds the file header, checksum and atomic write.
    public func serialize(into out: inout [UInt8]) {
        var w = SnapshotBytesWriter(bytes: out)
        out = []
        w.bytes.reserveCapacity(w.bytes.count + serializedSizeBound())
        w.tag("LSLEADS")
        w.u32(LeadBook.snapshotVersion)
        w.string(model.version)
        w.i64(streamTime.millisecondsSinceEpoch)
        w.u32(UInt32(model.halfLife.count))
        for h in model.halfLife { w.f64(h) }
        w.strings(model.technographicNames)
        w.strings(strings)
        w.strings(owners)
        w.strings(accountIDs)
        for account in accounts {
            w.i64(account.clock)
            w.f64(account.intent)
            w.i32(account.firstLead)
            w.i32(account.owner)
            w.i32(account.ownerSetBy)
        }
        w.strings(leadIDs)
        var cells = 0
        for lead in leads {
            LeadBook.writeLead(lead, into: &w)
            cells += lead.intentCount
        }
        w.u64(UInt64(cells))
        for lead in leads where lead.intentCount > 0 {
            let block = Int(lead.intentBlock)
            for k in block..<(block + lead.intentCount) { w.f64(intentPool[k]) }
        }
        w.u64(UInt64(leads.reduce(0) { $0 + 2 * $1.capCount }))
        for lead in leads where lead.capCount > 0 {
            let block = Int(lead.capBlock)
            for k in block..<(block + 2 * lead.capCount) { w.f64(capPool[k]) }
        }
        // Sorted, so equal books write equal bytes.
        w.u32(UInt32(slaBreaches.count))
        for (lead, chain) in slaBreaches.sorted(by: { $0.key < $1.key }) {
            w.i32(lead)
            w.u32(UInt32(chain.count))
            for owner in chain { w.i32(owner) }
        }
        w.u32(UInt32(forgottenSeq.count))
        for (hash, seq) in forgottenSeq.sorted(by: { $0.key < $1.key }) {
            w.u64(hash)
            w.u32(seq)
        }
        // Only pending deadlines' starts: an entry of a lead whose deadline ended means nothing.
        let starts = slaStarts.filter { Int($0.key) < leads.count && leads[Int($0.key)].hasPendingSLA }
        w.u32(UInt32(starts.count))
        for (lead, start) in starts.sorted(by: { $0.key < $1.key }) {
            w.i32(lead)
            w.i64(start)
        }
        w.u32(UInt32(lateFloors.count))
        for (lead, floor) in lateFloors.sorted(by: { $0.key < $1.key }) {
            w.i32(lead)
            w.i64(floor)
        }
        out = w.bytes
    }

    /// At least the bytes `serialize` writes, to reserve them once: a short reserve (it was 100
    /// bytes per lead, against ~115 written) made a large book's buffer grow near the end, a
    /// copy of the whole snapshot and twice its pages. Pages reserved and never written are
    /// never touched, so erring high costs nothing resident.
    func serializedSizeBound() -> Int {
        func listBytes(_ list: [String]) -> Int { list.reduce(4) { $0 + 4 + $1.utf8.count } }
        let breachChains = slaBreaches.values.reduce(0) { $0 + 8 + 4 * $1.count }
        return 1024 + model.version.utf8.count + 8 * model.halfLife.count + listBytes(model.technographicNames)
            + listBytes(strings) + listBytes(owners) + listBytes(accountIDs) + accounts.count * 28
            + listBytes(leadIDs) + leads.count * Self.leadRecordBytes + (intentPool.capacity + capPool.capacity) * 8
            + breachChains + 12 * (forgottenSeq.count + slaStarts.count + lateFloors.count) + 16
    }

    /// One lead record as the current format writes it (also a delta's, see `LeadBook+Delta`).
    static func writeLead(_ lead: LeadRecord, into w: inout SnapshotBytesWriter) {
        w.fields(leadRecordBytes) { f in
            f.i64(lead.clock)
            f.i64(lead.intentClock)
            f.i64(lead.timerDue)
            f.i64(lead.slaDue)
            f.f64(lead.dealOrSeats)
            f.i32(lead.account)
            f.i32(lead.nextInAccount)
            f.i32(lead.owner)
            f.u32(lead.seq)
            f.i32(lead.employees)
            f.i32(lead.industry)
            f.i32(lead.country)
            f.i32(lead.region)
            f.u32(lead.technographics)
            f.u16(lead.intentSlots)
            f.u8(lead.bucket)
            f.u8(lead.flags)
            f.u16(lead.capSlots)
        }
    }

    /// A lead's bytes in a snapshot (format 3 on; 72 in formats 1 and 2).
    static let leadRecordBytes = 82

    /// The configuration version recorded in a lead snapshot (to decide whether to restore it).
    public static func snapshotConfigVersion(_ bytes: [UInt8]) throws(SnapshotError) -> String {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SnapshotError) in
                var r = SnapshotReader(buffer)
                _ = try r.expectTag("LSLEADS", versions: oldestReadableSnapshotVersion...snapshotVersion, field: "header")
                return try r.string("config_version")
            }
        }
        return try result.get()
    }

    /// Restores a book written by `serialize(into:)`, scoring from now on with `config`. Using a
    /// different configuration than the snapshot's is allowed (a reload). Leads keep their
    /// technographics as bits of the configured list; when `config`'s list differs from the one
    /// recorded (format 4), the bits are re-derived by name (see `rederiveTechnographics`).
    ///
    /// A version 1 snapshot loads with its single-precision accumulators widened to double (the
    /// rounding they already carry stays; new intent is exact from then on).
    ///
    /// A lead's accumulators are kept at the moment intent was last added, which can be before its
    /// clock. When `config` has other half-lives than the snapshot's, each lead's accumulators are
    /// first decayed to its clock with the snapshot's half-lives, so the new ones apply from each
    /// lead's clock on and never to time already scored.
    public init(deserializing bytes: [UInt8], config: ScoringConfig) throws(SnapshotError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SnapshotError) in try LeadBook(deserializing: buffer, config: config) }
        }
        self = try result.get()
    }

    /// Restores a book from raw bytes (see `init(deserializing:config:)`).
    public init(deserializing buffer: UnsafeRawBufferPointer, config: ScoringConfig) throws(SnapshotError) {
        try self.init(storedState: buffer, config: config)
        try rebuildDerivedState()
        // The restored state is what its writer checkpointed: nothing has changed since.
        markCheckpointed()
    }

    /// The state a snapshot stores, without what `rebuildDerivedState` derives from it (indexes,
    /// timer heaps, quality), which the caller rebuilds: a chain's base is followed by its deltas,
    /// and rebuilding once after the last one spares a rebuild of the whole book after the base.
    init(storedState buffer: UnsafeRawBufferPointer, config: ScoringConfig) throws(SnapshotError) {
        self.init(config: config)
        var r = SnapshotReader(buffer)
        let version = try r.expectTag("LSLEADS", versions: LeadBook.oldestReadableSnapshotVersion...LeadBook.snapshotVersion,
                                      field: "header")
        _ = try r.string("config_version")
        streamTime = Timestamp(millisecondsSinceEpoch: try r.i64("stream_time"))
        var halfLives = model.halfLife
        // Version 2 had the ten positive signals and third-party intent (slots 0...10).
        let slotCount = version >= 3 ? Signal.slotCount : Signal.legacySlotCount
        if version >= 2 {
            guard try r.u32("half_lives") == UInt32(slotCount) else { throw SnapshotError(code: .corrupt, field: "half_lives") }
            for k in 0..<slotCount {
                halfLives[k] = try r.f64("half_lives")
                guard halfLives[k].isFinite && halfLives[k] >= 1 else { throw SnapshotError(code: .corrupt, field: "half_lives") }
            }
        }
        // Before version 4 the list was not recorded: the bits are read against the list in force
        // (what those builds did, right when the list is unchanged).
        let technographicNames = version >= 4 ? try r.strings("technographics") : model.technographicNames
        guard technographicNames.count <= 32 else { throw SnapshotError(code: .corrupt, field: "technographics") }
        strings = try r.strings("strings")
        owners = try r.strings("owners")
        accountIDs = try r.strings("account_ids")
        accounts.reserveCapacity(accountIDs.count)
        for _ in 0..<accountIDs.count {
            var account = AccountRecord()
            account.clock = try r.i64("accounts")
            account.intent = try r.f64("accounts")
            account.firstLead = try r.i32("accounts")
            if version >= 3 {
                account.owner = try r.i32("accounts")
                account.ownerSetBy = try r.i32("accounts")
            }
            guard account.owner < Int32(owners.count), account.owner >= -1, account.ownerSetBy >= -1, account.intent.isFinite && account.intent >= 0 else { throw SnapshotError(code: .corrupt, field: "accounts") }
            accounts.append(account)
        }
        leadIDs = try r.strings("lead_ids")
        let n = leadIDs.count
        leads.reserveCapacity(n)
        for _ in 0..<n {
            let lead = version == 1 ? try LeadBook.readLeadV1(&r) : try LeadBook.readLead(&r, version: version)
            // Indexes must point inside their tables: a corrupt snapshot must not trap later.
            guard lead.account < Int32(accounts.count), lead.nextInAccount < Int32(n),
                  lead.owner < Int32(owners.count), lead.industry < Int32(strings.count),
                  lead.country < Int32(strings.count), lead.region < Int32(strings.count),
                  lead.bucket == LeadRecord.noBucket || Bucket(rawValue: lead.bucket) != nil,
                  lead.intentSlots >> UInt16(slotCount) == 0, lead.capSlots >> UInt16(slotCount) == 0,
                  lead.intentClock <= lead.clock,
                  lead.flags & ~LeadRecord.allFlags == 0
            else { throw SnapshotError(code: .corrupt, field: "leads") }
            leads.append(lead)
        }
        for account in accounts where account.firstLead >= Int32(n) || account.ownerSetBy >= Int32(n) {
            throw SnapshotError(code: .corrupt, field: "accounts")
        }
        if version == 1 {
            try readIntentV1(&r)
        } else {
            try readIntent(&r)
            if version >= 3 { try readCaps(&r) }
            if halfLives != model.halfLife { rebaseToClocks(halfLives: halfLives) }
        }
        if version >= 3 { try readSLAAndForgotten(&r) }
        if version >= 4 { try readSLAStarts(&r) }
        if technographicNames != model.technographicNames { rederiveTechnographics(from: technographicNames) }
        guard r.offset == buffer.count else { throw SnapshotError(code: .corrupt, field: "trailing bytes") }
    }

    /// Rebuilds what a snapshot does not hold: the timer heaps from each lead's bounds, the id,
    /// account, string and owner indexes, and quality under the configuration in force.
    mutating func rebuildDerivedState() throws(SnapshotError) {
        let n = leads.count
        var pending: [TimerEntry] = []
        var pendingSLA: [TimerEntry] = []
        for i in 0..<n {
            if leads[i].timerDue != Int64.max { pending.append(TimerEntry(due: leads[i].timerDue, lead: Int32(i))) }
            if leads[i].hasPendingSLA { pendingSLA.append(TimerEntry(due: leads[i].slaDue, lead: Int32(i))) }
        }
        timers = Heap(pending)
        slaTimers = Heap(pendingSLA)
        leadIndex = LeadIDTable(capacity: n)
        for i in 0..<n {
            // A duplicate id would make two leads share one identity: refuse the snapshot.
            guard leadIndex.find(leadIDs[i], in: leadIDs) == nil else {
                throw SnapshotError(code: .corrupt, field: "duplicate lead id")
            }
            leadIndex.insert(Int32(i), in: leadIDs)
        }
        // Sized up front: grown one insertion at a time, a table of many accounts rehashes every
        // key at each doubling.
        accountIndex = Dictionary(minimumCapacity: accountIDs.count)
        for (a, id) in accountIDs.enumerated() { accountIndex[id] = Int32(a) }
        stringIndex = Dictionary(minimumCapacity: strings.count)
        for (s, text) in strings.enumerated() { stringIndex[text] = Int32(s) }
        industryPoints = strings.map { model.industryPoints[$0] ?? 0 }
        // Quality is derived state: recomputed under the configuration now in force.
        let quality = model.config.quality
        let industries = industryPoints
        let technographics = model.technographicPoints
        for i in 0..<n { refreshQuality(i, quality, industries, technographics) }
        ownerIndex = Dictionary(minimumCapacity: owners.count)
        for (o, id) in owners.enumerated() { ownerIndex[id] = Int32(o) }
        guard accountIndex.count == accounts.count else {
            throw SnapshotError(code: .corrupt, field: "duplicate ids")
        }
    }

    static func readLead(_ r: inout SnapshotReader, version: UInt32) throws(SnapshotError) -> LeadRecord {
        try r.need(version >= 3 ? leadRecordBytes : 72, "leads")
        var lead = LeadRecord(clock: try r.i64("leads"))
        lead.intentClock = try r.i64("leads")
        lead.timerDue = try r.i64("leads")
        if version >= 3 { lead.slaDue = try r.i64("leads") }
        lead.dealOrSeats = try r.f64("leads")
        lead.account = try r.i32("leads")
        lead.nextInAccount = try r.i32("leads")
        lead.owner = try r.i32("leads")
        lead.seq = try r.u32("leads")
        lead.employees = try r.i32("leads")
        lead.industry = try r.i32("leads")
        lead.country = try r.i32("leads")
        lead.region = try r.i32("leads")
        lead.technographics = try r.u32("leads")
        lead.intentSlots = try r.u16("leads")
        lead.bucket = try r.u8("leads")
        lead.flags = try r.u8("leads")
        if version >= 3 {
            lead.capSlots = try r.u16("leads")
        } else {
            // Formats 1 and 2 had no disqualifier flags.
            guard lead.flags & (LeadRecord.crmDisqualified | LeadRecord.domainReasonMask) == 0 else {
                throw SnapshotError(code: .corrupt, field: "leads")
            }
        }
        guard lead.dealOrSeats.isFinite && lead.dealOrSeats >= 0 else { throw SnapshotError(code: .corrupt, field: "leads") }
        if lead.slaDue != Int64.max && lead.owner < 0 { throw SnapshotError(code: .corrupt, field: "leads") }
        return lead
    }

    /// Version 3: breach chains (lead, owners) and forgotten leads (id hash, last seq).
    private mutating func readSLAAndForgotten(_ r: inout SnapshotReader) throws(SnapshotError) {
        let chains = try r.u32("sla_breaches")
        for _ in 0..<chains {
            let lead = try r.i32("sla_breaches")
            let count = try r.u32("sla_breaches")
            guard lead >= 0, lead < Int32(leads.count), count <= 64, slaBreaches[lead] == nil else {
                throw SnapshotError(code: .corrupt, field: "sla_breaches")
            }
            var chain: [Int32] = []
            for _ in 0..<count {
                let owner = try r.i32("sla_breaches")
                guard owner >= 0, owner < Int32(owners.count) else { throw SnapshotError(code: .corrupt, field: "sla_breaches") }
                chain.append(owner)
            }
            slaBreaches[lead] = chain
        }
        let forgotten = try r.u32("forgotten")
        try r.need(Int(forgotten) * 12, "forgotten")
        for _ in 0..<forgotten {
            let hash = try r.u64("forgotten")
            forgottenSeq[hash] = try r.u32("forgotten")
        }
    }

    /// Version 4: the routing moment of each pending first-touch deadline (lead, ms), then the
    /// first-touch floor of each lead whose latest event was behind stream time (lead, ms).
    private mutating func readSLAStarts(_ r: inout SnapshotReader) throws(SnapshotError) {
        let count = try r.u32("sla_starts")
        try r.need(Int(count) * 12, "sla_starts")
        for _ in 0..<count {
            let lead = try r.i32("sla_starts")
            let start = try r.i64("sla_starts")
            guard lead >= 0, lead < Int32(leads.count), leads[Int(lead)].hasPendingSLA, slaStarts[lead] == nil else {
                throw SnapshotError(code: .corrupt, field: "sla_starts")
            }
            slaStarts[lead] = start
        }
        let floors = try r.u32("late_floors")
        try r.need(Int(floors) * 12, "late_floors")
        for _ in 0..<floors {
            let lead = try r.i32("late_floors")
            let floor = try r.i64("late_floors")
            guard lead >= 0, lead < Int32(leads.count), lateFloors[lead] == nil else {
                throw SnapshotError(code: .corrupt, field: "late_floors")
            }
            lateFloors[lead] = floor
        }
    }

    /// A version 1 lead: deal value (NaN for none) and seats (-1 for none) apart, no intent fields.
    private static func readLeadV1(_ r: inout SnapshotReader) throws(SnapshotError) -> LeadRecord {
        try r.need(66, "leads")
        var lead = LeadRecord(clock: try r.i64("leads"))
        lead.timerDue = try r.i64("leads")
        let deal = try r.f64("leads")
        lead.account = try r.i32("leads")
        lead.nextInAccount = try r.i32("leads")
        lead.owner = try r.i32("leads")
        lead.seq = try r.u32("leads")
        let seats = try r.i32("leads")
        lead.employees = try r.i32("leads")
        lead.industry = try r.i32("leads")
        lead.country = try r.i32("leads")
        lead.region = try r.i32("leads")
        lead.technographics = try r.u32("leads")
        lead.bucket = try r.u8("leads")
        lead.flags = try r.u8("leads")
        guard lead.flags & ~(LeadRecord.profileKnown | LeadRecord.enrichmentRequested | LeadRecord.belowFloor) == 0
        else { throw SnapshotError(code: .corrupt, field: "leads") }
        if !deal.isNaN {
            guard deal.isFinite && deal >= 0 else { throw SnapshotError(code: .corrupt, field: "leads") }
            lead.dealOrSeats = deal
            lead.flags |= LeadRecord.dealKnown
        } else if seats >= 0 {
            lead.dealOrSeats = Double(seats)
            lead.flags |= LeadRecord.seatsKnown
        }
        return lead
    }

    /// Version 2 accumulators: the count, then each lead's cells in lead order.
    private mutating func readIntent(_ r: inout SnapshotReader) throws(SnapshotError) {
        let total = try r.u64("intent")
        let expected = leads.reduce(0) { $0 + $1.intentCount }
        guard total == UInt64(expected) else { throw SnapshotError(code: .corrupt, field: "intent") }
        try r.need(expected * 8, "intent")
        intentPool.reserveCapacity(expected)
        for i in leads.indices where leads[i].intentCount > 0 { try readIntentCells(i, &r) }
    }

    /// Reads lead `i`'s accumulators (as many as its slots say) into a new block of the pool.
    mutating func readIntentCells(_ i: Int, _ r: inout SnapshotReader) throws(SnapshotError) {
        let count = leads[i].intentCount
        guard count > 0 else { return }
        let block = Int(intentPool.allocate(count))
        var slots = leads[i].intentSlots
        for k in 0..<count {
            let value = try r.f64("intent")
            // Negative signals hold negative accumulators, the others positive ones.
            let negative = (UInt16(1) << UInt16(slots.trailingZeroBitCount)) & Signal.negativeSlots != 0
            guard value.isFinite && (negative ? value <= 0 : value >= 0) else {
                throw SnapshotError(code: .corrupt, field: "intent")
            }
            intentPool[block + k] = value
            slots &= slots &- 1
        }
        leads[i].intentBlock = Int32(block)
    }

    /// Version 3 daily cap counters: the count of cells, then each lead's (day, points) pairs.
    private mutating func readCaps(_ r: inout SnapshotReader) throws(SnapshotError) {
        let total = try r.u64("caps")
        let expected = leads.reduce(0) { $0 + 2 * $1.capCount }
        guard total == UInt64(expected) else { throw SnapshotError(code: .corrupt, field: "caps") }
        try r.need(expected * 8, "caps")
        capPool.reserveCapacity(expected)
        for i in leads.indices where leads[i].capCount > 0 { try readCapCells(i, &r) }
    }

    /// Reads lead `i`'s daily cap counters (day, points per capped slot) into a new block.
    mutating func readCapCells(_ i: Int, _ r: inout SnapshotReader) throws(SnapshotError) {
        let count = 2 * leads[i].capCount
        guard count > 0 else { return }
        let block = Int(capPool.allocate(count))
        for k in stride(from: 0, to: count, by: 2) {
            let day = try r.f64("caps")
            let points = try r.f64("caps")
            guard day == day.rounded(), day.magnitude < 1e12 || day == -.infinity, points.isFinite, points >= 0 else {
                throw SnapshotError(code: .corrupt, field: "caps")
            }
            capPool[block + k] = day
            capPool[block + k + 1] = points
        }
        leads[i].capBlock = Int32(block)
    }

    /// Decays every lead's accumulators to its clock with the given (the snapshot's) half-lives.
    /// Moves every lead's technographic bits from the positions of the list they were written
    /// with (`names`, bit k for `names[k]`) to the positions of the list in force, by name. A
    /// name no longer listed loses its bit, as it would in a fresh replay under the new list; a
    /// name the new list adds has no bit in any lead yet (the names a profile gave that were not
    /// listed were never kept), so it counts for profiles received from now on.
    mutating func rederiveTechnographics(from names: [String]) {
        var moved = [UInt32](repeating: 0, count: 32)
        for (k, name) in names.enumerated() { moved[k] = model.technographicBits[name] ?? 0 }
        for i in leads.indices where leads[i].technographics != 0 { rederiveTechnographics(i, moved: moved) }
    }

    /// The per-lead step of `rederiveTechnographics(from:)`: `moved[k]` is the bit now standing
    /// for the name that was bit k.
    mutating func rederiveTechnographics(_ i: Int, moved: [UInt32]) {
        var old = leads[i].technographics
        var mask: UInt32 = 0
        while old != 0 {
            let k = old.trailingZeroBitCount
            mask |= moved[k]
            old &= old - 1
        }
        leads[i].technographics = mask
    }

    private mutating func rebaseToClocks(halfLives: [Double]) {
        for i in leads.indices { rebaseToClock(i, halfLives: halfLives) }
    }

    /// Decays one lead's accumulators to its clock with the given half-lives.
    mutating func rebaseToClock(_ i: Int, halfLives: [Double]) {
        guard leads[i].intentCount > 0 && leads[i].intentClock < leads[i].clock else { return }
        let dt = leads[i].clock - leads[i].intentClock
        var slots = leads[i].intentSlots
        var k = Int(leads[i].intentBlock)
        while slots != 0 {
            intentPool[k] *= decayFactor(dt, halfLife: halfLives[slots.trailingZeroBitCount])
            slots &= slots &- 1
            k += 1
        }
        leads[i].intentClock = leads[i].clock
    }

    /// Version 1 accumulators: `Signal.legacySlotCount` floats per lead, referenced to the lead's
    /// clock; the non-zero ones become the lead's cells.
    private mutating func readIntentV1(_ r: inout SnapshotReader) throws(SnapshotError) {
        let floats = try r.floats("intent")
        guard floats.count == leads.count * Signal.legacySlotCount else { throw SnapshotError(code: .corrupt, field: "intent") }
        for i in leads.indices {
            let base = i * Signal.legacySlotCount
            var slots: UInt16 = 0
            for k in 0..<Signal.legacySlotCount {
                let value = floats[base + k]
                guard value.isFinite && value >= 0 else { throw SnapshotError(code: .corrupt, field: "intent") }
                if value > 0 { slots |= UInt16(1) << UInt16(k) }
            }
            leads[i].intentClock = leads[i].clock
            leads[i].intentSlots = slots
            guard slots != 0 else { continue }
            var cell = Int(intentPool.allocate(slots.nonzeroBitCount))
            leads[i].intentBlock = Int32(cell)
            for k in 0..<Signal.legacySlotCount where slots & (UInt16(1) << UInt16(k)) != 0 {
                intentPool[cell] = Double(floats[base + k])
                cell += 1
            }
        }
    }
}
