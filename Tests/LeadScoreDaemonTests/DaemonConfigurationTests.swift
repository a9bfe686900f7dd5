import Foundation
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import Testing

@Suite("Daemon configuration")
struct DaemonConfigurationTests {
    @Test("the example file in deploy/ loads with every section")
    func exampleLoads() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let loaded = try LeadScoreConfiguration.load(file: "/\(path)/deploy/leadscore.yaml")
        #expect(loaded.daemon.kafka.topics.leadEvents == "lead-events")
        #expect(loaded.daemon.snapshots.keep == 3)
        #expect(loaded.scoring.version == ScoringConfig().version, "the example spells out the defaults")
    }

    @Test("every problem is reported with its field path, daemon and scoring sections together")
    func problemsNameTheirFields() {
        let yaml = """
        kafka:
          partitions: 0
          session_timeout: soon
          topics: {scores: "bad topic!"}
          brokrs: typo
        snapshots: {keep: 0}
        http: {listen: "nohostport"}
        stream: {idle_clock: maybe}
        scoring:
          intent:
            signals:
              demo_request: {weight: 50, half_life: -3d}
        """
        do {
            _ = try LeadScoreConfiguration.parse(yaml: yaml)
            Issue.record("a bad file was accepted")
        } catch {
            let paths = Set(error.problems.map(\.path))
            for field in ["kafka.partitions", "kafka.session_timeout", "kafka.topics.scores", "kafka.brokrs", "snapshots.keep",
                          "http.listen", "stream.idle_clock", "scoring.intent.signals.demo_request.half_life"] {
                #expect(paths.contains(field), "no problem reported for \(field): \(error)")
            }
        }
    }

    @Test("unknown top-level sections are errors")
    func unknownSection() {
        #expect(throws: ConfigError.self) { try LeadScoreConfiguration.parse(yaml: "kafak: {brokers: x}\n") }
    }

    @Test("environment overrides the file; secrets are redacted")
    func environmentOverrides() throws {
        let loaded = try LeadScoreConfiguration.parse(
            yaml: "kafka: {brokers: a:1, librdkafka: {security.protocol: SASL_SSL}}\n",
            environment: ["LEADSCORE_BROKERS": "b:2", "LEADSCORE_GROUP": "g2", "LEADSCORE_RDKAFKA_SASL_PASSWORD": "hunter2",
                          "LEADSCORE_SNAPSHOT_DIR": "/var/lib/x", "LEADSCORE_HTTP": ""])
        #expect(loaded.daemon.kafka.brokers == "b:2")
        #expect(loaded.daemon.kafka.group == "g2")
        #expect(loaded.daemon.kafka.librdkafka["sasl.password"] == "hunter2")
        #expect(loaded.daemon.kafka.librdkafka["security.protocol"] == "SASL_SSL")
        #expect(loaded.daemon.snapshots.directory == "/var/lib/x")
        #expect(loaded.daemon.http.listen == "")
        #expect(loaded.daemon.kafka.redactedLibrdkafka["sasl.password"] == Redaction.placeholder)
        #expect(!"\(loaded.daemon.kafka.redactedLibrdkafka)".contains("hunter2"))
    }

    @Test("the state topic is named like the others; `snapshots.dir: none` keeps no local copy")
    func stateTopicAndNoLocalCopy() throws {
        let loaded = try LeadScoreConfiguration.parse(yaml: "kafka: {topics: {state: my-state}}\nsnapshots: {dir: none}\n")
        #expect(loaded.daemon.kafka.topics.state == "my-state")
        #expect(loaded.daemon.kafka.topics.all.contains("my-state"))
        #expect(loaded.daemon.snapshots.directory == nil)
        #expect(try LeadScoreConfiguration.parse(yaml: "kafka: {topics: {state: my-state}}\n").daemon.snapshots.directory != nil)
        let fromEnvironment = try LeadScoreConfiguration.parse(yaml: "kafka: {brokers: a:1}\n", environment: ["LEADSCORE_SNAPSHOT_DIR": "none"])
        #expect(fromEnvironment.daemon.snapshots.directory == nil)
        #expect(throws: ConfigError.self, "two topics with one name") {
            try LeadScoreConfiguration.parse(yaml: "kafka: {topics: {state: lead-scores}}\n")
        }
    }

    @Test("flags win over file and environment", arguments: [
        ("--http", "127.0.0.1:9", true), ("--http", "", true), ("--http", "nonsense", false),
    ])
    func flagsWin(flag: String, value: String, valid: Bool) {
        struct Args: DaemonArguments {
            var configPath: String? = nil
            var brokers: String? = "c:3"
            var group: String? = nil
            var snapshotDirectory: String? = nil
            var http: String?
        }
        let result = Result { try Args(http: value).configuration(environment: ["LEADSCORE_BROKERS": "b:2"]) }
        switch result {
        case .success(let config):
            #expect(valid)
            #expect(config.daemon.kafka.brokers == "c:3")
            #expect(config.daemon.http.listen == value)
        case .failure:
            #expect(!valid)
        }
    }

    @Test("secret-like keys from the file and every environment value are hidden, in every printed form")
    func redactionCoversFileAndEnvironment() throws {
        let yaml = """
        kafka:
          librdkafka:
            sasl.username: file-user-7
            sasl.password: file-pass-7
            ssl.key.password: file-keypass-7
            compression.type: lz4
        """
        let loaded = try LeadScoreConfiguration.parse(yaml: yaml, environment: ["LEADSCORE_RDKAFKA_CLIENT_RACK": "env-rack-7"])
        let kafka = loaded.daemon.kafka
        #expect(kafka.librdkafka["client.rack"] == "env-rack-7")
        #expect(kafka.redactedLibrdkafka["compression.type"] == "lz4")
        for printed in ["\(kafka.redactedLibrdkafka)", "\(kafka)", "\(loaded.daemon)", "\(kafka.clientConfiguration())"] {
            for secret in ["file-user-7", "file-pass-7", "file-keypass-7", "env-rack-7"] {
                #expect(!printed.contains(secret), "\(secret) printed in \(printed)")
            }
        }
    }

    @Test("a misspelt librdkafka property is refused at load, naming the key and never the value",
          arguments: [("sasl.pasword", "file"), ("sasl.passwrd", "environment")])
    func misspeltPropertyRefused(key: String, origin: String) {
        let secret = "misspelt-secret-9"
        let yaml = origin == "file" ? "kafka: {librdkafka: {\(key): \(secret)}}\n" : "kafka: {}\n"
        let environment = origin == "file" ? [:] : ["LEADSCORE_RDKAFKA_" + key.uppercased().replacingOccurrences(of: ".", with: "_"): secret]
        do {
            _ = try LeadScoreConfiguration.parse(yaml: yaml, environment: environment)
            Issue.record("\(key) was accepted")
        } catch {
            #expect(error.problems.contains { $0.path == "kafka.librdkafka.\(key)" }, "\(error)")
            #expect(!error.description.contains(secret))
        }
    }

    @Test("a YAML syntax error names line and column and never quotes the file")
    func syntaxErrorQuotesNothing() {
        let yaml = """
        kafka:
          librdkafka:
            sasl.password: "hunter2-syntax
          brokers: [a:1
        """
        do {
            _ = try LeadScoreConfiguration.parse(yaml: yaml)
            Issue.record("a broken file was accepted")
        } catch {
            #expect(error.description.contains("line "), "\(error)")
            #expect(error.description.contains("column "), "\(error)")
            #expect(!error.description.contains("hunter2"), "\(error)")
        }
        #expect(throws: ConfigError.self) { try ScoringConfig(yaml: "scoring: {buckets: [\n") }
    }

    @Test("the built-in defaults match deploy/leadscore.yaml's documented ones")
    func defaultsMatchTheExampleFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("deploy/leadscore.yaml"), encoding: .utf8)
        let file = try LeadScoreConfiguration.parse(yaml: text)
        let builtIn = DaemonConfiguration()
        #expect(file.daemon.snapshots.directory == builtIn.snapshots.directory)
        #expect(file.daemon.stream == builtIn.stream)
        #expect(file.daemon.http == builtIn.http)
        #expect(file.daemon.drift == builtIn.drift)
        #expect(file.daemon.uplift == builtIn.uplift)
    }

    @Test("drift and uplift settings: typed durations, validated with the field's name", arguments: [
        ("drift: {window: 1h, sample_every: 10s}\n", nil),
        ("drift: {window: soon}\n", "drift.window"),
        ("drift: {window: 500ms}\n", "drift.window"),
        ("drift: {window: 1m, sample_every: 2m}\n", "drift.sample_every"),
        ("drift: {window: 30d, sample_every: 1s}\n", "drift.sample_every"),
        ("drift: {windw: 1h}\n", "drift.windw"),
        ("uplift: {max_leads: 10}\n", "uplift.max_leads"),
    ])
    func driftAndUpliftSettings(yaml: String, badField: String?) {
        do {
            let loaded = try LeadScoreConfiguration.parse(yaml: yaml)
            #expect(badField == nil, "accepted: \(yaml)")
            #expect(loaded.daemon.drift.window == .seconds(3600))
            #expect(loaded.daemon.drift.sampleEvery == .seconds(10))
        } catch {
            #expect(error.problems.contains { $0.path == badField }, "\(error)")
        }
    }

    @Test("fetch_wait_max: absent keeps librdkafka's default, given reaches every consumer")
    func fetchWaitMax() throws {
        let absent = try LeadScoreConfiguration.parse(yaml: "kafka: {}\n")
        #expect(absent.daemon.kafka.fetchWaitMax == nil)
        #expect(absent.daemon.kafka.clientConfiguration().librdkafkaProperties(for: .groupConsumer)["fetch.wait.max.ms"] == nil)
        let given = try LeadScoreConfiguration.parse(yaml: "kafka: {fetch_wait_max: 10ms}\n")
        for role in [KafkaConfiguration.ClientRole.groupConsumer, .partitionReader] {
            #expect(given.daemon.kafka.clientConfiguration().librdkafkaProperties(for: role)["fetch.wait.max.ms"] == "10")
        }
        let fromEnvironment = try LeadScoreConfiguration.parse(yaml: "kafka: {}\n", environment: ["LEADSCORE_FETCH_WAIT_MAX": "5ms"])
        #expect(fromEnvironment.daemon.kafka.fetchWaitMax == .milliseconds(5))
        #expect(throws: ConfigError.self) { try LeadScoreConfiguration.parse(yaml: "kafka: {fetch_wait_max: -3ms}\n") }
    }
}

extension DaemonConfigurationTests {
    @Test("`challenger.config` reads a second model from a file beside the main one; its problems name the file; its topic is written only with it")
    func challengerSection() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-challenger-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "scoring:\n  intent:\n    third_party: {max_weight: 40}\n".write(to: dir.appendingPathComponent("candidate.yaml"), atomically: true, encoding: .utf8)
        try "scoring:\n  intent:\n    third_party: {max_weight: -1}\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("leadscore.yaml")

        try "kafka: {topics: {challenger: shadow-scores}}\nchallenger:\n  config: candidate.yaml\n".write(to: main, atomically: true, encoding: .utf8)
        let loaded = try LeadScoreConfiguration.load(file: main.path)
        #expect(loaded.challenger?.intent.thirdPartyMaxWeight == 40)
        #expect(loaded.models.challenger?.version != loaded.models.live.version)
        #expect(loaded.daemon.kafka.topics.all.contains("shadow-scores"))
        #expect(OutputTopic.written(in: loaded.daemon.kafka.topics).contains(.challenger))

        let plain = try LeadScoreConfiguration.parse(yaml: "")
        #expect(plain.challenger == nil)
        #expect(!plain.daemon.kafka.topics.all.contains("lead-scores-challenger"))
        #expect(!OutputTopic.written(in: plain.daemon.kafka.topics).contains(.challenger))

        for (yaml, path) in [("challenger:\n  config: bad.yaml\n", "challenger.config ("), ("challenger:\n  config: missing.yaml\n", "challenger.config"),
                             ("challenger:\n  file: candidate.yaml\n", "challenger.file"),
                             ("kafka: {topics: {challenger: lead-scores}}\nchallenger: {config: candidate.yaml}\n", "kafka.topics")] {
            try yaml.write(to: main, atomically: true, encoding: .utf8)
            do {
                _ = try LeadScoreConfiguration.load(file: main.path)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.problems.contains { $0.path.hasPrefix(path) }, "\(yaml): \(error.problems)")
            }
        }
    }
}
