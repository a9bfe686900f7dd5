/// A point in event time: milliseconds since the Unix epoch (UTC).
///
/// The scoring core never reads a clock. Every moment it works with comes from an event's own
/// `occurred_at` (or from the caller, as stream time), and keeps its milliseconds so a replay gives
/// the same answer as the live run.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    /// Creates a timestamp from milliseconds since the Unix epoch.
    @inlinable
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    @inlinable
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The UTC day it falls on: days since 1970-01-01 (floored, so moments before the epoch fall on
    /// negative days). Rep load and breaches are counted per such day.
    public var utcDay: Int64 { floorDiv(millisecondsSinceEpoch, 86_400_000) }

    /// The later of two timestamps.
    @inlinable
    public static func latest(_ a: Timestamp, _ b: Timestamp) -> Timestamp { a < b ? b : a }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-24T10:15:00.250Z`
    /// (milliseconds are omitted when zero: `2026-11-24T10:15:00Z`).
    public var description: String { rfc3339 }
}
