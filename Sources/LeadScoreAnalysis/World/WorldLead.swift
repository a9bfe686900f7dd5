import LeadScoreCore

/// One lead of a `GroundTruthWorld`: what its profile says (derived from its index, so every
/// profile of a lead agrees) and what only the world knows (budget, interest, active phase).
struct WorldLead: Sendable {
    var arrival: Int64
    var account: Int?
    var industry: String
    var employees: Int
    var country: String
    var region: String
    var seats: Int
    var technographics: [String]
    /// Hidden fit, 0...1: the world's `WorldTruth` applied to the firmographics, plus a budget
    /// the model cannot see.
    var fit: Double
    /// Hidden interest, 0...1: how often and how strongly the lead engages while active.
    var interest: Double
    /// End of the active (in-market) phase.
    var activeUntil: Int64
    /// The lead's profile arrives a while after its first engagement (an enrichment request).
    var profileDelayed: Bool
    /// The rep whose outcome for this lead is drawn (set once: first routing or CRM assignment).
    var outcomeRep: Int32?

    static let industries = ["software", "financial_services", "healthcare", "retail", "manufacturing", "education", "media", "logistics"]
    static let places = [("US", "NA"), ("CA", "NA"), ("GB", "EMEA"), ("DE", "EMEA"), ("FR", "EMEA"), ("JP", "APAC"), ("AU", "APAC"), ("BR", "LATAM")]
    static let tools = ["salesforce", "hubspot", "snowflake", "segment", "marketo", "zendesk"]

    /// The lead's draws are the same whatever the truth (it only weighs them), so two truths give
    /// the same profile and interest for a lead, with different fits.
    init(index i: Int, seed: UInt64, arrival: Int64, truth: WorldTruth) {
        var h = SplitMix64(seed: UInt64(i) &* 0x9E37_79B9_7F4A_7C15 &+ seed)
        self.arrival = arrival
        account = i % 5 == 0 ? nil : i / 4
        industry = Self.industries[h.below(Self.industries.count)]
        employees = 5 + Int(h.unit() * h.unit() * 5000)
        (country, region) = Self.places[h.below(Self.places.count)]
        // Seats: most small, a long tail of large deals (deal value = seats x $600 by default).
        let u = h.unit()
        seats = 5 + Int(u * u * u * 240)
        technographics = Self.tools.filter { _ in h.unit() < 0.3 }
        let budget = h.unit()
        fit = truth.fit(seats: seats, industry: industry, technographics: technographics, employees: employees,
                        budget: budget)
        let v = h.unit()
        interest = v * v
        activeUntil = arrival + Int64((7 + 28 * h.unit()) * 86_400_000)
        profileDelayed = h.unit() < 0.15
    }

    func isActive(at t: Int64) -> Bool { t < activeUntil }

    /// Chance to convert with an average rep: rises with fit, and with interest while the lead
    /// is in market.
    func propensity(at t: Int64) -> Double {
        let warmth = isActive(at: t) ? interest : 0.25 * interest
        return min(0.9, 0.01 + 0.25 * fit * fit + 0.45 * warmth * (0.3 + 0.7 * fit))
    }
}
