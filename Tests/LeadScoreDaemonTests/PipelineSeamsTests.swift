import Foundation
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import Synchronization
import Testing

/// The small state machines and rules where the pipeline's threads meet, in process.
@Suite("Pipeline seams")
struct PipelineSeamsTests {
    @Test("a delivery token names every output topic and keeps the input timestamp", arguments: OutputTopic.allCases)
    func tokenRoundTrip(_ topic: OutputTopic) throws {
        #expect(UInt64(1) << OutputPublisher.Token.topicBits > UInt64(OutputTopic.allCases.map(\.rawValue).max() ?? 0),
                "the topic field is wide enough for every output topic")
        for stamp in [nil, Int64(0), Int64(1_764_000_000_123)] as [Int64?] {
            let token = OutputPublisher.Token(topic: topic, inputTimestamp: stamp)
            let decoded = try #require(OutputPublisher.Token(raw: token.raw))
            #expect(decoded == token)
        }
    }

    @Test("a lead lookup completes once: with the owner's answer, with nil when nobody has it, or at its deadline")
    func leadLookup() async throws {
        var book = LeadBook(config: ScoringConfig())
        var reps = RepBook(config: ScoringConfig())
        var outputs: [OutputEvent] = []
        let event = try EventDecoder().decode(Array(
            #"{"event_id":"e1","type":"engagement","lead_id":"L-1","signal":"web_visit","occurred_at":"2026-11-01T00:00:00Z"}"#.utf8))
        book.apply(event, reps: &reps, into: &outputs)
        let view = try #require(book.view(leadID: "L-1"))
        // The owner answers second: the "not mine" before it does not end the lookup.
        let found = LeadLookup(workers: 3)
        async let a: LeadView? = withCheckedContinuation { found.wait($0) }
        found.reply(nil)
        found.reply(view)
        found.reply(nil)
        found.expire()
        #expect(await a?.leadID == "L-1")

        let nobody = LeadLookup(workers: 2)
        nobody.reply(nil)
        nobody.reply(nil)
        #expect(await withCheckedContinuation { nobody.wait($0) } == nil, "answers that came before the wait count")

        let silent = LeadLookup(workers: 2)
        async let b: LeadView? = withCheckedContinuation { silent.wait($0) }
        silent.reply(nil)
        silent.expire()
        silent.reply(view)
        #expect(await b == nil, "a worker that answers after the deadline changes nothing")
    }

    @Test("a snapshot that points past the partitions' ends is from another broker or topic incarnation")
    func staleSnapshots() {
        func snapshot(next: Int64, outputs: [(String, Int32, Int64)]) -> Snapshot {
            Snapshot(topic: "lead-events", partition: 0, nextOffset: next,
                     outputPositions: outputs.map { Snapshot.OutputPosition(topic: $0.0, partition: $0.1, offset: $0.2) },
                     configVersion: "v", writtenAtMillis: 0, state: [])
        }
        let ends: [KafkaTopicPartition: Int64] = [
            KafkaTopicPartition(topic: "lead-events", partition: 0): 40,
            KafkaTopicPartition(topic: "lead-scores", partition: 0): 12,
        ]
        #expect(Pipeline.staleness(of: snapshot(next: 40, outputs: [("lead-scores", 0, 12)]), ends: ends) == nil, "at the ends: in use")
        #expect(Pipeline.staleness(of: snapshot(next: 3, outputs: [("lead-scores", 0, 0)]), ends: ends) == nil)
        #expect(Pipeline.staleness(of: snapshot(next: 41, outputs: []), ends: ends)?.contains("ends at 40") == true)
        #expect(Pipeline.staleness(of: snapshot(next: 5, outputs: [("lead-scores", 0, 13)]), ends: ends)?.contains("lead-scores[0]") == true)
        #expect(Pipeline.staleness(of: snapshot(next: 5, outputs: [("lead-scores", 7, 0)]), ends: ends)?.contains("does not exist") == true)
    }

    @Test("the recovery scan reads every output partition a restored partition's snapshot does not name from the beginning")
    func recoveryScanStarts() {
        func position(_ topic: String, _ partition: Int32, _ offset: Int64) -> Snapshot.OutputPosition {
            Snapshot.OutputPosition(topic: topic, partition: partition, offset: offset)
        }
        func snapshot(_ id: Int32, next: Int64, _ outputs: [Snapshot.OutputPosition]) -> Snapshot {
            Snapshot(topic: "lead-events", partition: id, nextOffset: next, outputPositions: outputs,
                     configVersion: "v", writtenAtMillis: 0, state: [])
        }
        let outputs = [KafkaTopicPartition(topic: "lead-scores", partition: 1), KafkaTopicPartition(topic: "lead-scores", partition: 0),
                       KafkaTopicPartition(topic: "lead-routing", partition: 0)]
        let full = snapshot(0, next: 900, [position("lead-scores", 0, 300), position("lead-scores", 1, 280), position("lead-routing", 0, 90)])
        // Taken while a partition restored without a snapshot still held recovered outputs: it
        // records no positions, and its partition replays from offset 0.
        let early = snapshot(1, next: 0, [])
        let partial = snapshot(2, next: 50, [position("lead-scores", 0, 10)])

        let fromFull = Pipeline.scanPositions(after: full, outputPartitions: outputs)
        #expect(fromFull.map(\.offset) == [90, 300, 280], "one per output partition, in order, as recorded")
        #expect(Pipeline.scanPositions(after: early, outputPartitions: outputs).allSatisfy { $0.offset == 0 })
        #expect(Pipeline.scanPositions(after: nil, outputPartitions: outputs).map(\.offset) == [0, 0, 0])
        #expect(Pipeline.scanPositions(after: partial, outputPartitions: outputs).map(\.offset) == [0, 10, 0])

        // Restored together, the scan starts where the earliest of them needs it.
        let starts = Pipeline.scanStarts([fromFull, Pipeline.scanPositions(after: early, outputPartitions: outputs)])
        #expect(starts.count == 3 && starts.values.allSatisfy { $0 == 0 },
                "a snapshot without positions must not let another partition's positions skip its outputs: \(starts)")
        #expect(Pipeline.scanStarts([fromFull]) == Dictionary(uniqueKeysWithValues: zip(outputs.sorted(), [90, 300, 280])))

        // What a worker records for a snapshot while it still holds recovered outputs: the scan's
        // positions, every output partition named.
        let restored = RestoredPartition(partition: 1, book: LeadBook(config: ScoringConfig()), snapshot: early, found: .init(),
                                         scanPositions: Pipeline.scanPositions(after: early, outputPartitions: outputs))
        let worker = WorkerPartition(restored: restored, topic: "lead-events", now: .now)
        #expect(worker.restoredPositions.count == 3 && worker.restoredPositions.allSatisfy { $0.offset == 0 })
    }

    @Test("errors keep their cause and its flags")
    func typedErrors() {
        let cause = KafkaError(code: .timeout, message: "flush: 3 messages still outstanding", isRetriable: true)
        let error = DaemonError(.snapshot, "flush before snapshot failed", partition: 3, underlying: cause)
        #expect(error.code == .snapshot)
        #expect(error.isRetriable && !error.isFatal)
        #expect((error.underlying as? KafkaError)?.code == .timeout)
        #expect(error.description.contains("partition 3") && error.description.contains("outstanding"))
        let fatal = DaemonError(.worker, "stopped", underlying: DaemonError(.kafka, "poll", underlying: KafkaError(code: .librdkafka, message: "x", isFatal: true)))
        #expect(fatal.isFatal)
    }
}

@Suite("Configuration file watcher")
struct ConfigFileWatcherTests {
    @Test("an edit is a change once; a missing file is not; a rewrite with the same bytes is one only if its time moved")
    func changes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString.prefix(8)).yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        try "scoring:\n  buckets: {A: 70}\n".write(to: url, atomically: true, encoding: .utf8)
        var watcher = ConfigFileWatcher(path: url.path)
        var changed = watcher.changed()
        #expect(!changed, "nothing happened yet")
        try "scoring:\n  buckets: {A: 75}\n".write(to: url, atomically: true, encoding: .utf8)
        changed = watcher.changed()
        #expect(changed)
        changed = watcher.changed()
        #expect(!changed, "the same edit is reported once")
        try FileManager.default.removeItem(at: url)
        changed = watcher.changed()
        #expect(!changed, "a missing file keeps the running configuration")
        try "scoring:\n  buckets: {A: 80}\n".write(to: url, atomically: true, encoding: .utf8)
        changed = watcher.changed()
        #expect(changed, "the file is back with other content")
    }
}

@Suite("Membership fence")
struct MembershipFenceTests {
    @Test("a running watchdog keeps the fence open however often it is checked (a tick racing the check is no pause)")
    func noFalseAlarm() async throws {
        let fence = MembershipFence(sessionTimeout: .seconds(2))
        let closed = Atomic<Bool>(false)
        fence.start { _ in closed.store(true, ordering: .relaxed) }
        defer { fence.stop() }
        let until = ContinuousClock.now.advanced(by: .milliseconds(1500))
        var checks = 0
        while ContinuousClock.now < until || checks < 100_000 {
            for _ in 0..<10_000 {
                let isClosed = fence.isClosed
                if isClosed { Issue.record("the fence closed while the watchdog ran"); return }
                checks += 1
            }
            await Task.yield()
        }
        let alarmed = closed.load(ordering: .relaxed)
        #expect(!alarmed)
    }
}

@Suite("Partition states in /summary")
struct PartitionStateTests {
    @Test("each assigned partition says whether it is live, replaying, restoring, or paused and why")
    func states() throws {
        func summary(_ id: Int32, next: Int64, target: Int64) -> PartitionSummary {
            PartitionSummary(partition: id, nextOffset: next, leads: 3, buckets: [0, 0, 0, 0, 0],
                             streamTime: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000), configVersion: "v", eventsIn: 3,
                             restoreTarget: target, restoredFrom: id == 1 ? 2 : 0, restoreSource: id == 1 ? "kafka" : "rebuild")
        }
        let document = SummaryDocument(
            pid: 1, configVersion: "v", ready: false, workers: 1, published: [0: summary(0, next: 40, target: 40), 1: summary(1, next: 7, target: 90)],
            unrestored: [2: nil, 3: "the recovery scan of the output topics failed"], recent: [],
            drift: .init(status: BucketMixHistory.Status(psi: nil, reading: "", baselineAt: nil, sampledAt: nil), fullAt: nil, window: 1, samples: []),
            uplift: UpliftReport(UpliftTally(maxLeads: 10).counts, maxLeads: 10))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(document.json)) as? [String: Any])
        let partitions = try #require(json["partitions"] as? [[String: Any]])
        #expect(partitions.map { $0["state"] as? String } == ["live", "replaying", "restoring", "paused"])
        #expect(partitions[1]["restore_target"] as? Int == 90)
        // Restored from the state topic at offset 2, replayed to 7 of 90: 5 of 88.
        #expect(partitions[1]["restore_source"] as? String == "kafka")
        #expect(abs((partitions[1]["restore_progress"] as? Double ?? -1) - 5.0 / 88.0) < 1e-9)
        #expect(partitions[0]["restore_progress"] == nil, "a live partition has nothing left to replay")
        let page = String(decoding: DashboardPage.render(summary: document, reps: []), as: UTF8.self)
        #expect(page.contains("<tr id=\"partition-1\"><td class=\"n\">1</td><td class=\"state\">replaying \(NumberText.percent(5.0 / 88.0))</td><td>kafka</td>"),
                "\(page)")
        #expect(page.contains("<tr id=\"partition-3\"><td class=\"n\">3</td><td class=\"state\">paused</td>"))
        #expect(page.contains("the recovery scan of the output topics failed"))
        #expect((partitions[3]["problem"] as? String)?.contains("recovery scan") == true)
        #expect(partitions[2]["next_offset"] == nil, "a partition still restoring has no position yet")
    }
}
