import Foundation
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// Issue 16, deliverable 2: a challenger scored live. Its bucket changes go to their own topic,
/// exactly once through a SIGKILL and a take-over by an instance with no disk, and equal what
/// `leadscore replay --config challenger.yaml` makes of each partition's input; the live model's
/// outputs are byte for byte those of a run without a challenger.
extension DaemonIntegrationTests {
    /// Other weights, a half-life, a third-party weight and industry points than the built-in model.
    static let challengerYAML = """
    scoring:
      intent:
        signals:
          demo_request: {weight: 10}
          pricing_page_visit: {weight: 25, half_life: 3d}
        third_party: {max_weight: 40}
      quality:
        target_industries: {points: 5}
    """

    @Test("a challenger's bucket changes go to its topic exactly once through a SIGKILL and a diskless take-over, equal to a replay under its configuration; the live outputs are unchanged",
          .timeLimit(.minutes(8)))
    func challengerScoredLive() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 3)
            let challenger = harness.directory.appendingPathComponent("challenger.yaml")
            try Self.challengerYAML.write(to: challenger, atomically: true, encoding: .utf8)
            let configA = try harness.writeConfig(name: "challenger-a", snapshotInterval: "1s", snapshotDirectory: "snapshots-a",
                                                  challenger: challenger)
            let configB = try harness.writeConfig(name: "challenger-b", snapshotInterval: "1s", snapshotDirectory: "none",
                                                  challenger: challenger)
            let events = DaemonHarness.leadEvents(count: 24_000, leads: 4_000, seed: 16)
            let producer = try harness.producer()
            try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster], with: producer)
            let port = try LoopbackPort.free()

            // A scores the first 16k events as they arrive (a base, then deltas, of both books) and
            // is killed without a goodbye.
            let a = try harness.startDaemon(config: configA, name: "challenger-a", httpPort: port)
            for start in stride(from: 0, to: 16_000, by: 4_000) {
                try DaemonHarness.produce(events[start..<(start + 4_000)], with: producer)
                try await Task.sleep(for: .seconds(1))
            }
            try await DaemonHarness.waitCaughtUp(port: port, ends: try harness.inputEnds(), seconds: 120, a)
            try await Task.sleep(for: .seconds(6))
            let metrics = String(decoding: await DaemonHarness.get(port: port, "/metrics")?.body ?? Data(), as: UTF8.self)
            #expect(metrics.contains("leadscore_challenger_transitions_total"), "no challenger transitions counted")
            #expect(metrics.contains("leadscore_model_agreement_ratio"), "no agreement gauge")
            #expect(metrics.contains("leadscore_challenger_leads{bucket=\"A\"}"), "no challenger bucket mix")
            // /summary and the dashboard: the challenger's mix and its agreement with the live model.
            let summary = try JSONSerialization.jsonObject(with: await DaemonHarness.get(port: port, "/summary")?.body ?? Data()) as? [String: Any]
            let section = summary?["challenger"] as? [String: Any]
            let version = try ScoringConfig(yaml: Self.challengerYAML).version
            #expect(section?["config_version"] as? String == version, "\(summary ?? [:])")
            #expect((section?["leads"] as? Int ?? 0) > 1_000 && (section?["agreeing"] as? Int ?? 0) > 0)
            let page = String(decoding: await DaemonHarness.get(port: port, "/")?.body ?? Data(), as: UTF8.self)
            #expect(page.contains("id=\"challenger-agreement\""), "the dashboard has no challenger section")
            a.kill(SIGKILL)
            #expect(await a.wait(timeout: .seconds(10)))

            try DaemonHarness.produce(events[16_000...], with: producer)
            let ends = try harness.inputEnds()
            let b = try harness.startDaemon(config: configB, name: "challenger-b", httpPort: port)
            try await DaemonHarness.waitCaughtUp(port: port, ends: ends, seconds: 120, b)

            // Outcomes, once every lead event is in (their rep-score changes would otherwise show
            // in later routing decisions): each counted under both models by the bucket it is in.
            let decoder = EventDecoder()
            var leadIDs: [String] = []
            for e in events where leadIDs.count < 60 {
                guard case .engagement(let engagement)? = try? decoder.decode(e.value), !leadIDs.contains(engagement.leadID) else { continue }
                leadIDs.append(engagement.leadID)
            }
            let outcomes = leadIDs.enumerated().map { k, lead in
                #"{"event_id":"o-\#(k)","type":"lead_outcome","occurred_at":"2026-03-01T00:00:00Z","lead_id":"\#(lead)","rep_id":"R-solo","outcome":"\#(k % 2 == 0 ? "converted" : "no_response")"}"#
            }
            try DaemonHarness.produceRepEvents(outcomes, with: producer)
            var conversion: [String: [String: [String: Any]]] = [:]
            try await DaemonHarness.waitUntil(seconds: 60, b) {
                guard let body = await DaemonHarness.get(port: port, "/summary")?.body,
                      let summary = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                      let section = (summary["challenger"] as? [String: Any])?["conversion"] as? [String: [String: [String: Any]]] else { return false }
                conversion = section
                return section.values.reduce(0) { $0 + ($1["live"]?["leads"] as? Int ?? 0) } >= 40
            }
            func total(_ model: String, _ field: String) -> Int { conversion.values.reduce(0) { $0 + ($1[model]?[field] as? Int ?? 0) } }
            #expect(total("live", "leads") == total("challenger", "leads") && total("live", "leads") <= 60)
            #expect(total("live", "converted") == total("challenger", "converted") && total("live", "converted") >= 20)

            // A retraining job writes its next candidate over the challenger's file: the daemon
            // reloads it (no input follows, so nothing more is written).
            let next = Self.challengerYAML.replacingOccurrences(of: "max_weight: 40", with: "max_weight: 30")
            try next.write(to: challenger, atomically: true, encoding: .utf8)
            let nextVersion = try ScoringConfig(yaml: next).version
            try await DaemonHarness.waitUntil(seconds: 30, b) {
                guard let body = await DaemonHarness.get(port: port, "/summary")?.body,
                      let summary = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
                return (summary["challenger"] as? [String: Any])?["config_version"] as? String == nextVersion
            }
            b.kill(SIGTERM)
            #expect(await b.wait(timeout: .seconds(10)), "SIGTERM did not stop B within 10 s")
            #expect(b.terminationStatus == 0, "B: \(b.output().suffix(2_000))")
            let restores = b.output().split(separator: "\n").filter { $0.contains("partition restored") }
            #expect(restores.count == 3 && restores.allSatisfy { $0.contains("leadscore.restore_source=kafka") },
                    "B did not restore every partition from the state topic:\n\(restores.joined(separator: "\n"))")

            // The live model: what a run without a challenger writes. The challenger: what a replay
            // of each partition's input under its configuration writes, with its model named.
            var expected = try harness.expectedOutputs(repEvents: [try EventDecoder().decode(DaemonHarness.soloRoster)])
            // (The file now holds the next candidate: the replay reads the one the run scored with.)
            let scored = harness.directory.appendingPathComponent("challenger-scored.yaml")
            try Self.challengerYAML.write(to: scored, atomically: true, encoding: .utf8)
            expected["lead-scores-challenger"] = try Self.replayedChallenger(harness: harness, config: scored)
            #expect((expected["lead-scores-challenger"]?.count ?? 0) > 2_000)
            let (problems, records) = try harness.verifyExactlyOnce(expected: expected)
            #expect(records > 5_000)
            #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10).joined(separator: "\n"))")
        }
    }

    /// `leadscore replay --config FILE` over each input partition (in offset order): its
    /// `lead_rescored` lines with `"model":"challenger"` added, by idempotency key, and its
    /// erasures of leads that had a bucket as tombstones.
    static func replayedChallenger(harness: DaemonHarness, config: URL) throws -> [String: [UInt8]] {
        var expected: [String: [UInt8]] = [:]
        let byPartition = Dictionary(grouping: try harness.readAll([DaemonHarness.leadTopic]), by: \.partition)
        for (partition, messages) in byPartition {
            let input = harness.directory.appendingPathComponent("partition-\(partition).jsonl")
            let output = harness.directory.appendingPathComponent("partition-\(partition).replayed.jsonl")
            var lines: [UInt8] = []
            for m in messages.sorted(by: { $0.offset < $1.offset }) {
                lines += m.value ?? []
                lines.append(UInt8(ascii: "\n"))
            }
            try Data(lines).write(to: input)
            #expect(try EvaluateCommandTests.run(["replay", "--quiet", "--config", config.path, input.path], stdout: output) == 0)
            for line in try String(contentsOf: output, encoding: .utf8).split(separator: "\n") {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let type = object["type"] as? String, let key = object["idempotency_key"] as? String else { continue }
                if type == "lead_rescored" {
                    expected[key] = Array(line.dropLast().utf8) + Array(#","model":"challenger"}"#.utf8)
                } else if type == "lead_erased", (object["tombstones"] as? [String])?.contains("scores") == true {
                    expected[key] = []
                }
            }
        }
        return expected
    }
}

extension DaemonIntegrationTests {
    @Test("a challenger without its topic (kafka.create_topics: false) stops the start with what to do", .timeLimit(.minutes(2)))
    func challengerTopicMissing() async throws {
        try await TansuBroker.withBroker { broker in
            var harness = try await DaemonHarness.make(broker: broker, partitions: 2)
            try await broker.createTopic("leadscore-state", partitions: 2)
            harness.createTopics = false
            let challenger = harness.directory.appendingPathComponent("challenger.yaml")
            try Self.challengerYAML.write(to: challenger, atomically: true, encoding: .utf8)
            let config = try harness.writeConfig(name: "no-challenger-topic", challenger: challenger)
            let daemon = try harness.startDaemon(config: config, name: "no-challenger-topic", httpPort: try LoopbackPort.free())
            #expect(await daemon.wait(timeout: .seconds(60)), "the daemon did not stop: \(daemon.output().suffix(2_000))")
            #expect(daemon.terminationStatus != 0)
            #expect(daemon.output().contains("the challenger topic lead-scores-challenger does not exist"), "\(daemon.output().suffix(2_000))")
        }
    }

    /// `config check` reads a relative `challenger.config` from the checked file's folder (as
    /// `run` does), wherever it is run from, and names the challenger's version.
    @Test func configCheckReadsTheChallengerBesideTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-check-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.challengerYAML.write(to: dir.appendingPathComponent("challenger.yaml"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("leadscore.yaml")
        try "challenger:\n  config: challenger.yaml\n".write(to: main, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("check.txt")
        #expect(try EvaluateCommandTests.run(["config", "check", main.path], stdout: out) == 0)
        let version = try ScoringConfig(yaml: Self.challengerYAML).version
        #expect(try String(contentsOf: out, encoding: .utf8).contains("challenger: config version \(version)"))
    }
}
