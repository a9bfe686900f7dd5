import LeadScoreCore

/// The models a daemon scores with: the live one, which scores, routes and decides, and an
/// optional challenger scored beside it on the same events, which only scores (its bucket changes
/// go to the challenger topic).
public struct ScoringModels: Sendable {
    /// The model in force.
    public var live: ScoringConfig
    /// The candidate compared with it live (`challenger.config`); nil: none.
    public var challenger: ScoringConfig?

    public init(live: ScoringConfig, challenger: ScoringConfig? = nil) {
        self.live = live
        self.challenger = challenger
    }

    /// The value of the `model` field on the challenger topic.
    public static let challengerName = "challenger"
}
