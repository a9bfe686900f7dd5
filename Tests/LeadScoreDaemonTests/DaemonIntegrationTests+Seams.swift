import Foundation
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

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
            try await waitUntil(seconds: 60, daemon) {
                guard let p = await DaemonHarness.progress(port: http) else { return false }
                return ends.allSatisfy { p[$0.key] == $0.value }
            }
            daemon.kill(SIGTERM)
            #expect(await daemon.wait(timeout: .seconds(15)))
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
        try await waitUntil(seconds: 60, daemon) {
            guard let p = await DaemonHarness.progress(port: http) else { return false }
            return ends.allSatisfy { p[$0.key] == $0.value }
        }
        try await waitUntil(seconds: 30, daemon) { await DaemonHarness.get(port: http, "/readyz")?.status == 200 }
        let log = daemon.output()
        #expect(log.contains("snapshot not used"), "\(log.suffix(3_000))")
        let expected = try harness.expectedOutputs()
        try producer.flush(timeout: .seconds(10))
        try await waitUntil(seconds: 30, daemon) {
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
        try await waitUntil(seconds: 60, daemon) { await DaemonHarness.get(port: http, "/readyz")?.status == 200 }
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
            try await waitUntil(seconds: 60, daemon) { await DaemonHarness.get(port: http, "/readyz")?.status == 200 }
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

    private func waitUntil(seconds: Int, _ process: ChildProcess, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while ContinuousClock.now < deadline {
            if await condition() { return }
            if !process.isRunning { throw HarnessError("the daemon exited: \(process.output().suffix(3_000))") }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("condition not met within \(seconds) s: \(process.output().suffix(2_000))")
    }
}
