import LeadScoreCore

/// What `leadscore fit` learns weights for: one column per thing the configuration can weigh.
///
/// Every engine column is read from the scoring engine itself, run under a *unit* configuration:
/// each signal weighs 1 (-1 for the negative ones), third-party intent weighs a surge of 100 as 1,
/// every quality rule gives 1 point (employee band k gives k + 1, so the band can be told), and no
/// cap applies but the daily caps, kept as counts (a cap of 3 points a day at weight 1 is 3 opens
/// a day). So a signal's column is its decayed, capped value at the labelled moment, from the same
/// exact decay code the daemon runs, and a fitted weight means in the daemon what it meant here.
///
/// Beside them, one 0/1 column per industry and per technographic seen often enough
/// (`FitSamples.matrix(minSupport:)`): points per name (`industry_points`, `technology_points`),
/// of either sign. They replace the target list's and the any-of rule's columns in the fit (which
/// then give 0 points); those two stay in the rows so the starting configuration is scored exactly.
public struct FitFeatureSpace: Sendable, Equatable {
    /// What a column stands for.
    public enum Column: Sendable, Hashable, CustomStringConvertible {
        case signal(Signal)
        case thirdParty
        case tier(String)
        case targetIndustry
        case technographic
        case employeeBand(Int)
        /// The lead's industry is this one (and has its own column).
        case industry(String)
        /// The lead uses this technographic.
        case technology(String)

        /// The configuration path of the value it sets.
        public var description: String {
            switch self {
            case .signal(let s): "scoring.intent.signals.\(s.rawValue).weight"
            case .thirdParty: "scoring.intent.third_party.max_weight"
            case .tier(let name): "scoring.quality.tiers.\(name).points"
            case .targetIndustry: "scoring.quality.target_industries.points"
            case .technographic: "scoring.quality.technographics.points"
            case .employeeBand(let k): "scoring.quality.employee_bands[\(k)].points"
            case .industry(let name): "scoring.quality.industry_points.\(name)"
            case .technology(let name): "scoring.quality.technology_points.\(name)"
            }
        }

        /// Intent columns are scaled into intent points, the others into quality points.
        public var isIntent: Bool {
            switch self {
            case .signal, .thirdParty: true
            case .tier, .targetIndustry, .technographic, .employeeBand, .industry, .technology: false
            }
        }

        /// The sign the configuration allows: negative signals weigh at most 0, points per name
        /// either sign, all else at least 0. As `LogisticRegression`'s `sign`.
        public var sign: Int {
            switch self {
            case .signal(let s): s.isNegative ? -1 : 1
            case .industry, .technology: 0
            default: 1
            }
        }

    }

    public private(set) var columns: [Column]
    /// The starting configuration.
    public let start: ScoringConfig
    /// The configuration the engine runs to read the columns.
    let unit: ScoringConfig
    /// Half-lives tried beside the starting ones, as multiples of them (e.g. 0.5 and 2): each is
    /// read by another engine under `unit` with every half-life so scaled.
    public let halfLifeScales: [Double]
    let scaledUnits: [ScoringConfig]
    /// The intent columns (signals, then third-party) come first: their count.
    static let intentCount = Signal.allCases.count + 1
    /// Per signal: its daily cap counted in events (at the starting weight), nil for none.
    let countCaps: [Signal: Double]

    public init(start: ScoringConfig, halfLifeScales: [Double] = []) {
        self.start = start
        self.halfLifeScales = halfLifeScales.filter { $0 > 0 && $0 != 1 && $0.isFinite }
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
        // The target list and the any-of rule alone (0/1): names come as their own columns.
        unit.quality.industryPointsByName = [:]
        unit.quality.technologyPointsByName = [:]
        unit.quality.employeeBands = start.quality.employeeBands.enumerated().map { .init(minEmployees: $1.minEmployees, points: Double($0 + 1)) }
        unit.quality.maxPoints = .greatestFiniteMagnitude
        self.unit = unit
        scaledUnits = self.halfLifeScales.map { Self.scalingHalfLives(of: unit, by: $0) }
    }

    /// `config` with every half-life (signals and third-party) times `scale`.
    public static func scalingHalfLives(of config: ScoringConfig, by scale: Double) -> ScoringConfig {
        var c = config
        for signal in Signal.allCases {
            var rule = c.intent.rule(for: signal)
            rule.halfLife = scaled(rule.halfLife, by: scale)
            c.intent.signals[signal] = rule
        }
        c.intent.thirdPartyHalfLife = scaled(c.intent.thirdPartyHalfLife, by: scale)
        return c
    }

    /// A half-life times `scale`, in whole milliseconds (at least 1), as the engines read it.
    static func scaled(_ halfLife: Duration, by scale: Double) -> Duration {
        .milliseconds(max(1, Int64((Double(halfLife.milliseconds) * scale).rounded())))
    }

    /// The intent columns of a breakdown (`intentCount` values from `offset`).
    static func intentColumns(_ b: ScoreBreakdown, into row: inout [Double], at offset: Int) {
        for k in 0..<intentCount { row[offset + k] = 0 }
        let thirdParty = Signal.allCases.count
        for c in b.intent {
            if let signal = Signal(rawValue: c.signal) {
                row[offset + signalIndex[signal]!] = abs(c.points)
            } else {
                row[offset + thirdParty] += c.points
            }
        }
    }

    /// The industry whose points the fit keeps at 0, the others' measured from it (nil: none).
    /// Every profiled lead has one industry, so points for all of them would add up to a "has a
    /// profile" term the tiers and bands also carry: with no reference the fit trades large
    /// opposite points between them, and leads with few rules end up clamped at 0.
    public private(set) var referenceIndustry: String?

    /// The space with a column per industry and per technographic named.
    public func adding(industries: [String], technologies: [String], referenceIndustry: String? = nil) -> FitFeatureSpace {
        var space = self
        space.columns += industries.map { .industry($0) } + technologies.map { .technology($0) }
        space.referenceIndustry = referenceIndustry
        return space
    }

    /// Industries with their own column (their rows carry no target-list column).
    public var industries: [String] { columns.compactMap { if case .industry(let name) = $0 { name } else { nil } } }
    /// Technographics with their own column.
    public var technologies: [String] { columns.compactMap { if case .technology(let name) = $0 { name } else { nil } } }

    /// Columns the fit leaves at 0 points: the target list's and the any-of rule's, once per-name
    /// columns say the same thing name by name.
    public func isReplaced(_ column: Column) -> Bool {
        switch column {
        case .targetIndustry: !industries.isEmpty
        case .technographic: !technologies.isEmpty
        case .industry(let name): name == referenceIndustry
        default: false
        }
    }

    /// The engine columns of one lead's breakdown under the unit configuration, or nil when the
    /// lead is not scored by the model (disqualified, or a known deal value below the floor:
    /// business rules, not weights, decide those).
    func row(_ b: ScoreBreakdown, into row: inout [Double]) -> Bool {
        if b.disqualifiedBy != nil { return false }
        if let deal = b.dealValueUSD, deal < start.quality.floorUSD { return false }
        for k in row.indices { row[k] = 0 }
        Self.intentColumns(b, into: &row, at: 0)
        let thirdParty = Signal.allCases.count
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
    static let targetIndustryIndex = Signal.allCases.count + 4

    /// A configuration's value for each column (intent weights in points per unit, quality
    /// points). An industry's is what the configuration gives it in all (its own points, else the
    /// target list's); a technographic's its own points, beside the any-of rule's.
    public func values(of config: ScoringConfig) -> [Double] {
        let q = config.quality
        return columns.map { column in
            switch column {
            case .signal(let s): config.intent.rule(for: s).weight
            case .thirdParty: config.intent.thirdPartyMaxWeight
            case .tier("basic"): q.basicPoints
            case .tier("premium"): q.premiumPoints
            case .tier: q.goldPoints
            case .targetIndustry: q.industryPoints
            case .technographic: q.technographicPoints
            case .employeeBand(let k): k < q.employeeBands.count ? q.employeeBands[k].points : 0
            case .industry(let name): q.industryPointsByName[name] ?? (q.targetIndustries.contains(name) ? q.industryPoints : 0)
            case .technology(let name): q.technologyPointsByName[name] ?? 0
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
            case .industry(let name): c.quality.industryPointsByName[name] = value
            case .technology(let name): c.quality.technologyPointsByName[name] = value
            }
        }
        return c
    }

    /// Score, intent and bucket of a row under `config`, as the engine computes them from the same
    /// parts (intent capped to 0...max, quality to 0...max_points, the intent lift).
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
        quality = min(config.quality.maxPoints, max(0, quality))
        let b = config.buckets
        let score = b.qualityWeight * quality + b.intentWeight * intent
        var bucket: Bucket = score >= b.thresholdA ? .a : score >= b.thresholdB ? .b : score >= b.thresholdC ? .c : .nurture
        if intent >= b.liftIntent && bucket < .b { bucket = .b }
        return (score, intent, bucket)
    }
}

/// The rows a fit runs on: the engine's columns and the per-name ones, one row per labelled
/// moment, in a `FitFeatureSpace` that names every column.
public struct FitMatrix: Sendable {
    public let space: FitFeatureSpace
    public var width: Int { space.columns.count }
    /// `width` values per sample.
    public let rows: [Double]
    public let labels: [Bool]
    public let moments: [Int64]
    public var count: Int { labels.count }

    public func row(_ i: Int) -> ArraySlice<Double> { rows[(i * width)..<((i + 1) * width)] }
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
    /// `width` values per sample: the engine's columns.
    public private(set) var rows: [Double] = []
    public private(set) var labels: [Bool] = []
    public private(set) var moments: [Int64] = []
    /// Per sample: the lead's industry (index into `industryNames`, -1 for none).
    public private(set) var industries: [Int32] = []
    /// Per sample: the technographics the lead uses (bits of `technologyNames`).
    public private(set) var technologies: [UInt64] = []
    /// Names seen in profiles, in order of first appearance.
    public internal(set) var industryNames: [String] = []
    public internal(set) var technologyNames: [String] = []
    /// The share of labelled moments kept (1, or 1/2^k when `--max-samples` thinned them).
    public internal(set) var keptShare = 1.0
    /// Per sample, per scale of `space.halfLifeScales`: the intent columns under half-lives so
    /// scaled (`FitFeatureSpace.intentCount` values each).
    public private(set) var alternates: [Double] = []
    var alternateWidth: Int { space.halfLifeScales.count * FitFeatureSpace.intentCount }
    public var width: Int { space.columns.count }
    public var count: Int { labels.count }

    public init(space: FitFeatureSpace) { self.space = space }

    public func row(_ i: Int) -> ArraySlice<Double> { rows[(i * width)..<((i + 1) * width)] }

    mutating func append(_ row: ArraySlice<Double>, alternates: ArraySlice<Double>, industry: Int32, technologies: UInt64,
                         label: Bool, at moment: Int64) {
        rows += row
        self.alternates += alternates
        industries.append(industry)
        self.technologies.append(technologies)
        labels.append(label)
        moments.append(moment)
    }

    /// The rows with a column for each industry and technographic of at least `minSupport`
    /// samples (at most 32 technographics, the most common, which the configuration can name).
    public func matrix(minSupport: Int) -> FitMatrix {
        var industryCount = [Int](repeating: 0, count: industryNames.count)
        var technologyCount = [Int](repeating: 0, count: technologyNames.count)
        for i in 0..<count {
            if industries[i] >= 0 { industryCount[Int(industries[i])] += 1 }
            var bits = technologies[i]
            while bits != 0 {
                technologyCount[bits.trailingZeroBitCount] += 1
                bits &= bits &- 1
            }
        }
        let common = industryNames.indices.filter { industryCount[$0] >= minSupport }
        let industries = common.map { industryNames[$0] }.sorted()
        // The reference: the most common industry (ties: the first name).
        let reference = common.min { (industryCount[$1], industryNames[$0]) < (industryCount[$0], industryNames[$1]) }.map { industryNames[$0] }
        let technologies = technologyNames.indices.filter { technologyCount[$0] >= minSupport }
            .sorted { (technologyCount[$1], technologyNames[$0]) < (technologyCount[$0], technologyNames[$1]) }
            .prefix(32).map { technologyNames[$0] }.sorted()
        return matrix(in: space.adding(industries: industries, technologies: technologies, referenceIndustry: reference))
    }

    /// The rows in `space` (this one's, with per-name columns added, e.g. by another fit), each
    /// intent column `c` read under `halfLives[c]` (an index into `space.halfLifeScales`, nil for
    /// the starting half-life).
    public func matrix(in wide: FitFeatureSpace, halfLives: [Int?] = []) -> FitMatrix {
        let aw = alternateWidth
        let swaps = halfLives.enumerated().compactMap { c, k in k.map { (column: c, offset: $0 * FitFeatureSpace.intentCount + c) } }
        let base = width
        let industryColumn = Dictionary(uniqueKeysWithValues: wide.industries.enumerated().map { ($1, base + $0) })
        let technologyColumn = Dictionary(uniqueKeysWithValues: wide.technologies.enumerated().map { ($1, base + industryColumn.count + $0) })
        let byIndustry = industryNames.map { industryColumn[$0] }
        let byTechnology = technologyNames.map { technologyColumn[$0] }
        let w = wide.columns.count
        var out = [Double](repeating: 0, count: count * w)
        for i in 0..<count {
            let o = i * w
            for k in 0..<base { out[o + k] = rows[i * base + k] }
            for swap in swaps where swap.offset < aw { out[o + swap.column] = alternates[i * aw + swap.offset] }
            if industries[i] >= 0, let c = byIndustry[Int(industries[i])] {
                out[o + c] = 1
                // Its own column says what the target list said.
                out[o + FitFeatureSpace.targetIndustryIndex] = 0
            }
            var bits = technologies[i]
            while bits != 0 {
                if let c = byTechnology[bits.trailingZeroBitCount] { out[o + c] = 1 }
                bits &= bits &- 1
            }
        }
        return FitMatrix(space: wide, rows: out, labels: labels, moments: moments)
    }
}

/// Reads a stream in order and takes the labelled moments (`FitSamples`).
public struct FitSampler: Sendable {
    public struct Options: Sendable, Equatable {
        /// How long after a moment a conversion counts for it.
        public var horizon: Duration = .seconds(30 * 86_400)
        /// Time between two moments.
        public var every: Duration = .seconds(7 * 86_400)
        /// Most labelled moments kept (memory: about 200 bytes each). Past it, moments are thinned
        /// to a half, a quarter and so on, each kept or not by a hash of lead and moment, so the
        /// same input keeps the same ones.
        public var maxSamples = 500_000
        public init() {}
    }

    /// One moment's leads, before labels are known.
    struct Pending: Sendable {
        var moment: Int64
        var leads: [String] = []
        var hashes: [UInt64] = []
        var rows: [Double] = []
        var alternates: [Double] = []
        var industries: [Int32] = []
        var technologies: [UInt64] = []
    }

    let space: FitFeatureSpace
    let options: Options
    private var engine: ScoringEngine
    /// The same events under each of `space.halfLifeScales`.
    private var scaledEngines: [ScoringEngine]
    private var scratch: [OutputEvent] = []
    private var pending: [Pending] = []
    private var pendingCount = 0
    /// Moments kept: those whose hash's top `thinning` bits are 0.
    private var thinning = 0
    private var nextMoment: Int64?
    /// Each lead's first conversion.
    private var converted: [String: Int64] = [:]
    /// Each lead's first outcome of any kind (from then on it is not a lead to rank).
    private var closed: [String: Int64] = [:]
    /// Each lead's industry and technographics as its profiles gave them (names the scoring
    /// configuration does not list, too: the fit may give them points).
    private var profiles: [String: (industry: Int32, technologies: UInt64)] = [:]
    private var industryIndex: [String: Int32] = [:]
    private var industryNames: [String] = []
    private var technologyIndex: [String: Int] = [:]
    private var technologyNames: [String] = []
    private(set) public var firstEventAt: Int64?
    private(set) public var lastEventAt: Int64?
    private(set) public var events = 0

    public init(space: FitFeatureSpace, options: Options) {
        self.space = space
        self.options = options
        engine = ScoringEngine(config: space.unit)
        scaledEngines = space.scaledUnits.map { ScoringEngine(config: $0) }
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
        switch event {
        case .leadOutcome(let o):
            if closed[o.leadID] == nil { closed[o.leadID] = t }
            if o.outcome == .converted, converted[o.leadID] == nil { converted[o.leadID] = t }
        case .profile(let p):
            var known = profiles[p.leadID] ?? (-1, 0)
            if let name = p.industry { known.industry = internIndustry(name) }
            if let names = p.technographics {
                // A profile's list replaces the lead's, as in the engine; 64 names at most.
                known.technologies = 0
                for name in names { known.technologies |= technologyBit(name) }
            }
            profiles[p.leadID] = known
        case .leadForgotten(let f):
            profiles[f.leadID] = nil
        default:
            break
        }
        scratch.removeAll(keepingCapacity: true)
        _ = engine.apply(event, into: &scratch)
        for k in scaledEngines.indices {
            scratch.removeAll(keepingCapacity: true)
            _ = scaledEngines[k].apply(event, into: &scratch)
        }
    }

    private mutating func internIndustry(_ name: String) -> Int32 {
        if let known = industryIndex[name] { return known }
        let k = Int32(industryNames.count)
        industryNames.append(name)
        industryIndex[name] = k
        return k
    }

    private mutating func technologyBit(_ name: String) -> UInt64 {
        if let known = technologyIndex[name] { return 1 << UInt64(known) }
        guard technologyNames.count < 64 else { return 0 }
        technologyIndex[name] = technologyNames.count
        technologyNames.append(name)
        return 1 << UInt64(technologyNames.count - 1)
    }

    /// Whether a sample with this hash is kept at `level` (the top `level` bits are 0).
    static func kept(_ hash: UInt64, level: Int) -> Bool { level == 0 || hash >> UInt64(64 - level) == 0 }

    private mutating func takeMoment(_ m: Int64) {
        var entry = Pending(moment: m)
        var row = [Double](repeating: 0, count: space.columns.count)
        let closed = self.closed
        let profiles = self.profiles
        let space = self.space
        let level = thinning
        // Which leads (by their place in the book) are kept: the scaled engines saw the same
        // events, so their books hold the same leads in the same places.
        var kept: [Int] = []
        var place = -1
        engine.leads.forEachBreakdown(at: Timestamp(millisecondsSinceEpoch: m)) { leadID, breakdown in
            place += 1
            if let c = closed[leadID], c <= m { return }
            var mix = SplitMix64(seed: FNV1a64.hash(leadID) ^ UInt64(bitPattern: m))
            let hash = mix.next()
            guard Self.kept(hash, level: level), space.row(breakdown, into: &row) else { return }
            let profile = profiles[leadID] ?? (-1, 0)
            entry.leads.append(leadID)
            entry.hashes.append(hash)
            entry.rows += row
            entry.industries.append(profile.industry)
            entry.technologies.append(profile.technologies)
            kept.append(place)
        }
        if !scaledEngines.isEmpty {
            let n = FitFeatureSpace.intentCount
            let aw = scaledEngines.count * n
            entry.alternates = [Double](repeating: 0, count: kept.count * aw)
            var columns = [Double](repeating: 0, count: n)
            for (k, scaled) in scaledEngines.enumerated() {
                var next = 0
                var place = -1
                let leads = entry.leads
                scaled.leads.forEachBreakdown(at: Timestamp(millisecondsSinceEpoch: m)) { leadID, breakdown in
                    place += 1
                    guard next < kept.count, kept[next] == place, leads[next] == leadID else { return }
                    FitFeatureSpace.intentColumns(breakdown, into: &columns, at: 0)
                    for c in 0..<n { entry.alternates[next * aw + k * n + c] = columns[c] }
                    next += 1
                }
            }
        }
        pendingCount += entry.leads.count
        pending.append(entry)
        while pendingCount > options.maxSamples && thinning < 63 { thin() }
    }

    /// Keeps half of the moments kept so far (and of those to come).
    private mutating func thin() {
        thinning += 1
        let width = space.columns.count
        pendingCount = 0
        for p in pending.indices {
            let old = pending[p]
            var new = Pending(moment: old.moment)
            for k in old.leads.indices where Self.kept(old.hashes[k], level: thinning) {
                new.leads.append(old.leads[k])
                new.hashes.append(old.hashes[k])
                new.rows += old.rows[(k * width)..<((k + 1) * width)]
                if !old.alternates.isEmpty {
                    let aw = old.alternates.count / old.leads.count
                    new.alternates += old.alternates[(k * aw)..<((k + 1) * aw)]
                }
                new.industries.append(old.industries[k])
                new.technologies.append(old.technologies[k])
            }
            pendingCount += new.leads.count
            pending[p] = new
        }
    }

    /// The labelled samples: the moments whose horizon ends within the stream.
    public func samples() -> FitSamples {
        var out = FitSamples(space: space)
        out.industryNames = industryNames
        out.technologyNames = technologyNames
        out.keptShare = 1 / Double(UInt64(1) << UInt64(thinning))
        guard let last = lastEventAt else { return out }
        let h = options.horizon.milliseconds
        let width = space.columns.count
        for p in pending where p.moment + h <= last {
            for (k, lead) in p.leads.enumerated() {
                let label = converted[lead].map { $0 > p.moment && $0 <= p.moment + h } ?? false
                let aw = p.leads.isEmpty ? 0 : p.alternates.count / p.leads.count
                out.append(p.rows[(k * width)..<((k + 1) * width)], alternates: p.alternates[(k * aw)..<((k + 1) * aw)],
                           industry: p.industries[k], technologies: p.technologies[k], label: label, at: p.moment)
            }
        }
        return out
    }
}
