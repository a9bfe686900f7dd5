import LeadScoreCore
import Synchronization

/// The latest routing decisions for the dashboard, at most `limit`: a ring every partition
/// worker writes into, newest over oldest.
///
/// A worker holds the lock only to swap its decision into a slot; the decision it displaces (its
/// strings and candidate list) is released after the lock, so two workers routing at once do not
/// wait on each other's frees.
final class RecentRouting: Sendable {
    static let limit = 50

    private struct Ring {
        var slots = [LeadRouted?](repeating: nil, count: RecentRouting.limit)
        /// Decisions appended so far; the next one goes to `appended % limit`.
        var appended = 0
    }

    private let ring = Mutex(Ring())

    init() {}

    func append(_ routed: LeadRouted) {
        var entry: LeadRouted? = routed
        ring.withLock { r in
            swap(&entry, &r.slots[r.appended % Self.limit])
            r.appended += 1
        }
        // `entry` now holds the displaced decision, released here.
    }

    /// Newest first.
    var newestFirst: [LeadRouted] {
        ring.withLock { r in
            (0..<min(r.appended, Self.limit)).compactMap { k in r.slots[(r.appended - 1 - k) % Self.limit] }
        }
    }
}
