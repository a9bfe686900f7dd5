import Foundation
import LeadScoreCore
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// `leadscore fit` as a user runs it: on a generated world, it writes a configuration that
/// `config check` and `replay --config` load, and a report in text and JSON.
@Suite("leadscore fit on a generated world (the binary)")
struct FitCommandTests {
    @Test func fitWritesALoadableConfigurationAndAReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-fit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = dir.appendingPathComponent("world.jsonl")
        #expect(try EvaluateCommandTests.run(["generate", "--world", "--leads", "2000", "--days", "60", "--seed", "7"], stdout: world) == 0)
        // The starting file's other sections survive the fit.
        let start = dir.appendingPathComponent("start.yaml")
        try "# team settings\nrouting:\n  holdout_share: 0.2\nscoring:\n  buckets: {A: 65}\n".write(to: start, atomically: true, encoding: .utf8)
        let fitted = dir.appendingPathComponent("fitted.yaml")
        let text = dir.appendingPathComponent("report.txt"), json = dir.appendingPathComponent("report.json")
        let args = ["fit", world.path, "--config", start.path, "--output", fitted.path, "--horizon", "14d", "--every", "3d"]
        #expect(try EvaluateCommandTests.run(args, stdout: text) == 0)
        let report = try String(contentsOf: text, encoding: .utf8)
        #expect(report.contains("validation AUC") && report.contains("verdict:") && report.contains("bucket moves"), "\(report.prefix(800))")
        let html = dir.appendingPathComponent("report.html")
        #expect(try EvaluateCommandTests.run(args + ["--json", "--html", html.path], stdout: json) == 0)
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("<h2>Bucket moves</h2>") && !page.contains("<script"))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect((doc["fitted"] as? [String: Any])?["auc"] is Double)
        let file = try String(contentsOf: fitted, encoding: .utf8)
        #expect(file.contains("holdout_share: 0.2") && file.contains("# team settings"))
        #expect(try EvaluateCommandTests.run(["config", "check", fitted.path], stdout: dir.appendingPathComponent("check.txt")) == 0)
        let out = dir.appendingPathComponent("out.jsonl")
        #expect(try EvaluateCommandTests.run(["replay", "--quiet", "--config", fitted.path, world.path], stdout: out) == 0)
        // The fitted file carries the score-to-probability table; every bucket change then shows
        // its score's probability, the starting model's none.
        #expect(file.contains("  probability:") && file.contains("- {min_score: 90, probability: 0."), "\(file)")
        let rescored = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"type\":\"lead_rescored\"") }
        #expect(!rescored.isEmpty && rescored.allSatisfy { $0.contains(",\"probability\":0") }, "\(rescored.first ?? "")")
        let plain = dir.appendingPathComponent("plain.jsonl")
        #expect(try EvaluateCommandTests.run(["replay", "--quiet", "--config", start.path, world.path], stdout: plain) == 0)
        #expect(!(try String(contentsOf: plain, encoding: .utf8)).contains("\"probability\""))
        // Too little data: refused, nothing written.
        let tiny = dir.appendingPathComponent("tiny.jsonl"), none = dir.appendingPathComponent("none.yaml")
        #expect(try EvaluateCommandTests.run(["generate", "--world", "--leads", "100", "--days", "30"], stdout: tiny) == 0)
        #expect(try EvaluateCommandTests.run(["fit", tiny.path, "--output", none.path, "--horizon", "7d", "--every", "2d"], stdout: dir.appendingPathComponent("t.txt")) == 1)
        #expect(!FileManager.default.fileExists(atPath: none.path))
    }

    @Test("--brokers reads the lead and rep events topics and fits the same configuration as from the file", .timeLimit(.minutes(4)))
    func fitFromTheTopics() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-fit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = dir.appendingPathComponent("world.jsonl")
        #expect(try EvaluateCommandTests.run(["generate", "--world", "--leads", "2000", "--days", "60", "--seed", "7"], stdout: world) == 0)
        let fromFile = dir.appendingPathComponent("file.yaml"), fromTopics = dir.appendingPathComponent("topics.yaml")
        let options = ["--horizon", "14d", "--every", "3d"]
        #expect(try EvaluateCommandTests.run(["fit", world.path, "--output", fromFile.path] + options, stdout: dir.appendingPathComponent("a.txt")) == 0)
        try await TansuBroker.withBroker { broker in
            try await broker.createTopic("lead-events", partitions: 2)
            try await broker.createTopic("rep-events", partitions: 1)
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrap: broker.bootstrap, clientID: "fit-test"), logger: DaemonHarness.logger)
            let decoder = EventDecoder()
            for line in try String(contentsOf: world, encoding: .utf8).split(separator: "\n") {
                let event = try decoder.decode(String(line))
                if event.isRepEvent {
                    try producer.produce(topic: "rep-events", key: nil, value: Array(line.utf8))
                } else {
                    try producer.produce(topic: "lead-events", key: event.partitionKey.map { Array($0.utf8) }, value: Array(line.utf8))
                }
            }
            try producer.flush(timeout: .seconds(60))
            producer.close()
            #expect(try EvaluateCommandTests.run(["fit", "--brokers", broker.bootstrap, "--output", fromTopics.path] + options,
                                                 stdout: dir.appendingPathComponent("b.txt")) == 0)
            // The client settings come from --config's kafka section, as the daemon reads them: a
            // property librdkafka does not know stops the fit before it connects.
            let secured = dir.appendingPathComponent("secured.yaml")
            try "kafka:\n  librdkafka: {sasl.mechanizm: PLAIN}\n".write(to: secured, atomically: true, encoding: .utf8)
            // evaluate --brokers --config reads them the same way.
            for arguments in [["fit", "--brokers", broker.bootstrap, "--config", secured.path, "--output", dir.appendingPathComponent("c.yaml").path] + options,
                              ["evaluate", "--brokers", broker.bootstrap, "--config", secured.path]] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: try DaemonHarness.binary())
                process.arguments = arguments
                let errors = Pipe()
                process.standardError = errors
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 2 && said.contains("sasl.mechanizm"), "\(arguments[0]): \(said)")
            }
        }
        // Same weights, same thresholds: the same config_version in the header of both files.
        let a = try String(contentsOf: fromFile, encoding: .utf8), b = try String(contentsOf: fromTopics, encoding: .utf8)
        #expect(a.split(separator: "\n").first == b.split(separator: "\n").first, "\(a.prefix(200))\n\(b.prefix(200))")
    }
}
