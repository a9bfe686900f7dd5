import Foundation
import Synchronization

/// A time zone's UTC offsets from 1970 to 2100 as a table of transitions, read without a lock.
///
/// `TimeZone.secondsFromGMT(for:)` takes a lock and asks ICU on every call, and a business-hours
/// SLA asks it a dozen times per computation (every span end of every day it walks). The offset
/// only changes at the zone's transitions, a few hundred in 130 years, so this lists them once
/// (Foundation's own `nextDaylightSavingTimeTransition`, which reports standard-offset changes
/// too) and answers by binary search. The answers are Foundation's: each entry's offset was read
/// from Foundation at the instant it starts, and an instant outside the table asks Foundation.
///
/// Immutable once built and shared by every calendar in the zone (`ZoneOffsets.of`).
final class ZoneOffsets: Sendable {
    /// Seconds since the epoch covered by the table: 1970-01-01 to 2100-01-01.
    static let covered: Range<Int64> = 0..<4_102_444_800

    let zone: TimeZone
    /// Where each offset starts (seconds since the epoch), ascending; `starts[0]` is
    /// `covered.lowerBound`, and `offsetsMs[i]` holds from `starts[i]` up to `starts[i + 1]`.
    private let starts: [Int64]
    private let offsetsMs: [Int64]

    init(zone: TimeZone) {
        self.zone = zone
        var starts = [Self.covered.lowerBound]
        var offsets = [Self.foundationOffsetMs(zone, second: Self.covered.lowerBound)]
        var cursor = Date(timeIntervalSince1970: Double(Self.covered.lowerBound))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next > cursor {
            let second = Int64(next.timeIntervalSince1970.rounded(.down))
            guard second < Self.covered.upperBound else { break }
            let offset = Self.foundationOffsetMs(zone, second: second)
            if offset != offsets[offsets.count - 1] {
                starts.append(second)
                offsets.append(offset)
            }
            cursor = next
        }
        self.starts = starts
        self.offsetsMs = offsets
    }

    /// The number of offsets in the table (one more than its transitions).
    var count: Int { starts.count }

    /// The zone's UTC offset in milliseconds at the instant `second` (seconds since the epoch).
    @inline(__always)
    func offsetMs(atSecond second: Int64) -> Int64 {
        guard Self.covered.contains(second) else { return Self.foundationOffsetMs(zone, second: second) }
        // The last start at or before `second` (starts[0] is the table's lower bound).
        var lo = 0, hi = starts.count
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if starts[mid] <= second { lo = mid } else { hi = mid }
        }
        return offsetsMs[lo]
    }

    static func foundationOffsetMs(_ zone: TimeZone, second: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second)))) * 1000
    }

    /// The table of `zone`, built on first use and kept for the process (one per zone name; a
    /// few kilobytes each, and the database has a few hundred names).
    static func of(_ zone: TimeZone) -> ZoneOffsets {
        let name = zone.identifier
        if let known = tables.withLock({ $0[name] }) { return known }
        // Built outside the lock: two callers racing on a new zone build equal tables, one kept.
        let built = ZoneOffsets(zone: zone)
        return tables.withLock { tables in
            if let known = tables[name] { return known }
            tables[name] = built
            return built
        }
    }

    private static let tables = Mutex<[String: ZoneOffsets]>([:])
}
