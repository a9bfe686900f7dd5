import LeadScoreCore
import Yams

extension DaemonConfiguration {
    /// Reads the daemon's sections (`kafka`, `snapshots`, `http`, `stream`, `pipeline`, `drift`,
    /// `uplift`) of a parsed YAML document, collecting every problem. Unknown keys in these
    /// sections are errors, so a typo never silently falls back to a default. Other top-level keys
    /// are left to their owners (`scoring`, `routing`: the scoring core).
    public init(yaml root: Node?) throws(ConfigError) {
        self.init()
        guard let root else { return }
        var p: [ConfigError.Problem] = []
        guard var top = YAMLFields(root, path: "(document)", problems: &p) else { throw ConfigError(problems: p) }
        // The scoring core reads these two; they are taken here only so they do not count as unknown.
        _ = top.take("scoring")
        _ = top.take("routing")
        if let node = top.take("kafka"), var k = YAMLFields(node, path: "kafka", problems: &p) {
            k.string("brokers", into: &kafka.brokers, nonEmpty: true, &p)
            k.string("group", into: &kafka.group, nonEmpty: true, &p)
            k.string("client_id", into: &kafka.clientID, nonEmpty: true, &p)
            k.bool("create_topics", into: &kafka.createTopics, &p)
            k.integer("partitions", into: &kafka.partitions, in: 1...10_000, &p)
            k.integer("replication_factor", into: &kafka.replicationFactor, in: 1...100, &p)
            k.duration("session_timeout", into: &kafka.sessionTimeout, atLeast: .seconds(1), &p)
            if k.keys.contains("fetch_wait_max") {  // absent keeps librdkafka's default
                var fetchWait: Duration = .zero
                k.duration("fetch_wait_max", into: &fetchWait, atLeast: .zero, &p)
                kafka.fetchWaitMax = fetchWait
            }
            k.bool("transactions", into: &kafka.transactions, &p)
            var transactionalID = kafka.transactionalID ?? ""
            k.string("transactional_id", into: &transactionalID, nonEmpty: true, &p)
            if !transactionalID.isEmpty { kafka.transactionalID = transactionalID }
            k.stringMap("librdkafka", into: &kafka.librdkafka, &p)
            if var t = k.mapping("topics", &p) {
                t.topic("lead_events", into: &kafka.topics.leadEvents, &p)
                t.topic("rep_events", into: &kafka.topics.repEvents, &p)
                t.topic("scores", into: &kafka.topics.scores, &p)
                t.topic("routing", into: &kafka.topics.routing, &p)
                t.topic("enrichment", into: &kafka.topics.enrichment, &p)
                t.topic("dead_letter", into: &kafka.topics.deadLetter, &p)
                t.topic("state", into: &kafka.topics.state, &p)
                t.topic("challenger", into: &kafka.topics.challenger, &p)
                t.reportUnknown(into: &p, known: ["lead_events", "rep_events", "scores", "routing", "enrichment", "dead_letter", "state",
                                                  "challenger"])
            }
            k.reportUnknown(into: &p, known: ["brokers", "group", "client_id", "topics", "create_topics", "partitions",
                                              "replication_factor", "session_timeout", "fetch_wait_max", "transactions", "transactional_id", "librdkafka"])
        }
        if let node = top.take("snapshots"), var s = YAMLFields(node, path: "snapshots", problems: &p) {
            var dir = snapshots.directory ?? SnapshotSettings.noDirectory
            s.string("dir", into: &dir, nonEmpty: true, &p)
            snapshots.directory = SnapshotSettings.directory(from: dir)
            s.duration("interval", into: &snapshots.interval, atLeast: .seconds(1), &p)
            s.integer("keep", into: &snapshots.keep, in: 1...1000, &p)
            s.reportUnknown(into: &p, known: ["dir", "interval", "keep"])
        }
        if let node = top.take("http"), var h = YAMLFields(node, path: "http", problems: &p) {
            h.string("listen", into: &http.listen, nonEmpty: false, &p)
            if !http.listen.isEmpty && HostPort(http.listen) == nil {
                p.append(.init(path: "http.listen", reason: "must be host:port (or empty to disable HTTP), got \(http.listen)"))
            }
            h.reportUnknown(into: &p, known: ["listen"])
        }
        if let node = top.take("stream"), var s = YAMLFields(node, path: "stream", problems: &p) {
            s.bool("idle_clock", into: &stream.idleClock, &p)
            s.duration("idle_after", into: &stream.idleAfter, atLeast: .milliseconds(100), &p)
            s.duration("max_future_skew", into: &stream.maxFutureSkew, atLeast: .zero, &p)
            s.integer("max_event_bytes", into: &stream.maxEventBytes, in: 1_024...1_000_000_000, &p)
            s.reportUnknown(into: &p, known: ["idle_clock", "idle_after", "max_future_skew", "max_event_bytes"])
        }
        if let node = top.take("pipeline"), var w = YAMLFields(node, path: "pipeline", problems: &p) {
            w.integer("workers", into: &pipeline.workers, in: 0...256, &p)
            w.duration("stop_deadline", into: &pipeline.stopDeadline, atLeast: .seconds(1), &p)
            w.reportUnknown(into: &p, known: ["workers", "stop_deadline"])
        }
        if let node = top.take("drift"), var d = YAMLFields(node, path: "drift", problems: &p) {
            d.duration("window", into: &drift.window, atLeast: .seconds(1), &p)
            d.duration("sample_every", into: &drift.sampleEvery, atLeast: .seconds(1), &p)
            d.number("retrain_above", into: &drift.retrainAbove, &p)
            if !(drift.retrainAbove > 0 && drift.retrainAbove.isFinite) {
                p.append(.init(path: "drift.retrain_above", reason: "must be a positive PSI such as 0.25, got \(drift.retrainAbove)"))
            }
            d.reportUnknown(into: &p, known: ["window", "sample_every", "retrain_above"])
            if drift.sampleEvery > drift.window {
                p.append(.init(path: "drift.sample_every", reason: "must not be longer than drift.window "
                    + "(\(ConfigDuration.format(drift.window))), got \(ConfigDuration.format(drift.sampleEvery))"))
            } else if drift.window / drift.sampleEvery > Double(DriftSettings.maxSamplesPerWindow) {
                p.append(.init(path: "drift.sample_every", reason: "too short for drift.window: at most "
                    + "\(DriftSettings.maxSamplesPerWindow) samples per window, got \(ConfigDuration.format(drift.sampleEvery))"))
            }
        }
        if let node = top.take("uplift"), var u = YAMLFields(node, path: "uplift", problems: &p) {
            u.integer("max_leads", into: &uplift.maxLeads, in: 1_000...1_000_000_000, &p)
            u.reportUnknown(into: &p, known: ["max_leads"])
        }
        if let node = top.take("challenger"), var c = YAMLFields(node, path: "challenger", problems: &p) {
            var file = ""
            c.string("config", into: &file, nonEmpty: true, &p)
            if !file.isEmpty { challenger.config = file }
            c.reportUnknown(into: &p, known: ["config"])
        }
        kafka.topics.hasChallenger = challenger.config != nil
        let sections = ["scoring", "routing", "kafka", "snapshots", "http", "stream", "pipeline", "drift", "uplift", "challenger"]
        for key in top.keys where !sections.contains(key) {
            p.append(.init(path: key, reason: "unknown section (known: \(sections.joined(separator: ", ")))"))
        }
        var names = kafka.topics.all
        if !kafka.topics.hasChallenger { names.append(kafka.topics.challenger) }
        if Set(names).count != names.count {
            p.append(.init(path: "kafka.topics", reason: "every topic needs its own name, got \(names.joined(separator: ", "))"))
        }
        if !p.isEmpty { throw ConfigError(problems: p) }
    }

    /// Applies `LEADSCORE_*` environment overrides: `LEADSCORE_BROKERS`, `LEADSCORE_GROUP`,
    /// `LEADSCORE_SNAPSHOT_DIR`, `LEADSCORE_HTTP`, `LEADSCORE_TRANSACTIONAL_ID` (e.g. the pod name), and `LEADSCORE_RDKAFKA_<PROPERTY>` for any
    /// librdkafka property (upper case, dots as underscores: `LEADSCORE_RDKAFKA_SASL_PASSWORD`
    /// sets `sasl.password`), which keeps secrets out of the file.
    public mutating func applyEnvironment(_ environment: [String: String]) {
        if let v = environment["LEADSCORE_BROKERS"], !v.isEmpty { kafka.brokers = v }
        if let v = environment["LEADSCORE_GROUP"], !v.isEmpty { kafka.group = v }
        if let v = environment["LEADSCORE_SNAPSHOT_DIR"], !v.isEmpty { snapshots.directory = SnapshotSettings.directory(from: v) }
        if let v = environment["LEADSCORE_HTTP"] { http.listen = v }
        if let v = environment["LEADSCORE_TRANSACTIONAL_ID"], !v.isEmpty { kafka.transactionalID = v }
        if let v = environment["LEADSCORE_FETCH_WAIT_MAX"], let d = ConfigDuration.parse(v) { kafka.fetchWaitMax = d }
        if let v = environment["LEADSCORE_WORKERS"], let n = Int(v), (0...256).contains(n) { pipeline.workers = n }
        let prefix = "LEADSCORE_RDKAFKA_"
        for (key, value) in environment where key.hasPrefix(prefix) && key.count > prefix.count {
            let property = String(key.dropFirst(prefix.count).lowercased().map { $0 == "_" ? "." : $0 })
            kafka.librdkafka[property] = value
            kafka.environmentKeys.insert(property)
        }
    }
}

/// `host:port`, as given to `--http` or `http.listen`.
public struct HostPort: Sendable, Equatable {
    public var host: String
    public var port: Int

    /// Parses `host:port` (IPv6 hosts in brackets: `[::1]:8080`); nil when malformed.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        self.host = host
        self.port = port
    }
}
