import Foundation
import LeadScoreCore

/// The live dashboard: one self-contained page, rendered on the server from the same values
/// `/summary` and `/reps` serve, so it shows the current state with no script at all (a plain
/// screenshot, a text browser, a page saved to a ticket). A few lines of script refresh it by
/// fetching the page again and swapping the live part: there is one renderer, this one.
///
/// Kept dependency-free (no build step, no CDN) so it works on an air-gapped deployment. Every
/// figure a test reads has an id (`bucket-A`, `drift-psi`, `rep-<id>`, `uplift-<bucket>`), so
/// tests compare the page with the JSON it was drawn from. Words, colours and number formats
/// come from `Vocabulary`, shared with the demo's terminal view and the `evaluate` report.
enum DashboardPage {
    /// The whole page for a daemon's state; `summary` nil when the state has none to show.
    static func render(summary: SummaryDocument?, reps: [RepView]) -> [UInt8] {
        var html = head
        html += "<div id=\"live\">\n"
        if let summary {
            html += live(summary, reps: reps)
        } else {
            html += "<div class=\"muted\" id=\"meta\">no data: this server has no daemon state to show</div>\n"
        }
        html += "</div>\n" + script + "</body>\n</html>\n"
        return Array(html.utf8)
    }

    /// The part the script swaps on refresh: every section, from the summary and the leaderboard.
    static func live(_ s: SummaryDocument, reps: [RepView]) -> String {
        var out = meta(s)
        out += section("Leads by bucket", note: Vocabulary.Term.bucket.line)
        out += "<div class=\"row\" id=\"buckets\">"
        for b in Vocabulary.bucketNames {
            out += "<div class=\"card\"><span class=\"\(b)\">\(b)</span><b id=\"bucket-\(b)\">\(s.buckets[b] ?? 0)</b></div>"
        }
        out += "</div>\n"

        out += section("Buckets over time", note: nil)
        out += "<div class=\"panel\">" + historyChart(s.bucketHistory) + legend(Vocabulary.bucketNames.map { ($0, Vocabulary.bucketColor($0)) }, id: "history-legend") + "</div>\n"

        out += drift(s.drift)
        if let c = s.challenger { out += challenger(c, live: s) }

        out += section("Rep leaderboard", note: Vocabulary.Term.tier.line + " " + Vocabulary.Term.firstTouchesMissed.line)
        out += "<div class=\"panel\">" + repsChart(reps) + legend((0...2).map { ("\(Vocabulary.tierName($0)) tier", Vocabulary.tierColor($0)) }, id: "reps-legend") + "</div>\n"
        out += "<table><thead><tr><th>rep</th><th title=\"\(esc(Vocabulary.Term.tier.explanation))\">tier</th><th class=\"n\">score</th>"
        out += "<th class=\"n\">90-day rate</th><th class=\"n\">14-day rate</th><th class=\"n\">load today</th><th class=\"n\">capacity</th>"
        out += "<th>available</th><th class=\"n\" title=\"\(esc(Vocabulary.Term.firstTouchesMissed.explanation)) Last 14 days (since first seen).\">first touches missed</th></tr></thead><tbody id=\"reps\">"
        for p in reps {
            out += "<tr id=\"rep-\(esc(p.repID))\"\(p.active && p.onRoster ? "" : " class=\"gone\"")><td>\(esc(p.repID)) <span class=\"muted\">\(p.onRoster ? esc(p.name) : "not on the roster")</span></td>"
            out += "<td>\(Vocabulary.tierName(p.tier))</td><td class=\"n score\">\(fixed(p.repScore, 3))</td>"
            out += "<td class=\"n\">\(NumberText.percent(p.longRate))</td><td class=\"n\">\(NumberText.percent(p.shortRate))</td>"
            out += "<td class=\"n\">\(p.loadToday)</td><td class=\"n\">\(p.capacityPerDay)</td><td class=\"available\">\(availability(p))</td>"
            out += "<td class=\"n breaches\">\(p.slaBreachesShort) <span class=\"muted\">(\(p.slaBreaches))</span></td></tr>"
        }
        out += "</tbody></table>\n"

        out += uplift(s.uplift)

        out += section("Recent routing decisions", note: "Times are event (world) time, UTC. " + Vocabulary.Term.holdout.line)
        out += "<table><thead><tr><th>time</th><th>lead</th><th>bucket</th><th>rep</th><th class=\"n\">priority</th><th>first touch due</th><th>holdout</th><th>why</th></tr></thead><tbody id=\"routed\">"
        for e in s.recentRouting {
            out += "<tr><td>\(esc(Vocabulary.time(rfc3339: e.occurredAt)))</td><td><a href=\"leads/\(esc(percentEncoded(e.leadId)))\">\(esc(e.leadId))</a></td>"
            out += "<td class=\"\(esc(e.bucket))\">\(esc(e.bucket))</td><td>\(esc(e.repId ?? "none"))</td><td class=\"n\">\(e.priority.map(String.init) ?? "")</td>"
            out += "<td>\(esc(e.slaDueAt.map { Vocabulary.time(rfc3339: $0) } ?? ""))</td><td>\(e.holdout ? "yes" : "")</td><td class=\"why\">\(esc(e.why))</td></tr>"
        }
        out += "</tbody></table>\n"
        out += partitions(s.partitions)
        return out
    }

    /// Each assigned partition: live, replaying (with how far), restoring, or paused and why, and
    /// where its state came from.
    static func partitions(_ list: [SummaryDocument.Partition]) -> String {
        var out = section("Partitions", note: "Where each assigned input partition's state came from (cache: the local snapshot, kafka: the state topic, rebuild: the input from its beginning) and whether it is live.")
        out += "<table><thead><tr><th class=\"n\">partition</th><th>state</th><th>restored from</th><th class=\"n\">next offset</th>"
        out += "<th class=\"n\">leads</th><th>problem</th></tr></thead><tbody id=\"partitions\">"
        for p in list {
            let state = p.restoreProgress.map { "\(p.state) \(NumberText.percent($0))" } ?? p.state
            out += "<tr id=\"partition-\(p.partition)\"><td class=\"n\">\(p.partition)</td><td class=\"state\">\(esc(state))</td>"
            out += "<td>\(esc(p.restoreSource ?? ""))</td><td class=\"n\">\(p.nextOffset.map(String.init) ?? "")</td>"
            out += "<td class=\"n\">\(p.leads.map(String.init) ?? "")</td><td>\(esc(p.problem ?? ""))</td></tr>"
        }
        return out + "</tbody></table>\n"
    }

    /// The status line: configuration, readiness, events in, partitions, event time reached.
    static func meta(_ s: SummaryDocument) -> String {
        // deliberate: these times are the summary's own RFC 3339 renderings; one that does not parse is left out.
        let stream = s.partitions.compactMap(\.streamTime).compactMap { try? Timestamp(rfc3339: $0) }.max()
        var text = "config \(s.configVersion) · \(s.ready ? "ready" : "restoring") · \(s.eventsIn) events in · \(s.partitions.count) partitions"
        if let stream { text += " · event time reached \(Vocabulary.time(stream))" }
        return "<div class=\"muted\" id=\"meta\">\(esc(text))</div>\n"
    }

    /// Whether a rep can take leads now, in words: a rep who left is not "available".
    static func availability(_ p: RepView) -> String {
        if !p.onRoster { return "no (not on the roster)" }
        if !p.active { return "no (inactive)" }
        if !p.available { return p.unavailableUntil.map { "away until \(Vocabulary.time($0))" } ?? "away" }
        return "yes"
    }

    /// The PSI card and what it compares.
    static func drift(_ d: SummaryDocument.Drift) -> String {
        let window = d.windowSeconds >= 3600 ? "\(fixed(d.windowSeconds / 3600, 1)) h" : "\(fixed(d.windowSeconds, 0)) s"
        var out = section("Drift of the bucket mix", note: nil)
        out += "<div class=\"row\"><div class=\"card\" title=\"\(esc(Vocabulary.Term.psi.explanation))\">PSI<b id=\"drift-psi\">\(d.psi.map { fixed($0, 3) } ?? "–")</b>"
        out += "<span id=\"drift-reading\" class=\"\(esc(d.reading.split(separator: " ").first.map(String.init) ?? ""))\">\(esc(d.reading))</span></div>"
        out += "<div class=\"card muted\" id=\"drift-detail\" style=\"flex: 1\">"
        if d.psi == nil {
            out += "Population stability index of the lead mix by bucket against the mix \(window) earlier (wall clock). No value yet"
            out += d.fullAt.map { ": the first baseline is ready at \(esc(Vocabulary.time(rfc3339: $0)))." } ?? "."
        } else {
            out += "Population stability index of the lead mix at \(esc(d.sampledAt.map { Vocabulary.time(rfc3339: $0) } ?? "")) against the mix at "
            out += "\(esc(d.baselineAt.map { Vocabulary.time(rfc3339: $0) } ?? "")) (window \(window), wall clock). Below 0.1 stable, below 0.25 a moderate shift, above a major shift."
        }
        out += "</div></div>\n"
        if d.retrainSuggested {
            out += "<p class=\"warn\" id=\"retrain-suggested\"><b>Retrain suggested</b>: the mix moved past PSI \(fixed(d.retrainAbove, 2)). "
            out += "Fit the weights from the topics (<code>leadscore fit --brokers ...</code>, README \"Retraining on a cadence\") and compare before you switch.</p>\n"
        }
        return out
    }

    /// The challenger against the live model: the two bucket mixes and how the leads move
    /// between them (rows: live bucket, columns: challenger bucket).
    static func challenger(_ c: SummaryDocument.Challenger, live s: SummaryDocument) -> String {
        var out = section("Challenger \(c.configVersion) against the live model \(s.configVersion)", note: Vocabulary.Term.challenger.line)
        out += "<div class=\"row\"><div class=\"card\">agree<b id=\"challenger-agreement\">\(c.agreement.map { NumberText.percent($0) } ?? "–")</b>"
        out += "<span class=\"muted\">\(c.agreeing) of \(c.leads) leads in the same bucket</span></div></div>\n"
        let names = Vocabulary.bucketNames
        out += "<table><thead><tr><th>live \\ challenger</th>"
        for b in names { out += "<th class=\"n \(b)\">\(b)</th>" }
        out += "<th class=\"n\">live total</th></tr></thead><tbody id=\"agreement\">"
        for row in names {
            out += "<tr><td class=\"\(row)\">\(row)</td>"
            for column in names {
                let n = c.matrix[row]?[column] ?? 0
                out += "<td class=\"n\(row == column ? " same" : "")\" id=\"agreement-\(row)-\(column)\">\(n)</td>"
            }
            out += "<td class=\"n\">\(s.buckets[row] ?? 0)</td></tr>"
        }
        out += "<tr><td>challenger total</td>"
        for b in names { out += "<td class=\"n\" id=\"challenger-bucket-\(b)\">\(c.buckets[b] ?? 0)</td>" }
        out += "<td></td></tr></tbody></table>\n"
        out += "<p class=\"note muted\">Conversion by bucket under each model, from the outcomes reported since this challenger was loaded (or this instance took its partitions): "
        out += "each lead in the bucket it was in at its first conversion (else its latest outcome). <code>leadscore evaluate</code> gives the whole history.</p>"
        out += "<table><thead><tr><th>bucket</th><th class=\"n\">live leads</th><th class=\"n\">converted</th><th class=\"n\">rate</th>"
        out += "<th class=\"n\">challenger leads</th><th class=\"n\">converted</th><th class=\"n\">rate</th></tr></thead><tbody id=\"challenger-conversion\">"
        for b in names {
            out += "<tr><td class=\"\(b)\">\(b)</td>"
            for model in ["live", "challenger"] {
                let cell = c.conversion[b]?[model]
                out += "<td class=\"n\">\(cell?.leads ?? 0)</td><td class=\"n\">\(cell?.converted ?? 0)</td>"
                out += "<td class=\"n\" id=\"conversion-\(model)-\(b)\">\(cell?.rate.map { NumberText.percent($0) } ?? "–")</td>"
            }
            out += "</tr>"
        }
        out += "</tbody></table>\n"
        return out
    }

    /// The uplift table (rates in percent, uplift in points) and its chart.
    static func uplift(_ up: UpliftReport) -> String {
        var out = section("Uplift: model routing vs holdout", note: Vocabulary.Term.uplift.line)
        out += "<p class=\"muted\" id=\"uplift-definition\">\(esc(up.definition)) Leads tracked: \(up.trackedLeads) (at most \(up.maxLeads); \(up.forgottenLeads) forgotten).</p>"
        out += "<table><thead><tr><th>bucket</th><th class=\"n\">model routed</th><th class=\"n\">converted</th><th class=\"n\">rate</th>"
        out += "<th class=\"n\">holdout routed</th><th class=\"n\">converted</th><th class=\"n\">rate</th><th class=\"n\">uplift (pts)</th><th class=\"n\">95% interval (pts)</th></tr></thead><tbody id=\"uplift\">"
        for u in up.rows {
            out += "<tr id=\"uplift-\(esc(u.bucket))\"><td class=\"\(esc(u.bucket))\">\(u.bucket == "all" ? "all (pooled)" : esc(u.bucket))</td>"
            out += "<td class=\"n m-routed\">\(u.model.routed)</td><td class=\"n m-converted\">\(u.model.converted)</td><td class=\"n m-rate\">\(NumberText.percent(u.model.rate))</td>"
            out += "<td class=\"n h-routed\">\(u.holdout.routed)</td><td class=\"n h-converted\">\(u.holdout.converted)</td><td class=\"n h-rate\">\(NumberText.percent(u.holdout.rate))</td>"
            out += "<td class=\"n uplift\">\(u.uplift.map { Vocabulary.pointsNumber($0.difference) } ?? "–")</td>"
            out += "<td class=\"n interval\">\(u.uplift.map { "[\(Vocabulary.pointsNumber($0.lower)), \(Vocabulary.pointsNumber($0.upper))]" } ?? "–")</td></tr>"
        }
        out += "</tbody></table>\n<div class=\"panel\">" + upliftChart(up.rows) + "</div>\n"
        return out
    }

    // MARK: Charts (inline SVG)

    /// Lead count per bucket over the sampled history, one line per bucket, on event (world)
    /// time when every sample has it, else on the wall clock (the axis says which).
    static func historyChart(_ points: [SummaryDocument.HistoryPoint]) -> String {
        guard !points.isEmpty else { return "<p class=\"muted\">no samples yet (the first is taken once the daemon is ready)</p>" }
        // deliberate: these times are the summary's own RFC 3339 renderings; one that does not parse is left out.
        let stream = points.map { $0.streamTime.flatMap { try? Timestamp(rfc3339: $0) } }
        let onStream = stream.allSatisfy { $0 != nil }
        let times = onStream ? stream.compactMap { $0?.millisecondsSinceEpoch }
            : points.map { (try? Timestamp(rfc3339: $0.at))?.millisecondsSinceEpoch ?? 0 }
        let (w, h, l, r, t, b) = (720.0, 200.0, 48.0, 12.0, 12.0, 36.0)
        let t0 = times.min() ?? 0, t1 = max(times.max() ?? 0, t0 + 1)
        let top = max(1, points.flatMap { p in Vocabulary.bucketNames.map { p.buckets[$0] ?? 0 } }.max() ?? 1)
        let x = { (v: Int64) in l + Double(v - t0) / Double(t1 - t0) * (w - l - r) }
        let y = { (v: Int) in h - b - Double(v) / Double(top) * (h - t - b) }
        var g = "<line x1=\"\(l)\" y1=\"\(h - b)\" x2=\"\(w - r)\" y2=\"\(h - b)\" stroke=\"#d1d5db\"/>"
        g += "<line x1=\"\(l)\" y1=\"\(t)\" x2=\"\(l)\" y2=\"\(h - b)\" stroke=\"#d1d5db\"/>"
        g += "<text x=\"\(l - 6)\" y=\"\(t + 4)\" text-anchor=\"end\">\(top)</text><text x=\"\(l - 6)\" y=\"\(h - b)\" text-anchor=\"end\">0</text>"
        g += "<text x=\"\(l)\" y=\"\(h - 20)\">\(esc(Vocabulary.time(Timestamp(millisecondsSinceEpoch: t0))))</text>"
        g += "<text x=\"\(w - r)\" y=\"\(h - 20)\" text-anchor=\"end\">\(esc(Vocabulary.time(Timestamp(millisecondsSinceEpoch: t1))))</text>"
        g += "<text x=\"\((l + w - r) / 2)\" y=\"\(h - 4)\" text-anchor=\"middle\">\(onStream ? "event (world) time" : "wall clock")</text>"
        for bucket in Vocabulary.bucketNames {
            let pts = zip(points, times).map { p, time in "\(fixed(x(time), 1)),\(fixed(y(p.buckets[bucket] ?? 0), 1))" }
            if pts.count == 1 {
                let xy = pts[0].split(separator: ",")
                g += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(Vocabulary.bucketColor(bucket))\"/>"
            } else {
                g += "<polyline fill=\"none\" stroke=\"\(Vocabulary.bucketColor(bucket))\" stroke-width=\"2\" points=\"\(pts.joined(separator: " "))\"><title>\(bucket)</title></polyline>"
            }
        }
        return svg(w, h, g, label: "Leads by bucket over time")
    }

    /// Horizontal bars of rep score, in leaderboard order, coloured by tier.
    static func repsChart(_ reps: [RepView]) -> String {
        guard !reps.isEmpty else { return "<p class=\"muted\">no reps yet</p>" }
        let (w, row, l, r) = (720.0, 22.0, 120.0, 60.0)
        let h = Double(reps.count) * row + 8
        let top = max(reps.map(\.repScore).max() ?? 0, 1e-9)
        var g = ""
        for (i, p) in reps.enumerated() {
            let bar = max(0, p.repScore / top * (w - l - r)), yy = 4 + Double(i) * row
            let color = p.tier.map(Vocabulary.tierColor) ?? "#d1d5db"
            g += "<text x=\"\(l - 8)\" y=\"\(yy + 14)\" text-anchor=\"end\">\(esc(p.repID))</text>"
            g += "<rect x=\"\(l)\" y=\"\(yy + 3)\" width=\"\(fixed(bar, 1))\" height=\"\(row - 8)\" rx=\"2\" fill=\"\(color)\"><title>\(esc(p.repID)): \(p.tier.map { "\(Vocabulary.tierName($0)) tier" } ?? "no tier"), score \(fixed(p.repScore, 3))</title></rect>"
            g += "<text x=\"\(fixed(l + bar + 6, 1))\" y=\"\(yy + 14)\">\(fixed(p.repScore, 3))</text>"
        }
        return svg(w, h, g, label: "Rep score by rep")
    }

    /// Uplift per bucket and pooled, in percentage points: a bar from 0 to the uplift, a whisker
    /// over the 95% interval.
    static func upliftChart(_ rows: [UpliftReport.Row]) -> String {
        let shown = rows.compactMap { row in row.uplift.map { (row.bucket, $0) } }
        guard !shown.isEmpty else { return "<p class=\"muted\">no uplift yet: each group needs a routed lead</p>" }
        let (w, row, l, r, t, b) = (720.0, 28.0, 60.0, 20.0, 8.0, 20.0)
        let h = t + Double(shown.count) * row + b
        let lo = min(0, shown.map(\.1.lower).min() ?? 0), hi = max(0, shown.map(\.1.upper).max() ?? 0)
        let span = max(hi - lo, 1e-9)
        let x = { (v: Double) in l + (v - lo) / span * (w - l - r) }
        var g = "<line x1=\"\(fixed(x(0), 1))\" y1=\"\(t)\" x2=\"\(fixed(x(0), 1))\" y2=\"\(h - b)\" stroke=\"#9ca3af\" stroke-dasharray=\"3,3\"/>"
        g += "<text x=\"\(fixed(x(lo), 1))\" y=\"\(h - 6)\">\(Vocabulary.points(lo))</text><text x=\"\(fixed(x(hi), 1))\" y=\"\(h - 6)\" text-anchor=\"end\">\(Vocabulary.points(hi))</text>"
        for (i, (bucket, u)) in shown.enumerated() {
            let yy = t + Double(i) * row, mid = yy + row / 2
            g += "<text x=\"\(l - 8)\" y=\"\(mid + 4)\" text-anchor=\"end\">\(esc(bucket))</text>"
            g += "<rect x=\"\(fixed(min(x(0), x(u.difference)), 1))\" y=\"\(yy + 6)\" width=\"\(fixed(abs(x(u.difference) - x(0)), 1))\" height=\"\(row - 12)\" fill=\"\(Vocabulary.bucketColor(bucket))\" opacity=\"0.75\"><title>\(esc(bucket)): \(Vocabulary.points(u.difference)) [\(Vocabulary.points(u.lower)), \(Vocabulary.points(u.upper))]</title></rect>"
            for (x1, y1, x2, y2) in [(u.lower, mid, u.upper, mid), (u.lower, mid - 6, u.lower, mid + 6), (u.upper, mid - 6, u.upper, mid + 6)] {
                g += "<line x1=\"\(fixed(x(x1), 1))\" y1=\"\(y1)\" x2=\"\(fixed(x(x2), 1))\" y2=\"\(y2)\" stroke=\"#111827\"/>"
            }
        }
        return svg(w, h, g, label: "Uplift of model routing over the holdout, percentage points, with 95% intervals")
    }

    // MARK: Pieces

    /// A heading and the one-line explanation of what first appears under it.
    static func section(_ title: String, note: String?) -> String {
        "<h2>\(esc(title))</h2>\n" + (note.map { "<p class=\"muted note\">\(esc($0))</p>\n" } ?? "")
    }

    /// A chart legend: a colour swatch and a label per item.
    static func legend(_ items: [(String, String)], id: String) -> String {
        "<div class=\"legend muted\" id=\"\(id)\">" + items.map { "<span><i style=\"background:\($0.1)\"></i>\(esc($0.0))</span>" }.joined() + "</div>"
    }

    /// An inline SVG with an accessible label.
    static func svg(_ w: Double, _ h: Double, _ inner: String, label: String) -> String {
        "<svg viewBox=\"0 0 \(fixed(w, 0)) \(fixed(h, 0))\" width=\"\(fixed(w, 0))\" height=\"\(fixed(h, 0))\" role=\"img\" aria-label=\"\(esc(label))\" xmlns=\"http://www.w3.org/2000/svg\">\(inner)</svg>"
    }

    /// A number to `decimals` places (the report's formatting); a dash when not finite.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        value.isFinite ? NumberText.fixed(value, decimals) : "–"
    }

    /// HTML text and attribute escaping (`HTMLText`), short for the templates above.
    static func esc(_ text: String) -> String { HTMLText.escaped(text) }

    /// A lead id as one path segment of a relative link.
    static func percentEncoded(_ id: String) -> String {
        var out = ""
        for byte in id.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-_.~".contains(c) { out.append(c) } else { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2) }
        }
        return out
    }

    /// The page's head and title, with the bucket colours from `Vocabulary`.
    static let head = headTemplate.replacingOccurrences(
        of: "%BUCKET_CSS%", with: Vocabulary.bucketNames.map { ".\($0) { color: \(Vocabulary.bucketColor($0)); }" }.joined(separator: " "))

    private static let headTemplate = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>leadscore</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2430; background: #f7f8fa; max-width: 1100px; }
      h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
      .muted { color: #6b7482; } p.warn { background: #fff4e5; border-left: 4px solid #e08214; padding: 6px 10px; } .row { display: flex; gap: 12px; flex-wrap: wrap; } p.note { margin: 0 0 8px; }
      .card { background: #fff; border: 1px solid #e3e6eb; border-radius: 8px; padding: 12px 16px; min-width: 110px; }
      .card b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
      .panel { background: #fff; border: 1px solid #e3e6eb; border-radius: 8px; padding: 8px 12px; }
      table { border-collapse: collapse; background: #fff; width: 100%; border: 1px solid #e3e6eb; }
      th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eef0f3; font-variant-numeric: tabular-nums; }
      th { background: #f0f2f5; font-weight: 600; } tr.gone td { color: #9ca3af; }
      td.n, th.n { text-align: right; } td.same { font-weight: 600; background: #f3f6fb; }
      svg { display: block; max-width: 100%; height: auto; } svg text { font: 11px system-ui, sans-serif; fill: #4b5563; }
      %BUCKET_CSS%
      .stable { color: #0a7c3a; } .moderate { color: #a16207; } .major { color: #b91c1c; }
      .legend span { margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
      #err { color: #b91c1c; }
    </style>
    </head>
    <body>
    <h1>leadscore</h1>
    <div id="err"></div>

    """#

    /// Refreshes the live part every 2 s from the server's own rendering of the page.
    static let script = #"""
    <script>
    async function refresh() {
      const err = document.getElementById("err");
      try {
        const response = await fetch(location.href, { cache: "no-store" });
        if (!response.ok) throw new Error("HTTP " + response.status);
        const next = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("live");
        if (!next) throw new Error("no live section in the page");
        document.getElementById("live").replaceWith(document.importNode(next, true));
        err.textContent = "";
      } catch (e) { err.textContent = "refresh failed: " + e; }
    }
    setInterval(refresh, 2000);
    </script>

    """#
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
