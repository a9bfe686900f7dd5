import LeadScoreCore

extension OutcomeEvaluation {
    /// The default number of time slices of the bucket mix.
    public static let defaultTimeSlices = 24

    /// One lead, evaluated.
    struct Evaluated {
        var leadID: String
        var bucket: Bucket
        var score: Double
        var converted: Bool
        var route: RouteEntry?
    }

    /// The report over everything added so far.
    ///
    /// - Parameters:
    ///   - baseline: another evaluation whose final bucket mix and score distribution are the
    ///     expected populations of the drift; nil compares the two halves of this window.
    ///   - timeSlices: slices of the bucket mix over time (at least 1).
    public func report(baseline: OutcomeEvaluation? = nil, timeSlices: Int = OutcomeEvaluation.defaultTimeSlices) -> EvaluationReport {
        if !erasedAt.isEmpty { return withErasuresApplied().report(baseline: baseline, timeSlices: timeSlices) }
        var population = EvaluationReport.Population()
        var evaluated: [Evaluated] = []
        evaluated.reserveCapacity(tracks.count)
        for i in tracks.indices {
            let track = tracks[i]
            guard !track.scores.isEmpty else {
                if track.lastOutcome != nil { population.outcomesWithoutScores += 1 }
                continue
            }
            population.leads += 1
            let scores = Self.sorted(track.scores)
            let moment = track.firstConverted ?? track.lastOutcome
            guard let s = Self.inForce(scores, at: moment ?? .max) else {
                population.withoutBucket += 1
                continue
            }
            let route = Self.inForce(Self.sorted(track.routes), at: moment ?? .max)
            if track.lastOutcome != nil { population.labelled += 1 }
            evaluated.append(Evaluated(leadID: ids[i], bucket: s.bucket, score: s.score,
                                       converted: track.firstConverted != nil, route: route))
        }
        population.evaluated = evaluated.count
        population.conversions = evaluated.reduce(0) { $0 + ($1.converted ? 1 : 0) }
        population.baseRate = Statistics.rate(population.conversions, population.evaluated)

        return EvaluationReport(
            inputs: counts, population: population,
            buckets: Self.bucketRows(evaluated, baseRate: population.baseRate),
            selections: Self.selections(evaluated, conversions: population.conversions),
            uplift: Self.uplift(evaluated), tiers: Self.tiers(evaluated),
            calibration: Self.calibration(evaluated),
            drift: drift(baseline: baseline), mix: mix(slices: timeSlices),
            verdict: Self.verdict(evaluated),
            comparison: challengerRescored > 0 ? comparison() : nil)
    }

    // MARK: Per-lead order

    /// Entries in (time, seq) order, a repeated seq kept once. Already sorted input (a replay's
    /// output) is not copied.
    static func sorted<Entry: HistoryEntry>(_ entries: [Entry]) -> [Entry] {
        var inOrder = true
        for i in entries.indices.dropFirst() where entries[i - 1].at > entries[i].at || entries[i - 1].seq >= entries[i].seq {
            inOrder = false
            break
        }
        if inOrder { return entries }
        var copy = entries.sorted { ($0.at, $0.seq) < ($1.at, $1.seq) }
        var seen = Set<UInt32>()
        copy.removeAll { !seen.insert($0.seq).inserted }
        return copy
    }

    /// The latest entry at or before `moment` in a sorted history (binary search).
    static func inForce<Entry: HistoryEntry>(_ entries: [Entry], at moment: Int64) -> Entry? {
        var lo = 0
        var hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].at <= moment { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? entries[lo - 1] : nil
    }

    // MARK: Tables

    static func bucketRows(_ leads: [Evaluated], baseRate: Double?) -> [EvaluationReport.BucketRow] {
        var n = [Int](repeating: 0, count: Bucket.reportOrder.count)
        var c = n
        for e in leads {
            n[Int(e.bucket.order)] += 1
            if e.converted { c[Int(e.bucket.order)] += 1 }
        }
        return Bucket.reportOrder.map { b in
            let i = Int(b.order)
            let rate = Statistics.rate(c[i], n[i])
            let lift: Double? = if let rate, let baseRate, baseRate > 0 { rate / baseRate } else { nil }
            return EvaluationReport.BucketRow(bucket: b, leads: n[i], conversions: c[i], rate: rate, lift: lift)
        }
    }

    private static func selections(_ leads: [Evaluated], conversions: Int) -> [EvaluationReport.Selection] {
        [("A", [Bucket.a]), ("A or B", [Bucket.a, .b])].map { name, set in
            let inSet = leads.filter { set.contains($0.bucket) }
            let tp = inSet.reduce(0) { $0 + ($1.converted ? 1 : 0) }
            return EvaluationReport.Selection(name: name, buckets: set, leads: inSet.count, conversions: tp,
                                              precision: Statistics.rate(tp, inSet.count), recall: Statistics.rate(tp, conversions))
        }
    }

    private static func uplift(_ leads: [Evaluated]) -> EvaluationReport.Uplift {
        func row(_ bucket: Bucket?, _ group: [Evaluated]) -> EvaluationReport.UpliftRow {
            var model = EvaluationReport.Group(leads: 0, conversions: 0)
            var holdout = model
            for e in group {
                guard let r = e.route, r.hasRep else { continue }
                if r.holdout {
                    holdout.leads += 1
                    if e.converted { holdout.conversions += 1 }
                } else {
                    model.leads += 1
                    if e.converted { model.conversions += 1 }
                }
            }
            let d = Statistics.proportionDifference(successesA: model.conversions, trialsA: model.leads,
                                                    successesB: holdout.conversions, trialsB: holdout.leads)
            return EvaluationReport.UpliftRow(bucket: bucket, model: model, holdout: holdout, difference: d)
        }
        let rep = leads.filter { $0.bucket.isRepBucket }
        let rows = [Bucket.a, .b, .c].map { b in row(b, rep.filter { $0.bucket == b }) }
        let withoutRep = rep.reduce(0) { $0 + (($1.route?.hasRep ?? false) ? 0 : 1) }
        return EvaluationReport.Uplift(buckets: rows, overall: row(nil, rep), withoutRep: withoutRep)
    }

    private static func tiers(_ leads: [Evaluated]) -> [EvaluationReport.TierRow] {
        var rows: [EvaluationReport.TierRow] = []
        for b in [Bucket.a, .b, .c] {
            for tier in 0...2 {
                var g = EvaluationReport.Group(leads: 0, conversions: 0)
                for e in leads where e.bucket == b {
                    guard let r = e.route, r.hasRep, Int(r.tier) == tier else { continue }
                    g.leads += 1
                    if e.converted { g.conversions += 1 }
                }
                rows.append(EvaluationReport.TierRow(bucket: b, tier: tier, group: g))
            }
        }
        return rows
    }

    private static func calibration(_ leads: [Evaluated]) -> [EvaluationReport.Decile] {
        let ranked = leads.sorted { ($0.score, $0.leadID) < ($1.score, $1.leadID) }
        let n = ranked.count
        var deciles: [EvaluationReport.Decile] = []
        for d in 0..<10 {
            let lo = d * n / 10
            let hi = (d + 1) * n / 10
            guard lo < hi else { continue }
            let slice = ranked[lo..<hi]
            let sum = slice.reduce(0.0) { $0 + $1.score }
            let conversions = slice.reduce(0) { $0 + ($1.converted ? 1 : 0) }
            deciles.append(EvaluationReport.Decile(
                decile: d + 1, minScore: ranked[lo].score, maxScore: ranked[hi - 1].score,
                meanScore: sum / Double(slice.count),
                group: EvaluationReport.Group(leads: slice.count, conversions: conversions)))
        }
        return deciles
    }

    private static func verdict(_ leads: [Evaluated]) -> EvaluationReport.Verdict {
        let rows = bucketRows(leads, baseRate: nil)
        let anyConversion = leads.contains { $0.converted }
        var ordered: Bool?
        if anyConversion, let a = rows[0].rate, let b = rows[1].rate, let c = rows[2].rate {
            ordered = a > b && b > c
        }
        let overall = uplift(leads).overall.difference
        var positive: Bool?
        if let overall, overall.isSignificant { positive = overall.difference > 0 }
        return EvaluationReport.Verdict(ordered: ordered, upliftPositive: positive, upliftMeasured: overall != nil)
    }

    // MARK: Drift and mix

    /// Score bin of width 10: [0, 10) is 0, ..., [90, 100] is 9; outside scores clamped.
    static func scoreBin(_ score: Double) -> Int {
        guard score.isFinite else { return 0 }
        return max(0, min(9, Int((score / 10).rounded(.down))))
    }

    private func drift(baseline: OutcomeEvaluation?) -> EvaluationReport.Drift {
        let start = firstRescoredAt
        let end = lastRescoredAt
        let window = (start.map(Timestamp.init(millisecondsSinceEpoch:)), end.map(Timestamp.init(millisecondsSinceEpoch:)))
        var d: EvaluationReport.Drift
        if let baseline {
            d = EvaluationReport.Drift(mode: .baseline, windowStart: window.0, windowEnd: window.1, midpoint: nil,
                                       expected: baseline.finalPopulation(label: "baseline"),
                                       actual: finalPopulation(label: "this input"), bucketPSI: nil, scorePSI: nil)
        } else {
            var first = Self.emptyPopulation("first half")
            var second = Self.emptyPopulation("second half")
            var mid: Int64?
            if let start, let end {
                let m = start + (end - start) / 2
                mid = m
                for track in tracks where !track.scores.isEmpty {
                    let scores = Self.sorted(track.scores)
                    if let e = Self.inForce(scores, at: m) { Self.count(e, into: &first) }
                    if let e = scores.last, e.at > m { Self.count(e, into: &second) }
                }
            }
            d = EvaluationReport.Drift(mode: .halves, windowStart: window.0, windowEnd: window.1,
                                       midpoint: mid.map(Timestamp.init(millisecondsSinceEpoch:)),
                                       expected: first, actual: second, bucketPSI: nil, scorePSI: nil)
        }
        d.bucketPSI = Statistics.populationStability(expected: d.expected.buckets.map(Double.init), actual: d.actual.buckets.map(Double.init))
        d.scorePSI = Statistics.populationStability(expected: d.expected.scoreBins.map(Double.init), actual: d.actual.scoreBins.map(Double.init))
        return d
    }

    private static func emptyPopulation(_ label: String) -> EvaluationReport.DriftPopulation {
        EvaluationReport.DriftPopulation(label: label, leads: 0, buckets: Array(repeating: 0, count: Bucket.reportOrder.count), scoreBins: Array(repeating: 0, count: 10))
    }

    private static func count(_ e: ScoreEntry, into p: inout EvaluationReport.DriftPopulation) {
        p.leads += 1
        p.buckets[Int(e.bucket.order)] += 1
        p.scoreBins[scoreBin(e.score)] += 1
    }

    /// Every lead with its final bucket and score (the latest `lead_rescored`).
    func finalPopulation(label: String) -> EvaluationReport.DriftPopulation {
        var p = Self.emptyPopulation(label)
        for track in tracks where !track.scores.isEmpty {
            if let e = Self.sorted(track.scores).last { Self.count(e, into: &p) }
        }
        return p
    }

    private func mix(slices requested: Int) -> [EvaluationReport.MixSlice] {
        guard let start = firstRescoredAt, let end = lastRescoredAt else { return [] }
        let n = end > start ? max(1, requested) : 1
        let span = end - start
        // Slice k ends at start + span x (k + 1) / n; the last one at `end` exactly.
        let ends = (0..<n).map { k in start + span * Int64(k + 1) / Int64(n) }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: Bucket.reportOrder.count), count: n)
        for track in tracks where !track.scores.isEmpty {
            let scores = Self.sorted(track.scores)
            var j = 0
            var current: Bucket?
            for k in 0..<n {
                while j < scores.count, scores[j].at <= ends[k] {
                    current = scores[j].bucket
                    j += 1
                }
                if let current { counts[k][Int(current.order)] += 1 }
            }
        }
        return (0..<n).map { EvaluationReport.MixSlice(end: Timestamp(millisecondsSinceEpoch: ends[$0]), counts: counts[$0]) }
    }
}
