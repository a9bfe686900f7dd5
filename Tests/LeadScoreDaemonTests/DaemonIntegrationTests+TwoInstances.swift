import Foundation
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// SPEC section 4 "scale out": two instances in one group split the lead partitions and hand them
/// over (on join and on graceful leave) with nothing lost or duplicated.
extension DaemonIntegrationTests {
    @Test("a second instance joins and the first leaves: partitions move, outputs exactly once",
          .timeLimit(.minutes(6)), arguments: [false, true])
    func splitAndHandOver(transactions: Bool) async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 8)
            let config = try harness.writeConfig(name: "pair", snapshotInterval: "30s", transactions: transactions)
            let events = DaemonHarness.leadEvents(count: 60_000, leads: 8_000, seed: 7)
            let producer = try harness.producer()
            let portA = try LoopbackPort.free()
            let portB = try LoopbackPort.free()

            let a = try harness.startDaemon(config: config, name: "pair-a", httpPort: portA)
            try DaemonHarness.produce(events[0..<20_000], with: producer)
            try await waitUntil(seconds: 60) { await DaemonHarness.progress(port: portA)?.count == 8 }

            let b = try harness.startDaemon(config: config, name: "pair-b", httpPort: portB)
            try DaemonHarness.produce(events[20_000..<40_000], with: producer)
            // Both end up with part of the 8 partitions.
            try await waitUntil(seconds: 60) {
                guard let pa = await DaemonHarness.progress(port: portA), let pb = await DaemonHarness.progress(port: portB) else { return false }
                return !pa.isEmpty && !pb.isEmpty && pa.count + pb.count == 8 && Set(pa.keys).isDisjoint(with: pb.keys)
            }

            // A leaves gracefully; B takes everything over while the rest of the input arrives.
            a.kill(SIGTERM)
            #expect(await a.wait(timeout: .seconds(10)), "SIGTERM did not stop instance A within 10 s")
            #expect(a.terminationStatus == 0, "A: \(a.output().suffix(2_000))")
            try DaemonHarness.produce(events[40_000...], with: producer)
            let ends = try harness.inputEnds()
            try await waitUntil(seconds: 120) {
                guard let pb = await DaemonHarness.progress(port: portB) else { return false }
                return pb.count == ends.count && ends.allSatisfy { pb[$0.key] == $0.value }
            }
            try await checkOperations(port: portB, config: config, harness: harness)

            b.kill(SIGTERM)
            #expect(await b.wait(timeout: .seconds(10)), "SIGTERM did not stop instance B within 10 s")
            #expect(b.terminationStatus == 0, "B: \(b.output().suffix(2_000))")

            let (problems, records) = try harness.verifyExactlyOnce(expected: try harness.expectedOutputs())
            #expect(records > 5_000)
            #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10).joined(separator: "\n"))")
        }
    }

    /// The live daemon's HTTP surface and configuration reload (SIGHUP).
    private func checkOperations(port: Int, config: URL, harness: DaemonHarness) async throws {
        #expect(await DaemonHarness.get(port: port, "/healthz")?.status == 200)
        #expect(await DaemonHarness.get(port: port, "/readyz")?.status == 200)
        #expect(await DaemonHarness.get(port: port, "/")?.status == 200)
        let metrics = String(decoding: await DaemonHarness.get(port: port, "/metrics")?.body ?? Data(), as: UTF8.self)
        for name in ["leadscore_events_in_total{type=\"engagement\"}", "leadscore_outputs_total{type=\"lead_rescored\"}",
                     "leadscore_processing_latency_seconds_bucket", "leadscore_leads{bucket=\"A\"}", "leadscore_snapshot_duration_seconds",
                     "leadscore_consumer_lag_messages", "leadscore_routing_latency_seconds_bucket"] {
            #expect(metrics.contains(name), "/metrics lacks \(name)")
        }
        // A lead that was routed: its live breakdown.
        let routed = try harness.readAll(["lead-routing"])
        let json = try #require(routed.first?.value)
        let routedEvent = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let leadID = try #require(routedEvent["lead_id"] as? String)
        let lead = try #require(await DaemonHarness.get(port: port, "/leads/\(leadID)"))
        #expect(lead.status == 200)
        let view = try #require(try JSONSerialization.jsonObject(with: lead.body) as? [String: Any])
        #expect(view["lead_id"] as? String == leadID)
        #expect(view["breakdown"] != nil && view["quality"] != nil && view["intent"] != nil && view["bucket"] != nil)
        #expect(await DaemonHarness.get(port: port, "/leads/no-such-lead")?.status == 404)
        #expect(await DaemonHarness.get(port: port, "/reps")?.status == 200)

        // SIGHUP with a bad file keeps the running configuration; with a good one, it changes.
        func version() async -> String? {
            guard let body = await DaemonHarness.get(port: port, "/summary")?.body,
                  let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
            return json["config_version"] as? String
        }
        let before = try #require(await version())
        let original = try String(contentsOf: config, encoding: .utf8)
        try (original + "\nscoring:\n  buckets: {A: 10, B: 50}\n").write(to: config, atomically: true, encoding: .utf8)
        let daemonPID = try #require(await pid(port: port))
        kill(daemonPID, SIGHUP)
        try await Task.sleep(for: .seconds(1))
        #expect(await version() == before, "a bad file replaced the running configuration")
        try (original + "\nscoring:\n  buckets: {A: 75}\n").write(to: config, atomically: true, encoding: .utf8)
        kill(daemonPID, SIGHUP)
        try await waitUntil(seconds: 10) { await version().map { $0 != before } ?? false }
        try original.write(to: config, atomically: true, encoding: .utf8)
    }

    /// The pid of the daemon serving `port` (from `/summary`).
    private func pid(port: Int) async -> Int32? {
        guard let body = await DaemonHarness.get(port: port, "/summary")?.body,
              let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        return (json["pid"] as? Int).map(Int32.init)
    }

    private func waitUntil(seconds: Int, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("condition not met within \(seconds) s")
    }
}
