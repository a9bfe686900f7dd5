import Foundation
import Testing
@testable import LeadScoreCore

/// Business-hours arithmetic, every expected instant worked out by hand in the comments.
@Suite("WorkingHours: working time and business-hours due moments")
struct WorkingHoursTests {
    static func t(_ text: String) -> Timestamp {
        (try? Timestamp(rfc3339: text)) ?? Timestamp(millisecondsSinceEpoch: 0)
    }

    static func calendar(_ zone: String, _ days: [String: [String]], holidays: [String] = []) -> WorkingHours {
        var week = [[WorkingHours.Span]](repeating: [], count: 7)
        for (key, spans) in days {
            week[WorkingHours.weekdayKeys.firstIndex(of: key)!] = spans.map { WorkingHours.parseSpan($0)! }
        }
        return WorkingHours(timeZone: WorkingHours.zone(named: zone)!, week: week,
                            holidays: holidays.map { WorkingHours.parseDate($0)! })
    }

    static let weekdays = ["mon", "tue", "wed", "thu", "fri"]
    /// New York, 09:00-17:00 Monday to Friday, Thanksgiving 2026 off.
    static let newYork = calendar("America/New_York", Dictionary(uniqueKeysWithValues: weekdays.map { ($0, ["09:00-17:00"]) }),
                                  holidays: ["2026-11-26"])
    /// UTC, with a lunch break on Mondays.
    static let lunch = calendar("UTC", ["mon": ["09:00-12:00", "13:00-17:30"], "tue": ["09:00-17:00"]])

    struct DueCase: CustomTestStringConvertible, Sendable {
        var name: String
        var calendar: WorkingHours
        var from: String
        var hours: Double
        var due: String
        var testDescription: String { name }
    }

    static let dueCases: [DueCase] = [
        // Fri 2026-10-30 16:30 EDT (20:30Z): Fri 0.5h; DST ends Sun Nov 1; Mon 8h (8.5), Tue 8h
        // (16.5), Wed Nov 4 09:00 EST + 7.5h = 16:30 EST = 21:30Z.
        DueCase(name: "24 business hours from Friday 16:30 across the November DST end", calendar: newYork,
                from: "2026-10-30T20:30:00Z", hours: 24, due: "2026-11-04T21:30:00Z"),
        // The same a week before DST ends: Wed Oct 28 16:30 EDT = 20:30Z (an hour earlier in UTC).
        DueCase(name: "the same without a DST change", calendar: newYork,
                from: "2026-10-23T20:30:00Z", hours: 24, due: "2026-10-28T20:30:00Z"),
        // Wed Nov 25 16:00 EST (21:00Z): Wed 1h, Thu holiday, Fri 09:00 + 7h = 16:00 EST = 21:00Z.
        DueCase(name: "a holiday is skipped", calendar: newYork,
                from: "2026-11-25T21:00:00Z", hours: 8, due: "2026-11-27T21:00:00Z"),
        // Sat: nothing; Mon Nov 2 09:00 EST = 14:00Z, + 1h.
        DueCase(name: "a weekend start counts from Monday's first span", calendar: newYork,
                from: "2026-10-31T15:00:00Z", hours: 1, due: "2026-11-02T15:00:00Z"),
        // Ending exactly at a span's end: Fri 16:00 EDT + 1h = 17:00 EDT = 21:00Z.
        DueCase(name: "due exactly at the end of a span", calendar: newYork,
                from: "2026-10-30T20:00:00Z", hours: 1, due: "2026-10-30T21:00:00Z"),
        // Mon 2026-06-01 11:00Z: 1h to noon, lunch, 13:00 + 1h.
        DueCase(name: "a lunch break is not counted", calendar: lunch,
                from: "2026-06-01T11:00:00Z", hours: 2, due: "2026-06-01T14:00:00Z"),
        // Mon 11:00: 1h + 4.5h = 5.5h on Monday, then Tue 09:00 + 0.5h.
        DueCase(name: "past the last span of the day into the next day", calendar: lunch,
                from: "2026-06-01T11:00:00Z", hours: 6, due: "2026-06-02T09:30:00Z"),
        // During lunch: counting starts at 13:00.
        DueCase(name: "from inside the lunch break", calendar: lunch,
                from: "2026-06-01T12:20:00Z", hours: 0.5, due: "2026-06-01T13:30:00Z"),
        // Sun Mar 8 2026, spring forward at 02:00 EST: 01:00-04:00 local is 06:00Z-08:00Z, 2h; the
        // third hour is on Sun Mar 15 01:00 EDT = 05:00Z, + 1h.
        DueCase(name: "a span across the spring-forward gap is an hour shorter",
                calendar: calendar("America/New_York", ["sun": ["01:00-04:00"]]),
                from: "2026-03-07T12:00:00Z", hours: 3, due: "2026-03-15T06:00:00Z"),
        // Sun Nov 1 2026, fall back at 02:00 EDT: 00:00-03:00 local is 04:00Z-08:00Z, 4h.
        DueCase(name: "a span across the fall-back hour is an hour longer",
                calendar: calendar("America/New_York", ["sun": ["00:00-03:00"]]),
                from: "2026-10-31T12:00:00Z", hours: 4, due: "2026-11-01T08:00:00Z"),
        // A span starting inside the gap (02:30 does not exist on Mar 8) starts when the clock
        // jumps, 03:00 EDT = 07:00Z, and ends at 03:30 EDT = 07:30Z.
        DueCase(name: "a span starting inside the gap starts at the jump",
                calendar: calendar("America/New_York", ["sun": ["02:30-03:30"]]),
                from: "2026-03-08T00:00:00Z", hours: 0.25, due: "2026-03-08T07:15:00Z"),
        // Tokyo has no DST: Mon 2026-06-01 09:00 JST = 00:00Z, + 8h = 17:00 JST = 08:00Z.
        DueCase(name: "a zone east of UTC", calendar: calendar("Asia/Tokyo", ["mon": ["09:00-17:00"]]),
                from: "2026-05-31T23:00:00Z", hours: 8, due: "2026-06-01T08:00:00Z"),
        // Holidays alone: every day, all day, except Dec 25: Dec 24 12:00Z + 24h skips the 25th.
        DueCase(name: "holidays alone: every other day counts in full",
                calendar: WorkingHours(timeZone: WorkingHours.zone(named: "UTC")!, week: WorkingHours.allDay,
                                       holidays: [WorkingHours.parseDate("2026-12-25")!]),
                from: "2026-12-24T12:00:00Z", hours: 24, due: "2026-12-26T12:00:00Z"),
    ]

    @Test(arguments: dueCases)
    func due(_ c: DueCase) throws {
        let due = try #require(c.calendar.due(from: Self.t(c.from), businessDuration: .milliseconds(Int64(c.hours * 3_600_000))))
        #expect(due == Self.t(c.due), "\(due)")
    }

    @Test("a calendar with no working time has no due moment, so the caller falls back to wall time")
    func noWorkingTime() {
        let empty = WorkingHours(timeZone: WorkingHours.zone(named: "UTC")!, week: Array(repeating: [], count: 7))
        #expect(empty.due(from: Self.t("2026-06-01T00:00:00Z"), businessDuration: .seconds(3600)) == nil)
        #expect(!empty.isWorking(at: Self.t("2026-06-01T10:00:00Z")))
        // Working time exists but every working day is a holiday within the horizon: bounded, nil.
        let mondays = (0..<60).map { WorkingHours.dayNumber(year: 2026, month: 6, day: 1) + 7 * Int64($0) }
        let onlyHolidays = WorkingHours(timeZone: WorkingHours.zone(named: "UTC")!, week: [[.init(start: 0, end: 60)]] + Array(repeating: [], count: 6),
                                        holidays: mondays)
        #expect(onlyHolidays.due(from: Self.t("2026-06-01T00:00:00Z"), businessDuration: .seconds(3600)) == nil)
        // Zero is due at once.
        #expect(Self.newYork.due(from: Self.t("2026-10-31T15:00:00Z"), businessDuration: .zero) == Self.t("2026-10-31T15:00:00Z"))
    }

    @Test("routing's fallback: no calendar, no rep, or no working time count wall time; the decision says which")
    func deskFallback() {
        var book = RepBook(config: ScoringConfig())
        let roster = { (id: String, hours: WorkingHours?) in
            _ = book.apply(.repRoster(RepRosterEvent(eventID: id, occurredAt: Self.t("2026-06-01T00:00:00Z"), repID: id, name: id,
                                                 active: true, capacityPerDay: 5, workingHours: hours)))
        }
        roster("plain", nil)
        roster("ny", Self.newYork)
        roster("never", WorkingHours(timeZone: WorkingHours.zone(named: "UTC")!, week: Array(repeating: [], count: 7)))
        let from = Self.t("2026-10-30T20:30:00Z")
        let wall = FirstTouchDue(at: Self.t("2026-10-31T20:30:00Z"), clock: .wall)
        #expect(book.firstTouchDue(repID: "ny", from: from, sla: .seconds(86_400), clock: .business)
            == FirstTouchDue(at: Self.t("2026-11-04T21:30:00Z"), clock: .business))
        #expect(book.firstTouchDue(repID: "ny", from: from, sla: .seconds(86_400), clock: .wall) == wall)
        #expect(book.firstTouchDue(repID: "plain", from: from, sla: .seconds(86_400), clock: .business) == wall)
        #expect(book.firstTouchDue(repID: "never", from: from, sla: .seconds(86_400), clock: .business) == wall)
        #expect(book.firstTouchDue(repID: nil, from: from, sla: .seconds(86_400), clock: .business) == wall)
        #expect(book.firstTouchDue(repID: "unknown", from: from, sla: .seconds(86_400), clock: .business) == wall)
    }

    @Test("working or not at an instant", arguments: [
        ("2026-10-30T20:59:59Z", true),   // Fri 16:59:59 EDT
        ("2026-10-30T21:00:00Z", false),  // Fri 17:00 EDT: the end is exclusive
        ("2026-10-30T13:00:00Z", true),   // Fri 09:00 EDT
        ("2026-10-30T12:59:59Z", false),  // Fri 08:59:59 EDT
        ("2026-10-31T15:00:00Z", false),  // Saturday
        ("2026-11-02T13:59:59Z", false),  // Mon 08:59:59 EST (13:59Z was 09:59 EDT a week earlier)
        ("2026-11-02T14:00:00Z", true),   // Mon 09:00 EST
        ("2026-11-26T15:00:00Z", false),  // Thanksgiving, a holiday
        ("2026-11-27T15:00:00Z", true),   // the Friday after
    ])
    func isWorking(_ instant: String, _ expected: Bool) {
        #expect(Self.newYork.isWorking(at: Self.t(instant)) == expected)
    }

    @Test("near a DST change the exact intervals decide (fall-back: the span's repeated hour counts once per reading)")
    func isWorkingNearTransitions() {
        let sunday = Self.calendar("America/New_York", ["sun": ["00:00-01:30"]])
        // Nov 1: 00:00 EDT = 04:00Z to the first 01:30 (EDT) = 05:30Z; the second 01:00-01:30 (EST,
        // 06:00Z-06:30Z) comes after the span ended.
        #expect(sunday.isWorking(at: Self.t("2026-11-01T05:29:00Z")))
        #expect(!sunday.isWorking(at: Self.t("2026-11-01T06:15:00Z")))
        let gap = Self.calendar("America/New_York", ["sun": ["02:30-03:30"]])
        #expect(!gap.isWorking(at: Self.t("2026-03-08T06:59:00Z")))
        #expect(gap.isWorking(at: Self.t("2026-03-08T07:15:00Z")))
        #expect(!gap.isWorking(at: Self.t("2026-03-08T07:30:00Z")))
    }

    @Test("spans and dates parse strictly", arguments: [
        ("09:00-17:30", true), ("00:00-24:00", true), ("23:59-24:00", true), ("9:00-17:00", false), ("09:00-09:00", false),
        ("17:00-09:00", false), ("24:00-24:00", false), ("09:60-10:00", false), ("25:00-26:00", false), ("09:00-24:01", false),
        ("09:00_17:00", false), ("", false),
    ])
    func spans(_ text: String, _ valid: Bool) {
        #expect((WorkingHours.parseSpan(text) != nil) == valid)
    }

    @Test("dates", arguments: [("2026-12-25", true), ("2028-02-29", true), ("2026-02-29", false), ("2026-13-01", false),
                               ("2026-1-01", false), ("2026-04-31", false), ("1970-01-01", true)])
    func dates(_ text: String, _ valid: Bool) {
        let day = WorkingHours.parseDate(text)
        #expect((day != nil) == valid)
        if let day { #expect(WorkingHours.dateString(day) == text) }
    }
}
