import Crdkafka

/// The group membership a consumer had when it was taken (group, generation, member id), for
/// `KafkaProducer.sendOffsetsToTransaction`. The broker fences a transaction whose metadata names
/// an older generation, so a zombie's offsets are refused.
///
/// Taken on the consumer's polling thread (`KafkaConsumer.groupMetadata()`) and handed to
/// producers on other threads: the consumer itself stays with its one polling thread.
public final class KafkaConsumerGroupMetadata: Sendable {
    // The handle is an immutable copy owned by this object: librdkafka only reads it.
    nonisolated(unsafe) let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { rd_kafka_consumer_group_metadata_destroy(handle) }
}

extension KafkaConsumer {
    /// The consumer's current group membership (nil before it joined a group). Call from the
    /// polling thread, e.g. after each rebalance.
    public func groupMetadata() -> KafkaConsumerGroupMetadata? {
        core.groupMetadata().map(KafkaConsumerGroupMetadata.init(handle:))
    }
}
