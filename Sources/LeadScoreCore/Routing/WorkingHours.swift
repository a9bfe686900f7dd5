import Foundation

/// A rep's working calendar: weekly spans of local time in the rep's time zone, and holidays.
///
/// It answers two questions, exactly and deterministically: is the rep working at an instant, and
/// when has a given amount of working time elapsed from an instant (a business-hours SLA). The
/// zone's rules (its UTC offset at each instant, daylight saving included) come from Foundation's
/// `TimeZone` data, which is a pure function of the instant: no clock is read.
///
/// Local time and instants: a span `09:00-17:00` of local day D starts at the first instant whose
/// local time is at or after D 09:00 and ends at the first instant whose local time is at or after
/// D 17:00. So a span touching a spring-forward gap starts (or ends) when the clock jumps past it,
/// and a span covering a fall-back hour contains the repeated hour once per reading of the clock
/// (09:00-17:00 on a fall-back day lasting 9 hours if the change falls inside it). Working time is
/// counted in real elapsed milliseconds.
///
/// Offsets are read from the zone's transition table (`ZoneOffsets`), which holds Foundation's
/// answers: the same offsets without a lock and an ICU call per question.
public struct WorkingHours: Sendable, Equatable {
    /// One span of local time on a weekday, `[start, end)` in minutes after local midnight.
    public struct Span: Sendable, Equatable, Hashable {
        /// Minutes after local midnight, 0...1439.
        public var start: Int
        /// Minutes after local midnight, after `start`, at most 1440 (`24:00`).
        public var end: Int

        /// Creates a span; callers validate (see `WorkingHours.parseSpan`).
        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    /// Weekday keys as they appear on the roster, Monday first (the index into `week`).
    public static let weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// How far `due(from:businessDuration:)` looks ahead, in local days, before it gives up (a
    /// calendar with almost no working time, or holidays covering it). A bound on work per call,
    /// not a model number: an SLA that needs more than a year of a rep's working time is no SLA.
    public static let searchHorizonDays = 400

    /// The rep's zone.
    public var timeZone: TimeZone {
        didSet { offsets = ZoneOffsets.of(timeZone) }
    }
    /// Seven lists of spans, Monday first, each sorted and not overlapping.
    public var week: [[Span]]
    /// Local dates (days since 1970-01-01 in the rep's zone) with no working time, sorted, unique.
    public var holidays: [Int64]
    /// The zone's offsets (shared by every calendar in the zone).
    private var offsets: ZoneOffsets

    /// Creates a calendar. `week` must have seven entries (Monday first), each sorted and not
    /// overlapping; `holidays` are sorted and made unique here.
    public init(timeZone: TimeZone, week: [[Span]], holidays: [Int64] = []) {
        self.timeZone = timeZone
        self.offsets = ZoneOffsets.of(timeZone)
        self.week = week.count == 7 ? week : Array(week.prefix(7)) + Array(repeating: [], count: max(0, 7 - week.count))
        self.holidays = Array(Set(holidays)).sorted()
    }

    /// Equal calendars: the same zone, week and holidays.
    public static func == (a: WorkingHours, b: WorkingHours) -> Bool {
        a.timeZone == b.timeZone && a.week == b.week && a.holidays == b.holidays
    }

    /// Every day `00:00-24:00`: a calendar that only has holidays.
    public static let allDay: [[Span]] = Array(repeating: [Span(start: 0, end: 1440)], count: 7)

    /// True when no weekday has any working time.
    public var hasNoWorkingTime: Bool { week.allSatisfy(\.isEmpty) }

    // MARK: Questions

    /// True when `t` is inside one of the rep's working spans (and not on a holiday).
    public func isWorking(at t: Timestamp) -> Bool {
        let ms = t.millisecondsSinceEpoch
        let offset = offsetMs(ms)
        let localDay = floorDiv(ms + offset, Self.dayMs)
        // Away from any offset change (checked a day either side) local time is `t + offset`.
        if offsetMs(ms - Self.dayMs) == offset && offsetMs(ms + Self.dayMs) == offset {
            guard !isHoliday(localDay) else { return false }
            let minute = Int(floorMod(ms + offset, Self.dayMs) / 60_000)
            return week[Self.weekday(localDay)].contains { $0.start <= minute && minute < $0.end }
        }
        for day in (localDay - 1)...(localDay + 1) where !isHoliday(day) {
            for span in week[Self.weekday(day)] {
                let (a, b) = interval(day, span)
                if a <= ms && ms < b { return true }
            }
        }
        return false
    }

    /// The instant when `businessDuration` of working time has elapsed from `t`, counting only
    /// working spans (a `t` outside them starts counting at the next span). Nil when the calendar
    /// has no working time within `searchHorizonDays` days of `t`: the caller then falls back to
    /// wall time. A zero or negative duration is due at `t`.
    public func due(from t: Timestamp, businessDuration: Duration) -> Timestamp? {
        var remaining = businessDuration.milliseconds
        guard remaining > 0 else { return t }
        guard !hasNoWorkingTime else { return nil }
        var cursor = t.millisecondsSinceEpoch
        // One day back: a span of the previous local day may still be running at `t`.
        let first = floorDiv(cursor + offsetMs(cursor), Self.dayMs) - 1
        for day in first..<(first + Int64(Self.searchHorizonDays)) where !isHoliday(day) {
            for span in week[Self.weekday(day)] {
                let (a, b) = interval(day, span)
                let start = max(a, cursor)
                guard b > start else { continue }
                if remaining <= b - start { return Timestamp(millisecondsSinceEpoch: start + remaining) }
                remaining -= b - start
                cursor = b
            }
        }
        return nil
    }

    // MARK: Local time

    static let dayMs: Int64 = 86_400_000

    /// Monday 0 ... Sunday 6 of a day number (1970-01-01 was a Thursday).
    static func weekday(_ day: Int64) -> Int { Int(floorMod(day + 3, 7)) }

    func isHoliday(_ day: Int64) -> Bool {
        guard !holidays.isEmpty else { return false }
        var lo = 0, hi = holidays.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if holidays[mid] < day { lo = mid + 1 } else { hi = mid }
        }
        return lo < holidays.count && holidays[lo] == day
    }

    /// The zone's UTC offset at instant `ms`, in milliseconds.
    func offsetMs(_ ms: Int64) -> Int64 {
        offsets.offsetMs(atSecond: floorDiv(ms, 1000))
    }

    /// The instants a span of local day `day` covers: `[first(day + start), first(day + end))`.
    func interval(_ day: Int64, _ span: Span) -> (Int64, Int64) {
        let midnight = day * Self.dayMs
        return (firstInstant(atOrAfterLocal: midnight + Int64(span.start) * 60_000),
                firstInstant(atOrAfterLocal: midnight + Int64(span.end) * 60_000))
    }

    /// The first instant whose local time is at or after local time `local` (both in ms; local
    /// time is `instant + offset(instant)`). Offsets change rarely: assuming at most one change
    /// within a day of `local`, the answer has the offset in force a day before or a day after.
    /// When neither fits, `local` is in a spring-forward gap and the answer is the change itself,
    /// found by bisection (local time only moves forward across such a change).
    func firstInstant(atOrAfterLocal local: Int64) -> Int64 {
        let before = offsetMs(local - Self.dayMs)
        let after = offsetMs(local + Self.dayMs)
        var best: Int64?
        // Each offset in force near `local` tried in turn (no array per call: this runs for every
        // span end of every business-hours SLA).
        func consider(_ offset: Int64) {
            let candidate = local - offset
            if candidate + offsetMs(candidate) == local { best = min(best ?? candidate, candidate) }
        }
        consider(before)
        if after != before { consider(after) }
        if let best { return best }
        // Gap: local - max(offsets) reads earlier than `local`, local - min(offsets) later.
        var lo = local - max(before, after), hi = local - min(before, after)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if mid + offsetMs(mid) >= local { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func dayNumber(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `YYYY-MM-DD` of a day number (the inverse of `dayNumber`).
    static func dateString(_ days: Int64) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}

extension WorkingHours {
    /// A zone by IANA name (`America/New_York`, `Etc/GMT+5`, `UTC`), nil when the name is not
    /// one of the time zone database's. Foundation alone would also take offsets such as `GMT+5`
    /// (UTC+5) or `UTC-3`, which read the opposite way round from IANA's `Etc/GMT+5` (UTC-5):
    /// one calendar spelled two ways with opposite meanings is a trap, so only database names
    /// are accepted.
    public static func zone(named name: String) -> TimeZone? {
        guard !name.isEmpty, name.utf8.count <= 64, let zone = TimeZone(identifier: name) else { return nil }
        // Foundation turns an offset it parsed itself into a fixed zone named `GMT+0500`; every
        // name of the database keeps its own (`Etc/GMT+5`, `UTC` as `GMT`, `GMT+0` as `GMT`).
        let resolved = zone.identifier.utf8
        if resolved.count > 3, resolved.starts(with: "GMT".utf8),
           let sign = resolved.dropFirst(3).first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            return nil
        }
        return zone
    }

    /// A zone named in a snapshot: any name Foundation knows, since a build before the IANA-only
    /// rule may have written an offset name, and the calendar must restore as it ran.
    static func zone(restoring name: String) -> TimeZone? {
        guard !name.isEmpty, name.utf8.count <= 64 else { return nil }
        return TimeZone(identifier: name)
    }

    /// Parses `HH:MM-HH:MM` (24-hour local time, end after start, `24:00` allowed as an end).
    /// Returns nil with nothing else to say: the caller names the field.
    public static func parseSpan(_ text: String) -> Span? {
        let bytes = Array(text.utf8)
        guard bytes.count == 11, bytes[5] == UInt8(ascii: "-") else { return nil }
        func clock(_ at: Int) -> Int? {
            let digits = [bytes[at], bytes[at + 1], bytes[at + 3], bytes[at + 4]]
            guard bytes[at + 2] == UInt8(ascii: ":"),
                  digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            let v = digits.map { Int($0 - UInt8(ascii: "0")) }
            let hours = v[0] * 10 + v[1], minutes = v[2] * 10 + v[3]
            guard minutes < 60, hours < 24 || (hours == 24 && minutes == 0) else { return nil }
            return hours * 60 + minutes
        }
        guard let start = clock(0), let end = clock(6), start < end, start < 1440 else { return nil }
        return Span(start: start, end: end)
    }

    /// Parses `YYYY-MM-DD` into a day number; nil when malformed or not a real date.
    public static func parseDate(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var n: Int64 = 0
            for k in range {
                guard bytes[k] >= UInt8(ascii: "0") && bytes[k] <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int64(bytes[k] - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= lengths[Int(m - 1)] else { return nil }
        return dayNumber(year: y, month: m, day: d)
    }

    /// `HH:MM-HH:MM` of a span.
    public static func spanString(_ span: Span) -> String {
        func clock(_ minutes: Int) -> String {
            let h = minutes / 60, m = minutes % 60
            return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
        }
        return clock(span.start) + "-" + clock(span.end)
    }
}
