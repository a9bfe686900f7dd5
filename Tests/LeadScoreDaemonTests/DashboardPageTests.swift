import Foundation
import Hummingbird
import HummingbirdTesting
import LeadScoreCore
@testable import LeadScoreDaemon
import Testing

/// The dashboard page as the server renders it, before any script runs: what a screenshot, a
/// text browser or a page saved to a ticket shows. Built from a real rep book and lead book (a
/// routed lead, a rep who left), so the words and numbers are the ones a daemon would show.
@Suite("Dashboard page rendered on the server")
struct DashboardPageTests {
    static let roster = [
        #"{"event_id":"r1","type":"rep_roster","occurred_at":"2026-11-24T09:00:00Z","rep_id":"R-1","name":"Ada","active":true,"capacity_per_day":20}"#,
        #"{"event_id":"r2","type":"rep_roster","occurred_at":"2026-11-24T09:00:00Z","rep_id":"R-2","name":"Bo","active":true,"capacity_per_day":20}"#,
        #"{"event_id":"r3","type":"rep_roster","occurred_at":"2026-11-24T09:00:00Z","rep_id":"R-3","name":"Cy","active":true,"capacity_per_day":20}"#,
        // Cy leaves: still listed (history counts), never available.
        #"{"event_id":"r4","type":"rep_roster","occurred_at":"2026-11-24T09:30:00Z","rep_id":"R-3","name":"Cy","active":false,"capacity_per_day":20}"#,
    ]
    static let leads = [
        #"{"event_id":"p1","type":"profile","occurred_at":"2026-11-24T10:00:00.250Z","lead_id":"L-42","account_id":"A-7","company":{"industry":"software","employees":1200},"seats":120,"technographics":["salesforce"]}"#,
        #"{"event_id":"e1","type":"engagement","occurred_at":"2026-11-24T10:05:00.500Z","lead_id":"L-42","account_id":"A-7","signal":"demo_request"}"#,
    ]

    /// The leaderboard and the routing decisions the events imply.
    static func world() throws -> (reps: [RepView], routed: [LeadRouted]) {
        let decoder = EventDecoder()
        var reps = RepBook(config: ScoringConfig())
        var book = LeadBook(config: ScoringConfig())
        var outputs: [OutputEvent] = []
        for json in roster { _ = reps.apply(try decoder.decode(Array(json.utf8))) }
        for json in leads { book.apply(try decoder.decode(Array(json.utf8)), reps: &reps, into: &outputs) }
        let routed = outputs.compactMap { output -> LeadRouted? in
            if case .leadRouted(let r) = output { return r }
            return nil
        }
        return (reps.leaderboard(at: reps.clock), routed)
    }

    static func document(routed: [LeadRouted], published: [Int32: PartitionSummary]? = nil) -> SummaryDocument {
        let streamTime = Timestamp(millisecondsSinceEpoch: 1_795_514_700_500) // 2026-11-24T10:05:00.500Z
        let partition = PartitionSummary(partition: 0, nextOffset: 2, leads: 1, buckets: [0, 0, 0, 1, 0], streamTime: streamTime,
                                         configVersion: "v1", eventsIn: 2)
        var tally = UpliftTally(maxLeads: 100)
        for i in 0..<4 { tally.recordRouting(leadID: "M-\(i)", bucket: .a, holdout: false) }
        tally.recordRouting(leadID: "H-0", bucket: .a, holdout: true)
        tally.recordConversion(leadID: "M-0")
        let samples = [BucketMixHistory.Sample(at: 1_795_000_000_000, counts: [0, 0, 0, 0, 0], streamTime: 1_795_514_400_000),
                       BucketMixHistory.Sample(at: 1_795_000_002_000, counts: [0, 0, 0, 1, 0], streamTime: 1_795_514_700_500)]
        let status = BucketMixHistory.Status(psi: nil, reading: "warming up", baselineAt: nil, sampledAt: 1_795_000_002_000)
        return SummaryDocument(pid: 1, configVersion: "v1", ready: true, workers: 1, published: published ?? [0: partition], recent: routed,
                               drift: .init(status: status, fullAt: 1_795_086_400_000, window: 86_400_000, samples: samples),
                               uplift: UpliftReport(tally.counts, maxLeads: 100))
    }

    /// The page with its script removed: what shows without JavaScript.
    static func withoutScript(_ page: [UInt8]) -> String {
        String(decoding: page, as: UTF8.self).replacing(/<script>[\s\S]*?<\/script>/, with: "")
    }

    @Test("the first state is in the page itself, not drawn by a script")
    func firstStateWithoutScript() throws {
        let (reps, routed) = try Self.world()
        let page = Self.withoutScript(DashboardPage.render(summary: Self.document(routed: routed), reps: reps))
        #expect(!page.contains("loading"))
        #expect(page.contains(#"id="meta">config v1 · ready · 2 events in · 1 partitions · event time reached 2026-11-24 10:05 UTC<"#), "\(page)")
        #expect(DaemonIntegrationTests.text(page, id: "bucket-A") == "1")
        #expect(DaemonIntegrationTests.text(page, id: "bucket-B") == "0")
        // Every rep on the board, with its score as /reps serves it.
        for rep in reps {
            let cell = DaemonIntegrationTests.cell(page, rowID: "rep-\(rep.repID)", cls: "n score")
            #expect(cell.flatMap(Double.init).map { abs($0 - rep.repScore) < 0.0005 } == true, "rep \(rep.repID): \(cell ?? "no cell")")
        }
        #expect(page.contains("<polyline"), "the buckets-over-time chart is drawn on the server")
        #expect(page.contains(">event (world) time<"), "the history axis is on event time when the samples carry it")
        #expect(DaemonIntegrationTests.cell(page, rowID: "uplift-A", cls: "n m-routed") == "4")
        #expect(DaemonIntegrationTests.cell(page, rowID: "uplift-A", cls: "n h-routed") == "1")
    }

    @Test("one vocabulary: tiers by name with a legend, uplift in points, reps who left not available, a why column")
    func vocabulary() throws {
        let (reps, routed) = try Self.world()
        let page = Self.withoutScript(DashboardPage.render(summary: Self.document(routed: routed), reps: reps))
        // Tiers: named as in the demo's view and the evaluate report, and a legend for the chart.
        let tiers = reps.filter(\.active).map { DaemonIntegrationTests.cellAt(page, rowID: "rep-\($0.repID)", index: 1) }
        #expect(tiers.count == 2 && tiers.allSatisfy { ["top", "middle", "bottom"].contains($0 ?? "") }, "\(tiers)")
        // A rep who left has no tier (it is ranked with no one).
        #expect(DaemonIntegrationTests.cellAt(page, rowID: "rep-R-3", index: 1) == "–")
        for name in ["top tier", "middle tier", "bottom tier"] {
            #expect(page.contains(">\(name)</span>"), "legend entry \(name)")
        }
        #expect(page.contains(Vocabulary.Term.tier.explanation))
        // The rep who left is listed but not available.
        #expect(DaemonIntegrationTests.cell(page, rowID: "rep-R-3", cls: "available") == "no (inactive)")
        #expect(DaemonIntegrationTests.cell(page, rowID: "rep-R-1", cls: "available") == "yes")
        // Uplift in percentage points: model 1/4, holdout 0/1 = +25.0 pts.
        #expect(DaemonIntegrationTests.cell(page, rowID: "uplift-A", cls: "n uplift") == "+25.0")
        #expect(page.contains("uplift (pts)"))
        // The routing table says why, in the words the demo's terminal uses for the same decision.
        let decision = try #require(routed.first)
        #expect(page.contains("<th>why</th>"))
        #expect(page.contains(#"<td class="why">\#(DashboardPage.esc(RoutingExplanation(decision).text))</td>"#))
        #expect(RoutingExplanation(decision).text.hasPrefix("best score/load in the top tier"), "\(RoutingExplanation(decision).text)")
        // Times: to the minute, UTC, world time; no AM/PM.
        #expect(page.contains("2026-11-24 10:05 UTC"))
        #expect(!page.contains(" AM") && !page.contains(" PM"))
        // Bucket colours from the shared table (the evaluate report uses the same).
        for bucket in Vocabulary.bucketNames {
            #expect(page.contains(".\(bucket) { color: \(Vocabulary.bucketColor(bucket)); }"))
        }
        // Terms explained where they first appear.
        for term in [Vocabulary.Term.bucket, .tier, .firstTouchesMissed, .uplift, .holdout] {
            #expect(page.contains(DashboardPage.esc(term.explanation)), "\(term.label) is not explained")
        }
    }

    /// A live state whose dashboard is the real page of known parts.
    struct PageState: LiveState {
        var document: SummaryDocument
        var reps: [RepView]
        var isReady: Bool { true }
        var unhealthyReason: String? { nil }
        func leadJSON(id: String) -> [UInt8]? { nil }
        func repsJSON() -> [UInt8] { Array(#"{"reps":[]}"#.utf8) }
        func summaryJSON() -> [UInt8] { document.json }
        func metricsText() -> [UInt8] { [] }
        func dashboardHTML() -> [UInt8] { DashboardPage.render(summary: document, reps: reps) }
    }

    @Test("GET / serves the rendered page, self-contained, with a script that refreshes it from the server")
    func servedByTheRouter() async throws {
        let (reps, routed) = try Self.world()
        let app = Application(router: HTTPEndpoints.router(state: PageState(document: Self.document(routed: routed), reps: reps)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: response.body)
                #expect(DaemonIntegrationTests.text(page, id: "bucket-A") == "1")
                #expect(page.contains(#"<div id="live">"#) && page.contains("getElementById(\"live\")"))
                #expect(!page.contains("<script src") && !page.contains("<link "), "self-contained: no external script or style")
            }
        }
    }

    @Test("why a lead went where it went", arguments: [
        (RoutingExplanation(bucket: "self_serve", repID: "self_serve", rule: "self_serve", holdout: false, sticky: false, reroute: 0, reason: nil, candidates: []),
         "self-serve: deal below the floor"),
        (RoutingExplanation(bucket: "A", repID: nil, rule: "none", holdout: false, sticky: false, reroute: 0, reason: "every rep at capacity", candidates: []),
         "no rep: every rep at capacity"),
        (RoutingExplanation(bucket: "A", repID: "R-2", rule: "rep_score", holdout: false, sticky: false, reroute: 1, reason: nil,
                            candidates: [.init(repID: "R-1", status: "sla_breached", tier: 0, repScore: 0.3), .init(repID: "R-2", status: "chosen", tier: 0, repScore: 0.2)]),
         "re-route 1: first touch missed by R-1"),
        (RoutingExplanation(bucket: "B", repID: "R-1", rule: "sticky_owner", holdout: false, sticky: true, reroute: 0, reason: nil, candidates: []),
         "kept its owner"),
        (RoutingExplanation(bucket: "B", repID: "R-1", rule: "holdout_round_robin", holdout: true, sticky: false, reroute: 0, reason: nil, candidates: []),
         "holdout: round-robin, rep score ignored"),
        (RoutingExplanation(bucket: "A", repID: "R-1", rule: "rep_score", holdout: false, sticky: false, reroute: 0, reason: nil,
                            candidates: [.init(repID: "R-1", status: "chosen", tier: 0, repScore: 0.314),
                                         .init(repID: "R-2", status: "at_capacity", tier: 0, repScore: 0.4),
                                         .init(repID: "R-3", status: "inactive", tier: 2, repScore: 0.1)]),
         "best score/load in the top tier (score 0.31); passed: 1 at capacity, 1 inactive"),
    ])
    func why(explanation: RoutingExplanation, expected: String) {
        #expect(explanation.text == expected)
    }
}

extension DashboardPageTests {
    /// A challenger's section: its bucket mix, how many leads the two models agree on, and the
    /// move matrix, each figure the one `/summary` serves; absent without a challenger.
    @Test func theChallengerSectionShowsTheAgreementSummaryServes() throws {
        let decoder = EventDecoder()
        var live = LeadBook(config: ScoringConfig())
        var other = ScoringConfig()
        other.quality.goldPoints = 10
        var challenger = LeadBook(config: other)
        challenger.scoresOnly = true
        var reps = RepBook(config: ScoringConfig())
        var none = NoRoutingDesk()
        var outputs: [OutputEvent] = []
        for json in Self.roster { _ = reps.apply(try decoder.decode(Array(json.utf8))) }
        for json in Self.leads {
            let event = try decoder.decode(Array(json.utf8))
            live.apply(event, reps: &reps, into: &outputs)
            challenger.apply(event, reps: &none, into: &outputs)
        }
        var document = Self.document(routed: [])
        #expect(document.challenger == nil)
        #expect(!Self.withoutScript(DashboardPage.render(summary: document, reps: [])).contains("id=\"agreement\""))
        var partition = PartitionSummary(partition: 0, nextOffset: 2, leads: 1, buckets: [0, 0, 0, 1, 0], streamTime: live.streamTime,
                                         configVersion: "v1", eventsIn: 2)
        partition.challengerVersion = other.version
        partition.agreement = BucketAgreement(live: live, challenger: challenger)
        document = Self.document(routed: [], published: [0: partition])
        let c = try #require(document.challenger)
        let liveBucket = try #require(live.view(leadID: "L-42")?.bucket)
        let challengerBucket = try #require(challenger.view(leadID: "L-42")?.bucket)
        #expect(liveBucket != challengerBucket, "the fixture should move the lead")
        #expect(c.leads == 1 && c.agreeing == 0 && c.agreement == 0)
        #expect(c.matrix[liveBucket.name]?[challengerBucket.name] == 1)
        let page = Self.withoutScript(DashboardPage.render(summary: document, reps: []))
        #expect(page.contains("id=\"agreement-\(liveBucket.name)-\(challengerBucket.name)\">1<"))
        #expect(page.contains("id=\"challenger-bucket-\(challengerBucket.name)\">1<"))
        #expect(page.contains("id=\"challenger-agreement\">0.0%<") || page.contains("id=\"challenger-agreement\">0%<"), "\(page)")
        #expect(page.contains("Challenger \(other.version) against the live model v1"))
        let json = String(decoding: document.json, as: UTF8.self)
        #expect(json.contains("\"challenger\":{\"agreeing\":0,\"agreement\":0"), "\(json)")
    }
}
