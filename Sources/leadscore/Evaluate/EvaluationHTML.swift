import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreDaemon

/// `leadscore evaluate --html FILE`: one self-contained page for an SDR manager. Inline SVG
/// charts (no script, no CDN, no external font), every number also in a table, and the rules the
/// numbers follow at the end.
enum EvaluationHTML {
    /// One per bucket of `EvaluationReport.bucketOrder` (A ... self_serve, disqualified): the
    /// live dashboard's colours (`Vocabulary`), so a bucket looks the same in both.
    static let colors = EvaluationReport.bucketOrder.map { Vocabulary.bucketColor($0.name) }

    static func render(_ r: EvaluationReport, title: String) -> String {
        var body = "<h1>\(escape(title))</h1>\n"
        body += "<p class=\"lead\">\(escape(EvaluationText.summary(r).split(separator: "\n").first.map(String.init) ?? ""))</p>\n"
        body += "<section class=\"verdict\"><h2>Verdict</h2><ul>"
        for line in r.verdictLines { body += "<li>\(escape(line))</li>" }
        body += "</ul></section>\n"

        body += section("Conversion by bucket",
                        "Share of leads that converted, by the bucket they were in when they converted (else at their last outcome, else their last bucket). The dashed line is the base rate of all evaluated leads. " + Vocabulary.Term.lift.line,
                        conversionChart(r) + bucketTable(r) + selectionTable(r))
        body += section("Model routing vs holdout",
                        "Conversion of leads routed by the model minus leads of the holdout group, in percentage points (pts), with the 95% interval; n = model-routed / holdout leads. An interval that crosses 0 is not significant. " + Vocabulary.Term.holdout.line,
                        upliftChart(r) + upliftTable(r))
        body += section("Conversion by rep tier",
                        "Leads of each bucket by the tier of the rep they were routed to. " + Vocabulary.Term.tier.line,
                        tierTable(r))
        body += section("Calibration",
                        "Evaluated leads cut into ten equal groups by score: a working score converts more in each higher group.",
                        calibrationChart(r) + calibrationTable(r))
        body += section("Bucket mix over time",
                        "Leads in each bucket at the end of each time slice.",
                        mixChart(r) + mixTable(r))
        body += section("Drift",
                        "Population stability index (PSI) of the bucket mix and of the score distribution: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a major shift.",
                        driftTable(r))
        if let c = r.comparison {
            body += section("Champion vs challenger",
                            c.verdict + ". " + ModelComparison.definition,
                            comparisonTables(c))
        }
        body += "<section><h2>Definitions</h2><dl>"
        for d in EvaluationReport.definitions { body += "<dt>\(escape(d.key))</dt><dd>\(escape(d.text))</dd>" }
        body += "</dl></section>\n"
        return page(title: title, body: body)
    }

    /// The page around `body`: the styles every leadscore report shares.
    static func page(title: String, body: String) -> String {
        """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:980px;margin:2em auto;padding:0 1em}
            h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
            p.lead{color:#555}p.note{color:#555;margin:.3em 0 .8em}
            .verdict ul{list-style:none;padding:0}.verdict li{background:#f4f7f4;border-left:4px solid #1b7837;margin:.3em 0;padding:.4em .7em;font-weight:600}
            table{border-collapse:collapse;margin:.8em 0;font-variant-numeric:tabular-nums}
            th,td{padding:.25em .7em;border-bottom:1px solid #eee;text-align:right}th:first-child,td:first-child{text-align:left}
            th{background:#fafafa;font-weight:600}svg{max-width:100%;height:auto;display:block;margin:.5em 0}
            svg text{font:12px system-ui,sans-serif;fill:#333}dt{font-weight:600;margin-top:.6em}dd{margin-left:1em;color:#444}
            </style></head><body>
            \(body)</body></html>

            """
    }

    // MARK: Sections and tables

    static func section(_ title: String, _ note: String, _ content: String) -> String {
        "<section><h2>\(escape(title))</h2><p class=\"note\">\(escape(note))</p>\n\(content)</section>\n"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { out += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
        return out + "</tbody></table>\n"
    }

    static func bucketTable(_ r: EvaluationReport) -> String {
        table(["bucket", "leads", "converted", "conversion rate", "lift over base rate"],
              r.buckets.map { [$0.bucket.name, String($0.leads), String($0.conversions), NumberText.percent($0.rate),
                               $0.lift.map { NumberText.fixed($0, 2) + "x" } ?? "-"] }
              + [["all", String(r.population.evaluated), String(r.population.conversions), NumberText.percent(r.population.baseRate), "1.00x"]])
    }

    static func selectionTable(_ r: EvaluationReport) -> String {
        table(["predicted to convert", "leads", "converted", "precision", "recall"],
              r.selections.map { [$0.name, String($0.leads), String($0.conversions), NumberText.percent($0.precision), NumberText.percent($0.recall)] })
    }

    static func upliftTable(_ r: EvaluationReport) -> String {
        var out = table(["bucket", "model-routed", "rate", "holdout", "rate", "uplift (pts)", "95% interval (pts)", "significant"],
                        (r.uplift.buckets + [r.uplift.overall]).map { row in
                            let d = row.difference
                            return [row.bucket?.name ?? "A+B+C (all)",
                                    "\(row.model.conversions)/\(row.model.leads)", NumberText.percent(row.model.rate),
                                    "\(row.holdout.conversions)/\(row.holdout.leads)", NumberText.percent(row.holdout.rate),
                                    d.map { NumberText.points($0.difference) } ?? "-",
                                    d.map { "\(NumberText.points($0.lower)) to \(NumberText.points($0.upper))" } ?? "-",
                                    d.map { $0.isSignificant ? "yes" : "no" } ?? "-"]
                        })
        if r.uplift.withoutRep > 0 {
            out += "<p class=\"note\">\(r.uplift.withoutRep) leads in A, B or C had no rep in their routing and are not counted.</p>\n"
        }
        return out
    }

    static func tierTable(_ r: EvaluationReport) -> String {
        table(["bucket"] + (0...2).map { "\(Vocabulary.tierName($0)) tier" }, [Bucket.a, .b, .c].map { bucket in
            [bucket.name] + (0...2).map { tier in
                guard let row = r.tiers.first(where: { $0.bucket == bucket && $0.tier == tier }), row.group.leads > 0 else { return "-" }
                return "\(row.group.conversions)/\(row.group.leads) (\(NumberText.percent(row.group.rate)))"
            }
        })
    }

    static func calibrationTable(_ r: EvaluationReport) -> String {
        table(["decile", "scores", "mean score", "leads", "converted", "rate"], r.calibration.map { d in
            [String(d.decile), "\(NumberText.fixed(d.minScore, 2)) - \(NumberText.fixed(d.maxScore, 2))",
             NumberText.fixed(d.meanScore, 2), String(d.group.leads), String(d.group.conversions), NumberText.percent(d.group.rate)]
        })
    }

    static func mixTable(_ r: EvaluationReport) -> String {
        table(["slice end (UTC)"] + EvaluationReport.bucketOrder.map(\.name), r.mix.map { [minutes($0.end)] + $0.counts.map(String.init) })
    }

    static func driftTable(_ r: EvaluationReport) -> String {
        let d = r.drift
        func share(_ n: Int, _ total: Int) -> String { "\(n) (\(NumberText.percent(Statistics.rate(n, total))))" }
        var out = ""
        if d.mode == .halves, let start = d.windowStart, let end = d.windowEnd, let mid = d.midpoint {
            out += "<p class=\"note\">Window \(escape(minutes(start))) to \(escape(minutes(end))), split at \(escape(minutes(mid))).</p>\n"
        }
        out += table(["bucket", d.expected.label, d.actual.label],
                     EvaluationReport.bucketOrder.indices.map { i in
                         [EvaluationReport.bucketOrder[i].name, share(d.expected.buckets[i], d.expected.leads), share(d.actual.buckets[i], d.actual.leads)]
                     } + [["leads", String(d.expected.leads), String(d.actual.leads)]])
        out += table(["score", d.expected.label, d.actual.label], (0..<10).map { i in
            ["\(i * 10)-\(i == 9 ? 100 : i * 10 + 10)", share(d.expected.scoreBins[i], d.expected.leads), share(d.actual.scoreBins[i], d.actual.leads)]
        })
        out += table(["PSI", "value", "reading"], [
            ["bucket mix", d.bucketPSI.map { NumberText.fixed($0, 3) } ?? "-", d.bucketPSI.map(Statistics.stabilityReading) ?? "n/a"],
            ["score distribution", d.scorePSI.map { NumberText.fixed($0, 3) } ?? "-", d.scorePSI.map(Statistics.stabilityReading) ?? "n/a"],
        ])
        return out
    }

    /// Conversion by bucket under each model, the ranking figures and the agreement matrix.
    static func comparisonTables(_ c: ModelComparison) -> String {
        func lift(_ v: Double?) -> String { v.map { NumberText.fixed($0, 2) + "x" } ?? "-" }
        func top(_ s: ModelComparison.Side) -> String {
            "\(s.topBucket.conversions)/\(s.topBucket.leads) (\(NumberText.percent(s.topBucket.rate)))"
        }
        var out = "<p class=\"note\">\(c.leads) leads with a bucket under both models, \(c.conversions) converted, base rate \(escape(NumberText.percent(c.baseRate))); "
            + "not compared: \(c.championOnly) with a bucket under the champion only, \(c.challengerOnly) under the challenger only.</p>\n"
        out += table(["bucket", "champion leads", "converted", "rate", "lift", "challenger leads", "converted", "rate", "lift"],
                     zip(c.champion.buckets, c.challenger.buckets).map { a, b in
                         [a.bucket.name, String(a.leads), String(a.conversions), NumberText.percent(a.rate), lift(a.lift),
                          String(b.leads), String(b.conversions), NumberText.percent(b.rate), lift(b.lift)]
                     })
        var figures = [["AUC", ModelComparison.auc(c.champion.auc), ModelComparison.auc(c.challenger.auc)],
                       ["A converted", top(c.champion), top(c.challenger)]]
        if let d = c.topBucketDifference {
            figures.append(["A: challenger - champion (pts)", "",
                            "\(NumberText.points(d.difference)) (95% interval \(NumberText.points(d.lower)) to \(NumberText.points(d.upper)))"])
        }
        out += table(["", "champion", "challenger"], figures)
        out += "<p class=\"note\">Bucket agreement: \(c.agreeing) of \(c.leads) leads in the same bucket (\(escape(NumberText.percent(Statistics.rate(c.agreeing, c.leads))))); rows are the champion's bucket, columns the challenger's.</p>\n"
        out += table(["champion \\ challenger"] + EvaluationReport.bucketOrder.map(\.name) + ["all"],
                     zip(EvaluationReport.bucketOrder, c.agreement).map { b, row in [b.name] + row.map(String.init) + [String(row.reduce(0, +))] }
                     + [["all"] + EvaluationReport.bucketOrder.indices.map { j in String(c.agreement.reduce(0) { $0 + $1[j] }) } + [String(c.leads)]])
        return out
    }

    // MARK: Charts

    static let width = 640.0
    static let height = 260.0
    static let left = 56.0
    static let right = 16.0
    static let top = 28.0
    static let bottom = 40.0

    static func n(_ v: Double) -> String { NumberText.fixed(v, 1) }

    static func svg(_ content: String, label: String) -> String {
        "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(escape(label))\" xmlns=\"http://www.w3.org/2000/svg\">\(content)</svg>\n"
    }

    /// The top of a percentage axis with four round steps (`40%` for 0.374: ticks every 10%).
    static func ceiling(_ v: Double) -> Double {
        let steps = [0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25]
        return 4 * (steps.first { 4 * $0 >= v } ?? 0.25)
    }

    /// Horizontal grid lines with percentage labels for a 0...maxRate axis.
    static func percentAxis(maxRate: Double, y: (Double) -> Double) -> String {
        var out = ""
        for k in 0...4 {
            let v = maxRate * Double(k) / 4
            out += "<line x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\" stroke=\"#e5e5e5\"/>"
            out += "<text x=\"\(n(left - 6))\" y=\"\(n(y(v) + 4))\" text-anchor=\"end\">\(NumberText.percent(v, decimals: maxRate < 0.04 ? 1 : 0))</text>"
        }
        return out
    }

    static func conversionChart(_ r: EvaluationReport) -> String {
        let maxRate = ceiling(max(r.buckets.compactMap(\.rate).max() ?? 0, r.population.baseRate ?? 0, 0.01))
        let plotH = height - top - bottom
        func y(_ v: Double) -> Double { top + plotH * (1 - v / maxRate) }
        let slot = (width - left - right) / Double(r.buckets.count)
        var out = percentAxis(maxRate: maxRate, y: y)
        for (i, row) in r.buckets.enumerated() {
            let x = left + slot * Double(i) + slot * 0.2
            let w = slot * 0.6
            if let rate = row.rate {
                out += "<rect x=\"\(n(x))\" y=\"\(n(y(rate)))\" width=\"\(n(w))\" height=\"\(n(y(0) - y(rate)))\" fill=\"\(colors[i % colors.count])\"><title>\(row.bucket.name): \(NumberText.percent(rate)) of \(row.leads)</title></rect>"
                out += "<text x=\"\(n(x + w / 2))\" y=\"\(n(y(rate) - 4))\" text-anchor=\"middle\">\(NumberText.percent(rate))</text>"
            }
            out += "<text x=\"\(n(x + w / 2))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\">\(row.bucket.name)</text>"
            out += "<text x=\"\(n(x + w / 2))\" y=\"\(n(height - bottom + 30))\" text-anchor=\"middle\" fill=\"#777\">n=\(row.leads)</text>"
        }
        if let base = r.population.baseRate {
            out += "<line x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(base)))\" y2=\"\(n(y(base)))\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>"
            // The legend sits above the plot so it never covers a bar's label.
            out += "<line x1=\"\(n(width - right - 150))\" x2=\"\(n(width - right - 126))\" y1=\"8\" y2=\"8\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>"
            out += "<text x=\"\(n(width - right - 120))\" y=\"12\" fill=\"#c0392b\">base rate \(NumberText.percent(base))</text>"
        }
        return svg(out, label: "Conversion rate by bucket")
    }

    static func upliftChart(_ r: EvaluationReport) -> String {
        let rows = r.uplift.buckets + [r.uplift.overall]
        // Percentage points, on ticks of a round step that include 0.
        let values = rows.compactMap(\.difference).flatMap { [$0.lower * 100, $0.upper * 100] }
        let lo = min(values.min() ?? -5, -1)
        let hi = max(values.max() ?? 5, 1)
        let step = [1.0, 2, 5, 10, 20, 25, 50, 100].first { (hi - lo) / $0 <= 6 } ?? 100
        let yMin = (lo / step).rounded(.down) * step
        let yMax = (hi / step).rounded(.up) * step
        let plotH = height - top - bottom
        func y(_ v: Double) -> Double { top + plotH * (yMax - v * 100) / (yMax - yMin) }
        var out = ""
        for tick in stride(from: yMin, through: yMax + step / 2, by: step) {
            let ty = top + plotH * (yMax - tick) / (yMax - yMin)
            out += "<line x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(ty))\" y2=\"\(n(ty))\" stroke=\"#eee\"/>"
            let label = tick == 0 ? "0" : (tick > 0 ? "+" : "") + NumberText.fixed(tick, 0)
            out += "<text x=\"\(n(left - 6))\" y=\"\(n(ty + 4))\" text-anchor=\"end\">\(label) pts</text>"
        }
        out += "<line x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(0)))\" y2=\"\(n(y(0)))\" stroke=\"#333\"/>"
        let slot = (width - left - right) / Double(rows.count)
        for (i, row) in rows.enumerated() {
            let x = left + slot * (Double(i) + 0.5)
            let name = row.bucket?.name ?? "A+B+C"
            if let d = row.difference {
                let color = d.isSignificant ? (d.difference > 0 ? "#1b7837" : "#c0392b") : "#555"
                out += "<line x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(y(d.lower)))\" y2=\"\(n(y(d.upper)))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                for v in [d.lower, d.upper] {
                    out += "<line x1=\"\(n(x - 10))\" x2=\"\(n(x + 10))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                }
                out += "<circle cx=\"\(n(x))\" cy=\"\(n(y(d.difference)))\" r=\"5\" fill=\"\(color)\"><title>\(name): \(NumberText.points(d.difference)) pts (\(NumberText.points(d.lower)) to \(NumberText.points(d.upper)))</title></circle>"
                out += "<text x=\"\(n(x + 14))\" y=\"\(n(y(d.difference) + 4))\">\(NumberText.points(d.difference))</text>"
            } else {
                out += "<text x=\"\(n(x))\" y=\"\(n(y(0) - 8))\" text-anchor=\"middle\" fill=\"#999\">n/a</text>"
            }
            out += "<text x=\"\(n(x))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\">\(name)</text>"
            out += "<text x=\"\(n(x))\" y=\"\(n(height - bottom + 30))\" text-anchor=\"middle\" fill=\"#777\">n = \(row.model.leads) / \(row.holdout.leads)</text>"
        }
        return svg(out, label: "Uplift of model routing over the holdout, percentage points, with 95% intervals")
    }

    static func calibrationChart(_ r: EvaluationReport) -> String {
        guard !r.calibration.isEmpty else { return "" }
        let maxRate = ceiling(max(r.calibration.compactMap(\.group.rate).max() ?? 0, 0.01))
        let plotH = height - top - bottom
        let plotW = width - left - right
        func x(_ score: Double) -> Double { left + plotW * max(0, min(100, score)) / 100 }
        func y(_ v: Double) -> Double { top + plotH * (1 - v / maxRate) }
        var out = percentAxis(maxRate: maxRate, y: y)
        for s in stride(from: 0, through: 100, by: 20) {
            out += "<text x=\"\(n(x(Double(s))))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\">\(s)</text>"
        }
        out += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(height - 6))\" text-anchor=\"middle\" fill=\"#777\">mean score of the decile</text>"
        let points = r.calibration.compactMap { d in d.group.rate.map { (x(d.meanScore), y($0), d) } }
        out += "<polyline fill=\"none\" stroke=\"#1b7837\" stroke-width=\"2\" points=\"" + points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ") + "\"/>"
        for (px, py, d) in points {
            out += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"4\" fill=\"#1b7837\"><title>decile \(d.decile): scores \(NumberText.fixed(d.minScore, 1))-\(NumberText.fixed(d.maxScore, 1)), \(NumberText.percent(d.group.rate)) of \(d.group.leads)</title></circle>"
        }
        return svg(out, label: "Observed conversion rate by score decile")
    }

    static func mixChart(_ r: EvaluationReport) -> String {
        guard !r.mix.isEmpty else { return "" }
        let maxTotal = max(1, r.mix.map { $0.counts.reduce(0, +) }.max() ?? 1)
        let plotH = height - top - bottom
        let plotW = width - left - right
        func y(_ v: Double) -> Double { top + plotH * (1 - v / Double(maxTotal)) }
        var out = ""
        for k in 0...4 {
            let v = Double(maxTotal) * Double(k) / 4
            out += "<line x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(n(left - 6))\" y=\"\(n(y(v) + 4))\" text-anchor=\"end\">\(Int(v.rounded()))</text>"
        }
        let slot = plotW / Double(r.mix.count)
        for (i, slice) in r.mix.enumerated() {
            var base = 0
            for (b, count) in slice.counts.enumerated() where count > 0 {
                let y0 = y(Double(base))
                let y1 = y(Double(base + count))
                out += "<rect x=\"\(n(left + slot * Double(i) + 1))\" y=\"\(n(y1))\" width=\"\(n(max(1, slot - 2)))\" height=\"\(n(y0 - y1))\" fill=\"\(colors[b % colors.count])\"><title>\(escape(minutes(slice.end))) \(EvaluationReport.bucketOrder[b].name): \(count)</title></rect>"
                base += count
            }
        }
        if let first = r.mix.first, let last = r.mix.last {
            out += "<text x=\"\(n(left))\" y=\"\(n(height - bottom + 16))\">\(minutes(first.end))</text>"
            out += "<text x=\"\(n(width - right))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"end\">\(minutes(last.end))</text>"
        }
        for (b, bucket) in EvaluationReport.bucketOrder.enumerated() {
            let lx = left + Double(b) * 100
            out += "<rect x=\"\(n(lx))\" y=\"2\" width=\"12\" height=\"12\" fill=\"\(colors[b % colors.count])\"/><text x=\"\(n(lx + 16))\" y=\"12\">\(bucket.name)</text>"
        }
        return svg(out, label: "Leads per bucket over time")
    }

    /// `2026-01-07 12:08` (UTC): slice ends to the minute, for reading.
    static func minutes(_ t: Timestamp) -> String {
        Vocabulary.time(t)
    }

    /// HTML text and attribute escaping: the dashboard's rule (`HTMLText`).
    static func escape(_ text: String) -> String { HTMLText.escaped(text) }
}
