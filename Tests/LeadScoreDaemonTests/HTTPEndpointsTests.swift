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
                #expect(String(buffer: response.body).contains("p.rep_score"), "the dashboard reads rep_score from /reps")
            }
        }
    }
}
