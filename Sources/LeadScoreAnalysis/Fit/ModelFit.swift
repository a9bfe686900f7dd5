#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LeadScoreCore

/// `leadscore fit`: learns the scoring configuration's weights from labelled moments
/// (`FitSamples`) and compares it with the starting one on a later validation window.
///
/// A regularized logistic regression over the engine's own columns (`FitFeatureSpace`) gives
/// each column's weight in log-odds; one scale turns them into points, so that the score is the
/// fitted log-odds (up to an offset) on a 0-100 range, intent and quality keep their weights
/// (`scoring.score`) and caps, and the breakdown stays a sum of readable parts. Bucket thresholds
/// are set so the fitted model puts the same shares of the training moments in A, B and C as the
/// starting one did (the sales team gets as many leads per bucket as before), or the shares given.
/// What the data does not vary (a signal never seen, a rule no lead meets) keeps its starting
/// value. Business rules are not touched: floor, tiers' deal values, disqualifiers, daily caps (as
/// counts of events), routing. A half-life changes only where the data tells it apart from a
/// multiple of it (`halfLifeSearch`).
public enum ModelFit {
    public struct Options: Sendable, Equatable {
        /// Moments from this time on are the validation window; nil: the last `validationShare`.
        public var validateFrom: Timestamp?
        public var validationShare = 0.3
        /// L2 penalty on the standardized coefficients.
        public var l2 = 1.0
        /// Fewest conversions among the training moments.
        public var minConversions = 50
        /// Target shares of A, B and C (nil: the starting configuration's on the training moments).
        public var bucketShares: [Double]?
        /// Or target conversion rates (precision) of A, B and C, each of that bucket or better on
        /// the training moments; wins over `bucketShares`.
        public var bucketPrecision: [Double]?
        /// Fewest labelled moments of an industry or technographic for it to get its own points.
        public var minNameSamples = 100
        /// Log-likelihood (nats, on the training moments) another half-life must gain over the
        /// current one to be chosen: the data must tell them apart, not merely lean.
        public var halfLifeEvidence = 3.0
        /// Most training moments the half-life search fits on (every k-th, so it stays quick).
        public var halfLifeSearchMoments = 40_000
        public init() {}
    }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// How one configuration does on the validation moments.
    public struct Side: Sendable, Equatable {
        public struct BucketRow: Sendable, Equatable {
            public var bucket: Bucket
            public var samples: Int
            public var conversions: Int
            public var rate: Double?
            public var lift: Double?
        }
        public struct CalibrationRow: Sendable, Equatable {
            public var samples: Int
            public var predicted: Double
            public var observed: Double
        }
        public var auc: Double?
        public var logLoss: Double?
        public var buckets: [BucketRow]
        /// Tenths of the validation moments by score, lowest first.
        public var calibration: [CalibrationRow]
    }

    public struct WeightChange: Sendable, Equatable {
        public var path: String
        public var old: Double
        public var new: Double
        /// False when the data never varied this column (the value is the starting one).
        public var supported: Bool
    }

    public struct ProbabilityRow: Sendable, Equatable {
        public var scoreFrom: Double
        public var scoreTo: Double
        public var probability: Double
    }

    public struct Report: Sendable, Equatable {
        public var trainingSamples: Int
        public var trainingConversions: Int
        public var validationSamples: Int
        public var validationConversions: Int
        public var validateFrom: Timestamp
        public var start: Side
        public var fitted: Side
        public var startVersion: String
        public var fittedVersion: String
        public var changes: [WeightChange]
        public var thresholds: (old: [Double], new: [Double])
        /// moves[from][to]: validation moments by starting bucket and fitted bucket.
        public var moves: [Bucket: [Bucket: Int]]
        public var probabilities: [ProbabilityRow]
        public var iterations: Int
        /// The columns fitted (the engine's and the per-name ones).
        public var space: FitFeatureSpace
        /// The share of labelled moments used (below 1 when `maxSamples` thinned them).
        public var keptShare: Double
        /// Per intent column (signals, then third-party): the scale of `space.halfLifeScales`
        /// chosen for its half-life, nil for the starting one.
        public var halfLives: [Int?]
        /// Per intent column: the training log-likelihood gained by the best other half-life
        /// tried (nats; nil when none was tried), whether or not it was enough to choose it.
        public var halfLifeEvidence: [Double?]

        public static func == (l: Report, r: Report) -> Bool {
            l.trainingSamples == r.trainingSamples && l.fittedVersion == r.fittedVersion && l.start == r.start && l.fitted == r.fitted
                && l.changes == r.changes && l.moves == r.moves && l.probabilities == r.probabilities
                && l.thresholds.old == r.thresholds.old && l.thresholds.new == r.thresholds.new
        }
    }

    static let ranked: [Bucket] = [.a, .b, .c, .nurture]

    public static func run(_ sampled: FitSamples, options: Options) throws(Failure) -> (config: ScoringConfig, report: Report) {
        let startRows = sampled.matrix(minSupport: options.minNameSamples)
        var samples = startRows
        let space = samples.space
        let width = samples.width
        let moments = Array(Set(samples.moments)).sorted()
        guard moments.count >= 2 else {
            throw Failure(description: "too few labelled moments (\(moments.count)): the stream must cover at least two moments (--every) plus the horizon (--horizon)")
        }
        let validateFrom = options.validateFrom?.millisecondsSinceEpoch
            ?? moments[min(moments.count - 1, max(1, Int((Double(moments.count) * (1 - options.validationShare)).rounded(.down))))]
        var train: [Int] = []
        var validation: [Int] = []
        for i in 0..<samples.count { if samples.moments[i] < validateFrom { train.append(i) } else { validation.append(i) } }
        let trainConversions = train.reduce(0) { $0 + (samples.labels[$1] ? 1 : 0) }
        guard trainConversions >= options.minConversions else {
            throw Failure(description: "too few conversions to fit: \(trainConversions) among \(train.count) training moments, at least \(options.minConversions) needed (--min-conversions); record a longer stream, or move --validate-from later")
        }
        guard !validation.isEmpty else {
            throw Failure(description: "no validation moments from \(Timestamp(millisecondsSinceEpoch: validateFrom)) on: move --validate-from earlier")
        }
        // The replaced columns (target list, any-of rule) are left out: 0 in every row.
        let replaced = space.columns.map(space.isReplaced)
        let labels = train.map { samples.labels[$0] }
        func regression(_ samples: FitMatrix) -> LogisticRegression.Result {
            var rows: [Double] = []
            rows.reserveCapacity(train.count * width)
            for i in train {
                let from = rows.count
                rows += samples.row(i)
                for k in 0..<width where replaced[k] { rows[from + k] = 0 }
            }
            return LogisticRegression.fit(rows: rows, width: width, labels: labels, sign: space.columns.map(\.sign), l2: options.l2)
        }
        var lr = regression(samples)
        let search = halfLifeSearch(sampled, rows: samples, train: train, base: lr, options: options)
        if search.choice.contains(where: { $0 != nil }) {
            samples = sampled.matrix(in: space, halfLives: search.choice)
            lr = regression(samples)
        }

        // One scale from log-odds to points.
        let start = space.start
        let startValues = space.values(of: start)
        var intentParts: [Double] = []
        var totals: [Double] = []
        var maxQuality = 0.0
        for i in train {
            var intent = 0.0
            var quality = 0.0
            for (k, x) in samples.row(i).enumerated() where lr.supported[k] {
                if space.columns[k].isIntent { intent += lr.coefficients[k] * x } else { quality += lr.coefficients[k] * x }
            }
            intentParts.append(max(0, intent))
            totals.append(max(0, intent) + max(0, quality))
            maxQuality = max(maxQuality, quality)
        }
        let b = start.buckets
        let intentP99 = quantile(intentParts.sorted(), 0.99)
        var k = 100 / max(1e-9, quantile(totals.sorted(), 0.99))
        if intentP99 > 0 { k = min(k, start.intent.maxIntent * b.intentWeight / intentP99) }
        if maxQuality > 0 { k = min(k, start.quality.maxPoints * b.qualityWeight / maxQuality) }
        var values = startValues
        for (c, column) in space.columns.enumerated() where lr.supported[c] {
            let v = k * lr.coefficients[c] / (column.isIntent ? b.intentWeight : b.qualityWeight)
            values[c] = (v * 100).rounded() / 100
        }
        for c in 0..<width where replaced[c] { values[c] = 0 }
        var fitted = space.config(with: values)
        for (c, k) in search.choice.enumerated() {
            guard let k else { continue }
            let scale = space.halfLifeScales[k]
            if c < Signal.allCases.count {
                let signal = Signal.allCases[c]
                var rule = fitted.intent.rule(for: signal)
                rule.halfLife = FitFeatureSpace.scaled(start.intent.rule(for: signal).halfLife, by: scale)
                fitted.intent.signals[signal] = rule
            } else {
                fitted.intent.thirdPartyHalfLife = FitFeatureSpace.scaled(start.intent.thirdPartyHalfLife, by: scale)
            }
        }
        // Names without their own points get none (the reference the per-name points are
        // measured from); lists whose points are 0 are left empty.
        if space.isReplaced(.targetIndustry) { fitted.quality.targetIndustries = [] }
        if space.isReplaced(.technographic) { fitted.quality.technographics = [] }

        // Thresholds: the same shares of A, B and C as before (or as asked).
        let startBuckets = train.map { space.score(startRows.row($0), values: startValues, config: start).bucket }
        let shares = options.bucketShares ?? [Bucket.a, .b, .c].map { bucket in
            Double(startBuckets.filter { $0 == bucket }.count) / Double(max(1, train.count))
        }
        let fittedScores = train.map { space.score(samples.row($0), values: values, config: fitted).score }
        let sortedScores = fittedScores.sorted()
        var thresholds: [Double] = []
        if let precision = options.bucketPrecision {
            // Or by precision: each threshold is the lowest score whose moments at or above it
            // (that bucket or better) converted at the target rate; above every score when none did.
            let order = train.indices.sorted { (fittedScores[$1], $0) < (fittedScores[$0], $1) }
            var best = [Double?](repeating: nil, count: precision.count)
            var converted = 0
            var k = 0
            while k < order.count {
                let score = fittedScores[order[k]]
                var j = k
                while j < order.count && fittedScores[order[j]] == score {
                    if labels[order[j]] { converted += 1 }
                    j += 1
                }
                for b in precision.indices where Double(converted) / Double(j) >= precision[b] { best[b] = score }
                k = j
            }
            // Not rounded: leaving out the moments at the threshold's own score could take the
            // rate below the target.
            let above = (sortedScores.last ?? 0) + 0.01
            thresholds = best.map { $0 ?? above }
        } else {
            var cumulative = 0.0
            for share in shares {
                cumulative += share
                thresholds.append((quantile(sortedScores, max(0, 1 - cumulative)) * 100).rounded() / 100)
            }
        }
        thresholds[2] = max(0.01, thresholds[2])
        thresholds[1] = max(thresholds[1], thresholds[2] + 0.01)
        thresholds[0] = max(thresholds[0], thresholds[1] + 0.01)
        fitted.buckets.thresholdA = thresholds[0]
        fitted.buckets.thresholdB = thresholds[1]
        fitted.buckets.thresholdC = thresholds[2]
        let problems = fitted.validate()
        guard problems.isEmpty else {
            throw Failure(description: "the fitted configuration is not valid: \(problems.map { "\($0.path): \($0.reason)" }.joined(separator: "; "))")
        }

        let startSide = side(startRows, train: train, validation: validation, values: startValues, config: start)
        let fittedSide = side(samples, train: train, validation: validation, values: values, config: fitted)
        var moves: [Bucket: [Bucket: Int]] = [:]
        for i in validation {
            let from = space.score(startRows.row(i), values: startValues, config: start).bucket
            let to = space.score(samples.row(i), values: values, config: fitted).bucket
            moves[from, default: [:]][to, default: 0] += 1
        }
        var changes = space.columns.enumerated().compactMap { c, column -> WeightChange? in
            guard values[c] != startValues[c] || !lr.supported[c] else { return nil }
            return WeightChange(path: column.description, old: startValues[c], new: values[c], supported: lr.supported[c] || replaced[c])
        }
        for (c, k) in search.choice.enumerated() {
            guard k != nil else { continue }
            let path = c < Signal.allCases.count ? "scoring.intent.signals.\(Signal.allCases[c].rawValue).half_life" : "scoring.intent.third_party.half_life"
            let old = c < Signal.allCases.count ? start.intent.rule(for: Signal.allCases[c]).halfLife : start.intent.thirdPartyHalfLife
            let new = c < Signal.allCases.count ? fitted.intent.rule(for: Signal.allCases[c]).halfLife : fitted.intent.thirdPartyHalfLife
            changes.append(WeightChange(path: path + " (days)", old: Double(old.milliseconds) / 86_400_000,
                                        new: Double(new.milliseconds) / 86_400_000, supported: true))
        }
        let platt = LogisticRegression.platt(scores: fittedScores, labels: labels)
        let probabilities = stride(from: 0.0, to: 100.0, by: 10.0).map { from in
            ProbabilityRow(scoreFrom: from, scoreTo: from + 10, probability: 1 / (1 + exp(-(platt.a + platt.b * (from + 5)))))
        }
        // The configuration carries the table (to 4 places), so lead_rescored shows its score's probability.
        fitted.probability = ProbabilityTable(bands: probabilities.map {
            .init(minScore: $0.scoreFrom, probability: ($0.probability * 10_000).rounded() / 10_000)
        })
        let report = Report(
            trainingSamples: train.count, trainingConversions: trainConversions, validationSamples: validation.count,
            validationConversions: validation.reduce(0) { $0 + (samples.labels[$1] ? 1 : 0) },
            validateFrom: Timestamp(millisecondsSinceEpoch: validateFrom), start: startSide, fitted: fittedSide,
            startVersion: start.version, fittedVersion: fitted.version, changes: changes,
            thresholds: ([b.thresholdA, b.thresholdB, b.thresholdC], thresholds), moves: moves,
            probabilities: probabilities, iterations: lr.iterations, space: space, keptShare: sampled.keptShare,
            halfLives: search.choice, halfLifeEvidence: search.evidence)
        return (fitted, report)
    }

    /// Chooses, signal by signal, the half-life whose decayed values rank the training moments
    /// best. Every candidate is a logistic regression over the intent columns, with one column
    /// more holding the base fit's quality points (fixed while the intent part changes): small,
    /// so the search stays quick. A candidate replaces the current half-life only when its
    /// log-likelihood is higher by `halfLifeEvidence` nats; signals are taken in column order,
    /// each from the choices made before it.
    static func halfLifeSearch(_ sampled: FitSamples, rows samples: FitMatrix, train: [Int], base: LogisticRegression.Result,
                               options: Options) -> (choice: [Int?], evidence: [Double?]) {
        let n = FitFeatureSpace.intentCount
        var choice = [Int?](repeating: nil, count: n)
        var evidence = [Double?](repeating: nil, count: n)
        let scales = sampled.space.halfLifeScales
        guard !scales.isEmpty, sampled.alternates.count == sampled.count * scales.count * n else { return (choice, evidence) }
        let step = max(1, train.count / max(1, options.halfLifeSearchMoments))
        let subset = stride(from: 0, to: train.count, by: step).map { train[$0] }
        let width = samples.width
        let aw = scales.count * n
        let labels = subset.map { samples.labels[$0] }
        // Per subset moment: the intent columns as they stand, then the fixed quality part.
        var rows = [Double](repeating: 0, count: subset.count * (n + 1))
        for (r, i) in subset.enumerated() {
            var quality = 0.0
            for k in 0..<width {
                let x = samples.rows[i * width + k]
                if k < n { rows[r * (n + 1) + k] = x } else { quality += base.coefficients[k] * x }
            }
            rows[r * (n + 1) + n] = quality
        }
        let sign = (0..<n).map { samples.space.columns[$0].sign } + [0]
        func logLikelihood(_ rows: [Double]) -> Double {
            let lr = LogisticRegression.fit(rows: rows, width: n + 1, labels: labels, sign: sign, l2: options.l2)
            var sum = 0.0
            for r in 0..<labels.count {
                var z = lr.intercept
                for k in 0...n { z += lr.coefficients[k] * rows[r * (n + 1) + k] }
                let p = min(1 - 1e-12, max(1e-12, 1 / (1 + exp(-z))))
                sum += labels[r] ? log(p) : log(1 - p)
            }
            return sum
        }
        var current = logLikelihood(rows)
        for c in 0..<n where base.supported[c] {
            var best: (k: Int, ll: Double)?
            for k in scales.indices {
                var candidate = rows
                for (r, i) in subset.enumerated() { candidate[r * (n + 1) + c] = sampled.alternates[i * aw + k * n + c] }
                let ll = logLikelihood(candidate)
                if let b = best, b.ll >= ll { continue }
                best = (k, ll)
            }
            guard let best else { continue }
            evidence[c] = best.ll - current
            if best.ll >= current + options.halfLifeEvidence {
                choice[c] = best.k
                current = best.ll
                for (r, i) in subset.enumerated() { rows[r * (n + 1) + c] = sampled.alternates[i * aw + best.k * n + c] }
            }
        }
        return (choice, evidence)
    }

    /// One configuration on the validation moments; its probabilities are its score's Platt
    /// scaling fitted on the training moments (so log loss compares rankings, not raw points).
    static func side(_ samples: FitMatrix, train: [Int], validation: [Int], values: [Double], config: ScoringConfig) -> Side {
        let space = samples.space
        let trainScores = train.map { space.score(samples.row($0), values: values, config: config).score }
        let platt = LogisticRegression.platt(scores: trainScores, labels: train.map { samples.labels[$0] })
        var scores: [Double] = []
        var labels: [Bool] = []
        var counts: [Bucket: (Int, Int)] = [:]
        var logLoss = 0.0
        var predicted: [Double] = []
        for i in validation {
            let s = space.score(samples.row(i), values: values, config: config)
            let y = samples.labels[i]
            scores.append(s.score)
            labels.append(y)
            let p = min(1 - 1e-12, max(1e-12, 1 / (1 + exp(-(platt.a + platt.b * s.score)))))
            predicted.append(p)
            logLoss -= y ? log(p) : log(1 - p)
            var c = counts[s.bucket] ?? (0, 0)
            c.0 += 1
            if y { c.1 += 1 }
            counts[s.bucket] = c
        }
        let positives = labels.filter { $0 }.count
        let base = Double(positives) / Double(max(1, labels.count))
        let buckets = ranked.map { bucket -> Side.BucketRow in
            let (n, conv) = counts[bucket] ?? (0, 0)
            let rate = n > 0 ? Double(conv) / Double(n) : nil
            return Side.BucketRow(bucket: bucket, samples: n, conversions: conv, rate: rate, lift: rate.flatMap { base > 0 ? $0 / base : nil })
        }
        let order = scores.indices.sorted { (scores[$0], $0) < (scores[$1], $1) }
        var calibration: [Side.CalibrationRow] = []
        for d in 0..<10 {
            let slice = order[(order.count * d / 10)..<(order.count * (d + 1) / 10)]
            guard !slice.isEmpty else { continue }
            calibration.append(.init(samples: slice.count, predicted: slice.reduce(0) { $0 + predicted[$1] } / Double(slice.count),
                                     observed: Double(slice.filter { labels[$0] }.count) / Double(slice.count)))
        }
        return Side(auc: auc(scores, labels), logLoss: labels.isEmpty ? nil : logLoss / Double(labels.count),
                    buckets: buckets, calibration: calibration)
    }

    /// Area under the ROC curve (ties count one half), nil without both classes.
    static func auc(_ scores: [Double], _ labels: [Bool]) -> Double? {
        let positives = labels.filter { $0 }.count
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] { rankSum += rank }
            i = j + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// The q-quantile (nearest rank) of values sorted ascending; 0 for none.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.down))))]
    }
}
