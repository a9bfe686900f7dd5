/// Customer quality (fit) rules, SPEC section 2. Points add up and are capped at `maxPoints`.
public struct QualityConfig: Sendable, Equatable {
    /// One employee band: leads with at least `minEmployees` employees get `points`
    /// (the band with the highest minimum that applies wins).
    public struct EmployeeBand: Sendable, Equatable {
        /// Smallest head count of the band.
        public var minEmployees: Int
        /// Points given to the band.
        public var points: Double

        /// Creates a band.
        public init(minEmployees: Int, points: Double) {
            self.minEmployees = minEmployees
            self.points = points
        }
    }

    /// Used when a profile gives seats but no deal value: deal value = seats x price. Default 600.
    public var pricePerSeatUSD: Double = 600
    /// A known deal value below this goes to `self_serve` and is never routed. Default 5,000.
    public var floorUSD: Double = 5_000
    /// Smallest deal value of the `premium` tier. Default 15,000.
    public var premiumMinUSD: Double = 15_000
    /// Smallest deal value of the `gold` tier. Default 50,000.
    public var goldMinUSD: Double = 50_000
    /// Points of the `basic` tier (floor and up). Default 20.
    public var basicPoints: Double = 20
    /// Points of the `premium` tier. Default 40.
    public var premiumPoints: Double = 40
    /// Points of the `gold` tier. Default 60.
    public var goldPoints: Double = 60
    /// Industries that earn `industryPoints`. Default software, financial_services, healthcare.
    public var targetIndustries: [String] = ["software", "financial_services", "healthcare"]
    /// Points for a target industry. Default 15.
    public var industryPoints: Double = 15
    /// Points per industry, by name (may be negative: an industry that converts worse than the
    /// rest). A listed industry gets its own points instead of `industryPoints`; the others keep
    /// the target list's rule. Empty by default, so the target list alone decides.
    public var industryPointsByName: [String: Double] = [:]
    /// Technographics of which any one earns `technographicPoints`. At most 32 names.
    /// Default salesforce, hubspot, snowflake, segment.
    public var technographics: [String] = ["salesforce", "hubspot", "snowflake", "segment"]
    /// Points for technographic fit. Default 15.
    public var technographicPoints: Double = 15
    /// Points per technographic, by name, added up over the ones a lead uses (may be negative),
    /// on top of the any-of rule above. Together with `technographics` at most 32 distinct names.
    /// Empty by default.
    public var technologyPointsByName: [String: Double] = [:]
    /// Employee bands. Default 50-999: 5, 1000+: 10.
    public var employeeBands: [EmployeeBand] = [.init(minEmployees: 50, points: 5), .init(minEmployees: 1000, points: 10)]
    /// Cap on the sum of points. Default 100. The sum is also floored at 0, which only negative
    /// points can reach.
    public var maxPoints: Double = 100

    /// The SPEC defaults.
    public init() {}

    /// Every technographic name the rules mention: the any-of list, then the per-name points'
    /// names not in it, sorted (so a file's key order does not matter).
    public var technographicNamesInRules: [String] {
        var names = technographics
        var seen = Set(technographics)
        for name in technologyPointsByName.keys.sorted() where seen.insert(name).inserted { names.append(name) }
        return names
    }
}
