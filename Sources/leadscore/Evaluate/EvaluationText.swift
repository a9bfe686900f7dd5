import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreDaemon

/// `leadscore evaluate`'s plain-text report: the verdict first, then each table with the rule it
/// follows, and the definitions at the end.
enum EvaluationText {
    static func render(_ r: EvaluationReport) -> String {
        var out = summary(r)
        out += "\nverdict\n"
        for line in r.verdictLines { out += "  " + line + "\n" }
        out += buckets(r)
        out += selections(r)
        out += uplift(r)
        out += tiers(r)
        out += calibration(r)
        out += drift(r)
        out += mix(r)
        if let c = r.comparison { out += comparison(c) }
        out += "\ndefinitions\n"
        for d in EvaluationReport.definitions {
            out += wrap("\(d.key): \(d.text)", width: 100, indent: "  ", hanging: "    ")
        }
        return out
    }

    static func summary(_ r: EvaluationReport) -> String {
        let p = r.population
        var out = "leadscore evaluate: \(p.leads) leads (\(p.evaluated) evaluated"
        if p.withoutBucket > 0 { out += ", \(p.withoutBucket) left out: no bucket yet at their outcome" }
        out += "), \(p.labelled) with an outcome, \(p.conversions) converted, base rate \(NumberText.percent(p.baseRate))\n"
        let i = r.inputs
        out += "  input: \(i.lines) lines; \(i.rescored) lead_rescored, \(i.routed) lead_routed, \(i.outcomes) lead_outcome, "
        out += "\(i.ignored) ignored, \(i.skipped) skipped\n"
        if !i.skippedByCode.isEmpty {
            out += "  skipped by error: " + i.skippedByCode.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        if p.outcomesWithoutScores > 0 {
            out += "  \(p.outcomesWithoutScores) leads have outcomes but no lead_rescored (not evaluated)\n"
        }
        return out
    }

    static func buckets(_ r: EvaluationReport) -> String {
        var t = TextTable("bucket", "leads", "converted", "rate", "lift")
        for row in r.buckets {
            t.add(row.bucket.name, String(row.leads), String(row.conversions), NumberText.percent(row.rate),
                  row.lift.map { NumberText.fixed($0, 2) } ?? "-")
        }
        t.add("all", String(r.population.evaluated), String(r.population.conversions), NumberText.percent(r.population.baseRate), "1.00")
        return "\nconversion by bucket (bucket in force at the first conversion, else the last outcome, else the last bucket)\n  "
            + Vocabulary.Term.lift.line + "\n" + t.rendered
    }

    static func selections(_ r: EvaluationReport) -> String {
        var t = TextTable("predicted to convert", "leads", "converted", "precision", "recall")
        for s in r.selections {
            t.add(s.name, String(s.leads), String(s.conversions), NumberText.percent(s.precision), NumberText.percent(s.recall))
        }
        return "\nprecision and recall\n" + t.rendered
    }

    static func uplift(_ r: EvaluationReport) -> String {
        var t = TextTable("bucket", "model", "conv", "rate", "holdout", "conv", "rate", "uplift (pts)", "95% CI (pts)", "significant")
        for row in r.uplift.buckets + [r.uplift.overall] {
            let d = row.difference
            t.add(row.bucket?.name ?? "A+B+C",
                  String(row.model.leads), String(row.model.conversions), NumberText.percent(row.model.rate),
                  String(row.holdout.leads), String(row.holdout.conversions), NumberText.percent(row.holdout.rate),
                  d.map { NumberText.points($0.difference) } ?? "-",
                  d.map { "\(NumberText.points($0.lower)) to \(NumberText.points($0.upper))" } ?? "-",
                  d.map { $0.isSignificant ? "yes" : "no" } ?? "-")
        }
        var out = "\nuplift: model-routed vs holdout leads, routed to a rep, in percentage points (pts)\n  " + Vocabulary.Term.holdout.line + "\n" + t.rendered
        if r.uplift.withoutRep > 0 {
            out += "  (\(r.uplift.withoutRep) leads in A, B or C had no rep in their routing and are not counted)\n"
        }
        return out
    }

    static func tiers(_ r: EvaluationReport) -> String {
        var t = TextTable(["bucket"] + (0...2).map { "\(Vocabulary.tierName($0)) tier" })
        for bucket in [Bucket.a, .b, .c] {
            let cells = (0...2).map { tier -> String in
                guard let row = r.tiers.first(where: { $0.bucket == bucket && $0.tier == tier }), row.group.leads > 0 else { return "-" }
                return "\(row.group.conversions)/\(row.group.leads) \(NumberText.percent(row.group.rate))"
            }
            t.add([bucket.name] + cells)
        }
        return "\nconversion by rep tier (converted/leads; tier of the chosen rep at routing time)\n  " + Vocabulary.Term.tier.line + "\n" + t.rendered
    }

    static func calibration(_ r: EvaluationReport) -> String {
        guard !r.calibration.isEmpty else { return "\ncalibration: no evaluated leads\n" }
        var t = TextTable("decile", "scores", "mean", "leads", "converted", "rate")
        for d in r.calibration {
            t.add(String(d.decile), "\(NumberText.fixed(d.minScore, 2))-\(NumberText.fixed(d.maxScore, 2))",
                  NumberText.fixed(d.meanScore, 2), String(d.group.leads), String(d.group.conversions),
                  NumberText.percent(d.group.rate))
        }
        return "\ncalibration (evaluated leads by score decile, lowest first)\n" + t.rendered
    }

    static func drift(_ r: EvaluationReport) -> String {
        let d = r.drift
        var out = "\ndrift: \(d.actual.label) against \(d.expected.label)"
        if d.mode == .halves, let start = d.windowStart, let end = d.windowEnd, let mid = d.midpoint {
            out += " (window \(Vocabulary.time(start)) .. \(Vocabulary.time(end)), halves split at \(Vocabulary.time(mid)))"
        }
        out += "\n"
        func share(_ n: Int, _ total: Int) -> String {
            "\(n) (\(NumberText.percent(Statistics.rate(n, total))))"
        }
        var t = TextTable("bucket", d.expected.label, d.actual.label)
        for (i, bucket) in EvaluationReport.bucketOrder.enumerated() {
            t.add(bucket.name, share(d.expected.buckets[i], d.expected.leads), share(d.actual.buckets[i], d.actual.leads))
        }
        t.add("leads", String(d.expected.leads), String(d.actual.leads))
        out += t.rendered
        var s = TextTable("score", d.expected.label, d.actual.label)
        for i in 0..<10 {
            s.add("\(i * 10)-\(i == 9 ? 100 : i * 10 + 10)", share(d.expected.scoreBins[i], d.expected.leads), share(d.actual.scoreBins[i], d.actual.leads))
        }
        out += s.rendered
        out += "  PSI: bucket mix \(psi(d.bucketPSI)); score distribution \(psi(d.scorePSI))\n"
        return out
    }

    static func psi(_ value: Double?) -> String {
        guard let value else { return "n/a (a population is empty)" }
        return "\(NumberText.fixed(value, 3)) (\(Statistics.stabilityReading(value)))"
    }

    static func mix(_ r: EvaluationReport) -> String {
        guard !r.mix.isEmpty else { return "" }
        var t = TextTable("slice end", "A", "B", "C", "nurture", "self_serve", "disqualified")
        for slice in r.mix { t.add([Vocabulary.time(slice.end)] + slice.counts.map(String.init)) }
        return "\nbucket mix over time (leads per bucket in force at each slice end)\n" + t.rendered
    }

    /// Champion against challenger: conversion by bucket side by side, the ranking figures, the
    /// bucket agreement matrix and the verdict, with the comparison's own rule.
    static func comparison(_ c: ModelComparison) -> String {
        var out = "\nchampion vs challenger (\(c.leads) leads with a bucket under both, \(c.conversions) converted, base rate \(NumberText.percent(c.baseRate)); "
        out += "\(c.challengerRescored) challenger lead_rescored)\n"
        if c.championOnly > 0 || c.challengerOnly > 0 {
            out += "  not compared: \(c.championOnly) leads with a bucket under the champion only, \(c.challengerOnly) under the challenger only\n"
        }
        out += wrap(c.verdict, width: 100, indent: "  ", hanging: "    ")
        var t = TextTable("bucket", "champion", "converted", "rate", "lift", "challenger", "converted", "rate", "lift")
        for (a, b) in zip(c.champion.buckets, c.challenger.buckets) {
            t.add(a.bucket.name, String(a.leads), String(a.conversions), NumberText.percent(a.rate), a.lift.map { NumberText.fixed($0, 2) } ?? "-",
                  String(b.leads), String(b.conversions), NumberText.percent(b.rate), b.lift.map { NumberText.fixed($0, 2) } ?? "-")
        }
        out += t.rendered
        var r = TextTable("", "champion", "challenger")
        r.add("AUC", ModelComparison.auc(c.champion.auc), ModelComparison.auc(c.challenger.auc))
        r.add("A converted", "\(c.champion.topBucket.conversions)/\(c.champion.topBucket.leads) \(NumberText.percent(c.champion.topBucket.rate))",
              "\(c.challenger.topBucket.conversions)/\(c.challenger.topBucket.leads) \(NumberText.percent(c.challenger.topBucket.rate))")
        if let d = c.topBucketDifference {
            r.add("A: challenger - champion", "", "\(NumberText.points(d.difference)) pts (95% CI \(NumberText.points(d.lower)) to \(NumberText.points(d.upper)))")
        }
        out += r.rendered
        var m = TextTable(["champion \\ challenger"] + EvaluationReport.bucketOrder.map(\.name) + ["all"])
        for (b, row) in zip(EvaluationReport.bucketOrder, c.agreement) {
            m.add([b.name] + row.map(String.init) + [String(row.reduce(0, +))])
        }
        m.add(["all"] + EvaluationReport.bucketOrder.indices.map { j in String(c.agreement.reduce(0) { $0 + $1[j] }) } + [String(c.leads)])
        out += "  bucket agreement (leads): \(c.agreeing) of \(c.leads) in the same bucket (\(NumberText.percent(Statistics.rate(c.agreeing, c.leads))))\n" + m.rendered
        out += wrap("comparison: " + ModelComparison.definition, width: 100, indent: "  ", hanging: "    ")
        return out
    }

    /// Word-wraps one paragraph.
    static func wrap(_ text: String, width: Int, indent: String, hanging: String) -> String {
        var out = ""
        var line = indent
        var lineHasWord = false
        for word in text.split(separator: " ") {
            if lineHasWord && line.count + 1 + word.count > width {
                out += line + "\n"
                line = hanging
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        return out + line + "\n"
    }
}
