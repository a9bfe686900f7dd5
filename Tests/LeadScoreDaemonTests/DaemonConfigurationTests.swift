import LeadScoreCore
@testable import LeadScoreDaemon
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
        #expect(loaded.daemon.kafka.redactedLibrdkafka["sasl.password"] == "<redacted>")
        #expect(!"\(loaded.daemon.kafka.redactedLibrdkafka)".contains("hunter2"))
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
}
