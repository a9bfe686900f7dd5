import Foundation
import LeadScoreKafka
import Synchronization

/// Names and limits of the state topic's records, in one place (the reader uses them too).
enum StateTopic {
    /// Header naming what a record is: `chunk`, `commit` or `tombstone`.
    static let kindHeader = "leadscore-state"
    /// On a chunk: its checkpoint's id (decimal) and its index in the checkpoint.
    static let idHeader = "leadscore-state-id"
    static let indexHeader = "leadscore-state-chunk"
    static let chunk = "chunk"
    static let commit = "commit"
    /// A chunk's key with no value: the chain it belonged to is superseded, and a broker that
    /// compacts the topic may delete it.
    static let tombstone = "tombstone"
    /// Largest chunk: well under the 1 MB a broker accepts by default (`message.max.bytes`).
    static let chunkBytes = 512 * 1024
    /// The `partition` of the rep state's checkpoints (`RepCheckpoint`), whose `topic` is the rep
    /// events topic: they cover every partition of it and of the routing topic.
    static let repPartition: Int32 = -1
    /// The state partition rep checkpoints go to.
    static let repStatePartition: Int32 = 0
    /// The records' keys, made for a broker that compacts the topic (which keeps only the newest
    /// record of each key): every chunk has a key of its own (its partition, link id and index), so
    /// compaction never removes a chunk that a commit still names; only the tombstone the writer
    /// sends once the chain is superseded by a newer base does. Commits are keyed by partition and
    /// writer, so compaction keeps each writer's newest commit: a paused instance's late commit
    /// never hides its successor's. `topic/*` stands for the rep state.
    static func chunkKey(topic: String, partition: Int32, link: UInt64, index: Int) -> [UInt8] {
        Array("\(scope(topic, partition))/\(link)/\(index)".utf8)
    }

    /// See `chunkKey`.
    static func commitKey(topic: String, partition: Int32, writer: UInt64) -> [UInt8] {
        Array("\(scope(topic, partition))/commit/\(writer)".utf8)
    }

    private static func scope(_ topic: String, _ partition: Int32) -> String {
        "\(topic)/\(partition == repPartition ? "*" : String(partition))"
    }
    /// The state partition a checkpoint of `partition` goes to.
    static func statePartition(of partition: Int32) -> Int32 { partition == repPartition ? repStatePartition : partition }
}

/// Writes checkpoints of lead partitions to the state topic: the checkpoint's chunks, and once
/// the broker has acknowledged every one of them, the commit marker that names them.
///
/// Uses its own producer (idempotent, outside any transaction of the outputs), so waiting for a
/// checkpoint never waits for outputs. Two writers share it: the snapshot writer's (lead
/// partitions) and the rep feed's (rep state), each used by its one thread.
final class StateTopicWriter: @unchecked Sendable {
    // @unchecked Sendable: created on the start-up thread, then used by one thread only, the
    // snapshot writer's or the rep feed's (`chains` and `nextID` have no other user; the
    // producer is thread-safe).
    let topic: String
    private let producer: KafkaProducer
    private let timeout: Duration
    /// The newest commit this process wrote for each partition: the chain the next delta extends.
    private var chains: [Int32: StateCommit] = [:]
    /// The newest commit in the topic when a partition was restored (another writer's, or an
    /// earlier process's): its chain is tombstoned once this writer's first base is committed.
    private var adopted: [Int32: StateCommit] = [:]
    private var nextID: UInt64
    /// Keys this writer's commits (see `StateTopic.commitKey`).
    let writerID: UInt64

    init(topic: String, producer: KafkaProducer, timeout: Duration = .seconds(60)) {
        self.topic = topic
        self.producer = producer
        self.timeout = timeout
        // Ids only need to differ between checkpoints of one partition; a random high part keeps
        // two processes (a zombie and its successor) from reusing each other's.
        self.nextID = UInt64.random(in: 1...(UInt64.max >> 16)) << 16
        self.writerID = UInt64.random(in: 1...UInt64.max)
    }

    /// Takes note of the newest commit found in the topic for a restored partition, so its chain is
    /// tombstoned once this writer has committed a base of its own. Call from the writer's thread.
    func adopt(_ commit: StateCommit) {
        guard chains[commit.partition] == nil else { return }
        adopted[commit.partition] = commit
    }

    /// Whether the next checkpoint of `partition` under `configVersion` may be a delta: this
    /// process wrote the chain's last link, under the same configuration, and the deltas so far
    /// weigh less than the base (after that a new base is cheaper to read than the chain).
    func canExtend(partition: Int32, configVersion: String) -> Bool {
        guard let chain = chains[partition], chain.configVersion == configVersion, let base = chain.chain.first else { return false }
        return chain.deltaBytes < base.bytes
    }

    /// Forgets a partition's chain: its next checkpoint is a base.
    func reset(_ partition: Int32) { chains[partition] = nil }

    /// Writes one checkpoint and returns its commit. `kind` must be `.base` unless `canExtend` said
    /// yes for this partition and configuration. On failure the partition's chain is forgotten, so
    /// the next checkpoint is a base (a delta must never follow a link no commit names). Once a
    /// base is committed, the chain it supersedes (this writer's previous one, or the one adopted
    /// at restore) is tombstoned, so a compacting broker keeps about one chain per partition.
    @discardableResult
    func write(_ state: [UInt8], kind: StateCommit.Kind, inputTopic: String, partition: Int32, nextOffset: Int64,
               positions: [Snapshot.OutputPosition], configVersion: String, writtenAtMillis: Int64) throws(KafkaError) -> StateCommit {
        var chain: [StateCommit.Link] = []
        if kind == .delta {
            guard let previous = chains[partition], previous.configVersion == configVersion else {
                throw KafkaError(code: .invalidArgument, message: "a delta of partition \(partition) with no chain to extend")
            }
            chain = previous.chain
        }
        let superseded = kind == .base ? (chains[partition] ?? adopted[partition]) : nil
        chains[partition] = nil
        nextID &+= 1
        let id = nextID
        let statePartition = StateTopic.statePartition(of: partition)
        var records: [(key: [UInt8], value: [UInt8]?, headers: [KafkaHeader])] = []
        var start = 0
        repeat {
            let end = min(state.count, start + StateTopic.chunkBytes)
            records.append((StateTopic.chunkKey(topic: inputTopic, partition: partition, link: id, index: records.count),
                            Array(state[start..<end]), [
                KafkaHeader(name: StateTopic.kindHeader, string: StateTopic.chunk),
                KafkaHeader(name: StateTopic.idHeader, string: String(id)),
                KafkaHeader(name: StateTopic.indexHeader, string: String(records.count)),
            ]))
            start = end
        } while start < state.count
        let offsets = try produce(records, partition: statePartition)
        chain.append(StateCommit.Link(id: id, kind: kind, firstOffset: offsets.first ?? 0, lastOffset: offsets.last ?? 0,
                                      chunks: UInt32(records.count), bytes: UInt64(state.count),
                                      checksum: state.withUnsafeBytes { Checksum64.hash($0) }))
        let commit = StateCommit(topic: inputTopic, partition: partition, nextOffset: nextOffset, outputPositions: positions,
                                 configVersion: configVersion, writtenAtMillis: writtenAtMillis, chain: chain)
        _ = try produce([(StateTopic.commitKey(topic: inputTopic, partition: partition, writer: writerID), commit.encode(),
                          [KafkaHeader(name: StateTopic.kindHeader, string: StateTopic.commit)])], partition: statePartition)
        chains[partition] = commit
        if let superseded {
            adopted[partition] = nil
            let current = Set(commit.chain.map(\.id))
            var tombstones: [(key: [UInt8], value: [UInt8]?, headers: [KafkaHeader])] = []
            for link in superseded.chain where !current.contains(link.id) {
                for index in 0..<Int(link.chunks) {
                    tombstones.append((StateTopic.chunkKey(topic: inputTopic, partition: partition, link: link.id, index: index), nil,
                                       [KafkaHeader(name: StateTopic.kindHeader, string: StateTopic.tombstone)]))
                }
            }
            // The checkpoint is complete without them: a tombstone that does not arrive leaves a
            // superseded chain to the topic's retention, nothing worse.
            do throws(KafkaError) { _ = try produce(tombstones, partition: statePartition) } catch {}
        }
        return commit
    }

    /// Produces records to one partition, in order, and waits for every acknowledgement; returns
    /// their offsets.
    private func produce(_ records: [(key: [UInt8], value: [UInt8]?, headers: [KafkaHeader])],
                         partition: Int32) throws(KafkaError) -> [Int64] {
        guard !records.isEmpty else { return [] }
        let acks = Acknowledgements(count: records.count)
        for (i, record) in records.enumerated() {
            try producer.produce(topic: topic, partition: partition, key: record.key, value: record.value, headers: record.headers) {
                acks.report(i, $0)
            }
        }
        return try acks.wait(until: .now + timeout, topic: topic)
    }
}

/// Collects the delivery reports of a set of records (on whichever thread serves them, mostly the
/// producer's delivery thread) for a waiter (writer thread).
private final class Acknowledgements: Sendable {
    private let results: Mutex<[Result<KafkaDeliveryReport, KafkaError>?]>
    private let remaining: DispatchSemaphore = DispatchSemaphore(value: 0)
    private let count: Int

    init(count: Int) {
        self.count = count
        results = Mutex(Array(repeating: nil, count: count))
    }

    func report(_ i: Int, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        results.withLock { $0[i] = result }
        remaining.signal()
    }

    func wait(until deadline: ContinuousClock.Instant, topic: String) throws(KafkaError) -> [Int64] {
        for _ in 0..<count {
            let left = max(0, (deadline - .now).wholeMilliseconds)
            guard remaining.wait(timeout: .now() + .milliseconds(left)) == .success else {
                throw KafkaError(code: .timeout, message: "checkpoint records to \(topic) not acknowledged in time")
            }
        }
        var offsets: [Int64] = []
        for result in results.withLock({ $0 }) {
            switch result {
            case .success(let report)?:
                guard let offset = report.offset else {
                    throw KafkaError(code: .librdkafka, message: "checkpoint record to \(topic) acknowledged without an offset")
                }
                offsets.append(offset)
            case .failure(let error)?: throw error
            case nil: throw KafkaError(code: .timeout, message: "checkpoint record to \(topic) not acknowledged")
            }
        }
        return offsets
    }
}
