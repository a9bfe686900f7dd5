import Testing
@testable import LeadScoreCore

@Suite("Timestamp RFC 3339")
struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1970-01-01T00:00:01z", 1000),
        ("1970-01-01t00:00:00.5Z", 500),
        ("1970-01-01T00:00:00.25Z", 250),
        ("1970-01-01T00:00:00.123Z", 123),
        ("1970-01-01T00:00:00.123999999Z", 123), // truncated, not rounded
        ("1970-01-01T01:00:00+01:00", 0),
        ("1969-12-31T19:00:00-05:00", 0),
        ("1970-01-01T00:00:00-00:00", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2026-11-24T10:15:00Z", 1_795_515_300_000),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("2000-03-01T00:00:00+05:30", 951_849_000_000),
    ])
    func parses(_ text: String, _ millis: Int64) throws {
        #expect(try Timestamp(rfc3339: text).millisecondsSinceEpoch == millis)
    }

    @Test(arguments: [
        "", "2026", "2026-11-24", "2026-11-24T10:15Z", "2026-11-24T10:15:00", "2026-11-24 10:15:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:15:60Z", "2026-11-24T10:15:00.Z",
        "2026-11-24T10:15:00+0100", "2026-11-24T10:15:00+01", "2026-11-24T10:15:00+24:00", "2026-11-24T10:15:00Zjunk",
        "26-11-24T10:15:00Z", "2026-1-24T10:15:00Z", "+2026-11-24T10:15:00Z", " 2026-11-24T10:15:00Z",
    ])
    func rejects(_ text: String) {
        #expect(throws: EventDecodingError.self) { try Timestamp(rfc3339: text) }
    }

    @Test(arguments: ["1970-01-01T00:00:00Z", "2026-11-24T10:15:00.250Z", "1999-12-31T23:59:59.001Z", "2400-02-29T00:00:00Z"])
    func roundTrips(_ text: String) throws {
        #expect(try Timestamp(rfc3339: text).rfc3339 == text)
    }

    @Test("formatting outside four-digit years and at the edges of a day", arguments: [
        (Int64(-1), "1969-12-31T23:59:59.999Z"), (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        (253_402_300_800_000, "10000-01-01T00:00:00Z"), (-62_167_219_200_001, "-1-12-31T23:59:59.999Z"),
        (1_795_515_300_010, "2026-11-24T10:15:00.010Z"),
    ])
    func formats(ms: Int64, text: String) {
        #expect(Timestamp(millisecondsSinceEpoch: ms).rfc3339 == text)
    }

    @Test("the UTC day is floored, before the epoch too", arguments: [
        (Int64(0), Int64(0)), (86_399_999, 0), (86_400_000, 1), (-1, -1), (-86_400_000, -1), (-86_400_001, -2),
    ])
    func utcDay(ms: Int64, day: Int64) {
        #expect(Timestamp(millisecondsSinceEpoch: ms).utcDay == day)
    }
}
