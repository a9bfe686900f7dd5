/// How a bucket's first-touch SLA is counted from the routing moment.
public enum SLAClock: String, Sendable, Equatable, CaseIterable {
    /// Elapsed wall time: `sla_due_at = routed at + SLA`.
    case wall
    /// The chosen rep's working time (`working_hours`, `holidays`, `time_zone` on the roster).
    /// A rep without a calendar, no rep, or a calendar with no working time within a year counts
    /// wall time instead.
    case business
}
