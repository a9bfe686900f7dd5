import Foundation
import LeadScoreCore
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// `leadscore evaluate --brokers` without `--topics`: a cluster without the challenger topic is
/// evaluated as before; once the topic exists, its bucket changes are compared with the live
/// model's and the live model's report does not change.
@Suite("leadscore evaluate --brokers with and without a challenger topic (the binary)")
struct EvaluateBrokersTests {
    @Test("the challenger topic is read only when the cluster has it", .timeLimit(.minutes(4)))
    func challengerTopicOnlyWhenItExists() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-evaluate-brokers-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = dir.appendingPathComponent("world.jsonl"), out = dir.appendingPathComponent("out.jsonl")
        let config = dir.appendingPathComponent("challenger.yaml"), shadow = dir.appendingPathComponent("challenger-out.jsonl")
        try "scoring:\n  buckets: {A: 65}\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(try EvaluateCommandTests.run(["generate", "--world", "--leads", "1000", "--days", "30"], stdout: world) == 0)
        #expect(try EvaluateCommandTests.run(["replay", "--quiet", world.path], stdout: out) == 0)
        #expect(try EvaluateCommandTests.run(["replay", "--quiet", "--config", config.path, world.path], stdout: shadow) == 0)
        let decoder = EventDecoder()
        func lines(_ url: URL) throws -> [Substring] { try String(contentsOf: url, encoding: .utf8).split(separator: "\n") }
        func type(_ line: Substring) -> String? {
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["type"] as? String
        }
        func report(_ brokers: String, _ name: String) throws -> [String: Any] {
            let file = dir.appendingPathComponent(name)
            #expect(try EvaluateCommandTests.run(["evaluate", "--brokers", brokers, "--kafka-timeout", "60", "--json"], stdout: file) == 0)
            return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        }

        try await TansuBroker.withBroker { broker in
            for topic in ["lead-scores", "lead-routing"] { try await broker.createTopic(topic, partitions: 2) }
            try await broker.createTopic("rep-events", partitions: 1)
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrap: broker.bootstrap, clientID: "evaluate-test"), logger: DaemonHarness.logger)
            defer { producer.close() }
            for line in try lines(world) {
                guard try decoder.decode(String(line)).isRepEvent else { continue }
                try producer.produce(topic: "rep-events", key: nil, value: Array(line.utf8))
            }
            for line in try lines(out) {
                switch type(line) {
                case "lead_rescored": try producer.produce(topic: "lead-scores", key: nil, value: Array(line.utf8))
                case "lead_routed": try producer.produce(topic: "lead-routing", key: nil, value: Array(line.utf8))
                default: continue
                }
            }
            try producer.flush(timeout: .seconds(60))
            // No challenger topic: the live model's report, no comparison, no failure.
            var alone = try report(broker.bootstrap, "alone.json")
            #expect(alone["comparison"] == nil)
            #expect(((alone["population"] as? [String: Any])?["leads"] as? Int ?? 0) > 500)

            try await broker.createTopic("lead-scores-challenger", partitions: 2)
            for line in try lines(shadow) where type(line) == "lead_rescored" {
                try producer.produce(topic: "lead-scores-challenger", key: nil, value: Array(line.dropLast().utf8) + Array(#","model":"challenger"}"#.utf8))
            }
            try producer.flush(timeout: .seconds(60))
            var both = try report(broker.bootstrap, "both.json")
            let comparison = try #require(both["comparison"] as? [String: Any])
            #expect((comparison["leads"] as? Int ?? 0) > 500)
            // The live model's report is what it was without the challenger.
            both["comparison"] = nil
            alone["comparison"] = nil
            #expect(NSDictionary(dictionary: both).isEqual(to: alone))
        }
    }
}
