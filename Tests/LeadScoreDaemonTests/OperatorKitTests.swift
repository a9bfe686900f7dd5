import Foundation
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import LeadScoreTestSupport
import Prometheus
import Testing

/// The operator's kit in `deploy/`: Prometheus recording and alerting rules and a Grafana
/// dashboard. Checked with Debian's `promtool`, against the metrics the daemon really exports,
/// and by a real Prometheus scraping a real daemon until an alert fires.
@Suite("Operator's kit: Prometheus rules and the Grafana dashboard", .serialized)
struct OperatorKitTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var rules: URL { root.appendingPathComponent("deploy/prometheus/leadscore-rules.yml") }
    static var ruleTests: URL { root.appendingPathComponent("deploy/prometheus/leadscore-rules.test.yml") }
    static var dashboard: URL { root.appendingPathComponent("deploy/grafana/leadscore-dashboard.json") }

    /// A Prometheus tool: `LEADSCORE_<NAME>` (e.g. `LEADSCORE_PROMTOOL`), else on the PATH.
    static func tool(_ name: String) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["LEADSCORE_\(name.uppercased())"], !path.isEmpty { return path }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static let missing = "not found: run scripts/ensure-prometheus.sh (Debian's prometheus package)"

    /// Runs a tool to its end; its exit status and output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32?, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-tool-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try ChildProcess.start(executable, arguments: arguments, outputFile: log)
        guard await process.wait(timeout: .seconds(120)) else {
            process.kill(SIGKILL)
            return (nil, "timed out: " + process.output())
        }
        return (process.terminationStatus, process.output())
    }

    /// Every metric family name the daemon exports, from its own metric definitions with every
    /// label touched once (labelled families appear on first use).
    static func exportedNames() -> Set<String> {
        let registry = PrometheusCollectorRegistry()
        let metrics = DaemonMetrics(factory: PrometheusMetricsFactory(registry: registry))
        for labelled in [metrics.eventsIn, metrics.outputs, metrics.deadLetters, metrics.repEventsSkipped, metrics.outputErrors] {
            labelled["x"].increment()
        }
        metrics.leadsByBucket["A"].record(1)
        metrics.consumerLag["0"].record(1)
        for timer in [metrics.processingLatency, metrics.routingLatency, metrics.snapshotDuration] { timer.record(Duration.milliseconds(1)) }
        metrics.suppressedDuplicates.increment()
        metrics.snapshotAge.record(1)
        metrics.ready.record(1)
        metrics.bucketMixPSI.record(0)
        var names: Set<String> = []
        for line in registry.emitToString().split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            guard parts.count >= 4 else { continue }
            let name = String(parts[2])
            names.insert(name)
            if parts[3] == "histogram" { for suffix in ["_bucket", "_sum", "_count"] { names.insert(name + suffix) } }
        }
        return names
    }

    /// Every `leadscore_*` metric and every `leadscore:*` recording rule a text refers to.
    static func references(in text: String) -> (metrics: Set<String>, recorded: Set<String>) {
        let metrics = Set(text.matches(of: /leadscore_[a-z_]+/).map { String($0.output) })
        let recorded = Set(text.matches(of: /leadscore:[a-z_0-9:]+/).map { String($0.output) })
        return (metrics, recorded)
    }

    /// The PromQL expressions of the dashboard's panels.
    static func dashboardExpressions() throws -> [String] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dashboard)) as? [String: Any])
        let panels = try #require(json["panels"] as? [[String: Any]])
        return panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
    }

    @Test("promtool accepts the rules, and their unit tests (each alert quiet, then firing) pass")
    func promtoolChecksTheRules() async throws {
        let promtool = try #require(Self.tool("promtool"), "promtool \(Self.missing)")
        let check = try await Self.run(promtool, ["check", "rules", Self.rules.path])
        #expect(check.status == 0, "promtool check rules: \(check.output)")
        let test = try await Self.run(promtool, ["test", "rules", Self.ruleTests.path])
        #expect(test.status == 0, "promtool test rules: \(test.output)")
        let text = try String(contentsOf: Self.rules, encoding: .utf8)
        for alert in ["LeadscoreConsumerLagGrowing", "LeadscoreNotReady", "LeadscoreDeadLetters", "LeadscoreOutputErrors",
                      "LeadscoreSLABreachesHigh", "LeadscoreEscalations", "LeadscoreBucketMixDrift", "LeadscoreSnapshotStale"] {
            #expect(text.contains("alert: \(alert)\n"), "no \(alert) alert")
            #expect(try String(contentsOf: Self.ruleTests, encoding: .utf8).contains("alertname=\"\(alert)\""), "\(alert) has no unit test")
        }
    }

    @Test("the rules and the dashboard use only metrics the daemon exports and rules that are defined")
    func namesExist() throws {
        let exported = Self.exportedNames()
        #expect(exported.contains("leadscore_ready") && exported.contains("leadscore_routing_latency_seconds_bucket"), "\(exported.sorted())")
        let rulesText = try String(contentsOf: Self.rules, encoding: .utf8)
        let defined = Set(rulesText.matches(of: /record: (leadscore:[a-z_0-9:]+)/).map { String($0.output.1) })
        #expect(defined.count >= 8)
        let dashboardText = try String(contentsOf: Self.dashboard, encoding: .utf8)
        for (name, text) in [("rules", rulesText), ("dashboard", dashboardText)] {
            let refs = Self.references(in: text)
            let unknown = refs.metrics.subtracting(exported)
            #expect(unknown.isEmpty, "\(name) refers to metrics the daemon does not export: \(unknown.sorted())")
            let undefined = refs.recorded.subtracting(defined)
            #expect(undefined.isEmpty, "\(name) refers to recording rules not defined: \(undefined.sorted())")
        }
        #expect(try Self.dashboardExpressions().count >= 10)
    }

    @Test("the Grafana dashboard colours buckets as the live dashboard and the report do")
    func grafanaBucketColours() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard)) as? [String: Any])
        let panels = try #require(json["panels"] as? [[String: Any]])
        let buckets = try #require(panels.first { $0["title"] as? String == "Leads by bucket" })
        let overrides = ((buckets["fieldConfig"] as? [String: Any])?["overrides"] as? [[String: Any]]) ?? []
        var colours: [String: String] = [:]
        for o in overrides {
            guard let name = (o["matcher"] as? [String: Any])?["options"] as? String,
                  let colour = ((o["properties"] as? [[String: Any]])?.first?["value"] as? [String: Any])?["fixedColor"] as? String else { continue }
            colours[name] = colour
        }
        #expect(colours == Dictionary(uniqueKeysWithValues: Vocabulary.bucketNames.map { ($0, Vocabulary.bucketColor($0)) }))
    }

    @Test("Prometheus scraping a live daemon fires the dead-letter alert; every dashboard query runs",
          .timeLimit(.minutes(6)))
    func alertFiresAgainstALiveDaemon() async throws {
        let prometheus = try #require(Self.tool("prometheus"), "prometheus \(Self.missing)")
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 1)
            let config = try harness.writeConfig(name: "alerts")
            let port = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "alerts", httpPort: port)
            defer { daemon.kill(SIGKILL) }

            // Scrape and evaluate every second, with the rules file exactly as shipped.
            let promPort = try LoopbackPort.free()
            let promConfig = harness.directory.appendingPathComponent("prometheus.yml")
            try """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - \(Self.rules.path)
            scrape_configs:
              - job_name: leadscore
                static_configs:
                  - targets: ["127.0.0.1:\(port)"]
            """.write(to: promConfig, atomically: true, encoding: .utf8)
            let server = try ChildProcess.start(prometheus, arguments: [
                "--config.file=\(promConfig.path)", "--storage.tsdb.path=\(harness.directory.appendingPathComponent("prometheus-data").path)",
                "--web.listen-address=127.0.0.1:\(promPort)",
            ], outputFile: harness.directory.appendingPathComponent("prometheus.log"))
            defer { server.kill(SIGKILL) }

            // Bad input, a record every half second: the dead-letter counter grows while
            // Prometheus watches, so its rate is above zero and the alert (no `for`) fires.
            let producer = try harness.producer()
            var firing: [String: Any]?
            var alerts = "none read"
            let deadline = ContinuousClock.now.advanced(by: .seconds(180))
            var n = 0
            while ContinuousClock.now < deadline, firing == nil, daemon.isRunning, server.isRunning {
                n += 1
                try producer.produce(topic: DaemonHarness.leadTopic, key: Array("bad".utf8), value: Array("not json \(n)".utf8))
                try producer.flush(timeout: .seconds(10))
                try await Task.sleep(for: .milliseconds(500))
                guard let (status, body) = await DaemonHarness.get(port: promPort, "/api/v1/alerts"), status == 200,
                      let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                      let list = (json["data"] as? [String: Any])?["alerts"] as? [[String: Any]] else { continue }
                alerts = String(decoding: body, as: UTF8.self)
                firing = list.first { alert in
                    (alert["labels"] as? [String: Any])?["alertname"] as? String == "LeadscoreDeadLetters" && alert["state"] as? String == "firing"
                }
            }
            #expect(daemon.isRunning, "the daemon exited: \(daemon.output().suffix(2000))")
            #expect(server.isRunning, "prometheus exited: \(server.output().suffix(2000))")
            let alert = try #require(firing, "LeadscoreDeadLetters never fired; alerts: \(alerts.prefix(2000)); prometheus: \(server.output().suffix(2000))")
            let labels = alert["labels"] as? [String: Any]
            #expect(labels?["severity"] as? String == "warning")
            #expect(labels?["instance"] as? String == "127.0.0.1:\(port)")
            // A healthy daemon trips nothing else: not-ready waits 5 minutes, lag is not growing.
            if let list = (try? JSONSerialization.jsonObject(with: Data(alerts.utf8)) as? [String: Any])
                .flatMap({ ($0["data"] as? [String: Any])?["alerts"] as? [[String: Any]] }) {
                let others = list.filter { ($0["labels"] as? [String: Any])?["alertname"] as? String != "LeadscoreDeadLetters" && $0["state"] as? String == "firing" }
                #expect(others.isEmpty, "unexpected alerts firing: \(others)")
            }

            // Every panel of the Grafana dashboard is a query Prometheus runs (with the
            // dashboard's instance variable set to match all).
            for expr in try Self.dashboardExpressions() {
                let query = expr.replacingOccurrences(of: "$instance", with: ".*")
                var components = URLComponents()
                components.queryItems = [URLQueryItem(name: "query", value: query)]
                let encoded = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
                let answer = await DaemonHarness.get(port: promPort, "/api/v1/query?\(encoded)")
                #expect(answer?.status == 200, "the dashboard query \(query) fails: \(answer.map { String(decoding: $0.body, as: UTF8.self) } ?? "no answer")")
            }
            producer.close(flushTimeout: .seconds(2))
        }
    }
}
