import Foundation
import LeadScoreCore

/// One frame of the demo's live view, built from plain values so it renders the same on a
/// terminal (redrawn in place) and in a log (printed as text).
struct DemoScreen {
    struct Rep {
        var repID: String
        var tier: Int
        var score: Double
        var load: Int
        var capacity: Int
        var available: Bool
    }

    var broker: String
    var dashboard: String?
    var elapsedSeconds: Double
    var sent: Int
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

    /// The frame as lines of at most `width` characters.
    func lines(width: Int) -> [String] {
        var out: [String] = []
        out.append("leadscore demo · broker \(broker) · " + (dashboard.map { "dashboard \($0) · " } ?? "") + "Ctrl-C stops")
        let day = worldTime == Int64.min ? 0 : Int((worldTime - worldStart) / 86_400_000) + 1
        let when = worldTime == Int64.min ? "starting" : Timestamp(millisecondsSinceEpoch: worldTime).rfc3339.prefix(16).replacingOccurrences(of: "T", with: " ")
        let perSecond = elapsedSeconds > 0 ? Double(sent) / elapsedSeconds : 0
        out.append("world \(when) (day \(min(day, worldDays)) of \(worldDays))\(worldFinished ? ", finished" : "") · sent \(sent) events "
            + "(\(Int(perSecond.rounded()))/s, target \(rate)/s) · daemon: \(eventsIn) lead events in, \(ready ? "ready" : "starting") · \(routed) routed, "
            + "\(breaches) first touches missed, \(escalations) escalated")
        out.append("")
        out.append("Leads by bucket   " + ["A", "B", "C", "nurture", "self_serve", "disqualified"].map { "\($0) \(buckets[$0] ?? 0)" }.joined(separator: "   "))
        out.append("")
        out.append("Rep leaderboard")
        out.append(pad(["rep", "tier", "score", "load", "capacity", "available"], [8, 6, 8, 6, 10, 9]))
        for rep in reps.prefix(8) {
            out.append(pad([rep.repID, "\(rep.tier + 1)", String(format: "%.3f", rep.score), "\(rep.load)", "\(rep.capacity)",
                            rep.available ? "yes" : "away"], [8, 6, 8, 6, 10, 9]))
        }
        out.append("")
        out.append("Latest routing decisions")
        out.append(pad(["time", "lead", "bucket", "rep", "SLA due", "why"], [17, 9, 11, 10, 17, 0]))
        for d in decisions.prefix(8) {
            out.append(pad([short(d.occurredAt), d.leadID, d.bucket, d.repID, short(d.slaDueAt), d.reason], [17, 9, 11, 10, 17, 0]))
        }
        out.append("")
        out.append(contentsOf: evaluationLines())
        return out.map { $0.count > width ? String($0.prefix(width - 1)) + "…" : $0 }
    }

    private func evaluationLines() -> [String] {
        guard let report, report.population.labelled > 0 else {
            return ["Evaluation so far: waiting for the first outcomes (they come days of world time after routing)"]
        }
        var out = ["Evaluation so far: \(report.population.evaluated) leads, \(report.population.labelled) with outcomes, "
            + "\(report.population.conversions) converted (bucket in force at the outcome)"]
        out.append(pad(["bucket", "leads", "converted", "rate", "lift"], [12, 8, 11, 9, 7]))
        for row in report.buckets where row.leads > 0 {
            out.append(pad([row.bucket.name, "\(row.leads)", "\(row.conversions)", percent(row.rate), row.lift.map { String(format: "%.2fx", $0) } ?? "-"],
                           [12, 8, 11, 9, 7]))
        }
        let overall = report.uplift.overall
        if let d = overall.difference, overall.model.leads >= Self.minimumGroup, overall.holdout.leads >= Self.minimumGroup {
            out.append("Holdout uplift (A-C): model \(percent(overall.model.rate)) of \(overall.model.leads) vs holdout "
                + "\(percent(overall.holdout.rate)) of \(overall.holdout.leads): \(points(d.difference)) "
                + "[95% CI \(points(d.lower)), \(points(d.upper))] \(d.isSignificant ? "significant" : "not significant yet")")
        } else {
            out.append("Holdout uplift: waiting for \(Self.minimumGroup) leads with outcomes in each group (model \(overall.model.leads), "
                + "holdout \(overall.holdout.leads); the holdout is 5% of leads)")
        }
        return out
    }

    /// Leads a group needs before the view quotes an interval (the normal approximation behind
    /// it is poor on a handful of leads, e.g. 0 of 20 would look certain).
    static let minimumGroup = 30

    private func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", 100 * $0) } ?? "-" }
    private func points(_ d: Double) -> String { String(format: "%+.1f pts", 100 * d) }
    private func short(_ rfc3339: String) -> String {
        String(rfc3339.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    private func pad(_ cells: [String], _ widths: [Int]) -> String {
        var line = "  "
        for (cell, width) in zip(cells, widths) {
            line += width == 0 ? cell : cell.padding(toLength: max(width, cell.count + 1), withPad: " ", startingAt: 0)
        }
        return line
    }
}
