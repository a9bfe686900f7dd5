import LeadScoreCore

/// What `leadscore fit` learns weights for: one column per thing the configuration can weigh.
///
/// Every column is read from the scoring engine itself, run under a *unit* configuration: each
/// signal weighs 1 (-1 for the negative ones), third-party intent weighs a surge of 100 as 1,
/// every quality rule gives 1 point (employee band k gives k + 1, so the band can be told), and no
/// cap applies but the daily caps, kept as counts (a cap of 3 points a day at weight 1 is 3 opens
/// a day). So a signal's column is its decayed, capped value at the labelled moment, from the same
/// exact decay code the daemon runs, and a fitted weight means in the daemon what it meant here.
public struct FitFeatureSpace: Sendable, Equatable {
    /// What a column stands for.
    public enum Column: Sendable, Hashable, CustomStringConvertible {
        case signal(Signal)
        case thirdParty
        case tier(String)
        case targetIndustry
        case technographic
        case employeeBand(Int)

        /// The configuration path of the value it sets.
        public var description: String {
            switch self {
            case .signal(let s): "scoring.intent.signals.\(s.rawValue).weight"
            case .thirdParty: "scoring.intent.third_party.max_weight"
            case .tier(let name): "scoring.quality.tiers.\(name).points"
            case .targetIndustry: "scoring.quality.target_industries.points"
            case .technographic: "scoring.quality.technographics.points"
            case .employeeBand(let k): "scoring.quality.employee_bands[\(k)].points"
            }
        }

        /// Intent columns are scaled into intent points, the others into quality points.
        public var isIntent: Bool {
            switch self {
            case .signal, .thirdParty: true
            case .tier, .targetIndustry, .technographic, .employeeBand: false
            }
        }

        /// The sign the configuration allows: negative signals weigh at most 0, all else at least 0.
        public var mustBeNonPositive: Bool {
            if case .signal(let s) = self { return s.isNegative }
            return false
        }
    }

    public let columns: [Column]
    /// The starting configuration.
    public let start: ScoringConfig
    /// The configuration the engine runs to read the columns.
    let unit: ScoringConfig
    /// Per signal: its daily cap counted in events (at the starting weight), nil for none.
    let countCaps: [Signal: Double]

    public init(start: ScoringConfig) {
        self.start = start
        var columns: [Column] = Signal.allCases.map { .signal($0) }
        columns.append(.thirdParty)
        columns += ["basic", "premium", "gold"].map { .tier($0) }
        columns += [.targetIndustry, .technographic]
        columns += start.quality.employeeBands.indices.map { .employeeBand($0) }
        self.columns = columns

        var unit = start
        var caps: [Signal: Double] = [:]
        for signal in Signal.allCases {
            let rule = start.intent.rule(for: signal)
            var cap: Double?
            if let points = rule.maxPointsPerDay, rule.weight != 0 { cap = points / abs(rule.weight) }
            caps[signal] = cap
            unit.intent.signals[signal] = .init(weight: signal.isNegative ? -1 : 1, halfLife: rule.halfLife, maxPointsPerDay: cap)
        }
        countCaps = caps
        unit.intent.thirdPartyMaxWeight = 1
        unit.intent.maxIntent = .greatestFiniteMagnitude
        unit.quality.basicPoints = 1
        unit.quality.premiumPoints = 1
        unit.quality.goldPoints = 1
        unit.quality.industryPoints = 1
        unit.quality.technographicPoints = 1
        unit.quality.employeeBands = start.quality.employeeBands.enumerated().map { .init(minEmployees: $1.minEmployees, points: Double($0 + 1)) }
        unit.quality.maxPoints = .greatestFiniteMagnitude
        self.unit = unit
    }

    /// The columns of one lead's breakdown under the unit configuration, or nil when the lead is
    /// not scored by the model (disqualified, or a known deal value below the floor: business
    /// rules, not weights, decide those).
    func row(_ b: ScoreBreakdown, into row: inout [Double]) -> Bool {
        if b.disqualifiedBy != nil { return false }
        if let deal = b.dealValueUSD, deal < start.quality.floorUSD { return false }
        for k in row.indices { row[k] = 0 }
        let thirdParty = Signal.allCases.count
        for c in b.intent {
            if let signal = Signal(rawValue: c.signal) {
                row[Self.signalIndex[signal]!] = abs(c.points)
            } else {
                row[thirdParty] += c.points
            }
        }
        switch b.tier {
        case "basic": row[thirdParty + 1] = 1
        case "premium": row[thirdParty + 2] = 1
        case "gold": row[thirdParty + 3] = 1
        default: break
        }
        if b.industryPoints > 0 { row[thirdParty + 4] = 1 }
        if b.technographicPoints > 0 { row[thirdParty + 5] = 1 }
        let band = Int(b.employeePoints.rounded()) - 1
        if band >= 0 && thirdParty + 6 + band < row.count { row[thirdParty + 6 + band] = 1 }
        return true
    }

    static let signalIndex: [Signal: Int] = Dictionary(uniqueKeysWithValues: Signal.allCases.enumerated().map { ($1, $0) })

    /// A configuration's value for each column (intent weights in points per unit, quality points).
    public func values(of config: ScoringConfig) -> [Double] {
        columns.map { column in
            switch column {
            case .signal(let s): config.intent.rule(for: s).weight
            case .thirdParty: config.intent.thirdPartyMaxWeight
            case .tier("basic"): config.quality.basicPoints
            case .tier("premium"): config.quality.premiumPoints
            case .tier: config.quality.goldPoints
            case .targetIndustry: config.quality.industryPoints
            case .technographic: config.quality.technographicPoints
            case .employeeBand(let k): k < config.quality.employeeBands.count ? config.quality.employeeBands[k].points : 0
            }
        }
    }

    /// `start` with each column set to `values` (daily caps follow their weights, so a cap keeps
    /// counting the same number of events a day).
    public func config(with values: [Double]) -> ScoringConfig {
        var c = start
        for (column, value) in zip(columns, values) {
            switch column {
            case .signal(let s):
                var rule = c.intent.rule(for: s)
                rule.weight = value
                if let count = countCaps[s], value != 0 { rule.maxPointsPerDay = count * abs(value) }
                c.intent.signals[s] = rule
            case .thirdParty: c.intent.thirdPartyMaxWeight = value
            case .tier("basic"): c.quality.basicPoints = value
            case .tier("premium"): c.quality.premiumPoints = value
            case .tier: c.quality.goldPoints = value
            case .targetIndustry: c.quality.industryPoints = value
            case .technographic: c.quality.technographicPoints = value
            case .employeeBand(let k): c.quality.employeeBands[k].points = value
            }
        }
        return c
    }

    /// Score, intent and bucket of a row under `config`, as the engine computes them from the same
    /// parts (intent capped to 0...max, quality to max_points, the intent lift).
    public func score(_ row: ArraySlice<Double>, values: [Double], config: ScoringConfig) -> (score: Double, intent: Double, bucket: Bucket) {
        var intent = 0.0
        var quality = 0.0
        var k = row.startIndex
        for (i, column) in columns.enumerated() {
            let x = row[k]
            k += 1
            guard x != 0 else { continue }
            // Negative signals' columns are decayed counts (>= 0) and their weights <= 0.
            if column.isIntent {
                intent += x * values[i]
            } else {
                quality += x * values[i]
            }
        }
        intent = min(config.intent.maxIntent, max(0, intent))
        quality = min(config.quality.maxPoints, quality)
        let b = config.buckets
        let score = b.qualityWeight * quality + b.intentWeight * intent
        var bucket: Bucket = score >= b.thresholdA ? .a : score >= b.thresholdB ? .b : score >= b.thresholdC ? .c : .nurture
        if intent >= b.liftIntent && bucket < .b { bucket = .b }
        return (score, intent, bucket)
    }
}

/// The labelled moments of a recorded stream: every lead the model scores, at regular moments of
/// event time, with whether it converted within the horizon after.
///
/// Why these moments: the score is used to rank the leads that are live at any time, so the fit
/// sees the whole live population at regular intervals (a lead is labelled once per interval
/// while it is known, has no outcome yet and is scored), not only the leads that changed bucket.
/// A lead with an outcome (converted, disqualified, no response) is no longer one to rank. A moment
/// is used only when its whole horizon lies within the stream (no outcome is assumed missing).
public struct FitSamples: Sendable {
    public let space: FitFeatureSpace
    /// `width` values per sample.
    public private(set) var rows: [Double] = []
    public private(set) var labels: [Bool] = []
    public private(set) var moments: [Int64] = []
    public var width: Int { space.columns.count }
    public var count: Int { labels.count }

    public init(space: FitFeatureSpace) { self.space = space }

    public func row(_ i: Int) -> ArraySlice<Double> { rows[(i * width)..<((i + 1) * width)] }

    mutating func append(_ row: [Double], label: Bool, at moment: Int64) {
        rows += row
        labels.append(label)
        moments.append(moment)
    }
}

/// Reads a stream in order and takes the labelled moments (`FitSamples`).
public struct FitSampler: Sendable {
    public struct Options: Sendable, Equatable {
        /// How long after a moment a conversion counts for it.
        public var horizon: Duration = .seconds(30 * 86_400)
        /// Time between two moments.
        public var every: Duration = .seconds(7 * 86_400)
        public init() {}
    }

    let space: FitFeatureSpace
    let options: Options
    private var engine: ScoringEngine
    private var scratch: [OutputEvent] = []
    /// Moments taken, each with the leads seen then and their rows (labelled at the end).
    private var pending: [(moment: Int64, leads: [String], rows: [Double])] = []
    private var nextMoment: Int64?
    /// Each lead's first conversion.
    private var converted: [String: Int64] = [:]
    /// Each lead's first outcome of any kind (from then on it is not a lead to rank).
    private var closed: [String: Int64] = [:]
    private(set) public var firstEventAt: Int64?
    private(set) public var lastEventAt: Int64?
    private(set) public var events = 0

    public init(space: FitFeatureSpace, options: Options) {
        self.space = space
        self.options = options
        engine = ScoringEngine(config: space.unit)
    }

    /// Applies one event (events in the order a replay reads them).
    public mutating func add(_ event: InputEvent) {
        let t = event.occurredAt.millisecondsSinceEpoch
        events += 1
        if firstEventAt == nil {
            firstEventAt = t
            nextMoment = t + options.every.milliseconds
        }
        while let m = nextMoment, t > m {
            takeMoment(m)
            nextMoment = m + options.every.milliseconds
        }
        lastEventAt = max(lastEventAt ?? t, t)
        if case .leadOutcome(let o) = event {
            if closed[o.leadID] == nil { closed[o.leadID] = t }
            if o.outcome == .converted, converted[o.leadID] == nil { converted[o.leadID] = t }
        }
        scratch.removeAll(keepingCapacity: true)
        _ = engine.apply(event, into: &scratch)
    }

    private mutating func takeMoment(_ m: Int64) {
        var leads: [String] = []
        var rows: [Double] = []
        var row = [Double](repeating: 0, count: space.columns.count)
        let closed = self.closed
        let space = self.space
        engine.leads.forEachBreakdown(at: Timestamp(millisecondsSinceEpoch: m)) { leadID, breakdown in
            if let c = closed[leadID], c <= m { return }
            guard space.row(breakdown, into: &row) else { return }
            leads.append(leadID)
            rows += row
        }
        pending.append((m, leads, rows))
    }

    /// The labelled samples: the moments whose horizon ends within the stream.
    public func samples() -> FitSamples {
        var out = FitSamples(space: space)
        guard let last = lastEventAt else { return out }
        let h = options.horizon.milliseconds
        let width = space.columns.count
        for p in pending where p.moment + h <= last {
            for (k, lead) in p.leads.enumerated() {
                let label = converted[lead].map { $0 > p.moment && $0 <= p.moment + h } ?? false
                out.append(Array(p.rows[(k * width)..<((k + 1) * width)]), label: label, at: p.moment)
            }
        }
        return out
    }
}
