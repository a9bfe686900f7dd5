extension RepBook {
    /// Format version of `serialize(into:)`. Version 2 adds each rep's calendar (time zone,
    /// weekly spans, holidays) and the CRM's account owners; version 3 each rep's first-touch
    /// breaches (ring, short-window and total counts). Versions 1 and 2 are still read (with no
    /// breaches).
    public static let snapshotVersion: UInt32 = 3
    /// The oldest format version `init(deserializing:config:)` reads.
    public static let oldestReadableSnapshotVersion: UInt32 = 1

    /// Appends the rep state: tag `LSREPS`, format version, window sizes, every rep with its
    /// ring and calendar, outside assignments not yet taken, account owners, the holdout cursor
    /// and the clock.
    public func serialize(into out: inout [UInt8]) {
        serialize(into: &out, version: RepBook.snapshotVersion)
    }

    /// Writes format `version` (2 or later; older formats leave out what they cannot say), so
    /// tests can make the files older builds wrote.
    func serialize(into out: inout [UInt8], version: UInt32) {
        var w = SnapshotBytesWriter(bytes: out)
        out = []
        w.tag("LSREPS")
        w.u32(version)
        w.u32(UInt32(ringDays))
        w.i64(clock.millisecondsSinceEpoch)
        w.u64(UInt64(holdoutCursor))
        w.u32(UInt32(reps.count))
        for rep in reps {
            w.string(rep.id)
            w.string(rep.name)
            w.u8((rep.active ? 1 : 0) | (rep.onRoster ? 2 : 0) | (rep.available ? 4 : 0) | (rep.unavailableUntil != nil ? 8 : 0)
                 | (rep.hours != nil ? 16 : 0))
            w.i32(rep.capacityPerDay)
            w.strings(rep.territories)
            w.i64(rep.unavailableUntil ?? 0)
            w.i64(rep.loadDay)
            w.i32(rep.loadCount)
            w.i64(rep.headDay)
            for k in 0..<rep.successes.count {
                w.u32(rep.successes[k])
                w.u32(rep.trials[k])
            }
            w.u64(rep.longSuccesses); w.u64(rep.longTrials); w.u64(rep.shortSuccesses); w.u64(rep.shortTrials)
            if version >= 3 {
                for count in rep.breaches { w.u32(count) }
                w.u64(rep.shortBreaches); w.u64(rep.totalBreaches)
            }
            if let hours = rep.hours {
                w.string(hours.timeZone.identifier)
                for spans in hours.week {
                    w.u32(UInt32(spans.count))
                    for span in spans {
                        w.u16(UInt16(span.start))
                        w.u16(UInt16(span.end))
                    }
                }
                w.u32(UInt32(hours.holidays.count))
                for day in hours.holidays { w.i64(day) }
            }
        }
        for map in [assignments, accountOwners] {
            let pairs = map.sorted { $0.key < $1.key }
            w.u32(UInt32(pairs.count))
            for (key, rep) in pairs {
                w.string(key)
                w.string(rep)
            }
        }
        out = w.bytes
    }

    /// Restores rep state written by `serialize(into:)`. The long window of `config` must match
    /// the snapshot's (the ring has one slot per day).
    public init(deserializing bytes: [UInt8], config: ScoringConfig) throws(SnapshotError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SnapshotError) in try RepBook(deserializing: buffer, config: config) }
        }
        self = try result.get()
    }

    /// Restores rep state from raw bytes (see `init(deserializing:config:)`).
    public init(deserializing buffer: UnsafeRawBufferPointer, config: ScoringConfig) throws(SnapshotError) {
        self.init(config: config)
        var r = SnapshotReader(buffer)
        let version = try r.expectTag("LSREPS", versions: RepBook.oldestReadableSnapshotVersion...RepBook.snapshotVersion,
                                      field: "header")
        let days = Int(try r.u32("ring_days"))
        guard days == ringDays else { throw SnapshotError(code: .corrupt, field: "ring_days (long_window changed)") }
        clock = Timestamp(millisecondsSinceEpoch: try r.i64("clock"))
        let cursor = try r.u64("holdout_cursor")
        let n = try r.count("reps", minBytesEach: 40 + 8 * days)
        for _ in 0..<n {
            var rep = RepRecord(id: try r.string("rep_id"), ringDays: days)
            rep.name = try r.string("rep_name")
            let flags = try r.u8("rep_flags")
            rep.active = flags & 1 != 0
            rep.onRoster = flags & 2 != 0
            rep.available = flags & 4 != 0
            rep.capacityPerDay = try r.i32("capacity")
            rep.territories = try r.strings("territories")
            let until = try r.i64("unavailable_until")
            rep.unavailableUntil = flags & 8 != 0 ? until : nil
            rep.loadDay = try r.i64("load_day")
            rep.loadCount = try r.i32("load_count")
            rep.headDay = try r.i64("head_day")
            for k in 0..<days {
                rep.successes[k] = try r.u32("ring")
                rep.trials[k] = try r.u32("ring")
            }
            rep.longSuccesses = try r.u64("sums"); rep.longTrials = try r.u64("sums")
            rep.shortSuccesses = try r.u64("sums"); rep.shortTrials = try r.u64("sums")
            if version >= 3 {
                for k in 0..<days { rep.breaches[k] = try r.u32("breaches") }
                rep.shortBreaches = try r.u64("breaches"); rep.totalBreaches = try r.u64("breaches")
            }
            if version >= 2 && flags & 16 != 0 { rep.hours = try RepBook.readHours(&r) }
            guard index[rep.id] == nil else { throw SnapshotError(code: .corrupt, field: "duplicate rep id") }
            index[rep.id] = Int32(reps.count)
            reps.append(rep)
        }
        sorted = (0..<Int32(reps.count)).sorted { reps[Int($0)].id < reps[Int($1)].id }
        guard cursor <= UInt64(max(reps.count, 1)) else { throw SnapshotError(code: .corrupt, field: "holdout_cursor") }
        holdoutCursor = Int(cursor)
        let pairs = try r.count("assignments", minBytesEach: 8)
        for _ in 0..<pairs {
            let lead = try r.string("assignments")
            assignments[lead] = try r.string("assignments")
        }
        if version >= 2 {
            let owners = try r.count("account_owners", minBytesEach: 8)
            for _ in 0..<owners {
                let account = try r.string("account_owners")
                let rep = try r.string("account_owners")
                guard index[rep] != nil else { throw SnapshotError(code: .corrupt, field: "account_owners") }
                accountOwners[account] = rep
            }
        }
        guard r.offset == buffer.count else { throw SnapshotError(code: .corrupt, field: "trailing bytes") }
    }

    /// A rep's calendar (version 2): zone name, seven weekdays of spans, holidays.
    private static func readHours(_ r: inout SnapshotReader) throws(SnapshotError) -> WorkingHours {
        guard let zone = WorkingHours.zone(restoring: try r.string("time_zone")) else {
            throw SnapshotError(code: .corrupt, field: "time_zone (unknown to this build's zone data)")
        }
        var week: [[WorkingHours.Span]] = []
        for _ in 0..<7 {
            let n = try r.count("working_hours", minBytesEach: 4)
            var spans: [WorkingHours.Span] = []
            for _ in 0..<n {
                let span = WorkingHours.Span(start: Int(try r.u16("working_hours")), end: Int(try r.u16("working_hours")))
                guard span.start < span.end, span.end <= 1440, spans.last.map({ $0.end <= span.start }) ?? true else {
                    throw SnapshotError(code: .corrupt, field: "working_hours")
                }
                spans.append(span)
            }
            week.append(spans)
        }
        let n = try r.count("holidays", minBytesEach: 8)
        var days: [Int64] = []
        for _ in 0..<n { days.append(try r.i64("holidays")) }
        return WorkingHours(timeZone: zone, week: week, holidays: days)
    }
}
