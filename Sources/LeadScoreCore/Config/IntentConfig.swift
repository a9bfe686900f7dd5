/// Customer intent rules, SPEC section 2: a weight and a half-life per signal, and third-party
/// intent whose weight is proportional to its surge.
public struct IntentConfig: Sendable, Equatable {
    /// Weight, half-life and daily cap of one signal class.
    public struct SignalRule: Sendable, Equatable {
        /// Points the signal is worth at the moment it happens (before `weight_multiplier`); at
        /// most 0 for the negative signals, at least 0 for the others.
        public var weight: Double
        /// Time after which the signal is worth half as much.
        public var halfLife: Duration
        /// At most this many points (in absolute value, before decay) per UTC day of
        /// `occurred_at` for this signal and lead; nil for no cap. See `LeadBook+Caps`.
        public var maxPointsPerDay: Double?

        /// Creates a rule.
        public init(weight: Double, halfLife: Duration, maxPointsPerDay: Double? = nil) {
            self.weight = weight
            self.halfLife = halfLife
            self.maxPointsPerDay = maxPointsPerDay
        }
    }

    /// Rules per engagement signal; every `Signal` has one.
    public var signals: [Signal: SignalRule] = IntentConfig.defaultSignals
    /// Weight of a third-party intent event with surge 100 (weight = surge / 100 x this). Default 25.
    public var thirdPartyMaxWeight: Double = 25
    /// Half-life of third-party intent. Default 14d.
    public var thirdPartyHalfLife: Duration = .seconds(14 * 86_400)
    /// Cap on intent. Default 100.
    public var maxIntent: Double = 100

    /// The SPEC defaults.
    public init() {}

    /// SPEC section 2's signal table, plus the negative signals and the daily cap on email opens
    /// (a mail scanner or a bot that opens everything earns at most 3 points a day).
    ///
    /// Negative defaults: an unsubscribe (-20, 30d) cancels a fresh form fill's worth of interest
    /// for about a month; a bounce (-10, 14d) is weaker evidence (a stale address, not a refusal)
    /// and fades in two weeks; a spam complaint (-40, 60d) is the strongest refusal and lasts
    /// longest.
    public static let defaultSignals: [Signal: SignalRule] = {
        func days(_ d: Int64) -> Duration { .seconds(d * 86_400) }
        return [
            .emailOpen: .init(weight: 1, halfLife: days(3), maxPointsPerDay: 3),
            .emailClick: .init(weight: 4, halfLife: days(5)),
            .blogVisit: .init(weight: 2, halfLife: days(5)),
            .webVisit: .init(weight: 3, halfLife: days(7)),
            .pricingPageVisit: .init(weight: 15, halfLife: days(7)),
            .contentDownload: .init(weight: 8, halfLife: days(10)),
            .webinarAttended: .init(weight: 10, halfLife: days(14)),
            .formFill: .init(weight: 30, halfLife: days(14)),
            .demoRequest: .init(weight: 50, halfLife: days(21)),
            .rfpSubmitted: .init(weight: 60, halfLife: days(30)),
            .unsubscribe: .init(weight: -20, halfLife: days(30)),
            .bounce: .init(weight: -10, halfLife: days(14)),
            .spamComplaint: .init(weight: -40, halfLife: days(60)),
        ]
    }()

    /// The rule of a signal (every signal has one after validation; defaults otherwise).
    public func rule(for signal: Signal) -> SignalRule {
        signals[signal] ?? IntentConfig.defaultSignals[signal] ?? SignalRule(weight: 0, halfLife: .seconds(86_400))
    }
}
