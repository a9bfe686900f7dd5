import LeadScoreAnalysis
import LeadScoreCore

/// `leadscore fit --html FILE`: the fit's report as one self-contained page, in the same style as
/// `evaluate --html` (tables only, every figure the text report has).
enum FitHTML {
    static func render(_ r: ModelFit.Report, title: String) -> String {
        typealias H = EvaluationHTML
        func num(_ v: Double?, _ d: Int = 3) -> String { v.map { NumberText.fixed($0, d) } ?? "-" }
        var body = "<h1>\(H.escape(title))</h1>\n"
        body += "<p class=\"lead\">Training: \(r.trainingSamples) moments before \(H.escape(H.minutes(r.validateFrom))), \(r.trainingConversions) converted. "
        body += "Validation: \(r.validationSamples) moments from then on, \(r.validationConversions) converted.</p>\n"
        body += "<section class=\"verdict\"><h2>Verdict</h2><ul><li>\(H.escape(r.verdict))</li></ul></section>\n"
        body += H.section("Ranking on the validation moments", "Both configurations on the same later moments.",
                          H.table(["", "start \(r.startVersion)", "fitted \(r.fittedVersion)"], [
                              ["AUC", num(r.start.auc), num(r.fitted.auc)],
                              ["log loss", num(r.start.logLoss), num(r.fitted.logLoss)],
                          ]))
        body += H.section("Conversion by bucket", "Validation moments in each bucket and how many converted within the horizon.",
                          H.table(["bucket", "start: moments", "rate", "lift", "fitted: moments", "rate", "lift"],
                                  zip(r.start.buckets, r.fitted.buckets).map { s, f in
                                      [s.bucket.name, String(s.samples), NumberText.percent(s.rate), num(s.lift, 2),
                                       String(f.samples), NumberText.percent(f.rate), num(f.lift, 2)]
                                  }))
        body += H.section("Calibration", "Tenths of the validation moments by score: predicted and observed conversion.",
                          H.table(["tenth", "start: predicted", "observed", "fitted: predicted", "observed"],
                                  zip(r.start.calibration, r.fitted.calibration).enumerated().map { i, pair in
                                      [String(i + 1), NumberText.percent(pair.0.predicted), NumberText.percent(pair.0.observed),
                                       NumberText.percent(pair.1.predicted), NumberText.percent(pair.1.observed)]
                                  }))
        body += H.section("Weights and points", "Every value the fit changed, and those the data never varies (kept).",
                          H.table(["setting", "start", "fitted", ""], r.changes.map {
                              [$0.path, num($0.old, 2), num($0.new, 2), $0.supported ? "" : "not in the data: kept"]
                          } + [["bucket thresholds A / B / C", r.thresholds.old.map { num($0, 2) }.joined(separator: " / "),
                                r.thresholds.new.map { num($0, 2) }.joined(separator: " / "), ""]]))
        let order: [Bucket] = [.a, .b, .c, .nurture]
        body += H.section("Bucket moves", "Validation moments by their bucket under the start (rows) and the fit (columns).",
                          H.table(["start \\ fitted"] + order.map(\.name), order.map { from in
                              [from.name] + order.map { String(r.moves[from]?[$0] ?? 0) }
                          }))
        body += H.section("Conversion probability by fitted score", "Within the horizon, from a logistic curve fitted on the training moments.",
                          H.table(["score", "probability"], r.probabilities.map {
                              ["\(Int($0.scoreFrom))-\(Int($0.scoreTo))", NumberText.percent($0.probability)]
                          }))
        body += "<section><h2>Definitions</h2><dl>"
        for d in ModelFit.Report.definitions { body += "<dt>\(H.escape(d.key))</dt><dd>\(H.escape(d.text))</dd>" }
        body += "</dl></section>\n"
        return H.page(title: title, body: body)
    }
}
