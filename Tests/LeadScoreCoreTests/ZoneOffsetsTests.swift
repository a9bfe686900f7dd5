import Foundation
import Testing
@testable import LeadScoreCore

/// The transition table answers what Foundation answers, for every zone of the database.
@Suite("ZoneOffsets: a zone's offsets as a transition table")
struct ZoneOffsetsTests {
    /// Every zone: each transition's second, the second before and after, and instants spread
    /// over the whole table (a step that is not a divisor of an hour or a day, so the samples
    /// fall at every time of day), plus instants outside it.
    @Test("every zone of the database: same offset as Foundation at and around every transition and across 1970-2100")
    func everyZoneMatchesFoundation() {
        var mismatches: [String] = []
        for name in TimeZone.knownTimeZoneIdentifiers {
            guard let zone = TimeZone(identifier: name) else { continue }
            let table = ZoneOffsets(zone: zone)
            func check(_ second: Int64) {
                let expected = ZoneOffsets.foundationOffsetMs(zone, second: second)
                let got = table.offsetMs(atSecond: second)
                if got != expected, mismatches.count < 20 { mismatches.append("\(name) at \(second): \(got) != \(expected)") }
            }
            var cursor = Date(timeIntervalSince1970: 0)
            while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < 4_102_444_800 {
                let second = Int64(next.timeIntervalSince1970.rounded(.down))
                for s in (second - 1)...(second + 1) { check(s) }
                cursor = next
            }
            var s: Int64 = 0
            while s < ZoneOffsets.covered.upperBound {
                check(s)
                s += 86_400 * 29 + 3_607
            }
            for outside in [Int64(-86_400 * 400), -1, ZoneOffsets.covered.upperBound, ZoneOffsets.covered.upperBound + 86_400 * 200] {
                check(outside)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("a zone with daylight saving has its transitions; a fixed zone has one offset")
    func tableSizes() throws {
        let newYork = ZoneOffsets(zone: try #require(TimeZone(identifier: "America/New_York")))
        // Two changes a year since 1970 (1974-75's year-round DST aside): well over 200.
        #expect(newYork.count > 200)
        #expect(newYork.offsetMs(atSecond: 1_781_000_000) == -4 * 3_600_000) // June 2026: EDT
        #expect(newYork.offsetMs(atSecond: 1_796_000_000) == -5 * 3_600_000) // December 2026: EST
        let kolkata = ZoneOffsets(zone: try #require(TimeZone(identifier: "Asia/Kolkata")))
        #expect(kolkata.count == 1)
        #expect(kolkata.offsetMs(atSecond: 1_781_000_000) == 19_800_000)
    }

    @Test("calendars in one zone share one table")
    func shared() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(ZoneOffsets.of(zone) === ZoneOffsets.of(zone))
    }
}
