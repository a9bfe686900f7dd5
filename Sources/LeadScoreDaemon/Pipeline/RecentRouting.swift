import LeadScoreCore
import Synchronization

/// The latest routing decisions for the dashboard, newest last, at most `limit`.
final class RecentRouting: Sendable {
    static let limit = 50
    private let entries = Mutex<[LeadRouted]>([])

    init() {}

    func append(_ routed: LeadRouted) {
        entries.withLock { list in
            list.append(routed)
            if list.count > 2 * Self.limit { list.removeFirst(list.count - Self.limit) }
        }
    }

    /// Newest first.
    var newestFirst: [LeadRouted] { entries.withLock { Array($0.suffix(Self.limit).reversed()) } }
}
