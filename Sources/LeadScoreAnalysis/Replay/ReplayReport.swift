import LeadScoreCore

/// Renders replay summaries and configuration diffs (with their workload and expected-conversion
/// deltas) as plain text for a terminal (stderr), aligned
/// and in a fixed order so two reports can be compared with `diff`.
public enum ReplayReport {
    /// The end-of-run summary: events by type, bad lines, outputs, transitions by bucket pair,
    /// final bucket counts.
    public static func summary(_ s: ReplayRunner.Summary, buckets: [Bucket: Int], title: String = "replay") -> String {
        var out = "\(title): \(s.lines) lines, \(s.events) events, \(s.badLines) bad lines, \(s.rejectedEvents) rejected events\n"
        if let first = s.firstEventAt, let last = s.lastEventAt {
            out += "  event time: \(first) .. \(last)\n"
        }
        out += "  events by type:\n"
        for name in InputEvent.typeNames {
            if let n = s.eventsByType[name] { out += row(name, n) }
        }
        if !s.badLinesByCode.isEmpty {
            out += "  bad lines by error:\n"
            for (code, n) in s.badLinesByCode.sorted(by: { $0.key < $1.key }) { out += row(code, n) }
        }
        out += "  outputs:\n"
        for kind in OutputEvent.Kind.allCases {
            out += row(kind.rawValue, s.outputsByType[kind.rawValue] ?? 0)
        }
        out += "  transitions (old -> new), \(s.decayTransitions) by decay:\n"
        for (t, n) in s.transitions.sorted(by: { $0.key < $1.key }) { out += row(t.description, n) }
        out += "  final buckets:\n"
        for bucket in Bucket.reportOrder { out += row(bucket.name, buckets[bucket] ?? 0) }
        return out
    }

    /// The comparison report: bucket counts side by side, moves between buckets, and the first
    /// `listLimit` moved leads.
    public static func comparison(_ d: ConfigComparison.Diff, primaryName: String, candidateName: String, listLimit: Int = 20) -> String {
        var out = "compare: \(d.leads) leads; \(d.unchanged) keep their bucket, \(d.changes.count) move "
        out += "(\(d.upgraded) up, \(d.downgraded) down)\n"
        out += "  final buckets:" + pad("", 4) + pad(primaryName, 14) + pad(candidateName, 14) + pad("change", 10) + "\n"
        for bucket in Bucket.reportOrder {
            let a = d.primaryBuckets[bucket] ?? 0
            let b = d.candidateBuckets[bucket] ?? 0
            let delta = b - a
            out += "    " + pad(bucket.name, 14) + pad(String(a), 14) + pad(String(b), 14) + pad((delta > 0 ? "+" : "") + String(delta), 10) + "\n"
        }
        let routedA = [Bucket.a, .b, .c].reduce(0) { $0 + (d.primaryBuckets[$1] ?? 0) }
        let routedB = [Bucket.a, .b, .c].reduce(0) { $0 + (d.candidateBuckets[$1] ?? 0) }
        out += "  leads in rep buckets (A+B+C): \(routedA) -> \(routedB)\n"
        out += workload(d.workload, primaryName: primaryName, candidateName: candidateName)
        if let o = d.outcomes { out += outcomes(o, moved: d.changes.count) }
        if !d.moves.isEmpty {
            out += "  moves (\(primaryName) -> \(candidateName)):\n"
            for (t, n) in d.moves.sorted(by: { $0.key < $1.key }) { out += row(t.description, n) }
        }
        if !d.changes.isEmpty {
            let shown = d.changes.prefix(listLimit)
            out += "  moved leads" + (d.changes.count > shown.count ? " (first \(shown.count) of \(d.changes.count))" : "") + ":\n"
            for c in shown {
                out += "    \(c.leadID): \(c.primary?.name ?? "null") (\(score(c.primaryScore))) -> "
                out += "\(c.candidate?.name ?? "null") (\(score(c.candidateScore)))\n"
            }
        }
        return out
    }

    /// Rep workload: cadence touches per day implied by each final bucket mix.
    static func workload(_ w: ConfigComparison.Workload, primaryName: String, candidateName: String) -> String {
        var out = "  rep workload, cadence touches per day ((calls + emails) / days x final leads):\n"
        out += "    " + pad("", 14) + pad(primaryName, 14) + pad(candidateName, 14) + pad("change", 10) + "\n"
        func line(_ name: String, _ a: Double, _ b: Double) -> String {
            let delta = b - a
            return "    " + pad(name, 14) + pad(NumberText.fixed(a, 1), 14) + pad(NumberText.fixed(b, 1), 14)
                + pad((delta > 0 ? "+" : "") + NumberText.fixed(delta, 1), 10) + "\n"
        }
        for row in w.rows { out += line(row.bucket.name, row.primaryTouches, row.candidateTouches) }
        out += line("total", w.primaryTotal, w.candidateTotal)
        return out
    }

    /// Expected change in conversions of the moved leads, at the primary run's observed rates.
    static func outcomes(_ o: ConfigComparison.OutcomeDelta, moved: Int) -> String {
        var out = "  expected conversions (\(o.outcomes) lead_outcome events; moved leads x (new bucket's rate - old bucket's rate),\n"
        out += "    rates observed in the primary run): "
        out += (o.expectedChange > 0 ? "+" : "") + NumberText.fixed(o.expectedChange, 2)
        out += " over \(o.estimatedLeads) of \(moved) moved leads"
        if o.unestimatedLeads > 0 { out += " (\(o.unestimatedLeads) without an observed rate)" }
        out += "\n"
        out += "    observed rates:"
        for bucket in Bucket.reportOrder {
            out += " \(bucket.name) \(NumberText.percent(o.rates[bucket]))"
        }
        out += "\n"
        for (t, change) in o.byMove.sorted(by: { $0.key < $1.key }) {
            out += "    " + pad(t.description, 24) + (change > 0 ? "+" : "") + NumberText.fixed(change, 2) + "\n"
        }
        return out
    }

    /// One JSON object per moved lead, for spreadsheets and scripts.
    public static func appendChangesJSONL(_ d: ConfigComparison.Diff, to out: inout [UInt8]) {
        var w = JSONWriter()
        for c in d.changes {
            w.beginObject()
            w.key("lead_id"); w.string(c.leadID)
            w.key("bucket"); w.string(c.primary?.name)
            w.key("compare_bucket"); w.string(c.candidate?.name)
            w.key("score"); if let s = c.primaryScore { w.number(s) } else { w.null() }
            w.key("compare_score"); if let s = c.candidateScore { w.number(s) } else { w.null() }
            w.endObject()
            w.lineBreak()
        }
        w.append(to: &out)
    }

    static func row(_ name: String, _ n: Int) -> String {
        "    " + pad(name, 24) + String(n) + "\n"
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func score(_ s: Double?) -> String {
        guard let s else { return "-" }
        let hundredths = (s * 100).rounded()
        let whole = Int(hundredths / 100)
        let frac = Int(abs(hundredths).truncatingRemainder(dividingBy: 100))
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}
