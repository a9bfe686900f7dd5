import Foundation
import LeadScoreAnalysis
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// Issue 15: the state lives in Kafka. An instance with an empty disk takes a partition over from
/// the state topic's newest complete checkpoint (a base and its deltas), not from offset 0.
extension DaemonIntegrationTests {
    @Test("an instance with its own empty snapshot directory, or none, takes over from the state topic after a SIGKILL: outputs exactly once",
          .timeLimit(.minutes(6)), arguments: ["snapshots-b", "none"])
    func takeOverFromTheStateTopic(directoryB: String) async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 4)
            let configA = try harness.writeConfig(name: "state-a", snapshotInterval: "1s", snapshotDirectory: "snapshots-a")
            let configB = try harness.writeConfig(name: "state-b", snapshotInterval: "1s", snapshotDirectory: directoryB)
            let events = DaemonHarness.leadEvents(count: 40_000, leads: 6_000, seed: 15)
            let producer = try harness.producer()
            try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster], with: producer)
            let port = try LoopbackPort.free()

            // A works through the first 30k events as they arrive, so it writes a base and then
            // deltas, and is killed without a goodbye.
            let a = try harness.startDaemon(config: configA, name: "state-a", httpPort: port)
            for start in stride(from: 0, to: 30_000, by: 5_000) {
                try DaemonHarness.produce(events[start..<(start + 5_000)], with: producer)
                try await Task.sleep(for: .seconds(1))
            }
            try await DaemonHarness.waitCaughtUp(port: port, ends: try harness.inputEnds(), seconds: 120, a)
            try await Task.sleep(for: .seconds(3))
            let metrics = String(decoding: await DaemonHarness.get(port: port, "/metrics")?.body ?? Data(), as: UTF8.self)
            #expect(metrics.contains("leadscore_checkpoint_bytes_total{kind=\"base\"}"), "no base checkpoint written")
            #expect(metrics.contains("leadscore_checkpoint_bytes_total{kind=\"delta\"}"), "no delta checkpoint written")
            a.kill(SIGKILL)
            #expect(await a.wait(timeout: .seconds(10)))

            // B has never seen these partitions and has no snapshot file.
            try DaemonHarness.produce(events[30_000...], with: producer)
            let ends = try harness.inputEnds()
            let b = try harness.startDaemon(config: configB, name: "state-b", httpPort: port)
            try await DaemonHarness.waitCaughtUp(port: port, ends: ends, seconds: 120, b)
            b.kill(SIGTERM)
            #expect(await b.wait(timeout: .seconds(10)), "SIGTERM did not stop B within 10 s")
            #expect(b.terminationStatus == 0, "B: \(b.output().suffix(2_000))")
            if directoryB == "none" {
                #expect(!FileManager.default.fileExists(atPath: harness.directory.appendingPathComponent("none").path))
                #expect(b.output().contains("none (state topic only)"))
            }

            let restores = b.output().split(separator: "\n").filter { $0.contains("partition restored") }
            #expect(restores.count == 4, "B restored \(restores.count) partitions:\n\(b.output().suffix(3_000))")
            for line in restores {
                #expect(line.contains("leadscore.restore_source=kafka"), "not restored from the state topic: \(line)")
                #expect(!line.contains("kafka.offset=0 "), "restored at offset 0: \(line)")
            }

            let (problems, records) = try harness.verifyExactlyOnce(expected: try harness.expectedOutputs(
                repEvents: [try EventDecoder().decode(DaemonHarness.soloRoster)]))
            #expect(records > 5_000)
            #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10).joined(separator: "\n"))")
        }
    }
}

extension DaemonIntegrationTests {
    @Test("a state topic with fewer partitions than lead-events stops the start with what to do", .timeLimit(.minutes(2)))
    func stateTopicTooSmall() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 4)
            try await broker.createTopic("leadscore-state", partitions: 2)
            let config = try harness.writeConfig(name: "small-state")
            let daemon = try harness.startDaemon(config: config, name: "small-state", httpPort: try LoopbackPort.free())
            #expect(await daemon.wait(timeout: .seconds(60)), "the daemon did not stop: \(daemon.output().suffix(2_000))")
            #expect(daemon.terminationStatus != 0)
            #expect(daemon.output().contains("the state topic leadscore-state has 2 partitions but lead-events has 4"),
                    "\(daemon.output().suffix(2_000))")
        }
    }
}

/// The state topic's records on a real broker: chunks and commit markers written by
/// `StateTopicWriter`, read back by `StateTopicReader`.
@Suite("State topic (Tansu)", .serialized)
struct StateTopicTests {
    @Test("the newest complete checkpoint is found from the end and read whole; a checkpoint without its commit is never used")
    func newestCompleteCheckpoint() async throws {
        try await TansuBroker.withBroker { broker in
            try await broker.createTopic("state", partitions: 2)
            let configuration = KafkaConfiguration(bootstrap: broker.bootstrap, clientID: "state-test")
            let producer = try KafkaProducer(configuration: configuration, logger: DaemonHarness.logger)
            let writer = StateTopicWriter(topic: "state", producer: producer)
            let positions = [Snapshot.OutputPosition(topic: "lead-scores", partition: 0, offset: 17)]

            // A book that changes between checkpoints, on partition 1.
            var book = LeadBook(config: ScoringConfig())
            var stream = SyntheticStream(.init(events: 6_000, leads: 400, reps: 3, seed: 9))
            let decoder = EventDecoder()
            var line: [UInt8] = []
            var outputs: [OutputEvent] = []
            var reps = RepBook(config: ScoringConfig())
            func feed(_ n: Int) {
                var fed = 0
                while fed < n, stream.next(into: &line) {
                    defer { line.removeAll(keepingCapacity: true) }
                    guard let event = try? decoder.decode(Array(line.dropLast())), !event.isRepEvent else { continue }
                    outputs.removeAll(keepingCapacity: true)
                    book.apply(event, reps: &reps, into: &outputs)
                    fed += 1
                }
            }
            var expected: [[UInt8]] = []
            func checkpoint(_ kind: StateCommit.Kind, next: Int64) throws {
                var copy = book
                var bytes: [UInt8] = []
                if kind == .base { copy.serialize(into: &bytes) } else { copy.serializeDelta(into: &bytes) }
                book.markCheckpointed()
                var full: [UInt8] = []
                book.serialize(into: &full)
                expected.append(full)
                try writer.write(bytes, kind: kind, inputTopic: "lead-events", partition: 1, nextOffset: next,
                                 positions: positions, configVersion: "v1", writtenAtMillis: 1)
            }
            feed(2_000)
            try checkpoint(.base, next: 2_000)
            #expect(writer.canExtend(partition: 1, configVersion: "v1"))
            #expect(!writer.canExtend(partition: 1, configVersion: "v2"), "another configuration starts a new base")
            feed(300)
            try checkpoint(.delta, next: 2_300)
            feed(300)
            try checkpoint(.delta, next: 2_600)
            // Chunks of a checkpoint whose commit never came (a crash between the two).
            for i in 0..<3 {
                _ = try await producer.send(topic: "state", partition: 1, key: Array("lead-events/1".utf8), value: [UInt8](repeating: 7, count: 100),
                                            headers: [KafkaHeader(name: StateTopic.kindHeader, string: StateTopic.chunk),
                                                      KafkaHeader(name: StateTopic.idHeader, string: "1"),
                                                      KafkaHeader(name: StateTopic.indexHeader, string: String(i))])
            }

            let ends = try TopicEnds.read(configuration: configuration, topics: ["state"], timeout: .seconds(30), logger: DaemonHarness.logger)
            let end = try #require(ends[KafkaTopicPartition(topic: "state", partition: 1)])
            // A first window of 2 records makes the search step back past the orphan chunks.
            var reader = StateTopicReader(configuration: configuration, topic: "state", logger: DaemonHarness.logger)
            reader.firstWindow = 2
            let loaded = try #require(try reader.newest(inputTopic: "lead-events", partition: 1, end: end))
            #expect(loaded.commit.nextOffset == 2_600)
            #expect(loaded.commit.outputPositions == positions)
            #expect(loaded.commit.chain.map(\.kind) == [.base, .delta, .delta])
            #expect(loaded.links.count == 3)
            let restored = try LeadBook(deserializing: loaded.links[0], deltas: Array(loaded.links.dropFirst()), config: ScoringConfig())
            var bytes: [UInt8] = []
            restored.serialize(into: &bytes)
            #expect(bytes == expected.last, "the chain restores the book as it was at the newest commit")

            // A local copy as new as the newest commit: nothing to read.
            #expect(try reader.newest(inputTopic: "lead-events", partition: 1, end: end, after: 2_600) == nil)
            #expect(try reader.newest(inputTopic: "lead-events", partition: 1, end: end, after: 2_599)?.commit.nextOffset == 2_600)
            // Nothing for the other partition; nothing for another input topic.
            #expect(try reader.newest(inputTopic: "lead-events", partition: 0, end: 0) == nil)
            #expect(try reader.newest(inputTopic: "other-events", partition: 1, end: end) == nil)
            producer.close()
        }
    }

    @Test("a commit marker round-trips; damaged or truncated bytes are an error, never a trap")
    func commitCodec() throws {
        let commit = StateCommit(
            topic: "lead-events", partition: 3, nextOffset: 99, outputPositions: [.init(topic: "lead-routing", partition: 1, offset: 5)],
            configVersion: "abc", writtenAtMillis: 42,
            chain: [.init(id: 7, kind: .base, firstOffset: 10, lastOffset: 12, chunks: 3, bytes: 1_200_000, checksum: 1),
                    .init(id: 8, kind: .delta, firstOffset: 14, lastOffset: 14, chunks: 1, bytes: 900, checksum: 2)])
        let bytes = commit.encode()
        #expect(try StateCommit.decode(bytes) == commit)
        #expect(commit.firstChunkOffset == 10 && commit.deltaBytes == 900)
        for cut in [0, 5, 20, bytes.count - 1] {
            #expect(throws: SnapshotFileError.self) { try StateCommit.decode(Array(bytes[0..<cut])) }
        }
        var flipped = bytes
        flipped[30] ^= 0x40
        #expect(throws: SnapshotFileError.self) { try StateCommit.decode(flipped) }
    }
}
