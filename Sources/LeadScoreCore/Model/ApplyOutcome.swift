/// What `LeadBook.apply` did with an event.
///
/// `applied` and `appliedCapped` both mean the event was used; the other cases changed nothing.
public enum ApplyOutcome: Sendable, Equatable {
    /// The event changed lead or account state.
    case applied
    /// An engagement whose points a daily cap (`max_points_per_day`) cut, in part or whole. It
    /// was applied like any other (its lead evaluated, enrichment requested if due): it is not
    /// bad input, and it is told apart so the daemon can count capped events as a metric.
    case appliedCapped
    /// Not a lead event (rep events go to `RepBook`); nothing changed.
    case ignored
    /// `occurred_at` was after the caller's `notAfter` bound; nothing changed (dead-letter it).
    case rejectedFuture
    /// The event names no lead and no account; nothing changed.
    case rejectedMissingKey
}
