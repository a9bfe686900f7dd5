/// What `LeadBook.apply` did with an event.
public enum ApplyOutcome: Sendable, Equatable {
    /// The event changed lead or account state.
    case applied
    /// Not a lead event (rep events go to `RepBook`); nothing changed.
    case ignored
    /// `occurred_at` was after the caller's `notAfter` bound; nothing changed (dead-letter it).
    case rejectedFuture
    /// The event names no lead and no account; nothing changed.
    case rejectedMissingKey
}
