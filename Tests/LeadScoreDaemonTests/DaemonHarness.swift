import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LeadScoreAnalysis
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import LeadScoreTestSupport
import Logging

/// Runs real `leadscore run` processes against a real broker (a Tansu process, or librdkafka's
/// mock cluster hosted by the test process, both over TCP), feeds them lead events, reads the
/// output topics back, and computes what an uninterrupted run must produce.
struct DaemonHarness {
    static let logger: Logger = {
        var logger = Logger(label: "daemon-test")
        logger.logLevel = ProcessInfo.processInfo.environment["DAEMON_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }()

    static let leadTopic = "lead-events"
    static let outputTopics = ["lead-scores", "lead-routing", "lead-enrichment-requests", "leadscore-deadletter"]

    let bootstrap: String
    let directory: URL
    let partitions: Int
    /// False on the mock cluster, whose admin API does not answer: the harness creates the topics.
    var createTopics = true

    static var allTopics: [String] { [leadTopic, "rep-events"] + outputTopics }

    /// Creates every topic and a scratch directory for configs, snapshots and logs.
    /// `directory` reuses an earlier harness's (its configs and snapshots) with a new broker.
    static func make(broker: TansuBroker, partitions: Int, directory: URL? = nil) async throws -> DaemonHarness {
        let directory = try scratchDirectory(directory)
        for topic in allTopics {
            try await broker.createTopic(topic, partitions: topic == "rep-events" ? 1 : partitions, retention: .seconds(30 * 86_400))
        }
        return DaemonHarness(bootstrap: broker.bootstrap, directory: directory, partitions: partitions)
    }

    /// The same on a mock cluster, with the state topic too (the daemon cannot create topics there).
    static func make(mock: KafkaMockCluster, partitions: Int) throws -> DaemonHarness {
        for topic in allTopics + ["leadscore-state"] {
            try mock.createTopic(topic, partitions: topic == "rep-events" ? 1 : partitions)
        }
        return DaemonHarness(bootstrap: mock.bootstrap, directory: try scratchDirectory(nil), partitions: partitions, createTopics: false)
    }

    private static func scratchDirectory(_ directory: URL?) throws -> URL {
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-daemon-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The daemon binary: `LEADSCORE_BIN`, else next to the test bundle, else the package's
    /// debug build.
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["LEADSCORE_BIN"] { return path }
        var candidates: [String] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        candidates.append(runner.appendingPathComponent("leadscore").path)
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent("leadscore").path)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/leadscore").path)
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) { return path }
        throw HarnessError("leadscore binary not found (tried \(candidates)); run `swift build` first or set LEADSCORE_BIN")
    }

    /// Writes a configuration for a test daemon: short session timeout, frequent snapshots, no
    /// idle clock (so outputs depend on the input alone).
    /// `snapshotDirectory` names the instance's own directory (default: one shared by all;
    /// `none`: no local copy, the state topic only).
    /// `challenger`: a challenger's configuration file (`challenger.config`).
    func writeConfig(name: String, snapshotInterval: String = "2s", transactions: Bool = false,
                     librdkafka: [String: String] = [:], snapshotDirectory: String = "snapshots",
                     challenger: URL? = nil) throws -> URL {
        let url = directory.appendingPathComponent("\(name).yaml")
        var yaml = """
        kafka:
          brokers: \(bootstrap)
          group: leadscore-test
          create_topics: \(createTopics)
          partitions: \(partitions)
          session_timeout: 6s
          fetch_wait_max: 10ms      # Tansu holds a waiting fetch to its end
          transactions: \(transactions)
          librdkafka: {\(librdkafka.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}
        snapshots:
          dir: \(snapshotDirectory == "none" ? "none" : directory.appendingPathComponent(snapshotDirectory).path)
          interval: \(snapshotInterval)
        stream:
          idle_clock: false
        """
        if let challenger { yaml += "\nchallenger:\n  config: \(challenger.path)\n" }
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Starts a daemon; its log goes to `<name>.log` in the scratch directory.
    func startDaemon(config: URL, name: String, httpPort: Int, logLevel: String = "info",
                     environment: [String: String] = [:]) throws -> ChildProcess {
        return try ChildProcess.start(
            try Self.binary(),
            arguments: ["run", "--config", config.path, "--http", "127.0.0.1:\(httpPort)", "--log-level", logLevel],
            environment: environment.merging(["LEADSCORE_TRANSACTIONAL_ID": "leadscore-test-\(name)"]) { a, _ in a },
            outputFile: directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6)).log"))
    }

    // MARK: Input

    /// `count` lead events (engagement, intent, profile) from the synthetic generator, with the
    /// Kafka key each must have (account id, else lead id).
    static func leadEvents(count: Int, leads: Int, seed: UInt64) -> [(key: [UInt8], value: [UInt8])] {
        var stream = SyntheticStream(.init(events: count * 2, leads: leads, reps: 5, seed: seed))
        let decoder = EventDecoder()
        var out: [(key: [UInt8], value: [UInt8])] = []
        out.reserveCapacity(count)
        var line: [UInt8] = []
        while out.count < count, stream.next(into: &line) {
            defer { line.removeAll(keepingCapacity: true) }
            let value = Array(line.dropLast())
            guard let event = try? decoder.decode(value), !event.isRepEvent, let key = event.partitionKey else { continue }
            out.append((Array(key.utf8), value))
        }
        return out
    }

    func producer() throws -> KafkaProducer {
        var config = KafkaConfiguration(bootstrap: bootstrap, clientID: "test-input")
        config.messageTimeout = .seconds(60)
        return try KafkaProducer(configuration: config, logger: Self.logger)
    }

    /// One rep, always available, with room for every lead: routing (and so first-touch SLAs,
    /// which breach and escalate with no one to re-route to) depends on the lead stream alone.
    static let soloRoster = #"{"event_id":"solo","type":"rep_roster","occurred_at":"2026-01-01T00:00:00Z","rep_id":"R-solo","name":"Solo","active":true,"capacity_per_day":10000}"#

    /// Produces rep events and waits until they are delivered.
    static func produceRepEvents(_ values: [String], with producer: KafkaProducer) throws {
        for value in values { try producer.produce(topic: "rep-events", key: Array("R-solo".utf8), value: Array(value.utf8)) }
        try producer.flush(timeout: .seconds(60))
    }

    /// Produces events and waits until all are delivered.
    static func produce(_ events: ArraySlice<(key: [UInt8], value: [UInt8])>, with producer: KafkaProducer) throws {
        for e in events {
            try producer.produce(topic: leadTopic, key: e.key, value: e.value)
        }
        try producer.flush(timeout: .seconds(120))
    }

    // MARK: Reading topics

    /// Every record of the given topics, read from the beginning to the end.
    func readAll(_ topics: [String]) throws -> [KafkaMessage] {
        let config = KafkaConfiguration(bootstrap: bootstrap, clientID: "test-reader")
        let reader = try KafkaPartitionReader(configuration: config, topics: topics, defaultStart: .beginning, logger: Self.logger)
        defer { try? reader.close() }
        var all: [KafkaMessage] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while !reader.isAtEnd {
            guard ContinuousClock.now < deadline else { throw HarnessError("reading \(topics) did not reach the end in 120 s") }
            all += try reader.poll(maxMessages: 10_000, timeout: .milliseconds(200))
        }
        return all
    }

    /// The end offset of each lead-events partition.
    func inputEnds() throws -> [Int32: Int64] {
        var ends: [Int32: Int64] = [:]
        for m in try readAll([Self.leadTopic]) { ends[m.partition] = max(ends[m.partition] ?? 0, m.offset + 1) }
        return ends
    }

    /// What an uninterrupted run must write, per output topic and dedupe key, computed by running
    /// the scoring core over each input partition in offset order. Rep events, if any, are applied
    /// first (a roster the daemon read before its first lead event): they must leave routing
    /// depending on the lead stream alone (e.g. one rep with room for every lead). `input` is the
    /// whole input when the topic no longer holds it (retention deleted its first records).
    func expectedOutputs(repEvents: [InputEvent] = [], input: [KafkaMessage]? = nil) throws -> [String: [String: [UInt8]]] {
        let byPartition = Dictionary(grouping: try input ?? readAll([Self.leadTopic]), by: \.partition)
        let decoder = EventDecoder()
        var expected: [String: [String: [UInt8]]] = [:]
        for (_, messages) in byPartition {
            var book = LeadBook(config: ScoringConfig())
            var reps = RepBook(config: ScoringConfig())
            for event in repEvents { reps.apply(event) }
            var outputs: [OutputEvent] = []
            for m in messages.sorted(by: { $0.offset < $1.offset }) {
                guard let value = m.value, let event = try? decoder.decode(value) else { continue }
                outputs.removeAll(keepingCapacity: true)
                book.apply(event, reps: &reps, into: &outputs)
                for output in outputs {
                    if case .leadErased(let erased) = output {
                        // Tombstones (null values), one per topic the lead had records on.
                        for topic in erased.topics {
                            let name = switch topic {
                            case .scores: "lead-scores"
                            case .routing: "lead-routing"
                            case .enrichment: "lead-enrichment-requests"
                            }
                            expected[name, default: [:]][erased.idempotencyKey] = []
                        }
                        continue
                    }
                    var json: [UInt8] = []
                    output.appendJSON(to: &json)
                    let topic: String = switch output.kind.topic {
                    case .scores: "lead-scores"
                    case .routing: "lead-routing"
                    case .enrichment: "lead-enrichment-requests"
                    }
                    expected[topic, default: [:]][OutputPublisher.dedupeKey(output)] = json
                }
            }
        }
        return expected
    }

    /// What a challenger under `config` must write to its topic, by dedupe key: per input partition
    /// in offset order, a scores-only book's bucket changes with `"model":"challenger"` (their JSON
    /// equals a full engine's under the same configuration, `ScoresOnlyBookTests`), and a
    /// tombstone for each erased lead that had a bucket.
    func expectedChallengerOutputs(config: ScoringConfig, input: [KafkaMessage]? = nil) throws -> [String: [UInt8]] {
        let byPartition = Dictionary(grouping: try input ?? readAll([Self.leadTopic]), by: \.partition)
        let decoder = EventDecoder()
        var expected: [String: [UInt8]] = [:]
        for (_, messages) in byPartition {
            var book = LeadBook(config: config)
            book.scoresOnly = true
            var none = NoRoutingDesk()
            var outputs: [OutputEvent] = []
            for m in messages.sorted(by: { $0.offset < $1.offset }) {
                guard let value = m.value, let event = try? decoder.decode(value) else { continue }
                outputs.removeAll(keepingCapacity: true)
                book.apply(event, reps: &none, into: &outputs)
                for output in outputs {
                    switch output {
                    case .leadRescored(var rescored):
                        rescored.model = ScoringModels.challengerName
                        var json: [UInt8] = []
                        OutputEvent.leadRescored(rescored).appendJSON(to: &json)
                        expected[rescored.idempotencyKey] = json
                    case .leadErased(let erased) where erased.topics.contains(.scores):
                        expected[erased.idempotencyKey] = []
                    default:
                        continue
                    }
                }
            }
        }
        return expected
    }

    /// A routing decision's candidates carry each rep's load today, which counts the decisions of
    /// every partition (rep state is global, SPEC section 4) where the per-partition reference run
    /// counts its own: compared without it.
    static func withoutLoad(_ json: [UInt8]) -> String {
        String(decoding: json, as: UTF8.self).replacing(/"load_today":[0-9]+/, with: #""load_today":0"#)
    }

    /// A routing decision or breach carries a `leadscore-routing` header that reads as its JSON
    /// does (what the rep feeds read instead of the JSON); other routing-topic records carry none.
    static func routingHeaderProblem(_ m: KafkaMessage) -> String? {
        let fromJSON = (m.value ?? []).withUnsafeBytes { RoutedRecord.parse($0) }
        let header = m.headers.first { $0.name == "leadscore-routing" }?.value
        let fromHeader = header.flatMap { bytes in bytes.withUnsafeBytes { RoutedRecord(header: $0) } }
        guard fromJSON != nil || header != nil else { return nil }
        return fromHeader == fromJSON ? nil
            : "\(m.topic)[\(m.partition)]@\(m.offset): routing header \(String(describing: fromHeader)) against the JSON's \(String(describing: fromJSON))"
    }

    /// Checks the output topics against an uninterrupted run: every expected output exactly once,
    /// byte for byte, nothing else, and each lead's `seq` contiguous from 1. Returns a list of
    /// problems (empty when all holds) and the number of records checked.
    func verifyExactlyOnce(expected: [String: [String: [UInt8]]]) throws -> (problems: [String], records: Int) {
        var problems: [String] = []
        var seen: [String: [String: Int]] = [:]
        var records = 0
        let topics = Set(["lead-scores", "lead-routing", "lead-enrichment-requests"]).union(expected.keys).sorted()
        for m in try readAll(topics) {
            records += 1
            guard let key = m.headers.first(where: { $0.name == "leadscore-dedupe" })?.value.map({ String(decoding: $0, as: UTF8.self) }) else {
                problems.append("\(m.topic)[\(m.partition)]@\(m.offset) has no dedupe header")
                continue
            }
            seen[m.topic, default: [:]][key, default: 0] += 1
            if m.topic == "lead-routing", let problem = Self.routingHeaderProblem(m) { problems.append(problem) }
            guard let want = expected[m.topic]?[key] else {
                problems.append("\(m.topic): unexpected output \(key)")
                continue
            }
            if Self.withoutLoad(m.value ?? []) != Self.withoutLoad(want) {
                problems.append("\(m.topic) \(key): differs from an uninterrupted run:\n  got  \(String(decoding: m.value ?? [], as: UTF8.self))\n  want \(String(decoding: want, as: UTF8.self))")
            }
        }
        for (topic, keys) in expected {
            for key in keys.keys {
                let n = seen[topic]?[key] ?? 0
                if n != 1 { problems.append("\(topic) \(key): written \(n) times") }
            }
        }
        // Per-lead seq contiguity, from the idempotency keys of lead-scores (and of the
        // challenger's topic, whose transitions count on their own).
        for topic in ["lead-scores", "lead-scores-challenger"] {
            var seqs: [String: [Int]] = [:]
            for key in (seen[topic] ?? [:]).keys {
                guard let colon = key.lastIndex(of: ":"), let seq = Int(key[key.index(after: colon)...]) else { continue }
                seqs[String(key[..<colon]), default: []].append(seq)
            }
            for (lead, list) in seqs where list.sorted() != Array(1...list.count) {
                problems.append("\(topic) lead \(lead): seq not contiguous: \(list.sorted().prefix(20))")
            }
        }
        return (problems, records)
    }

    // MARK: Waiting

    /// Waits until `condition` holds, looking every 200 ms; throws when `process` exits first or
    /// `seconds` pass (with the end of its log).
    static func waitUntil(seconds: Int, _ process: ChildProcess, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while ContinuousClock.now < deadline {
            if await condition() { return }
            if !process.isRunning { throw HarnessError("the daemon exited: \(process.output().suffix(3_000))") }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("condition not met within \(seconds) s: \(process.output().suffix(2_000))")
    }

    /// Waits until the daemon serving `port` has processed every input partition to its end.
    static func waitCaughtUp(port: Int, ends: [Int32: Int64], seconds: Int, _ process: ChildProcess) async throws {
        try await waitUntil(seconds: seconds, process) {
            guard let p = await progress(port: port) else { return false }
            return ends.allSatisfy { p[$0.key] == $0.value }
        }
    }

    // MARK: HTTP

    /// GET a path of a daemon's HTTP server; nil when it does not answer.
    static func get(port: Int, _ path: String) async -> (status: Int, body: Data)? {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return nil }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        guard let (data, response) = try? await URLSession.shared.data(for: request),
              let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, data)
    }

    /// The daemon's view of how far each partition got (`/summary`), nil when it does not answer.
    static func progress(port: Int) async -> [Int32: Int64]? {
        guard let (status, body) = await get(port: port, "/summary"), status == 200,
              let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let partitions = json["partitions"] as? [[String: Any]] else { return nil }
        var out: [Int32: Int64] = [:]
        for p in partitions {
            if let id = p["partition"] as? Int, let next = p["next_offset"] as? Int { out[Int32(id)] = Int64(next) }
        }
        return out
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
