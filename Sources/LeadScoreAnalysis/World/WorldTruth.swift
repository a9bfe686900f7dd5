/// What makes a lead of a `GroundTruthWorld` a good fit: the hidden weights the world draws
/// outcomes from.
///
/// The world's truth is data rather than code so that a model can be checked against a truth that
/// is not its own: `leadscore fit` has to recover weights it was not built with, which a world
/// whose truth mirrors the built-in scoring model cannot show. `builtIn` is the world as it has
/// always been (its bytes are unchanged); `alternative` rewards other industries and tools.
///
/// A lead's fit is the sum of the terms below, clamped to 0...1:
/// `min(1, seats / seatsForFullWeight) x seatWeight + industryFit[industry]
///  + sum of toolFit over its tools + anyToolFit (if it uses any of anyTools)
///  + the fit of its employee band + budgetWeight x budget`,
/// where the budget is a hidden uniform draw the model cannot see. The truth changes only the
/// weights, never which draws make a lead, so two truths give the same leads (industries, seats,
/// tools, interest, arrivals) with different fits. The rest of the stream differs once outcomes
/// do: they feed the rep scores the world routes with.
public struct WorldTruth: Sendable, Equatable {
    /// One employee band: leads with at least `minEmployees` employees get `fit`
    /// (the band with the highest minimum that applies wins, as in the scoring model's bands).
    public struct EmployeeBand: Sendable, Equatable {
        /// Smallest head count of the band.
        public var minEmployees: Int
        /// Fit added for the band (may be negative).
        public var fit: Double

        /// Creates a band.
        public init(minEmployees: Int, fit: Double) {
            self.minEmployees = minEmployees
            self.fit = fit
        }
    }

    /// Fit of a lead with `seatsForFullWeight` seats or more; fewer seats earn it pro rata, so
    /// deal size drives fit. Default 0.45.
    public var seatWeight: Double = 0.45
    /// Seats at which `seatWeight` is reached in full. Default 100.
    public var seatsForFullWeight: Double = 100
    /// Fit added per industry name; may be negative (an industry that rarely buys). An industry
    /// not listed adds nothing. Default software, financial_services, healthcare: 0.2 each.
    public var industryFit: [String: Double] = ["software": 0.2, "financial_services": 0.2, "healthcare": 0.2]
    /// Fit added per technographic, summed over the tools a lead uses; may be negative. A tool not
    /// listed adds nothing. Default none.
    public var toolFit: [String: Double] = [:]
    /// Fit added once if the lead uses any of `anyTools` (the built-in world's "uses a fitting
    /// stack" term, which does not grow with the number of tools). Default 0.15.
    public var anyToolFit: Double = 0.15
    /// The tools of `anyToolFit`. Default salesforce, hubspot, snowflake, segment.
    public var anyTools: Set<String> = ["salesforce", "hubspot", "snowflake", "segment"]
    /// Employee bands. Default 50+: 0.05.
    public var employeeFit: [EmployeeBand] = [.init(minEmployees: 50, fit: 0.05)]
    /// Fit of a full hidden budget (the budget is uniform in 0...1 and invisible to the model, so
    /// this is the share of fit no model can learn). Default 0.15.
    public var budgetWeight: Double = 0.15

    /// The defaults: the built-in truth.
    public init() {}

    /// The world as it has always been: a truth close to the built-in scoring model's rules
    /// (target industries, a fitting stack, seats and head count), so the built-in model works.
    public static let builtIn = WorldTruth()

    /// A truth that differs from the built-in scoring model, to check that a fit recovers weights
    /// the model was not built with: retail +0.3, manufacturing +0.15, education -0.15, the
    /// model's target industries (software, financial_services, healthcare) 0; marketo +0.25 and
    /// zendesk +0.1 per tool, the model's fit tools (salesforce, hubspot, snowflake, segment) 0 and
    /// no any-tool term; seats weigh less (0.2 at 100 seats); 50+ employees +0.05; budget 0.3.
    /// The budget weighs more than in `builtIn` so the average fit, and with it the share of
    /// leads that convert, stays of the same order.
    public static let alternative: WorldTruth = {
        var t = WorldTruth()
        t.seatWeight = 0.2
        t.industryFit = ["retail": 0.3, "manufacturing": 0.15, "education": -0.15]
        t.toolFit = ["marketo": 0.25, "zendesk": 0.1]
        t.anyToolFit = 0
        t.anyTools = []
        t.employeeFit = [.init(minEmployees: 50, fit: 0.05)]
        t.budgetWeight = 0.3
        return t
    }()

    /// The hidden fit of a lead with these firmographics and budget, clamped to 0...1.
    ///
    /// The terms are added in the built-in world's order and a term that is absent adds nothing
    /// (not +0.0), so `builtIn` reproduces the old hard-coded fit bit for bit.
    public func fit(seats: Int, industry: String, technographics: [String], employees: Int, budget: Double) -> Double {
        var f = min(1, Double(seats) / seatsForFullWeight) * seatWeight
        if let w = industryFit[industry] { f += w }
        for tool in technographics {
            if let w = toolFit[tool] { f += w }
        }
        if anyToolFit != 0, technographics.contains(where: { anyTools.contains($0) }) { f += anyToolFit }
        if let band = employeeFit.filter({ employees >= $0.minEmployees }).max(by: { $0.minEmployees < $1.minEmployees }) {
            f += band.fit
        }
        return max(0, min(1, f + budgetWeight * budget))
    }
}
