import LeadScoreCore

extension EvaluationReport {
    /// Version of the JSON layout (`schemas/evaluation_report.schema.json`).
    public static let jsonVersion = 1

    /// The report as one JSON object (schema `evaluation_report.schema.json`): rates, lifts and
    /// PSI to 6 decimals, scores to 2; a value that cannot be computed (no leads) is `null`.
    /// `comparison` is there only when the input held the challenger's events, so a report
    /// without a challenger is the same as before it existed.
    public func appendJSON(to out: inout [UInt8]) {
        var w = JSONWriter()
        w.beginObject()
        w.key("report"); w.string("leadscore_evaluation")
        w.key("version"); w.integer(Self.jsonVersion)
        w.key("definitions")
        w.beginObject()
        for d in Self.definitions { w.key(string: d.key); w.string(d.text) }
        w.endObject()
        writeInputs(&w)
        writePopulation(&w)
        w.key("buckets")
        w.beginArray()
        for row in buckets {
            w.beginObject()
            w.key("bucket"); w.string(row.bucket.name)
            w.key("leads"); w.integer(row.leads)
            w.key("conversions"); w.integer(row.conversions)
            w.key("rate"); Self.ratio(row.rate, &w)
            w.key("lift"); Self.ratio(row.lift, &w)
            w.endObject()
        }
        w.endArray()
        w.key("precision_recall")
        w.beginArray()
        for s in selections {
            w.beginObject()
            w.key("selection"); w.string(s.name)
            w.key("buckets"); w.beginArray(); for b in s.buckets { w.string(b.name) }; w.endArray()
            w.key("leads"); w.integer(s.leads)
            w.key("conversions"); w.integer(s.conversions)
            w.key("precision"); Self.ratio(s.precision, &w)
            w.key("recall"); Self.ratio(s.recall, &w)
            w.endObject()
        }
        w.endArray()
        writeUplift(&w)
        w.key("tiers")
        w.beginArray()
        for t in tiers {
            w.beginObject()
            w.key("bucket"); w.string(t.bucket.name)
            w.key("tier"); w.integer(t.tier)
            Self.group(t.group, &w)
            w.endObject()
        }
        w.endArray()
        w.key("calibration")
        w.beginArray()
        for d in calibration {
            w.beginObject()
            w.key("decile"); w.integer(d.decile)
            w.key("min_score"); w.number(d.minScore)
            w.key("max_score"); w.number(d.maxScore)
            w.key("mean_score"); w.number(d.meanScore)
            Self.group(d.group, &w)
            w.endObject()
        }
        w.endArray()
        writeDrift(&w)
        w.key("mix")
        w.beginArray()
        for slice in mix {
            w.beginObject()
            w.key("end"); w.timestamp(slice.end)
            Self.bucketCounts(slice.counts, &w)
            w.endObject()
        }
        w.endArray()
        if let comparison { Self.writeComparison(comparison, &w) }
        w.key("verdict")
        w.beginObject()
        w.key("ordered"); Self.bool(verdict.ordered, &w)
        w.key("uplift_positive"); Self.bool(verdict.upliftPositive, &w)
        w.key("uplift_measured"); w.bool(verdict.upliftMeasured)
        w.key("text"); w.beginArray(); for line in verdictLines { w.string(line) }; w.endArray()
        w.endObject()
        w.endObject()
        w.append(to: &out)
    }

    /// The JSON of `appendJSON` as a string.
    public var jsonString: String {
        var bytes: [UInt8] = []
        appendJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func writeInputs(_ w: inout JSONWriter) {
        w.key("input")
        w.beginObject()
        w.key("lines"); w.integer(inputs.lines)
        w.key("lead_rescored"); w.integer(inputs.rescored)
        w.key("lead_routed"); w.integer(inputs.routed)
        w.key("lead_outcome"); w.integer(inputs.outcomes)
        w.key("ignored"); w.integer(inputs.ignored)
        w.key("ignored_by_type"); Self.countMap(inputs.ignoredByType, &w)
        w.key("skipped"); w.integer(inputs.skipped)
        w.key("skipped_by_error"); Self.countMap(inputs.skippedByCode, &w)
        w.endObject()
    }

    private func writePopulation(_ w: inout JSONWriter) {
        w.key("population")
        w.beginObject()
        w.key("leads"); w.integer(population.leads)
        w.key("evaluated"); w.integer(population.evaluated)
        w.key("without_bucket"); w.integer(population.withoutBucket)
        w.key("labelled"); w.integer(population.labelled)
        w.key("conversions"); w.integer(population.conversions)
        w.key("base_rate"); Self.ratio(population.baseRate, &w)
        w.key("outcome_leads_without_scores"); w.integer(population.outcomesWithoutScores)
        w.endObject()
    }

    private func writeUplift(_ w: inout JSONWriter) {
        func row(_ r: UpliftRow) {
            w.beginObject()
            w.key("bucket"); w.string(r.bucket?.name ?? "A+B+C")
            w.key("model"); w.beginObject(); Self.group(r.model, &w); w.endObject()
            w.key("holdout"); w.beginObject(); Self.group(r.holdout, &w); w.endObject()
            w.key("difference"); Self.ratio(r.difference?.difference, &w)
            w.key("ci_lower"); Self.ratio(r.difference?.lower, &w)
            w.key("ci_upper"); Self.ratio(r.difference?.upper, &w)
            w.key("standard_error"); Self.ratio(r.difference?.standardError, &w)
            w.key("significant"); Self.bool(r.difference?.isSignificant, &w)
            w.endObject()
        }
        w.key("uplift")
        w.beginObject()
        w.key("buckets")
        w.beginArray()
        for r in uplift.buckets { row(r) }
        w.endArray()
        w.key("overall"); row(uplift.overall)
        w.key("leads_without_rep"); w.integer(uplift.withoutRep)
        w.endObject()
    }

    private func writeDrift(_ w: inout JSONWriter) {
        func population(_ p: DriftPopulation) {
            w.beginObject()
            w.key("label"); w.string(p.label)
            w.key("leads"); w.integer(p.leads)
            w.key("buckets"); w.beginObject(); Self.bucketCounts(p.buckets, &w); w.endObject()
            w.key("score_bins"); w.beginArray(); for n in p.scoreBins { w.integer(n) }; w.endArray()
            w.endObject()
        }
        w.key("drift")
        w.beginObject()
        w.key("mode"); w.string(drift.mode.rawValue)
        w.key("window_start"); w.timestamp(drift.windowStart)
        w.key("window_end"); w.timestamp(drift.windowEnd)
        w.key("midpoint"); w.timestamp(drift.midpoint)
        w.key("expected"); population(drift.expected)
        w.key("actual"); population(drift.actual)
        w.key("bucket_psi"); Self.ratio(drift.bucketPSI, &w)
        w.key("bucket_reading"); w.string(drift.bucketPSI.map(Statistics.stabilityReading))
        w.key("score_psi"); Self.ratio(drift.scorePSI, &w)
        w.key("score_reading"); w.string(drift.scorePSI.map(Statistics.stabilityReading))
        w.endObject()
    }

    private static func writeComparison(_ c: ModelComparison, _ w: inout JSONWriter) {
        func side(_ s: ModelComparison.Side) {
            w.beginObject()
            w.key("buckets")
            w.beginArray()
            for row in s.buckets {
                w.beginObject()
                w.key("bucket"); w.string(row.bucket.name)
                w.key("leads"); w.integer(row.leads)
                w.key("conversions"); w.integer(row.conversions)
                w.key("rate"); ratio(row.rate, &w)
                w.key("lift"); ratio(row.lift, &w)
                w.endObject()
            }
            w.endArray()
            w.key("auc"); ratio(s.auc, &w)
            w.key("top_bucket"); w.beginObject(); group(s.topBucket, &w); w.endObject()
            w.endObject()
        }
        w.key("comparison")
        w.beginObject()
        w.key("definition"); w.string(ModelComparison.definition)
        w.key("challenger_lead_rescored"); w.integer(c.challengerRescored)
        w.key("leads"); w.integer(c.leads)
        w.key("conversions"); w.integer(c.conversions)
        w.key("base_rate"); ratio(c.baseRate, &w)
        w.key("champion_only"); w.integer(c.championOnly)
        w.key("challenger_only"); w.integer(c.challengerOnly)
        w.key("champion"); side(c.champion)
        w.key("challenger"); side(c.challenger)
        w.key("agreement")
        w.beginObject()
        w.key("rows")
        w.beginArray()
        for (b, row) in zip(Bucket.reportOrder, c.agreement) {
            w.beginObject()
            w.key("champion_bucket"); w.string(b.name)
            w.key("challenger"); w.beginObject(); bucketCounts(row, &w); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.key("agreeing"); w.integer(c.agreeing)
        w.key("rate"); ratio(Statistics.rate(c.agreeing, c.leads), &w)
        w.endObject()
        let d = c.topBucketDifference
        w.key("top_bucket_difference")
        w.beginObject()
        w.key("difference"); ratio(d?.difference, &w)
        w.key("ci_lower"); ratio(d?.lower, &w)
        w.key("ci_upper"); ratio(d?.upper, &w)
        w.key("standard_error"); ratio(d?.standardError, &w)
        w.key("significant"); bool(d?.isSignificant, &w)
        w.endObject()
        w.key("verdict"); w.string(c.verdict)
        w.endObject()
    }

    private static func ratio(_ value: Double?, _ w: inout JSONWriter) {
        if let value { w.number(value, decimals: 6) } else { w.null() }
    }

    private static func bool(_ value: Bool?, _ w: inout JSONWriter) {
        if let value { w.bool(value) } else { w.null() }
    }

    private static func group(_ g: Group, _ w: inout JSONWriter) {
        w.key("leads"); w.integer(g.leads)
        w.key("conversions"); w.integer(g.conversions)
        w.key("rate"); ratio(g.rate, &w)
    }

    /// `"A": n, "B": n, ...` members in report order (inside an open object).
    private static func bucketCounts(_ counts: [Int], _ w: inout JSONWriter) {
        for (b, n) in zip(Bucket.reportOrder, counts) {
            w.key(string: b.name); w.integer(n)
        }
    }

    private static func countMap(_ map: [String: Int], _ w: inout JSONWriter) {
        w.beginObject()
        for (k, n) in map.sorted(by: { $0.key < $1.key }) { w.key(string: k); w.integer(n) }
        w.endObject()
    }
}
