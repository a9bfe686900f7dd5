import Foundation
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// Hostile input against a real daemon: oversized records, future-stamped and phantom rep events,
/// a rep tombstone, secrets in the file and the environment with tracing on.
extension DaemonIntegrationTests {
    @Test("oversized inputs are dead-lettered and the daemon keeps going; rep damage is refused; no secret is logged",
          .timeLimit(.minutes(4)))
    func hostileInput() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 2)
            let fileSecret = "file-secret-5e1f", fileUser = "file-user-5e1f", envSecret = "env-secret-77ab", envOther = "env-other-77ab"
            let config = try harness.writeConfig(name: "hostile", snapshotInterval: "30s",
                                                 librdkafka: ["sasl.password": fileSecret, "sasl.username": fileUser])
            var producerConfig = KafkaConfiguration(bootstrap: broker.bootstrap, clientID: "test-input")
            producerConfig.librdkafka["message.max.bytes"] = "8000000"
            let producer = try KafkaProducer(configuration: producerConfig, logger: DaemonHarness.logger)

            // Rep events first: a roster, three conversions, then the damage.
            let rep = { (json: String) in try producer.produce(topic: "rep-events", key: Array("R".utf8), value: Array(json.utf8)) }
            try rep(#"{"event_id":"r1","type":"rep_roster","occurred_at":"2026-11-20T09:00:00Z","rep_id":"R-1","name":"Ada","active":true,"capacity_per_day":50}"#)
            for i in 0..<3 {
                try rep(#"{"event_id":"o\#(i)","type":"lead_outcome","occurred_at":"2026-11-20T10:00:00Z","lead_id":"X-\#(i)","rep_id":"R-1","outcome":"converted"}"#)
            }
            try rep(#"{"event_id":"r2","type":"rep_roster","occurred_at":"2030-01-01T00:00:00Z","rep_id":"R-1","name":"Ada","active":true,"capacity_per_day":50}"#)
            try rep(#"{"event_id":"r3","type":"rep_availability","occurred_at":"2026-11-20T11:00:00Z","rep_id":"R-9","available":false}"#)
            try producer.produce(topic: "rep-events", key: Array("R".utf8), value: nil)
            try producer.flush(timeout: .seconds(30))

            // Lead events with oversized records in between.
            let good = DaemonHarness.leadEvents(count: 400, leads: 100, seed: 11)
            let sizes = [500_000, 750_000, 1_000_000, 5_000_000]
            try DaemonHarness.produce(good[0..<200], with: producer)
            for size in sizes {
                var value = Array(#"{"type":"engagement","lead_id":"L-big","junk":""#.utf8)
                value += [UInt8](repeating: UInt8(ascii: "x"), count: size - value.count)
                try producer.produce(topic: DaemonHarness.leadTopic, key: Array("L-big".utf8), value: value)
            }
            try DaemonHarness.produce(good[200...], with: producer)

            let port = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "hostile", httpPort: port, logLevel: "trace",
                                                 environment: ["LEADSCORE_RDKAFKA_SASL_PASSWORD": envSecret, "SOME_OTHER_TOKEN": envOther])
            let ends = try harness.inputEnds()
            try await DaemonHarness.waitUntil(seconds: 90, daemon) {
                guard let p = await DaemonHarness.progress(port: port) else { return false }
                return p.count == ends.count && ends.allSatisfy { p[$0.key] == $0.value }
            }
            #expect(daemon.isRunning, "the daemon died: \(daemon.output().suffix(3_000))")

            // One dead letter per oversized input, each within the record limit, saying size and hash.
            let letters = try harness.readAll(["leadscore-deadletter"])
            #expect(letters.count == sizes.count)
            var seenSizes: [Int] = []
            for letter in letters {
                let value = try #require(letter.value)
                #expect(value.count <= 1_000_000)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any])
                seenSizes.append(try #require(json["original_size"] as? Int))
                #expect((json["original_xxh64"] as? String)?.count == 16)
            }
            #expect(seenSizes.sorted() == sizes)

            // Metrics count what their names say.
            let metrics = String(decoding: await DaemonHarness.get(port: port, "/metrics")?.body ?? Data(), as: UTF8.self)
            #expect(metrics.contains(#"leadscore_dead_letters_total{reason="too_large"} 4"#), "\(metrics)")
            #expect(metrics.contains(#"leadscore_rep_events_skipped_total{reason="future_timestamp"} 1"#))
            #expect(metrics.contains(#"leadscore_rep_events_skipped_total{reason="tombstone"} 1"#))
            let leadEventsIn = metrics.split(separator: "\n")
                .filter { $0.hasPrefix("leadscore_events_in_total{type=\"engagement\"}") || $0.hasPrefix("leadscore_events_in_total{type=\"intent\"}")
                    || $0.hasPrefix("leadscore_events_in_total{type=\"profile\"}") || $0.hasPrefix("leadscore_events_in_total{type=\"lead_touched\"}")
                    || $0.hasPrefix("leadscore_events_in_total{type=\"lead_forgotten\"}") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
            #expect(Int(leadEventsIn) == good.count, "events_in counts \(leadEventsIn), \(good.count) were applied")

            // The future-stamped roster did not wipe R-1's record; the phantom rep is marked.
            let repsBody = try #require(await DaemonHarness.get(port: port, "/reps")?.body)
            let reps = try #require((try JSONSerialization.jsonObject(with: repsBody) as? [String: Any])?["reps"] as? [[String: Any]])
            let r1 = try #require(reps.first { $0["rep_id"] as? String == "R-1" })
            #expect(r1["long_conversions"] as? Int == 3, "\(r1)")
            #expect(r1["on_roster"] as? Bool == true)
            let r9 = try #require(reps.first { $0["rep_id"] as? String == "R-9" })
            #expect(r9["on_roster"] as? Bool == false)

            daemon.kill(SIGTERM)
            #expect(await daemon.wait(timeout: .seconds(10)))
            #expect(daemon.terminationStatus == 0)
            let log = daemon.output()
            #expect(log.contains("trace") || log.contains("debug"), "the log is not at trace level")
            for secret in [fileSecret, fileUser, envSecret, envOther] {
                #expect(!log.contains(secret), "\(secret) appears in the daemon's output")
            }
        }
    }

}
