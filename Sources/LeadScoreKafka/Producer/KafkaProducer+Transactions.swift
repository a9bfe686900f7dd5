import Crdkafka

extension KafkaProducer {
    /// Registers the `transactional.id` with the cluster and fences older producers with the same
    /// id. Call once before the first transaction. Blocks up to `timeout`.
    ///
    /// Errors carry librdkafka's flags: `isRetriable` (call again), `transactionRequiresAbort`
    /// (abort, then go on), `isFatal` (recreate the producer).
    public func initTransactions(timeout: Duration = .seconds(30)) throws(KafkaError) {
        if let error = rd_kafka_init_transactions(client.handle, Int32(timeout.timeoutMilliseconds)) {
            throw KafkaError.consuming(error, context: "init transactions")
        }
    }

    /// Starts a transaction; everything produced until commit or abort belongs to it.
    public func beginTransaction() throws(KafkaError) {
        if let error = rd_kafka_begin_transaction(client.handle) {
            throw KafkaError.consuming(error, context: "begin transaction")
        }
    }

    /// Adds the consumer's next-offsets to the current transaction, so they are committed exactly
    /// when the produced messages are (consume-transform-produce).
    public func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartition: Int64], consumer: KafkaConsumer, timeout: Duration = .seconds(30)
    ) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        guard let metadata = consumer.groupMetadata() else {
            throw KafkaError(code: .invalidArgument, message: "the consumer has no group metadata", key: "consumer")
        }
        try sendOffsetsToTransaction(offsets, groupMetadata: metadata, timeout: timeout)
    }

    /// Adds next-offsets to the current transaction under a group membership taken earlier on the
    /// consumer's thread; the broker refuses them if that membership is no longer current.
    public func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartition: Int64], groupMetadata: KafkaConsumerGroupMetadata, timeout: Duration = .seconds(30)
    ) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value) }) { (list) throws(KafkaError) in
            if let error = rd_kafka_send_offsets_to_transaction(client.handle, list, groupMetadata.handle, Int32(timeout.timeoutMilliseconds)) {
                throw KafkaError.consuming(error, context: "send offsets to transaction")
            }
        }
    }

    /// Commits the current transaction (flushing its messages first). Blocks up to `timeout`.
    public func commitTransaction(timeout: Duration = .seconds(30)) throws(KafkaError) {
        if let error = rd_kafka_commit_transaction(client.handle, Int32(timeout.timeoutMilliseconds)) {
            throw KafkaError.consuming(error, context: "commit transaction")
        }
    }

    /// Aborts the current transaction; its messages fail with a purge error. Blocks up to `timeout`.
    public func abortTransaction(timeout: Duration = .seconds(30)) throws(KafkaError) {
        if let error = rd_kafka_abort_transaction(client.handle, Int32(timeout.timeoutMilliseconds)) {
            throw KafkaError.consuming(error, context: "abort transaction")
        }
    }
}
