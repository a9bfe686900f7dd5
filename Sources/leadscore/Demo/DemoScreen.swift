import Foundation
import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreDaemon

/// One frame of the demo's live view, built from plain values so it renders the same on a
/// terminal (redrawn in place) and in a log (printed as text).
struct DemoScreen {
    struct Rep {
        var repID: String
        /// nil for a rep who left the roster (no tier).
        var tier: Int?
        var score: Double
        var load: Int
        var capacity: Int
        var available: Bool
    }

    var broker: String
    var dashboard: String?
    /// How to run this binary again (for the commands the view suggests).
    var executable: String
    var sent: Int
    /// Events sent per second over the last few seconds (nil until there are two readings).
    var sentPerSecond: Double?
    /// Lead events the daemon read per second over the last few seconds.
    var inPerSecond: Double?
    var rate: Int
    var worldTime: Int64
    var worldStart: Int64
    var worldDays: Int
    var worldFinished: Bool
    var eventsIn: Int
    var ready: Bool
    var buckets: [String: Int]
    var reps: [Rep]
    var decisions: [DemoObserver.Decision]
    var routed: Int
    var breaches: Int
    var escalations: Int
    var report: EvaluationReport?
    /// The challenger fitted from the world's first weeks (nil: the demo runs without one).
    var challenger: Challenger?

    /// The challenger panel's values: the demo's fit and the daemon's `/summary` `challenger`.
    struct Challenger {
        var status: DemoChallenger.Status
        /// Leads both models put in the same bucket, of `leads`.
        var agreeing: Int
        var leads: Int
        var buckets: [String: Int]
        /// By bucket: (live leads with outcomes, converted, challenger leads, converted).
        var conversion: [String: (liveLeads: Int, liveConverted: Int, leads: Int, converted: Int)]
    }

    /// The frame as lines of at most `width` characters.
    func lines(width: Int) -> [String] {
        var out: [String] = []
        out.append("leadscore demo · broker \(broker) · " + (dashboard.map { "dashboard \($0) · " } ?? "") + "Ctrl-C stops")
        let day = worldTime == Int64.min ? 0 : Int((worldTime - worldStart) / 86_400_000) + 1
        let when = worldTime == Int64.min ? "starting" : Vocabulary.time(Timestamp(millisecondsSinceEpoch: worldTime))
        let recent = { (rate: Double?) in rate.map { "\(Int($0.rounded()))/s" } ?? "-/s" }
        out.append("world time \(when) (day \(min(day, worldDays)) of \(worldDays))\(worldFinished ? ", over" : "") · sent \(sent) events "
            + "(\(recent(sentPerSecond)) over the last \(Self.rateWindowSeconds) s, target \(rate)/s) · daemon: \(eventsIn) lead events in "
            + "(\(recent(inPerSecond))), \(ready ? "ready" : "starting") · \(routed) routed, "
            + "\(breaches) first touches missed, \(escalations) escalated")
        if worldFinished {
            out.append("")
            out.append(contentsOf: worldOverLines())
        }
        out.append("  " + Vocabulary.Term.firstTouchesMissed.line)
        out.append("")
        out.append("Leads by bucket   " + ["A", "B", "C", "nurture", "self_serve", "disqualified"].map { "\($0) \(buckets[$0] ?? 0)" }.joined(separator: "   "))
        out.append("")
        out.append("Rep leaderboard")
        out.append("  " + Vocabulary.Term.tier.line)
        out.append(pad(["rep", "tier", "score", "load", "capacity", "available"], [8, 8, 8, 6, 10, 9]))
        for rep in reps.prefix(8) {
            out.append(pad([rep.repID, Vocabulary.tierName(rep.tier), String(format: "%.3f", rep.score), "\(rep.load)", "\(rep.capacity)",
                            rep.available ? "yes" : "away"], [8, 8, 8, 6, 10, 9]))
        }
        out.append("")
        out.append("Latest routing decisions (world time, UTC)")
        out.append(pad(["time", "lead", "bucket", "rep", "first touch due", "why"], [21, 9, 11, 10, 21, 0]))
        for d in decisions.prefix(8) {
            out.append(pad([short(d.occurredAt), d.leadID, d.bucket, d.repID, short(d.slaDueAt), d.reason], [21, 9, 11, 10, 21, 0]))
        }
        out.append("")
        out.append(contentsOf: evaluationLines())
        if let challenger {
            out.append("")
            out.append(contentsOf: challengerLines(challenger))
        }
        return out.map { $0.count > width ? String($0.prefix(width - 1)) + "…" : $0 }
    }

    private func evaluationLines() -> [String] {
        guard let report, report.population.labelled > 0 else {
            return ["Evaluation so far: waiting for the first outcomes (they come days of world time after routing)"]
        }
        var out = ["Evaluation so far: \(report.population.evaluated) leads, \(report.population.labelled) with outcomes, "
            + "\(report.population.conversions) converted (bucket in force at the outcome)"]
        out.append("  " + Vocabulary.Term.lift.line)
        out.append(pad(["bucket", "leads", "converted", "rate", "lift"], [12, 8, 11, 9, 7]))
        for row in report.buckets where row.leads > 0 {
            out.append(pad([row.bucket.name, "\(row.leads)", "\(row.conversions)", percent(row.rate), row.lift.map { String(format: "%.2fx", $0) } ?? "-"],
                           [12, 8, 11, 9, 7]))
        }
        let overall = report.uplift.overall
        out.append("  " + Vocabulary.Term.holdout.line)
        if let d = overall.difference, overall.model.leads >= Self.minimumGroup, overall.holdout.leads >= Self.minimumGroup {
            out.append("Holdout uplift (A-C): model \(percent(overall.model.rate)) of \(overall.model.leads) vs holdout "
                + "\(percent(overall.holdout.rate)) of \(overall.holdout.leads): \(points(d.difference)) "
                + "[95% CI \(points(d.lower)), \(points(d.upper))] \(d.isSignificant ? "significant" : "not significant yet")")
            out.append("  " + Self.intervalBar(d))
            out.append("  " + Self.conclusion(d))
        } else {
            out.append("Holdout uplift: waiting for \(Self.minimumGroup) leads with outcomes in each group (model \(overall.model.leads), "
                + "holdout \(overall.holdout.leads); the demo's holdout is \(Int(DemoCommand.holdoutShare * 100))% of leads)")
        }
        return out
    }

    /// The challenger against the built-in model: what was fitted, how far the two agree, and
    /// conversion by bucket under each as outcomes arrive.
    func challengerLines(_ c: Challenger) -> [String] {
        var out: [String] = []
        switch c.status {
        case .waiting(let day):
            out.append("Challenger: the built-in model until day \(day), when one is fitted from the world's outcomes so far (leadscore fit) and scored live beside it")
            return out
        case .fitting:
            out.append("Challenger: fitting from the world's outcomes so far...")
            return out
        case .refused(let reason, let retryDay):
            out.append("Challenger: not fitted yet (\(reason)); trying again at day \(retryDay)")
            return out
        case .fitted(let day, let version, let conversions, let startAUC, let fittedAUC):
            out.append("Challenger \(version): fitted at day \(day) from \(conversions) converted moments; validation AUC "
                + "\(fixed(fittedAUC)) against the built-in model's \(fixed(startAUC)) on the same later moments")
        }
        out.append("  " + Vocabulary.Term.challenger.line)
        let share = c.leads == 0 ? "-" : percent(Double(c.agreeing) / Double(c.leads))
        out.append("  same bucket under both: \(c.agreeing) of \(c.leads) leads (\(share)) · challenger's buckets "
            + Vocabulary.bucketNames.prefix(4).map { "\($0) \(c.buckets[$0] ?? 0)" }.joined(separator: "  "))
        out.append(pad(["bucket", "built-in: leads", "converted", "rate", "challenger: leads", "converted", "rate"], [9, 17, 11, 8, 19, 11, 8]))
        for b in Vocabulary.bucketNames.prefix(4) {
            let row = c.conversion[b] ?? (0, 0, 0, 0)
            out.append(pad([b, "\(row.liveLeads)", "\(row.liveConverted)", percent(row.liveLeads == 0 ? nil : Double(row.liveConverted) / Double(row.liveLeads)),
                            "\(row.leads)", "\(row.converted)", percent(row.leads == 0 ? nil : Double(row.converted) / Double(row.leads))],
                           [9, 17, 11, 8, 19, 11, 8]))
        }
        out.append("  (outcomes reported since the fit, each lead in its bucket at its first conversion, else its latest outcome)")
        return out
    }

    private func fixed(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }

    /// The 95% interval drawn on a line of pts around 0: `[===*===]`, `|` at 0.
    static func intervalBar(_ d: Statistics.ProportionDifference, width: Int = 41) -> String {
        let low = min(-0.05, d.lower), high = max(0.05, d.upper)
        func column(_ v: Double) -> Int { min(width - 1, max(0, Int(((v - low) / (high - low) * Double(width - 1)).rounded()))) }
        var line = [Character](repeating: " ", count: width)
        let from = column(d.lower), to = column(d.upper)
        for k in from...to { line[k] = "=" }
        line[from] = "["
        line[to] = "]"
        line[column(0)] = "|"
        line[column(d.difference)] = "*"
        return "\(Vocabulary.points(low)) \(String(line)) \(Vocabulary.points(high))   (* estimate, [ ] 95% interval, | no difference)"
    }

    /// One plain sentence on what the interval allows to conclude.
    static func conclusion(_ d: Statistics.ProportionDifference) -> String {
        if d.lower > 0 {
            return "Routing by rep score converts more than round-robin: by at least \(Vocabulary.points(d.lower)) with 95% confidence."
        }
        if d.upper < 0 {
            return "Routing by rep score converts less than round-robin here, by at least \(Vocabulary.points(-d.upper)): a finding for the router."
        }
        return "Cannot conclude yet: the true difference could be anywhere from \(Vocabulary.points(d.lower)) to \(Vocabulary.points(d.upper)); "
            + "the interval narrows as outcomes come in."
    }

    /// Leads a group needs before the view quotes an interval (the normal approximation behind
    /// it is poor on a handful of leads, e.g. 0 of 20 would look certain).
    static let minimumGroup = 30

    private func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", 100 * $0) } ?? "-" }
    private func points(_ d: Double) -> String { Vocabulary.points(d) }
    private func short(_ rfc3339: String) -> String {
        rfc3339.isEmpty ? "" : Vocabulary.time(rfc3339: rfc3339)
    }

    /// Seconds over which the view's rates are measured: recent enough to show the traffic
    /// stop when the world ends (an average since start would only decline slowly).
    static let rateWindowSeconds = 10

    /// What the view says once the world has sent its last event: plainly that it is over, and
    /// what to do next, with commands that run as written.
    func worldOverLines() -> [String] {
        [
            "The world is over: all \(worldDays) days of its events were sent, and nothing more will come. The daemon keeps",
            "serving what it scored\(dashboard.map { " (dashboard \($0))" } ?? ""); the evaluation below is this world's final one.",
            "Next, in another terminal while this runs:",
            "  \(executable) evaluate --brokers \(broker) --html demo-report.html    # the full report as a page",
            "then Ctrl-C here. For a longer world: --days 90 (or make demo DEMO_ARGS=\"--days 90\").",
        ]
    }

    private func pad(_ cells: [String], _ widths: [Int]) -> String {
        var line = "  "
        for (cell, width) in zip(cells, widths) {
            line += width == 0 ? cell : cell.padding(toLength: max(width, cell.count + 1), withPad: " ", startingAt: 0)
        }
        return line
    }
}
