import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LeadScoreKafka
import LeadScoreTestSupport
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's seams seen from outside: readiness during a rebuild, snapshots from another
/// broker, a stop against a dead broker, and a paused instance.
extension DaemonIntegrationTests {
    @Test("a snapshot made against another broker on the same address is set aside in one line, and no new input is skipped",
          .timeLimit(.minutes(4)))
    func snapshotFromAnotherBroker() async throws {
        let first = try await TansuBroker.start()
        let port = first.port
        var harness = try await DaemonHarness.make(broker: first, partitions: 2)
        let config = try harness.writeConfig(name: "stale", snapshotInterval: "1s")
        let events = DaemonHarness.leadEvents(count: 60, leads: 20, seed: 21)
        do {
            let producer = try harness.producer()
            try DaemonHarness.produce(events[0..<40], with: producer)
            let http = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "stale-1", httpPort: http)
            let ends = try harness.inputEnds()
            try await DaemonHarness.waitCaughtUp(port: http, ends: ends, seconds: 60, daemon)
            daemon.kill(SIGTERM)
            #expect(await daemon.wait(timeout: .seconds(15)))
            // Commits happen on the poll thread before it leaves the group, never after.
            #expect(!daemon.output().contains("UNKNOWN_MEMBER_ID"), "\(daemon.output().suffix(2_000))")
            #expect(daemon.output().contains("stop.total_seconds"), "the stop logs its phases")
            producer.close()
        }
        await first.stop()

        // A fresh (in-memory) broker on the same address: the old snapshots point past its ends.
        let second = try await TansuBroker.start(port: port)
        defer { Task { await second.stop() } }
        harness = try await DaemonHarness.make(broker: second, partitions: 2, directory: harness.directory)
        let producer = try harness.producer()
        defer { producer.close() }
        try DaemonHarness.produce(events[40..<45], with: producer)
        let http = try LoopbackPort.free()
        let daemon = try harness.startDaemon(config: config, name: "stale-2", httpPort: http)
        defer { Task { await daemon.stop() } }
        let ends = try harness.inputEnds()
        try await DaemonHarness.waitCaughtUp(port: http, ends: ends, seconds: 60, daemon)
        try await DaemonHarness.waitUntil(seconds: 30, daemon) { await DaemonHarness.get(port: http, "/readyz")?.status == 200 }
        let log = daemon.output()
        #expect(log.contains("snapshot not used"), "\(log.suffix(3_000))")
        let expected = try harness.expectedOutputs()
        try producer.flush(timeout: .seconds(10))
        try await DaemonHarness.waitUntil(seconds: 30, daemon) {
            ((try? harness.verifyExactlyOnce(expected: expected))?.problems.isEmpty) == true
        }
        let (problems, records) = try harness.verifyExactlyOnce(expected: expected)
        #expect(records > 0)
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test("/readyz says no while a partition replays from its snapshot to the input's end", .timeLimit(.minutes(4)))
    func readinessWaitsForTheReplay() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 2)
            let config = try harness.writeConfig(name: "ready", snapshotInterval: "60s")
            let producer = try harness.producer()
            defer { producer.close() }
            try DaemonHarness.produce(DaemonHarness.leadEvents(count: 40_000, leads: 4_000, seed: 31)[...], with: producer)
            let ends = try harness.inputEnds()
            let http = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "ready", httpPort: http)
            defer { Task { await daemon.stop() } }
            var sawNotReady = false
            let deadline = ContinuousClock.now.advanced(by: .seconds(150))
            while ContinuousClock.now < deadline {
                #expect(daemon.isRunning, "the daemon exited: \(daemon.output().suffix(2_000))")
                let status = await DaemonHarness.get(port: http, "/readyz")?.status
                if status == 503 { sawNotReady = true }
                if status == 200 {
                    // Progress only grows: what /summary says now is at least what was true when ready.
                    let progress = await DaemonHarness.progress(port: http) ?? [:]
                    for (partition, end) in ends {
                        #expect((progress[partition] ?? 0) >= end, "ready at \(progress) before partition \(partition) reached \(end)")
                    }
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(sawNotReady, "never seen restoring")
        }
    }

    @Test("a stop with the broker gone ends within pipeline.stop_deadline, logging its phases", .timeLimit(.minutes(3)))
    func stopIsBounded() async throws {
        let broker = try await TansuBroker.start()
        let harness = try await DaemonHarness.make(broker: broker, partitions: 2)
        var config = try harness.writeConfig(name: "stop", snapshotInterval: "60s")
        let yaml = try String(contentsOf: config, encoding: .utf8) + "\npipeline:\n  stop_deadline: 4s\n"
        config = harness.directory.appendingPathComponent("stop-deadline.yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        let producer = try harness.producer()
        try DaemonHarness.produce(DaemonHarness.leadEvents(count: 500, leads: 50, seed: 41)[...], with: producer)
        producer.close()
        let http = try LoopbackPort.free()
        let daemon = try harness.startDaemon(config: config, name: "stop", httpPort: http)
        defer { Task { await daemon.stop() } }
        try await DaemonHarness.waitUntil(seconds: 60, daemon) { await DaemonHarness.get(port: http, "/readyz")?.status == 200 }
        await broker.kill()
        let stopped = ContinuousClock.now
        daemon.kill(SIGTERM)
        let exited = await daemon.wait(timeout: .seconds(8))
        let took = ContinuousClock.now - stopped
        #expect(exited, "still running \(took) after SIGTERM with a 4 s deadline: \(daemon.output().suffix(3_000))")
        #expect(took < .seconds(6), "the stop took \(took)")
        let log = daemon.output()
        #expect(log.contains("stop deadline passed") || log.contains("stop.total_seconds"), "\(log.suffix(3_000))")
    }

    @Test("an instance paused past half its session timeout writes nothing more and exits", .timeLimit(.minutes(3)))
    func pausedInstanceIsFenced() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 2)
            let config = try harness.writeConfig(name: "zombie", snapshotInterval: "2s")
            let producer = try harness.producer()
            defer { producer.close() }
            let events = DaemonHarness.leadEvents(count: 20_000, leads: 2_000, seed: 51)
            try DaemonHarness.produce(events[0..<2_000], with: producer)
            let http = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "zombie", httpPort: http)
            defer { Task { await daemon.stop() } }
            try await DaemonHarness.waitUntil(seconds: 60, daemon) { await DaemonHarness.get(port: http, "/readyz")?.status == 200 }
            // Input keeps arriving while the instance is stopped (session timeout 6 s: fenced past 3 s).
            daemon.kill(SIGSTOP)
            try DaemonHarness.produce(events[2_000...], with: producer)
            try await Task.sleep(for: .seconds(5))
            let before = try harness.readAll(DaemonHarness.outputTopics).count
            daemon.kill(SIGCONT)
            #expect(await daemon.wait(timeout: .seconds(15)), "a paused instance kept running")
            #expect(daemon.terminationStatus != 0)
            let after = try harness.readAll(DaemonHarness.outputTopics).count
            // What librdkafka had already queued before the pause (linger 5 ms) may still go out.
            #expect(after - before < 100, "\(after - before) outputs written after the resume")
            #expect(daemon.output().contains("fenced"), "\(daemon.output().suffix(3_000))")
        }
    }

}

extension DaemonIntegrationTests {
    @Test("editing the configuration file reloads it without a signal; a bad edit keeps the running one", .timeLimit(.minutes(3)))
    func fileChangeReloads() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 1)
            let config = try harness.writeConfig(name: "watch")
            let http = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "watch", httpPort: http)
            defer { Task { await daemon.stop() } }
            func version() async -> String? {
                guard let body = await DaemonHarness.get(port: http, "/summary")?.body,
                      let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
                return json["config_version"] as? String
            }
            var before: String?
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while before == nil && ContinuousClock.now < deadline {
                before = await version()
                try await Task.sleep(for: .milliseconds(200))
            }
            let original = try String(contentsOf: config, encoding: .utf8)
            try (original + "\nscoring:\n  buckets: {A: 10, B: 50}\n").write(to: config, atomically: true, encoding: .utf8)
            try await Task.sleep(for: .seconds(5))
            #expect(await version() == before, "a bad edit replaced the running configuration")
            #expect(daemon.output().contains("configuration file rejected"))
            try (original + "\nscoring:\n  buckets: {A: 75}\n").write(to: config, atomically: true, encoding: .utf8)
            var after = before
            let changed = ContinuousClock.now.advanced(by: .seconds(15))
            while after == before && ContinuousClock.now < changed {
                try await Task.sleep(for: .milliseconds(300))
                after = await version()
            }
            #expect(after != nil && after != before, "the edited file was not loaded: \(daemon.output().suffix(2_000))")
        }
    }
}

extension DaemonIntegrationTests {
    /// The hostile run of issue 14: a crash inside an SLA chain, with two reps and a calendar
    /// change between the first run and the replay. Every routing-topic key must have one value.
    @Test("a crash in an SLA chain, replayed under a changed rep calendar, writes each key once with one value",
          .timeLimit(.minutes(4)))
    func crashInAnSLAChain() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 4)
            let config = try harness.writeConfig(name: "chain", snapshotInterval: "600s")
            let producer = try harness.producer()
            defer { producer.close() }
            func rep(_ json: String) throws { try producer.produce(topic: "rep-events", key: Array("R".utf8), value: Array(json.utf8)) }
            func lead(_ json: String) throws { try producer.produce(topic: DaemonHarness.leadTopic, key: Array("ACC-Z".utf8), value: Array(json.utf8)) }
            try rep(#"{"event_id":"ra","type":"rep_roster","occurred_at":"2026-11-01T00:00:00Z","rep_id":"R-A","name":"A","active":true,"capacity_per_day":50}"#)
            try rep(#"{"event_id":"rb","type":"rep_roster","occurred_at":"2026-11-01T00:00:00Z","rep_id":"R-B","name":"B","active":true,"capacity_per_day":50}"#)
            try producer.flush(timeout: .seconds(10))
            let profile = { (id: String, lead: String, at: String) in
                #"{"event_id":"\#(id)","type":"profile","occurred_at":"\#(at)","lead_id":"\#(lead)","account_id":"ACC-Z","company":{"industry":"software","employees":1200},"seats":20,"technographics":["salesforce"]}"#
            }
            try lead(profile("pz", "L-Z", "2026-11-02T10:00:00Z"))
            try lead(profile("py", "L-Y", "2026-11-06T00:00:00Z"))
            try producer.flush(timeout: .seconds(10))

            let http = try LoopbackPort.free()
            let first = try harness.startDaemon(config: config, name: "chain-1", httpPort: http)
            // The first run routes L-Z, breaches its SLA and re-routes it before the crash.
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            var keys: [String: [[UInt8]]] = [:]
            while ContinuousClock.now < deadline {
                keys = try Self.routingKeys(harness)
                if keys.keys.contains(where: { $0.hasPrefix("L-Z:1:r") }) { break }
                #expect(first.isRunning, "\(first.output().suffix(2_000))")
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(keys.keys.contains { $0.hasPrefix("L-Z:1:b") }, "no breach before the crash: \(keys.keys.sorted())")
            // R-A gets working hours: a replay now puts L-Z's first-touch deadline elsewhere.
            try rep(#"{"event_id":"ra2","type":"rep_roster","occurred_at":"2026-11-06T01:00:00Z","rep_id":"R-A","name":"A","active":true,"capacity_per_day":50,"time_zone":"UTC","working_hours":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]}}"#)
            try producer.flush(timeout: .seconds(10))
            try await Task.sleep(for: .seconds(2))
            first.kill(SIGKILL)
            _ = await first.wait(timeout: .seconds(10))

            let second = try harness.startDaemon(config: config, name: "chain-2", httpPort: http)
            defer { Task { await second.stop() } }
            try lead(profile("px", "L-X", "2026-11-20T00:00:00Z"))
            try producer.flush(timeout: .seconds(10))
            let ends = try harness.inputEnds()
            try await DaemonHarness.waitCaughtUp(port: http, ends: ends, seconds: 60, second)
            try await Task.sleep(for: .seconds(2))
            keys = try Self.routingKeys(harness)
            let repeated = keys.filter { $0.value.count > 1 }
            #expect(repeated.isEmpty, "written more than once: \(repeated.map { "\($0.key) x\($0.value.count)" }.sorted())")
            #expect(keys.keys.contains { $0.hasPrefix("L-X:") }, "the input after the restart was processed: \(keys.keys.sorted())")
            let scores = try harness.readAll(["lead-scores"]).compactMap { m in
                m.headers.first { $0.name == "leadscore-dedupe" }?.value.map { String(decoding: $0, as: UTF8.self) }
            }
            #expect(Set(scores).count == scores.count, "lead-scores has a key twice: \(scores.sorted())")
        }
    }

    /// Every record of `lead-routing` by its dedupe key.
    private static func routingKeys(_ harness: DaemonHarness) throws -> [String: [[UInt8]]] {
        var keys: [String: [[UInt8]]] = [:]
        for m in try harness.readAll(["lead-routing"]) {
            guard let key = m.headers.first(where: { $0.name == "leadscore-dedupe" })?.value else { continue }
            keys[String(decoding: key, as: UTF8.self), default: []].append(m.value ?? [])
        }
        return keys
    }
}

extension DaemonIntegrationTests {
    /// Issue 14's zombie run: two instances, one paused past the session timeout while input
    /// flows, then resumed. The paused one must write nothing more; every key one value.
    @Test("two instances, one paused past its session while input flows: no key gets a second value", .timeLimit(.minutes(5)))
    func zombieWritesNothing() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 4)
            let config = try harness.writeConfig(name: "zombies", snapshotInterval: "2s")
            let producer = try harness.producer()
            defer { producer.close() }
            try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster], with: producer)
            let events = DaemonHarness.leadEvents(count: 40_000, leads: 3_000, seed: 61)
            try DaemonHarness.produce(events[0..<5_000], with: producer)
            let (httpA, httpB) = (try LoopbackPort.free(), try LoopbackPort.free())
            let a = try harness.startDaemon(config: config, name: "zombie-a", httpPort: httpA)
            let b = try harness.startDaemon(config: config, name: "zombie-b", httpPort: httpB)
            defer { Task { await a.stop(); await b.stop() } }
            for port in [httpA, httpB] {
                let deadline = ContinuousClock.now.advanced(by: .seconds(90))
                while ContinuousClock.now < deadline, await DaemonHarness.get(port: port, "/readyz")?.status != 200 {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            // Input flows (about 4k/s) while A is stopped past the session timeout (6 s), and on.
            let feeder = Task.detached {
                var i = 5_000
                while i < events.count && !Task.isCancelled {
                    let end = min(events.count, i + 400)
                    for e in events[i..<end] { try producer.produce(topic: DaemonHarness.leadTopic, key: e.key, value: e.value) }
                    i = end
                    try await Task.sleep(for: .milliseconds(100))
                }
                try producer.flush(timeout: .seconds(60))
            }
            try await Task.sleep(for: .seconds(1))
            a.kill(SIGSTOP)
            try await Task.sleep(for: .seconds(9))
            a.kill(SIGCONT)
            try await feeder.value
            #expect(await a.wait(timeout: .seconds(20)), "the paused instance kept running")
            #expect(a.output().contains("fenced"), "\(a.output().suffix(2_000))")
            // B ends up with every partition and catches up.
            let ends = try harness.inputEnds()
            try await DaemonHarness.waitCaughtUp(port: httpB, ends: ends, seconds: 120, b)
            try await Task.sleep(for: .seconds(2))
            var values: [String: [String: Set<String>]] = [:]
            var copies = 0
            for m in try harness.readAll(["lead-scores", "lead-routing"]) {
                guard let key = m.headers.first(where: { $0.name == "leadscore-dedupe" })?.value.map({ String(decoding: $0, as: UTF8.self) }) else { continue }
                let value = DaemonHarness.withoutLoad(m.value ?? [])
                if values[m.topic]?[key] != nil { copies += 1 }
                values[m.topic, default: [:]][key, default: []].insert(value)
            }
            let conflicting = values.flatMap { topic, keys in keys.filter { $0.value.count > 1 }.map { "\(topic) \($0.key)" } }
            #expect(conflicting.isEmpty, "keys with two values: \(conflicting.sorted().prefix(10))")
            #expect(copies == 0, "\(copies) keys written twice (same value)")
        }
    }

    /// Issue 14's HTTP stall: many clients on `/leads/{id}` while a backlog is processed by one
    /// worker. Liveness must keep answering within Kubernetes' default probe timeout (1 s).
    @Test("/healthz answers within a second while 50 clients ask for leads during a backlog", .timeLimit(.minutes(4)))
    func httpDoesNotStall() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 2)
            var config = try harness.writeConfig(name: "stall", snapshotInterval: "60s")
            let yaml = try String(contentsOf: config, encoding: .utf8) + "\npipeline:\n  workers: 1\n"
            config = harness.directory.appendingPathComponent("stall-one-worker.yaml")
            try yaml.write(to: config, atomically: true, encoding: .utf8)
            let producer = try harness.producer()
            defer { producer.close() }
            let events = DaemonHarness.leadEvents(count: 100_000, leads: 10_000, seed: 71)
            try DaemonHarness.produce(events[...], with: producer)
            let http = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "stall", httpPort: http)
            defer { Task { await daemon.stop() } }
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while ContinuousClock.now < deadline, (await DaemonHarness.progress(port: http) ?? [:]).values.reduce(0, +) < 1_000 {
                try await Task.sleep(for: .milliseconds(100))
            }
            // Each client is a thread with its own connections (plain sockets: a shared URL session
            // would queue the probe behind the clients, measuring the test rather than the daemon).
            let stop = Atomic<Bool>(false)
            let threads = (0..<50).map { c in
                Thread {
                    var i = c
                    while !stop.load(ordering: .relaxed) {
                        _ = RawHTTP.get(port: http, "/leads/L-\(i % 10_000)", timeout: 5)
                        i += 50
                    }
                }
            }
            for t in threads { t.start() }
            var worst: Duration = .zero
            var probes = 0
            let until = ContinuousClock.now.advanced(by: .seconds(10))
            while ContinuousClock.now < until {
                let started = ContinuousClock.now
                let status = RawHTTP.get(port: http, "/healthz", timeout: 3)
                worst = max(worst, ContinuousClock.now - started)
                #expect(status == 200)
                probes += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            stop.store(true, ordering: .relaxed)
            #expect(probes > 20)
            #expect(worst < .seconds(1), "/healthz took \(worst) at worst")
        }
    }
}

/// A blocking HTTP/1.0 GET over a plain socket: the status code (from the status line, so the
/// time measured is the time to the answer), or nil when the server does not answer within
/// `timeout` seconds.
enum RawHTTP {
    static func get(port: Int, _ path: String, timeout: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        // The status line is the answer; the server may keep the connection open after the body.
        while !response.contains(UInt8(ascii: "\n")) && response.count < 1 << 16 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let head = String(decoding: response.prefix(16), as: UTF8.self).split(separator: " ")
        return head.count >= 2 ? Int(head[1]) : nil
    }
}

extension DaemonIntegrationTests {
    /// Transactional mode end to end on Tansu (its transactions API works; only aborts are not
    /// honoured, and nothing here aborts): the workers send offsets under the group membership the
    /// poll thread handed them, never through the consumer. The checkpoints, cut between
    /// transactions and written beside them, let an instance with no disk take over after a
    /// SIGKILL (taken while no transaction is open: Tansu would deliver an aborted one's records).
    @Test("transactional mode: outputs exactly once, offsets sent under the poll thread's group membership, a take-over from the state topic",
          .timeLimit(.minutes(4)))
    func transactionalMode() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 2)
            let configA = try harness.writeConfig(name: "txn-a", snapshotInterval: "1s", transactions: true, snapshotDirectory: "snapshots-a")
            let configB = try harness.writeConfig(name: "txn-b", snapshotInterval: "1s", transactions: true, snapshotDirectory: "none")
            let producer = try harness.producer()
            defer { producer.close() }
            let events = DaemonHarness.leadEvents(count: 3_000, leads: 300, seed: 81)
            try DaemonHarness.produce(events[..<2_000], with: producer)
            let http = try LoopbackPort.free()
            let a = try harness.startDaemon(config: configA, name: "txn-a", httpPort: http)
            try await DaemonHarness.waitCaughtUp(port: http, ends: try harness.inputEnds(), seconds: 90, a)
            try await Task.sleep(for: .seconds(3))
            #expect(!a.output().contains("no group membership"), "\(a.output().suffix(2_000))")
            a.kill(SIGKILL)
            #expect(await a.wait(timeout: .seconds(10)))

            try DaemonHarness.produce(events[2_000...], with: producer)
            let b = try harness.startDaemon(config: configB, name: "txn-b", httpPort: http)
            defer { Task { await b.stop() } }
            try await DaemonHarness.waitCaughtUp(port: http, ends: try harness.inputEnds(), seconds: 90, b)
            try await Task.sleep(for: .seconds(1))
            let restores = b.output().split(separator: "\n").filter { $0.contains("partition restored") }
            #expect(restores.count == 2 && restores.allSatisfy { $0.contains("leadscore.restore_source=kafka") },
                    "\(b.output().suffix(3_000))")
            let (problems, records) = try harness.verifyExactlyOnce(expected: try harness.expectedOutputs())
            #expect(records > 100)
            #expect(problems.isEmpty, "\(problems.prefix(5))")
            #expect(!b.output().contains("no group membership"), "\(b.output().suffix(2_000))")
        }
    }
}
