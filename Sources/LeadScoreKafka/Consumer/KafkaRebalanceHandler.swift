/// The application's part in a group rebalance, called synchronously on the polling thread from
/// inside `KafkaConsumer.poll` (or `close`).
///
/// The handler may call the consumer's `storeOffset`, `commit`, `committed` and `seek` from these
/// methods (for example to commit processed work before partitions go away), but must not call
/// `poll`. Works the same for the cooperative (incremental) and the eager protocol; with the eager
/// protocol every rebalance revokes and re-assigns the whole assignment.
public protocol KafkaRebalanceHandler: Sendable {
    /// Partitions were added to the assignment. Return, for any of them, where to start reading
    /// (for example from the application's snapshot); partitions left out start from the group's
    /// committed offset (or `auto.offset.reset`).
    func assigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaStartOffset]
    /// Of the partitions just assigned, those to keep paused (no fetch) until the application
    /// resumes them, for example while it restores their state on another thread: it then calls
    /// `seek` and `resume` from the polling thread. Called right after `assigned`.
    func pausedAfterAssignment(_ partitions: [KafkaTopicPartition]) -> Set<KafkaTopicPartition>
    /// Partitions are about to be removed from the assignment. Called before the wrapper
    /// unassigns them, so their offsets can still be stored and committed.
    func revoked(_ partitions: [KafkaTopicPartition])
    /// Partitions were lost (the session timed out or the group moved on): another member may
    /// already own them, so committing for them would fail; drop their state instead.
    func lost(_ partitions: [KafkaTopicPartition])
}

extension KafkaRebalanceHandler {
    /// Default: start every partition from its committed offset.
    public func assigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaStartOffset] { [:] }
    /// Default: none; every assigned partition is fetched at once.
    public func pausedAfterAssignment(_ partitions: [KafkaTopicPartition]) -> Set<KafkaTopicPartition> { [] }
    /// Default: nothing to do.
    public func revoked(_ partitions: [KafkaTopicPartition]) {}
    /// Default: same as `revoked`.
    public func lost(_ partitions: [KafkaTopicPartition]) { revoked(partitions) }
}
