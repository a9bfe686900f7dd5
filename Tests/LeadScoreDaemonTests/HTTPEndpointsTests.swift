import Foundation
import Hummingbird
import HummingbirdTesting
import LeadScoreCore
@testable import LeadScoreDaemon
import Testing

/// The HTTP surface in process (HummingbirdTesting's router client), over a fixed live state.
@Suite("HTTP endpoints")
struct HTTPEndpointsTests {
    struct FixedState: LiveState {
        var isReady: Bool
        var unhealthyReason: String?
        func leadJSON(id: String) -> [UInt8]? { id == "L-1" ? Array(#"{"lead_id":"L-1"}"#.utf8) : nil }
        func repsJSON() -> [UInt8] { Array(#"{"reps":[{"rep_id":"R-1","rep_score":0.4,"on_roster":true}]}"#.utf8) }
        func summaryJSON() -> [UInt8] { Array(#"{"events_in":7}"#.utf8) }
        func metricsText() -> [UInt8] { Array("leadscore_ready 1\n".utf8) }
    }

    @Test("routes, status codes and content types", arguments: [true, false])
    func routes(healthy: Bool) async throws {
        let state = FixedState(isReady: healthy, unhealthyReason: healthy ? nil : "output delivery failed")
        let app = Application(router: HTTPEndpoints.router(state: state))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == (healthy ? .ok : .serviceUnavailable))
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == (healthy ? .ok : .serviceUnavailable))
            }
            try await client.execute(uri: "/leads/L-1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == #"{"lead_id":"L-1"}"#)
            }
            try await client.execute(uri: "/leads/L-404", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/reps", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""rep_score":0.4"#))
            }
            try await client.execute(uri: "/summary", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"events_in":7}"#)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(String(buffer: response.body) == "leadscore_ready 1\n")
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: response.body)
                // A state that cannot give its values gets a page that says so (DashboardPageTests
                // covers the rendered page).
                #expect(page.contains("no data"))
                #expect(!page.contains("<script src") && !page.contains("<link "), "self-contained: no external script or style")
            }
        }
    }

    /// A live state whose `/summary` is the real document built from known parts.
    struct DocumentState: LiveState {
        var document: SummaryDocument
        var isReady: Bool { true }
        var unhealthyReason: String? { nil }
        func leadJSON(id: String) -> [UInt8]? { nil }
        func repsJSON() -> [UInt8] { Array(#"{"reps":[]}"#.utf8) }
        func summaryJSON() -> [UInt8] { document.json }
        func metricsText() -> [UInt8] { [] }
    }

    static func summary(status: BucketMixHistory.Status, samples: [BucketMixHistory.Sample], uplift: UpliftTally.Counts) -> SummaryDocument {
        let partition = PartitionSummary(partition: 0, nextOffset: 12, leads: 9, buckets: [1, 2, 3, 2, 1],
                                         streamTime: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000), configVersion: "v", eventsIn: 12)
        return SummaryDocument(pid: 1, configVersion: "v", ready: true, workers: 1, published: [0: partition], recent: [],
                               drift: .init(status: status, fullAt: 1_794_913_600_000, window: 86_400_000, samples: samples),
                               uplift: UpliftReport(uplift, maxLeads: 1_000))
    }

    @Test("/summary carries drift, the bucket history and the uplift")
    func summaryFields() async throws {
        var tally = UpliftTally(maxLeads: 1_000)
        for i in 0..<4 { tally.recordRouting(leadID: "M-\(i)", bucket: .a, holdout: false) }
        tally.recordRouting(leadID: "H-0", bucket: .a, holdout: true)
        tally.recordConversion(leadID: "M-0")
        let status = BucketMixHistory.Status(psi: 0.1234, reading: "moderate shift", baselineAt: 1_794_913_600_000, sampledAt: 1_795_000_000_000)
        let samples = [BucketMixHistory.Sample(at: 1_794_913_600_000, counts: [1, 1, 1, 1, 1]),
                       BucketMixHistory.Sample(at: 1_795_000_000_000, counts: [1, 2, 3, 2, 1])]
        let app = Application(router: HTTPEndpoints.router(state: DocumentState(document: Self.summary(status: status, samples: samples, uplift: tally.counts))))
        try await app.test(.router) { client in
            try await client.execute(uri: "/summary", method: .get) { response in
                let json = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                #expect((json["buckets"] as? [String: Int]) == ["nurture": 1, "C": 2, "B": 3, "A": 2, "self_serve": 1, "disqualified": 0])
                let drift = try #require(json["drift"] as? [String: Any])
                #expect(drift["psi"] as? Double == 0.1234)
                #expect(drift["reading"] as? String == "moderate shift")
                #expect(drift["baseline_at"] as? String == "2026-11-17T11:06:40Z")
                #expect(drift["sampled_at"] as? String == "2026-11-18T11:06:40Z")
                #expect(drift["window_seconds"] as? Double == 86_400)
                let history = try #require(json["bucket_history"] as? [[String: Any]])
                #expect(history.count == 2)
                #expect(history.last?["at"] as? String == "2026-11-18T11:06:40Z")
                #expect((history.last?["buckets"] as? [String: Int]) == ["nurture": 1, "C": 2, "B": 3, "A": 2, "self_serve": 1, "disqualified": 0])
                let uplift = try #require(json["uplift"] as? [String: Any])
                #expect((uplift["definition"] as? String)?.contains("first converted outcome") == true)
                #expect(uplift["tracked_leads"] as? Int == 5)
                let rows = try #require(uplift["rows"] as? [[String: Any]])
                #expect(rows.map { $0["bucket"] as? String } == ["A", "B", "C", "all"])
                let a = rows[0]
                #expect((a["model"] as? [String: Any])?["routed"] as? Int == 4)
                #expect((a["model"] as? [String: Any])?["converted"] as? Int == 1)
                #expect((a["holdout"] as? [String: Any])?["routed"] as? Int == 1)
                let d = try #require(Statistics.proportionDifference(successesA: 1, trialsA: 4, successesB: 0, trialsB: 1))
                let up = try #require(a["uplift"] as? [String: Any])
                // JSON carries the shortest round-trip form; Foundation's reader may land one ulp off.
                for (key, want) in [("difference", d.difference), ("lower", d.lower), ("upper", d.upper)] {
                    #expect((up[key] as? Double).map { abs($0 - want) < 1e-12 } == true, "\(key): \(up[key] ?? "missing") vs \(want)")
                }
                // Empty groups are explicit nulls, not missing keys.
                #expect(rows[1]["uplift"] is NSNull)
                #expect((rows[1]["model"] as? [String: Any])?["rate"] is NSNull)
            }
        }
    }

    @Test("/summary before any baseline: psi is null and the reading says why")
    func summaryWarmingUp() async throws {
        let status = BucketMixHistory.Status(psi: nil, reading: "warming up", baselineAt: nil, sampledAt: 1_795_000_000_000)
        let document = Self.summary(status: status, samples: [], uplift: UpliftTally.Counts())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(document.json)) as? [String: Any])
        let drift = try #require(json["drift"] as? [String: Any])
        #expect(drift["psi"] is NSNull)
        #expect(drift["baseline_at"] is NSNull)
        #expect(drift["reading"] as? String == "warming up")
        #expect(drift["full_at"] as? String == "2026-11-17T11:06:40Z")
        #expect((json["bucket_history"] as? [Any])?.isEmpty == true)
    }
}
