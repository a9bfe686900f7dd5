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
            var book = CheckpointedBook(seed: 9, leads: 400, events: 6_000)
            func feed(_ n: Int) { book.feed(n) }
            func checkpoint(_ kind: StateCommit.Kind, next: Int64) throws {
                _ = try book.checkpoint(writer, kind, partition: 1, nextOffset: next, positions: positions)
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
            #expect(bytes == book.expected[2_600], "the chain restores the book as it was at the newest commit")

            // A local copy as new as the newest commit: the commit alone, no chunks read.
            let commitOnly = try #require(try reader.newest(inputTopic: "lead-events", partition: 1, end: end, after: 2_600))
            #expect(commitOnly.links.isEmpty && commitOnly.commit.nextOffset == 2_600)
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

extension DaemonIntegrationTests {
    @Test("two instances with no snapshot directory: partitions move both ways under load and the owner is SIGKILLed mid-hand-over; outputs exactly once",
          .timeLimit(.minutes(8)))
    func handOverBothWaysWithoutDisks() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 4)
            let config = try harness.writeConfig(name: "diskless", snapshotInterval: "1s", snapshotDirectory: "none")
            let events = DaemonHarness.leadEvents(count: 60_000, leads: 6_000, seed: 23)
            let producer = try harness.producer()
            try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster], with: producer)
            let portA = try LoopbackPort.free()
            let portB = try LoopbackPort.free()
            // The input streams in throughout (about 2k events/s) while partitions move.
            let feeding = Task.detached {
                for start in stride(from: 0, to: events.count, by: 2_000) {
                    try DaemonHarness.produce(events[start..<min(events.count, start + 2_000)], with: producer)
                    try await Task.sleep(for: .seconds(1))
                }
            }
            func owned(_ port: Int) async -> Set<Int32> { Set(await DaemonHarness.progress(port: port)?.keys.map { $0 } ?? []) }

            // A alone, then B joins: some partitions move A -> B.
            var a = try harness.startDaemon(config: config, name: "diskless-a1", httpPort: portA)
            try await DaemonHarness.waitUntil(seconds: 60, a) { await owned(portA).count == 4 }
            let b = try harness.startDaemon(config: config, name: "diskless-b", httpPort: portB)
            try await DaemonHarness.waitUntil(seconds: 60, b) {
                let (pa, pb) = (await owned(portA), await owned(portB))
                return !pa.isEmpty && !pb.isEmpty && pa.count + pb.count == 4
            }
            // A leaves: everything moves to B. A comes back: some partitions move B -> A.
            a.kill(SIGTERM)
            #expect(await a.wait(timeout: .seconds(15)), "SIGTERM did not stop A")
            try await DaemonHarness.waitUntil(seconds: 60, b) { await owned(portB).count == 4 }
            a = try harness.startDaemon(config: config, name: "diskless-a2", httpPort: portA)
            try await DaemonHarness.waitUntil(seconds: 60, a) { !(await owned(portA)).isEmpty }
            // B, the owner of the rest, dies while A may still be taking over; A takes it all from Kafka.
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...1_500)))
            b.kill(SIGKILL)
            #expect(await b.wait(timeout: .seconds(10)))
            try await feeding.value
            try await DaemonHarness.waitCaughtUp(port: portA, ends: try harness.inputEnds(), seconds: 180, a)
            a.kill(SIGTERM)
            #expect(await a.wait(timeout: .seconds(15)), "SIGTERM did not stop A")
            #expect(a.terminationStatus == 0, "A: \(a.output().suffix(2_000))")

            #expect(!FileManager.default.fileExists(atPath: harness.directory.appendingPathComponent("none").path))
            let restores = (a.output() + b.output()).split(separator: "\n").filter { $0.contains("partition restored") }
            #expect(restores.contains { $0.contains("leadscore.restore_source=kafka") }, "no partition came from the state topic")
            let (problems, records) = try harness.verifyExactlyOnce(expected: try harness.expectedOutputs(
                repEvents: [try EventDecoder().decode(DaemonHarness.soloRoster)]))
            #expect(records > 5_000)
            #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10).joined(separator: "\n"))")
        }
    }
}

extension StateTopicTests {
    /// What a compacting broker keeps of `records`: the newest record of each key, in log order,
    /// minus the keys whose newest record is a tombstone.
    static func compacted(_ records: ArraySlice<KafkaMessage>) -> [KafkaMessage] {
        var newest: [[UInt8]: Int64] = [:]
        for record in records { newest[record.key ?? []] = record.offset }
        return records.filter { newest[$0.key ?? []] == $0.offset && $0.value != nil }
    }

    @Test("under compaction, at every crash point, a partition's newest complete chain survives: a successor's base retires its predecessor's chain, and a paused predecessor's late delta never hides it")
    func compactionKeepsTheNewestChain() async throws {
        try await TansuBroker.withBroker { broker in
            try await broker.createTopic("state", partitions: 1)
            let configuration = KafkaConfiguration(bootstrap: broker.bootstrap, clientID: "state-compaction")
            let producer = try KafkaProducer(configuration: configuration, logger: DaemonHarness.logger)
            let first = StateTopicWriter(topic: "state", producer: producer)
            var book = CheckpointedBook(seed: 31, leads: 2_500, events: 20_000)
            func feed(_ n: Int) { book.feed(n) }
            func checkpoint(_ writer: StateTopicWriter, _ kind: StateCommit.Kind) throws -> StateCommit {
                try book.checkpoint(writer, kind, partition: 0, nextOffset: Int64(book.fed), positions: [])
            }
            // Rep checkpoints share state partition 0 under their own keys.
            let repWriter = StateTopicWriter(topic: "state", producer: producer)
            func repCheckpoint() throws {
                let payload = RepCheckpoint(book: book.reps, uplift: UpliftTally(maxLeads: 10), positions: []).encode()
                try repWriter.write(payload, kind: .base, inputTopic: "rep-events", partition: StateTopic.repPartition,
                                    nextOffset: Int64(book.fed), positions: [], configVersion: "", writtenAtMillis: 1)
            }

            // The first instance: a base, deltas, a new base, more deltas.
            feed(3_000); _ = try checkpoint(first, .base); try repCheckpoint()
            feed(200); _ = try checkpoint(first, .delta)
            feed(200); _ = try checkpoint(first, .delta); try repCheckpoint()
            feed(6_000); _ = try checkpoint(first, .base)
            feed(200); let handedOver = try checkpoint(first, .delta)
            // A successor restores from that commit and writes its own base; the first instance,
            // paused, then writes one more delta on its old chain.
            let successor = StateTopicWriter(topic: "state", producer: producer)
            successor.adopt(handedOver)
            feed(100); _ = try checkpoint(successor, .base); try repCheckpoint()
            let stateAtSuccessor = book.book
            feed(100)
            var late = book.book
            var lateBytes: [UInt8] = []
            late.serializeDelta(into: &lateBytes)
            let lateCommit = try first.write(lateBytes, kind: .delta, inputTopic: "lead-events", partition: 0, nextOffset: Int64(book.fed),
                                             positions: [], configVersion: "v1", writtenAtMillis: 1)
            book.book = stateAtSuccessor
            feed(100); _ = try checkpoint(successor, .delta)

            let reader = try KafkaPartitionReader(configuration: configuration, topics: ["state"], logger: DaemonHarness.logger)
            var records: [KafkaMessage] = []
            while !reader.isAtEnd || records.isEmpty {
                records += try reader.poll(maxMessages: 1_000, timeout: .milliseconds(200))
            }
            try reader.close()
            records.sort { $0.offset < $1.offset }

            func isRepCommit(_ record: KafkaMessage) -> Bool {
                StateTopicReader.kind(of: record) == StateTopic.commit && (try? StateCommit.decode(record.value ?? []))?.topic == "rep-events"
            }
            var sawCommit = false, sawRepCommit = false
            for cut in 1...records.count {
                let prefix = records[0..<cut]
                sawCommit = sawCommit || (StateTopicReader.kind(of: prefix.last!) == StateTopic.commit && !isRepCommit(prefix.last!))
                sawRepCommit = sawRepCommit || isRepCommit(prefix.last!)
                let kept = Self.compacted(prefix)
                let commits = kept.filter { StateTopicReader.kind(of: $0) == StateTopic.commit }
                    .compactMap { try? StateCommit.decode($0.value ?? []) }
                    .filter { $0.topic == "lead-events" }
                    .sorted { $0.nextOffset > $1.nextOffset }
                let usable = commits.lazy.compactMap { commit in StateTopicReader.assemble(commit, from: kept).map { (commit, $0) } }.first
                let repUsable = kept.filter(isRepCommit).compactMap { try? StateCommit.decode($0.value ?? []) }
                    .contains { StateTopicReader.assemble($0, from: kept) != nil }
                #expect(!sawRepCommit || repUsable, "the rep checkpoint did not survive compaction at \(cut)")
                guard sawCommit else { continue }
                let (commit, links) = try #require(usable, "no usable checkpoint after compaction of the first \(cut) records")
                let restored = try LeadBook(deserializing: links[0], deltas: Array(links.dropFirst()), config: ScoringConfig())
                var bytes: [UInt8] = []
                restored.serialize(into: &bytes)
                #expect(commit.nextOffset != lateCommit.nextOffset || commit.chain.last?.id != lateCommit.chain.last?.id,
                        "the paused instance's delta on a retired chain was used at \(cut)")
                #expect(bytes == book.expected[commit.nextOffset], "the chain at \(commit.nextOffset) does not restore its state (cut \(cut))")
            }
            // Compaction leaves about the newest chains (the successor's base and delta, the newest
            // rep checkpoint, the late delta nobody retires) and one commit per writer.
            let kept = Self.compacted(records[...])
            let chunks = kept.filter { StateTopicReader.kind(of: $0) == StateTopic.chunk }.count
            let leadCommits: [StateCommit] = kept.compactMap { try? StateCommit.decode($0.value ?? []) }.filter { $0.topic == "lead-events" }
            let newest = try #require(leadCommits.max { $0.nextOffset < $1.nextOffset })
            let newestChunks = newest.chain.reduce(0) { $0 + Int($1.chunks) }
            #expect(chunks <= newestChunks + 4, "\(chunks) chunks kept of \(records.count) records; the newest chain has \(newestChunks)")
            #expect(records.count > kept.count * 2, "compaction removed little: \(kept.count) of \(records.count)")
            producer.close()
        }
    }
}

/// A lead book fed from the synthetic stream and checkpointed through a `StateTopicWriter`, which
/// remembers the full state each checkpoint stands for (by its input offset).
struct CheckpointedBook {
    var book = LeadBook(config: ScoringConfig())
    var reps = RepBook(config: ScoringConfig())
    private var stream: SyntheticStream
    private let decoder = EventDecoder()
    private var line: [UInt8] = []
    private var outputs: [OutputEvent] = []
    /// Lead events applied so far.
    private(set) var fed = 0
    /// The full state each checkpoint stands for, by its input offset.
    private(set) var expected: [Int64: [UInt8]] = [:]

    init(seed: UInt64, leads: Int, events: Int) {
        stream = SyntheticStream(.init(events: events, leads: leads, reps: 3, seed: seed))
    }

    /// Applies the next `n` lead events of the stream.
    mutating func feed(_ n: Int) {
        let target = fed + n
        while fed < target, stream.next(into: &line) {
            defer { line.removeAll(keepingCapacity: true) }
            guard let event = try? decoder.decode(Array(line.dropLast())), !event.isRepEvent else { continue }
            outputs.removeAll(keepingCapacity: true)
            book.apply(event, reps: &reps, into: &outputs)
            fed += 1
        }
    }

    /// Writes a base (the whole book) or a delta (what changed since the last checkpoint).
    mutating func checkpoint(_ writer: StateTopicWriter, _ kind: StateCommit.Kind, partition: Int32, nextOffset: Int64,
                             positions: [Snapshot.OutputPosition]) throws -> StateCommit {
        var copy = book
        var bytes: [UInt8] = []
        if kind == .base { copy.serialize(into: &bytes) } else { copy.serializeDelta(into: &bytes) }
        book.markCheckpointed()
        var full: [UInt8] = []
        book.serialize(into: &full)
        expected[nextOffset] = full
        return try writer.write(bytes, kind: kind, inputTopic: "lead-events", partition: partition, nextOffset: nextOffset,
                                positions: positions, configVersion: "v1", writtenAtMillis: 1)
    }
}
