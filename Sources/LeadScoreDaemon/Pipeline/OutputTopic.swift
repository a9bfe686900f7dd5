import LeadScoreCore

/// The daemon's output topics as a small closed set, so keys that name an output (a dedupe
/// key, a delivery token, a delivered position) carry one byte instead of a topic name.
enum OutputTopic: UInt8, Sendable, Hashable, CaseIterable {
    case scores = 0
    case routing = 1
    case enrichment = 2
    case deadLetter = 3
    /// The challenger's bucket changes (only while one is configured).
    case challenger = 4

    /// The output topics this configuration writes: the challenger's only with a challenger.
    static func written(in topics: DaemonConfiguration.Topics) -> [OutputTopic] {
        allCases.filter { $0 != .challenger || topics.hasChallenger }
    }

    /// The topic an output kind goes to (an erasure's first tombstone topic for `lead_erased`).
    init(_ kind: OutputEvent.Kind) {
        self.init(kind.topic)
    }

    /// One of the three topics of the engine's outputs.
    init(_ topic: LeadErased.Topic) {
        switch topic {
        case .scores: self = .scores
        case .routing: self = .routing
        case .enrichment: self = .enrichment
        }
    }

    /// The configured name of this topic.
    func name(in topics: DaemonConfiguration.Topics) -> String {
        switch self {
        case .scores: topics.scores
        case .routing: topics.routing
        case .enrichment: topics.enrichment
        case .deadLetter: topics.deadLetter
        case .challenger: topics.challenger
        }
    }

    /// The output topic with this configured name, nil for another topic.
    init?(name: String, in topics: DaemonConfiguration.Topics) {
        guard let topic = Self.written(in: topics).first(where: { $0.name(in: topics) == name }) else { return nil }
        self = topic
    }
}

/// An output already in the output topics (found by the recovery scan), as a typed key: its topic
/// and its dedupe key (the `leadscore-dedupe` header).
struct OutputKey: Sendable, Hashable {
    var topic: OutputTopic
    var dedupe: String
}
