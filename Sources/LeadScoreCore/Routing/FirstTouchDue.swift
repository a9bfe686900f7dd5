/// When a routed lead's first touch is due, and by which clock it was counted.
public struct FirstTouchDue: Sendable, Equatable {
    /// The due moment (`sla_due_at`).
    public var at: Timestamp
    /// The clock actually used: `wall` when the bucket counts wall time, and also when it counts
    /// business time but the rep has no calendar, there is no rep, or the calendar has no working
    /// time within `WorkingHours.searchHorizonDays` (the fallback).
    public var clock: SLAClock

    /// Creates a due moment.
    public init(at: Timestamp, clock: SLAClock) {
        self.at = at
        self.clock = clock
    }
}
