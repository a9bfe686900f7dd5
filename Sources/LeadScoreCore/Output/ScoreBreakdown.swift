/// Why a lead has its score: each quality rule's points and each intent signal class's decayed
/// contribution at the moment of evaluation.
public struct ScoreBreakdown: Sendable, Equatable, Codable {
    /// Quality tier by deal value (`gold`, `premium`, `basic`), nil when unknown or below the floor.
    public var tier: String?
    /// Estimated deal value in USD, nil when unknown.
    public var dealValueUSD: Double?
    /// True when no profile has been seen yet (quality scored as 0).
    public var profileUnknown: Bool
    /// Points of the tier.
    public var tierPoints: Double
    /// Points for a target industry.
    public var industryPoints: Double
    /// Points for technographic fit.
    public var technographicPoints: Double
    /// Points of the employee band.
    public var employeePoints: Double
    /// Decayed contribution per signal class (only non-zero ones, in `Signal` order, then
    /// `third_party` for the lead's own third-party intent and `account_third_party` for its
    /// account's), before the intent cap.
    public var intent: [SignalContribution]
    /// The hard disqualifier that holds (`crm`, `personal_email_domain`, `competitor_email_domain`,
    /// `student_email_domain`), nil when none.
    public var disqualifiedBy: String?

    /// Creates a breakdown.
    public init(tier: String?, dealValueUSD: Double?, profileUnknown: Bool, tierPoints: Double, industryPoints: Double,
                technographicPoints: Double, employeePoints: Double, intent: [SignalContribution],
                disqualifiedBy: String? = nil) {
        self.disqualifiedBy = disqualifiedBy
        self.tier = tier
        self.dealValueUSD = dealValueUSD
        self.profileUnknown = profileUnknown
        self.tierPoints = tierPoints
        self.industryPoints = industryPoints
        self.technographicPoints = technographicPoints
        self.employeePoints = employeePoints
        self.intent = intent
    }

    /// One signal class's decayed contribution.
    public struct SignalContribution: Sendable, Equatable, Codable {
        /// Signal name (`demo_request`, ..., `third_party`, `account_third_party`).
        public var signal: String
        /// Points at the evaluation moment.
        public var points: Double

        /// Creates a contribution.
        public init(signal: String, points: Double) {
            self.signal = signal
            self.points = points
        }
    }
}
