import LeadScoreCore
import Synchronization

/// The one owner of the process's rep state (roster, windows, availability, load).
///
/// Rep state is global: the rep feed applies rep events and other instances' routing decisions
/// to it, partition workers route through it, HTTP reads the leaderboard. Each of them holds the
/// lock only for its own short step (one scoring call, one drained batch of rep events, one
/// leaderboard), never across I/O.
final class RepState: Sendable {
    private let book: Mutex<RepBook>

    init(_ reps: RepBook) {
        book = Mutex(reps)
    }

    /// Runs `body` with the rep book (a worker's scoring step, the rep feed's batch).
    func withBook<R, E: Error>(_ body: (inout RepBook) throws(E) -> R) throws(E) -> R {
        try book.withLock { (reps: inout RepBook) throws(E) -> R in try body(&reps) }
    }

    /// The leaderboard at the rep book's own clock.
    func leaderboard() -> [RepView] {
        book.withLock { $0.leaderboard(at: $0.clock) }
    }
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
            state.withBook {
                $0.route(bucket: bucket, at: at, country: country, region: region, currentOwner: currentOwner,
                         accountID: accountID, accountOwner: accountOwner, holdout: holdout)
            }
        }

        func firstTouchDue(repID: String?, from: Timestamp, sla: Duration, clock: SLAClock) -> FirstTouchDue {
            state.withBook { $0.firstTouchDue(repID: repID, from: from, sla: sla, clock: clock) }
        }

        mutating func reroute(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                              holdout: Bool, excluding: [String]) -> RoutingDecision {
            state.withBook {
                $0.reroute(bucket: bucket, at: at, country: country, region: region, holdout: holdout, excluding: excluding)
            }
        }

        mutating func recordBreach(repID: String, at: Timestamp) {
            state.withBook { $0.recordBreach(repID: repID, at: at) }
        }
    }

    /// A desk over this rep state.
    var desk: Desk { Desk(state: self) }
}
