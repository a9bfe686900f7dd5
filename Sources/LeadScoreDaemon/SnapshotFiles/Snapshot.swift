import LeadScoreKafka

/// One partition's saved state: the scoring core's serialized lead state plus the positions it
/// corresponds to.
///
/// Recovery loads the newest valid snapshot of a partition, replays the input from `nextOffset`,
/// and suppresses outputs already present in the output topics after `outputPositions` (see
/// `OutputDeduplicator`), which is what makes a `kill -9` at any moment lose and duplicate nothing.
struct Snapshot: Equatable, Sendable {
    /// Where one output partition stood when the snapshot was taken: every output this instance
    /// produced for the snapshotted state lies below `offset`.
    struct OutputPosition: Equatable, Sendable, Hashable {
        var topic: String
        var partition: Int32
        var offset: Int64

        /// The output partition it names.
        var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
    }

    /// Input topic of the partition.
    var topic: String
    /// Input partition.
    var partition: Int32
    /// The next input offset to read: everything below it is reflected in `state`.
    var nextOffset: Int64
    /// Output partitions' positions (after a producer flush) when the snapshot was taken.
    var outputPositions: [OutputPosition]
    /// The configuration version that produced the state.
    var configVersion: String
    /// Wall-clock time the snapshot was written (milliseconds since the epoch), for the age metric.
    var writtenAtMillis: Int64
    /// The scoring core's serialized lead state for this partition.
    var state: [UInt8]
}
