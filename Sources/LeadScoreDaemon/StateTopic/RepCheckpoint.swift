import LeadScoreCore
import LeadScoreKafka
import Logging

/// The rep state as the state topic holds it: the rep book as the rep events and routing topics
/// make it below `positions` (this process's decisions not yet read back taken out, see
/// `OwnDecisions`), the live uplift tally, and those positions.
///
/// Rep state is global, so one checkpoint serves every instance: it is written by the instance
/// that holds input partition 0, as a single-link chain in state partition 0 under its own key
/// (`StateTopic.repPartition`), and read at start by every instance, whose rep feed then reads
/// both topics from `positions` on instead of from their beginning.
///
/// Payload layout (little endian): `"LSREPCK\n"`, `UInt16` version, the positions, the rep book's
/// bytes (`RepBook.serialize`, length-prefixed), the uplift tally (`UpliftTally.encode`).
struct RepCheckpoint: Sendable {
    var book: RepBook
    var uplift: UpliftTally
    /// The next offset of every partition of the rep events and routing topics the state covers.
    var positions: [Snapshot.OutputPosition]
    /// The state topic's commit it was read from (not part of the payload): the rep writer
    /// tombstones its chain once it has committed a checkpoint of its own.
    var commit: StateCommit?

    static let magic: [UInt8] = Array("LSREPCK\n".utf8)
    static let formatVersion: UInt16 = 1

    /// How far the state reaches: the records it covers, summed over the partitions (the state
    /// topic reader prefers the commit that covers the most).
    var coveredRecords: Int64 { positions.reduce(0) { $0 + $1.offset } }

    func encode() -> [UInt8] {
        var repBytes: [UInt8] = []
        book.serialize(into: &repBytes)
        var out = ByteWriter(capacity: 64 + repBytes.count + 32 * positions.count)
        out.raw(Self.magic)
        out.uint16(Self.formatVersion)
        out.positions(positions)
        out.uint32(UInt32(repBytes.count))
        out.raw(repBytes)
        uplift.encode(into: &out)
        return out.bytes
    }

    /// Reads a checkpoint; damaged bytes, or a rep book the configuration cannot take (a changed
    /// `long_window`), are an error, never a trap.
    static func decode(_ bytes: [UInt8], config: ScoringConfig, upliftMaxLeads: Int) throws(SnapshotFileError) -> RepCheckpoint {
        guard bytes.count >= magic.count + 2, Array(bytes[0..<magic.count]) == magic else {
            throw SnapshotFileError(.corrupt, "not a leadscore rep checkpoint")
        }
        var r = ByteReader(bytes, from: magic.count, to: bytes.count)
        let version = try r.uint16()
        guard version == formatVersion else {
            throw SnapshotFileError(.unsupportedVersion, "rep checkpoint format \(version), this build reads \(formatVersion)")
        }
        let positions = try r.positions()
        let repBytes = try r.bytes(Int(try r.uint32()))
        let book: RepBook
        do {
            book = try RepBook(deserializing: repBytes, config: config)
        } catch {
            throw SnapshotFileError(.corrupt, "rep book: \(error)")
        }
        let uplift = try UpliftTally(decoding: &r, maxLeads: upliftMaxLeads)
        guard r.remaining == 0 else { throw SnapshotFileError(.corrupt, "\(r.remaining) unexpected bytes after the uplift tally") }
        return RepCheckpoint(book: book, uplift: uplift, positions: positions)
    }
}

extension RepCheckpoint {
    /// The newest rep checkpoint in the state topic, or nil when there is none or it cannot be
    /// used (then the feed reads both topics from their beginning, as before checkpoints, which
    /// is correct while the topics keep their history). Logs what it found, with its size and time.
    /// A checkpoint whose positions lie past where those partitions end now was made against
    /// another broker or an earlier incarnation of the topics, and is not used either.
    static func newest(configuration: KafkaConfiguration, stateTopic: String, repTopic: String, routingTopic: String,
                       config: ScoringConfig, upliftMaxLeads: Int, logger: Logger) -> RepCheckpoint? {
        let started = ContinuousClock.now
        let loaded: StateTopicReader.Loaded?
        let ends: [KafkaTopicPartition: Int64]
        do throws(KafkaError) {
            ends = try TopicEnds.read(configuration: configuration, topics: [stateTopic, repTopic, routingTopic], timeout: .seconds(30), logger: logger)
            let end = ends[KafkaTopicPartition(topic: stateTopic, partition: StateTopic.repStatePartition)] ?? 0
            loaded = try StateTopicReader(configuration: configuration, topic: stateTopic, logger: logger)
                .newest(inputTopic: repTopic, partition: StateTopic.repPartition, end: end)
        } catch {
            logger.warning("rep state checkpoint not readable; reading the rep events and routing topics from their beginning",
                           metadata: ["kafka.error": "\(error)"])
            return nil
        }
        guard let loaded, let bytes = loaded.links.last else {
            logger.info("no rep state checkpoint; reading the rep events and routing topics from their beginning")
            return nil
        }
        do throws(SnapshotFileError) {
            var checkpoint = try decode(bytes, config: config, upliftMaxLeads: upliftMaxLeads)
            checkpoint.commit = loaded.commit
            if let past = checkpoint.positions.first(where: { $0.offset > (ends[$0.topicPartition] ?? -1) }) {
                logger.warning("rep state checkpoint not used: it reads a partition from past its end (made against another broker or an earlier incarnation of the topics); reading the rep events and routing topics from their beginning", metadata: [
                    "kafka.topic": "\(past.topic)", "kafka.partition": "\(past.partition)", "kafka.offset": "\(past.offset)",
                    "kafka.end": "\(ends[past.topicPartition].map(String.init) ?? "no such partition")",
                ])
                return nil
            }
            logger.info("rep state restored", metadata: [
                "leadscore.restore_source": "kafka", "leadscore.restore_bytes": "\(bytes.count)",
                "leadscore.load_seconds": "\(Double((ContinuousClock.now - started).wholeMilliseconds) / 1000)",
                "leadscore.reps": "\(checkpoint.book.count)", "leadscore.records_covered": "\(checkpoint.coveredRecords)",
            ])
            return checkpoint
        } catch {
            logger.warning("rep state checkpoint not usable; reading the rep events and routing topics from their beginning",
                           metadata: ["leadscore.error": "\(error)", "kafka.offset": "\(loaded.offset)"])
            return nil
        }
    }
}
