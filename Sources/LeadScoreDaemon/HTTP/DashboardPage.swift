/// The live dashboard: one self-contained page that polls `/summary` and `/reps`.
///
/// Kept dependency-free (no build step, no CDN) so it works on an air-gapped deployment.
enum DashboardPage {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>leadscore</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2430; background: #f7f8fa; }
      h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
      .muted { color: #6b7482; } .row { display: flex; gap: 12px; flex-wrap: wrap; }
      .card { background: #fff; border: 1px solid #e3e6eb; border-radius: 8px; padding: 12px 16px; min-width: 110px; }
      .card b { display: block; font-size: 22px; }
      table { border-collapse: collapse; background: #fff; width: 100%; border: 1px solid #e3e6eb; }
      th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eef0f3; font-variant-numeric: tabular-nums; }
      th { background: #f0f2f5; font-weight: 600; }
      .A { color: #0a7c3a; } .B { color: #2563eb; } .C { color: #a16207; } .nurture, .self_serve { color: #6b7482; }
      #err { color: #b91c1c; }
    </style>
    </head>
    <body>
    <h1>leadscore</h1>
    <div class="muted" id="meta">loading…</div><div id="err"></div>
    <h2>Leads by bucket</h2>
    <div class="row" id="buckets"></div>
    <h2>Rep leaderboard</h2>
    <table><thead><tr><th>rep</th><th>tier</th><th>score</th><th>long rate</th><th>short rate</th><th>load today</th><th>capacity</th><th>available</th></tr></thead><tbody id="reps"></tbody></table>
    <h2>Recent routing decisions</h2>
    <table><thead><tr><th>time</th><th>lead</th><th>bucket</th><th>rep</th><th>priority</th><th>SLA due</th><th>holdout</th></tr></thead><tbody id="routed"></tbody></table>
    <script>
    const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
    const num = v => typeof v === "number" ? v.toFixed(3) : esc(v);
    async function refresh() {
      try {
        const [s, r] = await Promise.all([fetch("summary").then(x => x.json()), fetch("reps").then(x => x.json())]);
        document.getElementById("err").textContent = "";
        document.getElementById("meta").textContent =
          `config ${s.config_version} · ${s.ready ? "ready" : "restoring"} · ${s.events_in} events in · ${s.partitions.length} partitions`;
        document.getElementById("buckets").innerHTML = ["A","B","C","nurture","self_serve"].map(b =>
          `<div class="card"><span class="${b}">${b}</span><b>${s.buckets[b] ?? 0}</b></div>`).join("");
        const reps = r.reps ?? r;
        document.getElementById("reps").innerHTML = reps.map(p =>
          `<tr><td>${esc(p.rep_id)} <span class="muted">${p.on_roster ? esc(p.name) : "not on the roster"}</span></td><td>${esc(p.tier)}</td><td>${num(p.rep_score)}</td>` +
          `<td>${num(p.long_rate)}</td><td>${num(p.short_rate)}</td><td>${esc(p.load_today)}</td><td>${esc(p.capacity_per_day)}</td><td>${p.available ? "yes" : "no"}</td></tr>`).join("");
        document.getElementById("routed").innerHTML = (s.recent_routing ?? []).map(e =>
          `<tr><td>${esc(e.occurred_at)}</td><td><a href="leads/${encodeURIComponent(e.lead_id)}">${esc(e.lead_id)}</a></td>` +
          `<td class="${esc(e.bucket)}">${esc(e.bucket)}</td><td>${esc(e.rep_id ?? "none")}</td><td>${esc(e.priority)}</td><td>${esc(e.sla_due_at ?? "")}</td><td>${e.holdout ? "yes" : ""}</td></tr>`).join("");
      } catch (e) { document.getElementById("err").textContent = "refresh failed: " + e; }
    }
    refresh(); setInterval(refresh, 2000);
    </script>
    </body>
    </html>
    """#
}
