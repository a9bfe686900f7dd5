@testable import LeadScoreCore

/// Builders for engine tests: times relative to a fixed midnight, events with defaults.
enum Fixture {
    /// 2026-06-01T00:00:00Z.
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_780_272_000_000)
    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000

    static func at(days: Double = 0, hours: Double = 0, seconds: Int64 = 0) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + Int64(days * Double(day)) + Int64(hours * Double(hour)) + seconds * 1000)
    }

    static func engagement(_ lead: String, _ signal: Signal, at time: Timestamp, account: String? = nil,
                           multiplier: Double = 1) -> InputEvent {
        .engagement(EngagementEvent(eventID: "e-\(lead)-\(time.millisecondsSinceEpoch)-\(signal.rawValue)",
                                    occurredAt: time, leadID: lead, accountID: account, signal: signal,
                                    weightMultiplier: multiplier))
    }

    static func profile(_ lead: String, at time: Timestamp, account: String? = nil, deal: Double? = nil, seats: Int? = nil,
                        industry: String? = nil, employees: Int? = nil, techno: [String]? = nil,
                        country: String? = nil, region: String? = nil) -> InputEvent {
        .profile(ProfileEvent(eventID: "p-\(lead)-\(time.millisecondsSinceEpoch)", occurredAt: time, leadID: lead,
                              accountID: account, industry: industry, employees: employees, country: country,
                              region: region, seats: seats, dealValueUSD: deal, technographics: techno))
    }

    static func accountIntent(_ account: String, surge: Double, at time: Timestamp) -> InputEvent {
        .intent(IntentEvent(eventID: "i-\(account)-\(time.millisecondsSinceEpoch)", occurredAt: time, accountID: account,
                            topic: "crm", surge: surge, source: "bombora"))
    }

    static func roster(_ rep: String, capacity: Int = 10, active: Bool = true, territories: [String]? = nil,
                       at time: Timestamp = t0) -> InputEvent {
        .repRoster(RepRosterEvent(eventID: "r-\(rep)", occurredAt: time, repID: rep, name: rep.uppercased(),
                                  active: active, capacityPerDay: capacity, territories: territories))
    }

    static func outcome(_ rep: String, _ outcome: LeadOutcome, at time: Timestamp, lead: String = "X") -> InputEvent {
        .leadOutcome(LeadOutcomeEvent(eventID: "o-\(rep)-\(time.millisecondsSinceEpoch)", occurredAt: time,
                                      leadID: lead, repID: rep, outcome: outcome))
    }

    /// A config with no holdout, so routing tests are about scores.
    static var noHoldout: ScoringConfig {
        var config = ScoringConfig()
        config.routing.holdoutShare = 0
        return config
    }

    static func rescored(_ out: [OutputEvent]) -> [LeadRescored] {
        out.compactMap { if case .leadRescored(let e) = $0 { e } else { nil } }
    }

    /// The routing decisions of bucket changes (re-routes after an SLA breach left out).
    static func routed(_ out: [OutputEvent]) -> [LeadRouted] {
        out.compactMap { if case .leadRouted(let e) = $0, e.reroute == 0 { e } else { nil } }
    }

    /// Re-routes after first-touch SLA breaches.
    static func rerouted(_ out: [OutputEvent]) -> [LeadRouted] {
        out.compactMap { if case .leadRouted(let e) = $0, e.reroute > 0 { e } else { nil } }
    }
}

/// SplitMix64: a seeded generator, so property tests are reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
