import LeadScoreCore

/// The loads and breaches this process counted on the reps that the rep feed has not yet read
/// back from the routing topic.
///
/// Rep state is checkpointed as a function of the topics alone: everything the rep events and
/// routing topics hold below the checkpoint's positions, and nothing else. This process counts its
/// own decisions the moment it makes them (so a burst of routings sees its own load), before they
/// reach the routing topic; a checkpoint taken then takes them back out (`RepBook.releaseLoad`,
/// `releaseBreach`), and a restore counts them once, when its feed reads their records past the
/// checkpoint's positions. An entry leaves when the feed reads its record (this process's instance
/// header) or when a replay finds the decision already written and takes its count back.
struct OwnDecisions: Sendable, Equatable {
    /// What was counted.
    enum Kind: UInt8, Sendable {
        case load
        case breach
    }

    /// One counted decision: a kind, a rep and the UTC day it was counted on.
    struct Key: Hashable, Sendable {
        var kind: Kind
        var repID: String
        var day: Int64

        init(_ kind: Kind, repID: String, at: Timestamp) {
            self.kind = kind
            self.repID = repID
            day = at.utcDay
        }

        /// A moment on the key's day (what the release calls take).
        var moment: Timestamp { Timestamp(millisecondsSinceEpoch: day &* 86_400_000) }
    }

    private(set) var counts: [Key: Int] = [:]

    /// Decisions not yet read back.
    var total: Int { counts.values.reduce(0, +) }

    mutating func add(_ key: Key) { counts[key, default: 0] += 1 }

    /// Forgets one decision of `key`; nothing when none is held.
    mutating func remove(_ key: Key) {
        guard let n = counts[key] else { return }
        counts[key] = n > 1 ? n - 1 : nil
    }

    /// `book` without this process's decisions not yet in the routing topic.
    func released(from book: RepBook) -> RepBook {
        var copy = book
        for (key, n) in counts {
            for _ in 0..<n {
                switch key.kind {
                case .load: copy.releaseLoad(repID: key.repID, at: key.moment)
                case .breach: copy.releaseBreach(repID: key.repID, at: key.moment)
                }
            }
        }
        return copy
    }
}
