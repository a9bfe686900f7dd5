import Foundation
import LeadScoreKafka
import Logging

/// Finds the newest complete checkpoint of a lead partition in the state topic and reads the
/// chunks its commit names.
///
/// The newest commit is found without reading the whole partition: windows are read backwards
/// from the partition's end (8 records, then four times as many each step) until one holds a
/// commit. The commit is normally the partition's last record, and the records before it are its
/// chunks (up to 512 kB each), so the first window is small. A commit whose chain cannot be read whole (chunks deleted by retention, damaged, or of
/// another incarnation of the topic) is passed over for the next older one. Among the commits of
/// one window, the one that resumes the input furthest wins.
struct StateTopicReader {
    /// A checkpoint read back: the commit and the bytes of each link of its chain, base first.
    struct Loaded: Sendable {
        var commit: StateCommit
        var offset: Int64
        var links: [[UInt8]]
        var records: Int
        /// Where the read's time went (for the restore's debug line).
        var timings = Timings()
        var bytes: Int { links.reduce(0) { $0 + $1.count } }
    }

    /// Seconds spent in each step of a read: creating the reader, finding the commit, reading its
    /// chunks, assembling and verifying the links.
    struct Timings: Sendable {
        var open: Duration = .zero
        var find: Duration = .zero
        var chunks: Duration = .zero
        var assemble: Duration = .zero
        /// The whole read as its caller saw it: the above, and closing and releasing the reader.
        var total: Duration = .zero
    }

    let configuration: KafkaConfiguration
    let topic: String
    let logger: Logger
    var timeout: Duration = .seconds(60)
    var firstWindow: Int64 = 8
    /// What one fetch of the state partition asks for, unless the configuration says otherwise.
    static let fetchBytes = 64 << 20

    /// The newest complete checkpoint of `partition` of `inputTopic` (`StateTopic.repPartition`:
    /// the rep state) below `end` (the state partition's end), or nil when there is none. Its
    /// chunks are read only when it resumes the input past `after`: otherwise (the local copy is
    /// as new) the commit alone comes back, with no links, and a restore pays for reading it alone.
    func newest(inputTopic: String, partition: Int32, end: Int64, after: Int64 = -1) throws(KafkaError) -> Loaded? {
        guard end > 0 else { return nil }
        var timings = Timings()
        var mark = ContinuousClock.now
        func lap() -> Duration { let now = ContinuousClock.now; defer { mark = now }; return now - mark }
        let tp = KafkaTopicPartition(topic: topic, partition: StateTopic.statePartition(of: partition))
        // A chain is ~100-150 MB for a million leads: at librdkafka's default of 1 MiB a fetch, its
        // chunks (up to 512 kB each) came back two at a time, one round trip after another.
        var configuration = configuration
        configuration.maxPartitionFetchBytes = configuration.maxPartitionFetchBytes ?? Self.fetchBytes
        configuration.fetchMaxBytes = configuration.fetchMaxBytes ?? Self.fetchBytes
        let reader = try KafkaPartitionReader(configuration: configuration, topics: [topic], defaultStart: .end,
                                              startOffsets: [tp: .offset(max(0, end - firstWindow))], logger: logger)
        defer { Self.closeInBackground(reader, logger: logger) }
        timings.open = lap()
        let deadline = ContinuousClock.now + timeout
        var high = end
        var window = firstWindow
        var first = true
        while high > 0 {
            let low = max(0, high - window)
            if !first { try reader.seek([tp: .offset(low)]) }
            first = false
            let records = try read(reader, tp, from: low, below: high, deadline: deadline)
            var commits: [(offset: Int64, commit: StateCommit)] = []
            for record in records where Self.kind(of: record) == StateTopic.commit {
                do throws(SnapshotFileError) {
                    let commit = try StateCommit.decode(record.value ?? [])
                    guard commit.topic == inputTopic, commit.partition == partition else { continue }
                    commits.append((record.offset, commit))
                } catch {
                    logger.warning("state commit not readable; passed over", metadata: [
                        "kafka.partition": "\(partition)", "kafka.offset": "\(record.offset)", "leadscore.error": "\(error)",
                    ])
                }
            }
            // The furthest input offset first, the latest written among equals: a paused instance
            // that wrote one more commit after its successor took over left a valid but older
            // state (the stream is deterministic), which must not win by position alone.
            for (offset, commit) in commits.sorted(by: { ($0.commit.nextOffset, $0.offset) > ($1.commit.nextOffset, $1.offset) }) {
                guard commit.nextOffset > after else { return Loaded(commit: commit, offset: offset, links: [], records: 1) }
                timings.find += lap()
                try reader.seek([tp: .offset(commit.firstChunkOffset)])
                let chunks = try read(reader, tp, from: commit.firstChunkOffset, below: offset, deadline: deadline)
                timings.chunks += lap()
                let assembled = Self.assemble(commit, from: chunks)
                timings.assemble += lap()
                if let links = assembled {
                    return Loaded(commit: commit, offset: offset, links: links, records: commit.chain.reduce(1) { $0 + Int($1.chunks) },
                                  timings: timings)
                }
                logger.warning("state checkpoint incomplete (chunks deleted or damaged); trying an older one", metadata: [
                    "kafka.partition": "\(partition)", "kafka.offset": "\(offset)",
                ])
            }
            high = low
            window *= 4
        }
        return nil
    }

    /// Closes and releases `reader` on a thread of its own. Closing stops librdkafka's fetcher and
    /// releasing joins its threads, which took up to a second (0 or 1.0 s, as librdkafka's timers
    /// fell) after a read that had everything it needed; the restore does not wait for it. The
    /// thread holds the last reference once the caller has returned, so the release happens there.
    private static func closeInBackground(_ reader: KafkaPartitionReader, logger: Logger) {
        let thread = Thread {
            do throws(KafkaError) { try reader.close() } catch {
                logger.debug("state reader close failed", metadata: ["kafka.error": "\(error)"])
            }
        }
        thread.name = "leadscore-state-reader-close"
        thread.start()
    }

    /// Records of `tp` with offsets in `from..<below`, read from where the reader was sought.
    private func read(_ reader: KafkaPartitionReader, _ tp: KafkaTopicPartition, from: Int64, below: Int64,
                      deadline: ContinuousClock.Instant) throws(KafkaError) -> [KafkaMessage] {
        var out: [KafkaMessage] = []
        var seen = from - 1
        while seen < below - 1 {
            guard ContinuousClock.now < deadline else {
                throw KafkaError(code: .timeout, message: "reading \(tp) from \(from) to \(below) did not finish within \(timeout)")
            }
            let batch = try reader.poll(maxMessages: 1_000, timeout: .milliseconds(100))
            for message in batch where message.topic == tp.topic && message.partition == tp.partition {
                seen = max(seen, message.offset)
                if message.offset >= from && message.offset < below { out.append(message) }
            }
            // The records below `below` may be gone (retention) or be transaction markers, which
            // are never delivered: the partition's end is then the last word.
            if batch.isEmpty, reader.partitionsAtEnd.contains(tp),
               let high = reader.cachedWatermarks(topic: tp.topic, partition: tp.partition)?.high, high <= seen + 1 { break }
        }
        return out
    }

    /// The chain's links, each from its chunks in order and verified, or nil when one is missing
    /// or damaged.
    static func assemble(_ commit: StateCommit, from records: [KafkaMessage]) -> [[UInt8]]? {
        var byID: [UInt64: [Int: [UInt8]]] = [:]
        let wanted = Set(commit.chain.map(\.id))
        for record in records where Self.kind(of: record) == StateTopic.chunk {
            guard let id = Self.header(record, StateTopic.idHeader).flatMap(UInt64.init), wanted.contains(id),
                  let index = Self.header(record, StateTopic.indexHeader).flatMap(Int.init) else { continue }
            byID[id, default: [:]][index] = record.value ?? []
        }
        var links: [[UInt8]] = []
        for link in commit.chain {
            guard let chunks = byID[link.id], chunks.count == Int(link.chunks) else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(link.bytes))
            for i in 0..<chunks.count {
                guard let chunk = chunks[i] else { return nil }
                bytes += chunk
            }
            guard bytes.count == Int(link.bytes), bytes.withUnsafeBytes({ Checksum64.hash($0) }) == link.checksum else { return nil }
            links.append(bytes)
        }
        return links
    }

    static func kind(of record: KafkaMessage) -> String? { header(record, StateTopic.kindHeader) }

    private static func header(_ record: KafkaMessage, _ name: String) -> String? {
        record.headers.first { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}
