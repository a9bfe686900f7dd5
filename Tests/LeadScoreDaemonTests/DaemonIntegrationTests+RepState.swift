import Foundation
import LeadScoreAnalysis
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// Issue 15, deliverable 3: rep state is checkpointed to the state topic, a start reads the rep
/// events and routing topics only from the checkpoint on, and restarts and crashes count no
/// decision, breach or outcome twice.
extension DaemonIntegrationTests {
    @Test("5 restarts, 3 of them SIGKILL: /reps and the uplift counts equal those of one uninterrupted run", .timeLimit(.minutes(8)))
    func repStateThroughRestarts() async throws {
        let events = DaemonHarness.leadEvents(count: 24_000, leads: 3_000, seed: 17)
        // Outcomes of the same synthetic world, for reps the roster does not name: they fill the
        // conversion windows (and convert routed leads, for the uplift) without changing routing.
        // Only those before the last lead event, so the reps' "today" is a day routing counted load on.
        let last = try EventDecoder().decode(try #require(events.last?.value)).occurredAt
        let outcomes = DaemonHarness.repOutcomes(events: 48_000, leads: 3_000, seed: 17, notAfter: last)
        #expect(outcomes.count > 50)

        // One uninterrupted run. One input partition and one rep on the roster make routing (and so
        // each rep's load and breaches) a function of the input alone.
        let (expectedReps, expectedUplift) = try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 1)
            let config = try harness.writeConfig(name: "reps-once", snapshotInterval: "1s")
            let producer = try harness.producer()
            try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster] + outcomes, with: producer)
            try DaemonHarness.produce(events[...], with: producer)
            let port = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "reps-once", httpPort: port)
            try await DaemonHarness.waitCaughtUp(port: port, ends: try harness.inputEnds(), seconds: 180, daemon)
            let reps = try await DaemonHarness.repsAndUplift(port: port)
            daemon.kill(SIGTERM)
            #expect(await daemon.wait(timeout: .seconds(10)))
            return reps
        }
        // The comparison means something only if the run counted loads, breaches and outcomes.
        let board = try #require(try JSONSerialization.jsonObject(with: Data(expectedReps.utf8)) as? [String: [[String: Any]]])
        let solo = try #require(board["reps"]?.first { $0["rep_id"] as? String == "R-solo" })
        #expect((solo["load_today"] as? Int ?? 0) > 0, "\(expectedReps)")
        #expect((solo["sla_breaches"] as? Int ?? 0) > 0, "\(expectedReps)")
        #expect((board["reps"] ?? []).reduce(0) { $0 + ($1["long_trials"] as? Int ?? 0) } > 0, "\(expectedReps)")

        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 1)
            let config = try harness.writeConfig(name: "reps-restarts", snapshotInterval: "1s")
            let producer = try harness.producer()
            try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster] + outcomes, with: producer)
            let port = try LoopbackPort.free()
            // Six processes, five restarts: the 1st, 3rd and 5th end by SIGKILL while working
            // through a slice of the input, the 2nd and 4th by SIGTERM.
            let slices = stride(from: 0, to: events.count, by: 4_000).map { events[$0..<min(events.count, $0 + 4_000)] }
            var logs: [String] = []
            var covered: [Int64] = []
            for (round, slice) in slices.enumerated() {
                // What both topics hold when this round starts (nothing writes to them in between).
                covered.append(Dictionary(grouping: try harness.readAll(["rep-events", "lead-routing"]), by: { "\($0.topic)/\($0.partition)" })
                    .values.reduce(0) { $0 + ($1.map(\.offset).max() ?? -1) + 1 })
                let daemon = try harness.startDaemon(config: config, name: "reps-\(round)", httpPort: port)
                try await DaemonHarness.waitUntil(seconds: 60, daemon) { await DaemonHarness.get(port: port, "/readyz")?.status == 200 }
                try DaemonHarness.produce(slice, with: producer)
                if round == slices.count - 1 {
                    try await DaemonHarness.waitCaughtUp(port: port, ends: try harness.inputEnds(), seconds: 180, daemon)
                    let (reps, uplift) = try await DaemonHarness.repsAndUplift(port: port)
                    #expect(reps == expectedReps, "after 5 restarts:\n\(reps)\nuninterrupted:\n\(expectedReps)")
                    #expect(uplift == expectedUplift, "after 5 restarts:\n\(uplift)\nuninterrupted:\n\(expectedUplift)")
                }
                // Long enough for a rep checkpoint (every second) to cover some of the slice.
                try await Task.sleep(for: .milliseconds(1_500))
                daemon.kill(round % 2 == 0 && round < 5 ? SIGKILL : SIGTERM)
                #expect(await daemon.wait(timeout: .seconds(15)), "round \(round) did not stop")
                logs.append(daemon.output())
            }
            // Every start after the first resumed the rep feed from a checkpoint, not from offset 0.
            for (round, log) in logs.enumerated().dropFirst() {
                let line = log.split(separator: "\n").first { $0.contains("rep state restored") }
                #expect(line != nil, "round \(round) did not restore the rep state:\n\(log.suffix(2_000))")
                #expect(line.map { !$0.contains("leadscore.records_covered=0") } ?? false, "\(line ?? "")")
                // After a SIGTERM, the shutdown's checkpoint covers everything the topics held.
                if round % 2 == 0 {
                    #expect(line?.contains("leadscore.records_covered=\(covered[round]) ") == true,
                            "round \(round) after a graceful stop: \(line ?? ""), the topics held \(covered[round])")
                }
            }
            #expect(logs[0].contains("no rep state checkpoint"))
            let written = try harness.readAll(["leadscore-state"]).filter {
                $0.key.map { String(decoding: $0, as: UTF8.self).hasPrefix("rep-events/*/commit/") } ?? false
            }
            #expect(written.count >= 6, "rep checkpoints written: \(written.count)")
        }
    }
}

extension DaemonHarness {
    /// The `lead_outcome` events among the first `events` of the synthetic world `leadEvents` reads,
    /// up to `notAfter`.
    static func repOutcomes(events: Int, leads: Int, seed: UInt64, notAfter: Timestamp) -> [String] {
        var stream = SyntheticStream(.init(events: events, leads: leads, reps: 5, seed: seed))
        let decoder = EventDecoder()
        var out: [String] = []
        var line: [UInt8] = []
        while stream.next(into: &line) {
            defer { line.removeAll(keepingCapacity: true) }
            let value = Array(line.dropLast())
            guard case .leadOutcome(let outcome)? = try? decoder.decode(value), outcome.occurredAt <= notAfter else { continue }
            out.append(String(decoding: value, as: UTF8.self))
        }
        return out
    }

    /// `/reps` and the uplift counts of `/summary` once they hold still (the rep feed reads the
    /// last routing records a moment after the workers wrote them).
    static func repsAndUplift(port: Int) async throws -> (reps: String, uplift: String) {
        var last = try await repsAndUpliftNow(port: port)
        for _ in 0..<30 {
            try await Task.sleep(for: .seconds(1))
            let now = try await repsAndUpliftNow(port: port)
            if now == last { return now }
            last = now
        }
        return last
    }

    /// `/reps`, and the uplift counts of `/summary`, re-serialized with sorted keys.
    static func repsAndUpliftNow(port: Int) async throws -> (reps: String, uplift: String) {
        let reps = try #require(await get(port: port, "/reps"))
        let summary = try #require(await get(port: port, "/summary"))
        let json = try #require(try JSONSerialization.jsonObject(with: summary.body) as? [String: Any])
        let board = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: reps.body), options: [.sortedKeys])
        let uplift = try JSONSerialization.data(withJSONObject: json["uplift"] ?? [:], options: [.sortedKeys])
        return (String(decoding: board, as: UTF8.self), String(decoding: uplift, as: UTF8.self))
    }
}

extension DaemonIntegrationTests {
    @Test("a rep checkpoint that reads past the topics' ends (another broker, recreated topics) is not used", .timeLimit(.minutes(2)))
    func staleRepCheckpointNotUsed() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 1)
            try await broker.createTopic("leadscore-state", partitions: 1)
            let producer = try harness.producer()
            try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster], with: producer)
            // A checkpoint made against other topics: it has read 500 routing records this broker
            // never had, which routed leads to a rep this roster does not know.
            var ghost = RepBook(config: ScoringConfig())
            ghost.recordRouting(repID: "R-ghost", at: Timestamp(millisecondsSinceEpoch: 1_767_571_200_000))
            let positions: [Snapshot.OutputPosition] = [.init(topic: "lead-routing", partition: 0, offset: 500)]
            let writer = StateTopicWriter(topic: "leadscore-state", producer: producer)
            try writer.write(RepCheckpoint(book: ghost, uplift: UpliftTally(maxLeads: 10), positions: positions).encode(), kind: .base,
                             inputTopic: "rep-events", partition: StateTopic.repPartition, nextOffset: 500, positions: positions,
                             configVersion: "", writtenAtMillis: 1)
            let config = try harness.writeConfig(name: "stale-reps")
            let port = try LoopbackPort.free()
            let daemon = try harness.startDaemon(config: config, name: "stale-reps", httpPort: port)
            try await DaemonHarness.waitUntil(seconds: 60, daemon) { await DaemonHarness.get(port: port, "/readyz")?.status == 200 }
            let reps = String(decoding: try #require(await DaemonHarness.get(port: port, "/reps")).body, as: UTF8.self)
            daemon.kill(SIGTERM)
            #expect(await daemon.wait(timeout: .seconds(10)))
            #expect(reps.contains("R-solo") && !reps.contains("R-ghost"), "\(reps)")
            #expect(daemon.output().contains("rep state checkpoint not used"), "\(daemon.output().suffix(2_000))")
        }
    }
}
