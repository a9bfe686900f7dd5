import Foundation
import LeadScoreCore
import LeadScoreKafka
import LeadScoreTestSupport
import Synchronization
import Testing

/// SPEC section 4, on a real broker: `kill -9` at any moment, restart, and every transition is in
/// the output topics exactly once, equal to an uninterrupted run.
extension DaemonIntegrationTests {
    // The time limit allows for a loaded machine: each daemon also checkpoints every partition
    // to the state topic every second (273-374 s alone on 2 cores, 464 s in a full parallel run
    // before the state topic existed).
    @Test("200k events, SIGKILL at random moments at least 10 times: outputs exactly once, as if uninterrupted, the challenger's too",
          .timeLimit(.minutes(15)))
    func survivesRepeatedSigkill() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 4)
            // A challenger scored beside the model: its topic and its half of every checkpoint go
            // through the same crashes.
            let challenger = harness.directory.appendingPathComponent("challenger.yaml")
            try Self.challengerYAML.write(to: challenger, atomically: true, encoding: .utf8)
            let config = try harness.writeConfig(name: "crash", snapshotInterval: "1s", challenger: challenger)
            var events = DaemonHarness.leadEvents(count: 200_000, leads: 20_000, seed: 42)
            // A few inputs that must be dead-lettered exactly once each, crashes or not.
            for (i, bad) in ["not json", #"{"event_id":"x","type":"engagement"}"#, #"{"type":"meeting"}"#].enumerated() {
                events.insert((Array("bad-\(i)".utf8), Array(bad.utf8)), at: 1_000 + i * 50_000)
            }
            let producer = try harness.producer()
            let port = try LoopbackPort.free()
            // One rep: leads get routed and, with no one touching them, first-touch SLAs breach
            // and escalate, so those outputs go through the crashes too.
            try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster], with: producer)

            // The input streams in (about 2k events/s) while the daemon is killed and restarted, and
            // never runs more than 20k events ahead of the kills: a round (rejoin after the killed
            // member's session expires, restore, recovery scan) takes 15-25 s on a loaded 2-core
            // machine, and however slow the rounds, the kills fall while input is still flowing.
            let input = events
            let killCount = Atomic<Int>(0)
            let feeding = Task.detached {
                var start = 0
                while start < input.count {
                    while start / 20_000 > killCount.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(200)) }
                    let end = min(input.count, start + 2_000)
                    try DaemonHarness.produce(input[start..<end], with: producer)
                    start = end
                    try await Task.sleep(for: .seconds(1))
                }
            }

            var rng = SystemRandomNumberGenerator()
            var kills = 0
            var killedMidStream = 0
            // At least 10 kills, at least 5 of them while the daemon is working through the input
            // (on a loaded machine some rounds end before it gets that far, so rounds go on).
            var round = 0
            while round < 24 && (kills < 10 || killedMidStream < 5) {
                defer { round += 1 }
                let daemon = try harness.startDaemon(config: config, name: "crash-\(round)", httpPort: port)
                if round % 4 == 0 {
                    // Any moment after start: while joining, restoring, scanning outputs.
                    try await Task.sleep(for: .milliseconds(Int.random(in: 300...5_000, using: &rng)))
                } else {
                    // Any moment while processing.
                    let deadline = ContinuousClock.now.advanced(by: .seconds(40))
                    while ContinuousClock.now < deadline, await DaemonHarness.get(port: port, "/readyz")?.status != 200 {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    try await Task.sleep(for: .milliseconds(Int.random(in: 200...3_000, using: &rng)))
                    if let progress = await DaemonHarness.progress(port: port) {
                        let done = progress.values.reduce(0, +)
                        if !progress.isEmpty && done > 0 && done < Int64(events.count) { killedMidStream += 1 }
                    }
                }
                #expect(daemon.isRunning, "daemon \(round) exited by itself:\n\(daemon.output().suffix(3_000))")
                daemon.kill(SIGKILL)
                #expect(await daemon.wait(timeout: .seconds(10)))
                kills += 1
                killCount.store(kills, ordering: .releasing)
            }
            try await feeding.value
            #expect(kills >= 10)
            #expect(killedMidStream >= 5, "only \(killedMidStream) kills happened while the daemon was working through the input")

            // The last run goes to the end of the input and stops gracefully.
            let ends = try harness.inputEnds()
            #expect(ends.values.reduce(0, +) == Int64(events.count))
            let last = try harness.startDaemon(config: config, name: "crash-final", httpPort: port)
            let deadline = ContinuousClock.now.advanced(by: .seconds(240))
            var caughtUp = false
            while ContinuousClock.now < deadline {
                if let progress = await DaemonHarness.progress(port: port), progress.count == ends.count,
                   ends.allSatisfy({ progress[$0.key] == $0.value }) {
                    caughtUp = true
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(caughtUp, "the final daemon did not reach the end of the input:\n\(last.output().suffix(4_000))")
            last.kill(SIGTERM)
            #expect(await last.wait(timeout: .seconds(10)), "SIGTERM did not stop the daemon within 10 s")
            #expect(last.terminationStatus == 0)

            var expected = try harness.expectedOutputs(repEvents: [try EventDecoder().decode(DaemonHarness.soloRoster)])
            expected["lead-scores-challenger"] = try harness.expectedChallengerOutputs(config: try ScoringConfig(yaml: Self.challengerYAML))
            #expect((expected["lead-scores-challenger"]?.count ?? 0) > 10_000)
            let (problems, records) = try harness.verifyExactlyOnce(expected: expected)
            #expect(records > 10_000, "too few outputs to mean anything: \(records)")
            let slaOutputs = (expected["lead-routing"] ?? [:]).keys.filter { $0.hasSuffix(":b1") || $0.hasSuffix(":escalated") }.count
            let erasures = (expected["lead-scores"] ?? [:]).keys.filter { $0.hasSuffix(":erased") }.count
            #expect(slaOutputs > 1_000 && erasures > 5, "SLA outputs \(slaOutputs), erasures \(erasures): too few to mean anything")
            #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10).joined(separator: "\n"))")

            let letters = try harness.readAll(["leadscore-deadletter"])
            let sources = letters.compactMap { $0.headers.first { $0.name == "leadscore-dedupe" }?.value }
            #expect(letters.count == 3, "dead letters: \(letters.count)")
            #expect(Set(sources.map { String(decoding: $0, as: UTF8.self) }).count == 3)
        }
    }
}
