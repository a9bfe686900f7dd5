import LeadScoreCore
import Synchronization

/// The one owner of the process's rep state (roster, windows, availability, load).
///
/// Rep state is global: the rep feed applies rep events and other instances' routing decisions
/// to it, partition workers route through it, HTTP reads the leaderboard. Each of them holds the
/// lock only for its own short step (one scoring call, one drained batch of rep events, one
/// leaderboard), never across I/O.
///
/// Beside the book it keeps this process's decisions not yet read back from the routing topic
/// (`OwnDecisions`), under the same lock, so a checkpoint (`checkpointBook`) holds what the
/// topics say and a restart never counts a decision twice.
final class RepState: Sendable {
    private struct Held: Sendable {
        var book: RepBook
        var own = OwnDecisions()

        /// Notes a decision the book just made: the load it counted on its rep, if any.
        mutating func noteLoad(of decision: RoutingDecision, at: Timestamp) -> RoutingDecision {
            if let rep = decision.repID, !decision.sticky { own.add(OwnDecisions.Key(.load, repID: rep, at: at)) }
            return decision
        }
    }

    private let held: Mutex<Held>

    init(_ reps: RepBook) {
        held = Mutex(Held(book: reps))
    }

    /// Runs `body` with the rep book (the rep feed's batch, a reload).
    func withBook<R, E: Error>(_ body: (inout RepBook) throws(E) -> R) throws(E) -> R {
        try held.withLock { (h: inout Held) throws(E) -> R in try body(&h.book) }
    }

    /// Runs `body` with the book and the decisions not yet read back (the rep feed's batch).
    func withBookAndOwn<R, E: Error>(_ body: (inout RepBook, inout OwnDecisions) throws(E) -> R) throws(E) -> R {
        try held.withLock { (h: inout Held) throws(E) -> R in try body(&h.book, &h.own) }
    }

    /// The leaderboard at the rep book's own clock.
    func leaderboard() -> [RepView] {
        held.withLock { $0.book.leaderboard(at: $0.book.clock) }
    }

    /// Takes back a decision a replay made again after a restore that the routing topic already
    /// held (it was counted when its record was read, or when this process first made it).
    func releaseReplayed(_ kind: OwnDecisions.Kind, repID: String, at: Timestamp) {
        held.withLock { h in
            switch kind {
            case .load: h.book.releaseLoad(repID: repID, at: at)
            case .breach: h.book.releaseBreach(repID: repID, at: at)
            }
            h.own.remove(OwnDecisions.Key(kind, repID: repID, at: at))
        }
    }

    /// The book as the topics alone make it: without this process's decisions the feed has not read
    /// back yet. Copied under the lock, released outside it.
    func checkpointBook() -> RepBook {
        let (book, own) = held.withLock { ($0.book, $0.own) }
        return own.released(from: book)
    }

    /// This process's decisions not yet read back (for tests and the log).
    var unreadOwnDecisions: Int { held.withLock { $0.own.total } }
}

extension RepState {
    /// The routing desk partition workers score with: each routing call (assignment, decision,
    /// first-touch due on the rep's calendar) takes the rep state's lock for itself alone, so
    /// workers score events in parallel and meet only when a transition is routed.
    struct Desk: RoutingDesk {
        let state: RepState

        mutating func takeAssignment(leadID: String) -> String? {
            state.withBook { $0.takeAssignment(leadID: leadID) }
        }

        mutating func route(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                            currentOwner: String?, accountID: String?, accountOwner: String?,
                            holdout: Bool) -> RoutingDecision {
            state.held.withLock { h in
                h.noteLoad(of: h.book.route(bucket: bucket, at: at, country: country, region: region, currentOwner: currentOwner,
                                            accountID: accountID, accountOwner: accountOwner, holdout: holdout), at: at)
            }
        }

        func firstTouchDue(repID: String?, from: Timestamp, sla: Duration, clock: SLAClock) -> FirstTouchDue {
            state.withBook { $0.firstTouchDue(repID: repID, from: from, sla: sla, clock: clock) }
        }

        mutating func reroute(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                              holdout: Bool, excluding: [String]) -> RoutingDecision {
            state.held.withLock { h in
                h.noteLoad(of: h.book.reroute(bucket: bucket, at: at, country: country, region: region, holdout: holdout,
                                              excluding: excluding), at: at)
            }
        }

        mutating func recordBreach(repID: String, at: Timestamp) {
            state.held.withLock { h in
                h.book.recordBreach(repID: repID, at: at)
                h.own.add(OwnDecisions.Key(.breach, repID: repID, at: at))
            }
        }
    }

    /// A desk over this rep state.
    var desk: Desk { Desk(state: self) }
}
