import Crdkafka
import Logging
import Synchronization

/// A consumer-group member: subscribes to topics and reads the partitions the group assigns it.
///
/// Made for one dedicated polling thread: `poll(maxMessages:timeout:)` blocks, and rebalances are
/// delivered synchronously on that thread through the `KafkaRebalanceHandler` given at creation.
/// Offsets are never stored automatically: call `storeOffset` with the next offset to read once a
/// message is processed, then `commit()` (or let `enableAutoCommit` commit stored offsets). For
/// simple uses there is `messages`, an `AsyncSequence` fed by a poll loop on its own thread, and
/// the consumer is a swift-service-lifecycle `Service` whose `run()` drives that loop.
public final class KafkaConsumer: Sendable {
    let core: RDKafkaConsumerCore
    let loop: KafkaConsumerLoop
    /// The subscribed topics.
    public let topics: [String]
    let logger: Logger

    /// Creates the consumer and subscribes. `configuration.groupID` is required.
    public init(
        configuration: KafkaConfiguration, topics: [String], rebalanceHandler: (any KafkaRebalanceHandler)? = nil,
        hooks: KafkaClientHooks = KafkaClientHooks(), logger: Logger
    ) throws(KafkaError) {
        guard let groupID = configuration.groupID, !groupID.isEmpty else {
            throw KafkaError(code: .configuration, message: "a group consumer needs a group id", key: "group.id")
        }
        guard !topics.isEmpty else {
            throw KafkaError(code: .invalidArgument, message: "no topics to subscribe to", key: "topics")
        }
        var logger = logger
        logger[metadataKey: "kafka.group"] = .string(groupID)
        let bridge = rebalanceHandler.map { handler in
            let log = logger
            return { @Sendable (rk: OpaquePointer, err: rd_kafka_resp_err_t, list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) in
                KafkaConsumer.rebalance(rk: rk, err: err, list: list, handler: handler, logger: log)
            }
        }
        let client = try RDKafkaClient(
            type: RD_KAFKA_CONSUMER, properties: configuration.librdkafkaProperties(for: .groupConsumer),
            logger: logger, hooks: hooks, rebalance: bridge)
        self.core = RDKafkaConsumerCore(client: client)
        self.topics = topics
        self.logger = logger
        self.loop = KafkaConsumerLoop()
        let err = RDKafkaTopicPartitionList.with(topics.map { (KafkaTopicPartition(topic: $0, partition: leadscore_partition_ua), 0) }) {
            rd_kafka_subscribe(client.handle, $0)
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(err, context: "subscribe to \(topics.joined(separator: ","))", key: "topics")
        }
    }

    deinit {
        loop.requestStop()
    }

    /// Blocking batch poll, for one dedicated thread: waits up to `timeout` for a first message and
    /// returns up to `maxMessages` already-fetched ones. Rebalance callbacks run inside this call.
    public func poll(maxMessages: Int, timeout: Duration) throws(KafkaError) -> [KafkaMessage] {
        try core.poll(maxMessages: maxMessages, timeout: timeout)
    }

    /// Like `poll`, but the records stay in librdkafka's buffers until the batch is released:
    /// the hot path of a consumer that reads bytes in place (see `KafkaRecordBatch`).
    public func pollRecords(maxMessages: Int, timeout: Duration) throws(KafkaError) -> KafkaRecordBatch {
        try core.pollRecords(maxMessages: maxMessages, timeout: timeout)
    }

    /// Stores the next offset to read for a partition (the processed message's offset + 1); the
    /// next commit (explicit or automatic) sends it.
    public func storeOffset(topic: String, partition: Int32, offset: Int64) throws(KafkaError) {
        try core.storeOffsets([KafkaTopicPartition(topic: topic, partition: partition): offset])
    }

    /// Stores several next-offsets at once.
    public func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        try core.storeOffsets(offsets)
    }

    /// Commits the stored offsets, blocking until the coordinator answers. No stored offset to
    /// commit is not an error.
    public func commit() throws(KafkaError) { try core.commit(nil, async: false) }

    /// Commits explicit next-offsets synchronously, regardless of what is stored.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) { try core.commit(offsets, async: false) }

    /// Starts a commit of the stored offsets without waiting; failures are logged by librdkafka.
    public func commitAsync() throws(KafkaError) { try core.commit(nil, async: true) }

    /// The group's committed next-offsets for partitions; partitions without one are absent.
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try core.committed(partitions, timeout: timeout)
    }

    /// Moves the read position of assigned partitions.
    public func seek(_ offsets: [KafkaTopicPartition: KafkaStartOffset], timeout: Duration = .seconds(10)) throws(KafkaError) {
        try core.seek(offsets, timeout: timeout)
    }

    /// Stops fetching from partitions (they stay assigned).
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) { try core.setPaused(partitions, paused: true) }

    /// Resumes fetching from paused partitions.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) { try core.setPaused(partitions, paused: false) }

    /// Asks the partition leader for the watermarks (a ListOffsets request). Some brokers answer
    /// ListOffsets(LATEST) wrongly (Tansu); `cachedWatermarks` reflects the fetch responses instead.
    public func watermarks(topic: String, partition: Int32, timeout: Duration = .seconds(10)) throws(KafkaError) -> KafkaWatermarks {
        try core.queryWatermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// The watermarks from the last fetch response of an assigned partition, nil before one.
    public func cachedWatermarks(topic: String, partition: Int32) -> KafkaWatermarks? {
        core.cachedWatermarks(topic: topic, partition: partition)
    }

    /// The current assignment, sorted.
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] { try core.assignment() }

    /// Leaves the group cleanly: the rebalance handler sees `revoked` for the whole assignment on
    /// the calling thread, then the consumer stops. Call it from the polling thread (or once
    /// polling has stopped); if the `messages` loop runs, it is stopped and closes the consumer.
    public func close() throws(KafkaError) {
        if loop.stopAndWait() { return }
        try core.close()
    }

    /// The rebalance bridge: runs the application's handler before librdkafka's (un)assign so the
    /// application can snapshot and commit first, for both rebalance protocols.
    static func rebalance(
        rk: OpaquePointer, err: rd_kafka_resp_err_t, list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
        handler: any KafkaRebalanceHandler, logger: Logger
    ) {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        let partitions = RDKafkaTopicPartitionList.partitions(list)
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let starts = handler.assigned(partitions)
            for i in 0..<Int(list.pointee.cnt) {
                let e = list.pointee.elems[i]
                let tp = KafkaTopicPartition(topic: String(cString: e.topic), partition: e.partition)
                list.pointee.elems[i].offset = starts[tp]?.rawOffset ?? leadscore_offset_invalid
            }
            logger.info("partitions assigned", metadata: ["kafka.partitions": .string(partitions.description), "kafka.protocol": .string(cooperative ? "cooperative" : "eager")])
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, list) {
                    logger.error("incremental assign failed", metadata: ["kafka.error": .string(KafkaError.consuming(error, context: "assign").description)])
                }
            } else {
                let e = rd_kafka_assign(rk, list)
                if e != RD_KAFKA_RESP_ERR_NO_ERROR {
                    logger.error("assign failed", metadata: ["kafka.error": .string(KafkaError.rdKafka(e, context: "assign").description)])
                }
            }
            let held = handler.pausedAfterAssignment(partitions)
            if !held.isEmpty {
                let err = RDKafkaTopicPartitionList.with(held.map { ($0, leadscore_offset_invalid) }) { rd_kafka_pause_partitions(rk, $0) }
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    logger.error("pause after assign failed", metadata: ["kafka.error": .string(KafkaError.rdKafka(err, context: "pause").description)])
                }
            }
        default:
            let lost = err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(rk) != 0
            if lost {
                logger.info("partitions lost", metadata: ["kafka.partitions": .string(partitions.description)])
                handler.lost(partitions)
            } else {
                logger.info("partitions revoked", metadata: ["kafka.partitions": .string(partitions.description)])
                handler.revoked(partitions)
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, list) {
                    logger.error("incremental unassign failed", metadata: ["kafka.error": .string(KafkaError.consuming(error, context: "unassign").description)])
                }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
        }
    }
}
