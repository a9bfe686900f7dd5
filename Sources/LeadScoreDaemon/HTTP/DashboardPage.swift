/// The live dashboard: one self-contained page that polls `/summary` and `/reps` and draws its
/// charts as inline SVG with its own few lines of JavaScript.
///
/// Kept dependency-free (no build step, no CDN) so it works on an air-gapped deployment. Every
/// figure a test reads has an id (`bucket-A`, `drift-psi`, `rep-<id>`, `uplift-<bucket>`), so the
/// browser test compares the rendered page with the JSON it was drawn from.
enum DashboardPage {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>leadscore</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2430; background: #f7f8fa; max-width: 1100px; }
      h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
      .muted { color: #6b7482; } .row { display: flex; gap: 12px; flex-wrap: wrap; }
      .card { background: #fff; border: 1px solid #e3e6eb; border-radius: 8px; padding: 12px 16px; min-width: 110px; }
      .card b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
      .panel { background: #fff; border: 1px solid #e3e6eb; border-radius: 8px; padding: 8px 12px; }
      table { border-collapse: collapse; background: #fff; width: 100%; border: 1px solid #e3e6eb; }
      th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eef0f3; font-variant-numeric: tabular-nums; }
      th { background: #f0f2f5; font-weight: 600; }
      td.n, th.n { text-align: right; }
      svg { display: block; max-width: 100%; height: auto; } svg text { font: 11px system-ui, sans-serif; fill: #4b5563; }
      .A { color: #0a7c3a; } .B { color: #2563eb; } .C { color: #a16207; } .nurture { color: #6b7482; } .self_serve { color: #9ca3af; } .disqualified { color: #b91c1c; }
      .stable { color: #0a7c3a; } .moderate { color: #a16207; } .major { color: #b91c1c; }
      .legend span { margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
      #err { color: #b91c1c; }
    </style>
    </head>
    <body>
    <h1>leadscore</h1>
    <div class="muted" id="meta">loading…</div><div id="err"></div>

    <h2>Leads by bucket</h2>
    <div class="row" id="buckets"></div>

    <h2>Buckets over time</h2>
    <div class="panel"><div id="history-chart"></div><div class="legend muted" id="history-legend"></div></div>

    <h2>Drift of the bucket mix</h2>
    <div class="row">
      <div class="card">PSI<b id="drift-psi">–</b><span id="drift-reading" class="muted"></span></div>
      <div class="card muted" id="drift-detail" style="flex: 1"></div>
    </div>

    <h2>Rep leaderboard</h2>
    <div class="panel"><div id="reps-chart"></div></div>
    <table><thead><tr><th>rep</th><th>tier</th><th class="n">score</th><th class="n">long rate</th><th class="n">short rate</th><th class="n">load today</th><th class="n">capacity</th><th>available</th><th class="n" title="first-touch SLAs missed in the short window (since first seen)">SLA breaches</th></tr></thead><tbody id="reps"></tbody></table>

    <h2>Uplift: model routing vs holdout</h2>
    <p class="muted" id="uplift-definition"></p>
    <table><thead><tr><th>bucket</th><th class="n">model routed</th><th class="n">converted</th><th class="n">rate</th><th class="n">holdout routed</th><th class="n">converted</th><th class="n">rate</th><th class="n">uplift</th><th class="n">95% interval</th></tr></thead><tbody id="uplift"></tbody></table>
    <div class="panel"><div id="uplift-chart"></div></div>

    <h2>Recent routing decisions</h2>
    <table><thead><tr><th>time</th><th>lead</th><th>bucket</th><th>rep</th><th>priority</th><th>SLA due</th><th>holdout</th></tr></thead><tbody id="routed"></tbody></table>
    <script>
    const BUCKETS = ["A", "B", "C", "nurture", "self_serve", "disqualified"];
    const COLORS = { A: "#0a7c3a", B: "#2563eb", C: "#a16207", nurture: "#6b7482", self_serve: "#9ca3af", disqualified: "#b91c1c", all: "#1d2430" };
    const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
    const num = v => typeof v === "number" && isFinite(v) ? v.toFixed(3) : "–";
    const signed = v => typeof v === "number" && isFinite(v) ? (v > 0 ? "+" : "") + v.toFixed(3) : "–";
    const $ = id => document.getElementById(id);
    const svg = (w, h, inner) => `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">${inner}</svg>`;
    const clock = ms => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

    // Lead count per bucket over the sampled history (the drift window), one line per bucket.
    function historyChart(points) {
      if (!points || points.length === 0) return '<p class="muted">no samples yet (the first is taken once the daemon is ready)</p>';
      const W = 720, H = 200, L = 48, R = 12, T = 12, B = 24;
      const ts = points.map(p => Date.parse(p.at));
      const t0 = Math.min(...ts), t1 = Math.max(...ts, t0 + 1);
      const top = Math.max(1, ...points.flatMap(p => BUCKETS.map(b => p.buckets[b] ?? 0)));
      const x = t => L + (t - t0) / (t1 - t0) * (W - L - R), y = v => H - B - v / top * (H - T - B);
      let g = `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#d1d5db"/>` +
              `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#d1d5db"/>` +
              `<text x="${L - 6}" y="${T + 4}" text-anchor="end">${top}</text><text x="${L - 6}" y="${H - B}" text-anchor="end">0</text>` +
              `<text x="${L}" y="${H - 6}">${clock(t0)}</text><text x="${W - R}" y="${H - 6}" text-anchor="end">${clock(t1)}</text>`;
      for (const b of BUCKETS) {
        const pts = points.map((p, i) => `${x(ts[i]).toFixed(1)},${y(p.buckets[b] ?? 0).toFixed(1)}`);
        g += pts.length === 1
          ? `<circle cx="${pts[0].split(",")[0]}" cy="${pts[0].split(",")[1]}" r="3" fill="${COLORS[b]}"/>`
          : `<polyline fill="none" stroke="${COLORS[b]}" stroke-width="2" points="${pts.join(" ")}"/>`;
      }
      return svg(W, H, g);
    }

    // Horizontal bars of rep_score, in leaderboard order.
    function repsChart(reps) {
      if (reps.length === 0) return '<p class="muted">no reps yet</p>';
      const W = 720, row = 22, L = 120, R = 60, H = reps.length * row + 8;
      const top = Math.max(...reps.map(p => p.rep_score ?? 0), 1e-9);
      let g = "";
      reps.forEach((p, i) => {
        const w = Math.max(0, (p.rep_score ?? 0) / top * (W - L - R)), yy = 4 + i * row;
        g += `<text x="${L - 8}" y="${yy + 14}" text-anchor="end">${esc(p.rep_id)}</text>` +
             `<rect x="${L}" y="${yy + 3}" width="${w.toFixed(1)}" height="${row - 8}" rx="2" fill="${["#0a7c3a", "#2563eb", "#a16207"][p.tier] ?? "#6b7482"}"/>` +
             `<text x="${(L + w + 6).toFixed(1)}" y="${yy + 14}">${num(p.rep_score)}</text>`;
      });
      return svg(W, H, g);
    }

    // Uplift per bucket and pooled: a bar from 0 to the uplift, a whisker over the 95% interval.
    function upliftChart(rows) {
      const shown = rows.filter(r => r.uplift);
      if (shown.length === 0) return '<p class="muted">no uplift yet: each group needs a routed lead</p>';
      const W = 720, row = 28, L = 60, R = 20, T = 8, B = 20, H = T + shown.length * row + B;
      const lo = Math.min(0, ...shown.map(r => r.uplift.lower)), hi = Math.max(0, ...shown.map(r => r.uplift.upper));
      const span = Math.max(hi - lo, 1e-9), x = v => L + (v - lo) / span * (W - L - R);
      let g = `<line x1="${x(0)}" y1="${T}" x2="${x(0)}" y2="${H - B}" stroke="#9ca3af" stroke-dasharray="3,3"/>` +
              `<text x="${x(lo)}" y="${H - 6}">${signed(lo)}</text><text x="${x(hi)}" y="${H - 6}" text-anchor="end">${signed(hi)}</text>`;
      shown.forEach((r, i) => {
        const u = r.uplift, yy = T + i * row, mid = yy + row / 2;
        g += `<text x="${L - 8}" y="${mid + 4}" text-anchor="end">${esc(r.bucket)}</text>` +
             `<rect x="${Math.min(x(0), x(u.difference)).toFixed(1)}" y="${yy + 6}" width="${Math.abs(x(u.difference) - x(0)).toFixed(1)}" height="${row - 12}" fill="${COLORS[r.bucket] ?? COLORS.all}" opacity="0.75"/>` +
             `<line x1="${x(u.lower).toFixed(1)}" y1="${mid}" x2="${x(u.upper).toFixed(1)}" y2="${mid}" stroke="#111827"/>` +
             `<line x1="${x(u.lower).toFixed(1)}" y1="${mid - 6}" x2="${x(u.lower).toFixed(1)}" y2="${mid + 6}" stroke="#111827"/>` +
             `<line x1="${x(u.upper).toFixed(1)}" y1="${mid - 6}" x2="${x(u.upper).toFixed(1)}" y2="${mid + 6}" stroke="#111827"/>`;
      });
      return svg(W, H, g);
    }

    function render(s, r) {
      $("meta").textContent =
        `config ${s.config_version} · ${s.ready ? "ready" : "restoring"} · ${s.events_in} events in · ${s.partitions.length} partitions`;
      $("buckets").innerHTML = BUCKETS.map(b =>
        `<div class="card"><span class="${b}">${b}</span><b id="bucket-${b}">${s.buckets[b] ?? 0}</b></div>`).join("");

      $("history-chart").innerHTML = historyChart(s.bucket_history);
      $("history-legend").innerHTML = BUCKETS.map(b => `<span><i style="background:${COLORS[b]}"></i>${b}</span>`).join("");

      const d = s.drift ?? {};
      $("drift-psi").textContent = num(d.psi);
      $("drift-reading").textContent = d.reading ?? "";
      $("drift-reading").className = (d.reading ?? "").split(" ")[0];
      const win = d.window_seconds >= 3600 ? `${(d.window_seconds / 3600).toFixed(1)} h` : `${d.window_seconds} s`;
      $("drift-detail").innerHTML = d.psi == null
        ? `Population stability index of the lead mix by bucket against the mix ${win} earlier. No value yet` +
          (d.full_at ? `: the first baseline is ready at ${esc(d.full_at)}.` : ".")
        : `Population stability index of the lead mix at ${esc(d.sampled_at)} against the mix at ${esc(d.baseline_at)} ` +
          `(window ${win}). Below 0.1 stable, below 0.25 a moderate shift, above a major shift.`;

      const reps = r.reps ?? r;
      $("reps-chart").innerHTML = repsChart(reps);
      $("reps").innerHTML = reps.map(p =>
        `<tr id="rep-${esc(p.rep_id)}"><td>${esc(p.rep_id)} <span class="muted">${p.on_roster ? esc(p.name) : "not on the roster"}</span></td>` +
        `<td>${["top", "middle", "bottom"][p.tier] ?? esc(p.tier)}</td><td class="n score">${num(p.rep_score)}</td>` +
        `<td class="n">${num(p.long_rate)}</td><td class="n">${num(p.short_rate)}</td><td class="n">${esc(p.load_today)}</td>` +
        `<td class="n">${esc(p.capacity_per_day)}</td><td>${p.available ? "yes" : "no"}</td>` +
        `<td class="n breaches">${esc(p.sla_breaches_short ?? 0)} <span class="muted">(${esc(p.sla_breaches ?? 0)})</span></td></tr>`).join("");

      const up = s.uplift ?? { rows: [] };
      $("uplift-definition").textContent = (up.definition ?? "") +
        (up.tracked_leads != null ? ` Leads tracked: ${up.tracked_leads} (at most ${up.max_leads}; ${up.forgotten_leads} forgotten).` : "");
      $("uplift").innerHTML = up.rows.map(u =>
        `<tr id="uplift-${esc(u.bucket)}"><td class="${esc(u.bucket)}">${u.bucket === "all" ? "all (pooled)" : esc(u.bucket)}</td>` +
        `<td class="n m-routed">${u.model.routed}</td><td class="n m-converted">${u.model.converted}</td><td class="n m-rate">${num(u.model.rate)}</td>` +
        `<td class="n h-routed">${u.holdout.routed}</td><td class="n h-converted">${u.holdout.converted}</td><td class="n h-rate">${num(u.holdout.rate)}</td>` +
        `<td class="n uplift">${u.uplift ? signed(u.uplift.difference) : "–"}</td>` +
        `<td class="n interval">${u.uplift ? `[${signed(u.uplift.lower)}, ${signed(u.uplift.upper)}]` : "–"}</td></tr>`).join("");
      $("uplift-chart").innerHTML = upliftChart(up.rows);

      $("routed").innerHTML = (s.recent_routing ?? []).map(e =>
        `<tr><td>${esc(e.occurred_at)}</td><td><a href="leads/${encodeURIComponent(e.lead_id)}">${esc(e.lead_id)}</a></td>` +
        `<td class="${esc(e.bucket)}">${esc(e.bucket)}</td><td>${esc(e.rep_id ?? "none")}</td><td>${esc(e.priority)}</td><td>${esc(e.sla_due_at ?? "")}</td><td>${e.holdout ? "yes" : ""}</td></tr>`).join("");
    }

    async function refresh() {
      try {
        const [s, r] = await Promise.all([fetch("summary").then(x => x.json()), fetch("reps").then(x => x.json())]);
        $("err").textContent = "";
        render(s, r);
      } catch (e) { $("err").textContent = "refresh failed: " + e; }
    }
    refresh(); setInterval(refresh, 2000);
    </script>
    </body>
    </html>
    """#
}
