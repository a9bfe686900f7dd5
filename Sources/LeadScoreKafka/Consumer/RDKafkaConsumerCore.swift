import Crdkafka
import Logging
import Foundation
import Synchronization

/// What `KafkaConsumer` and `KafkaPartitionReader` share: a consumer handle whose main queue is
/// redirected to the consumer queue, so one `poll` serves messages, rebalances, errors and
/// statistics on the caller's thread.
final class RDKafkaConsumerCore: Sendable {
    let client: RDKafkaClient
    /// Guards `pollState`; `poll` holds it for a whole batch, so it is an `NSLock` rather than a
    /// `Mutex` (the batch loop passes C pointers and the state to the same helpers).
    private let pollLock = NSLock()
    /// Only touched with `pollLock` held, which is what makes `nonisolated(unsafe)` safe.
    nonisolated(unsafe) private var pollState = PollState()
    private let closed = Atomic<Bool>(false)

    /// State only `poll` touches; behind a lock so concurrent misuse cannot corrupt it.
    struct PollState {
        /// Topic names by librdkafka topic handle, so a batch does not build one String per message.
        var topicNames: [UnsafeMutableRawPointer: String] = [:]
        /// Partitions whose last event was end-of-partition (reader only).
        var atEnd: Set<KafkaTopicPartition> = []
    }

    init(client: RDKafkaClient) {
        self.client = client
        // The main queue carries errors, statistics and (for groups) rebalances; serve them from poll.
        rd_kafka_poll_set_consumer(client.handle)
    }

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// Blocking batch poll: waits up to `timeout` for the first message, then takes whatever else is
    /// already fetched, up to `maxMessages`. Non-fatal consumer errors are logged and skipped; a
    /// fatal error is thrown. Returns early (possibly empty) when the first message waited for is a
    /// partition's end.
    func poll(maxMessages: Int, timeout: Duration) throws(KafkaError) -> [KafkaMessage] {
        let batch = try pollRecords(maxMessages: maxMessages, timeout: timeout)
        return (0..<batch.count).map { batch.message(at: $0) }
    }

    /// Like `poll`, but the records stay in librdkafka's buffers (`KafkaRecordBatch`): no copy of
    /// keys, values or headers, and no String per record.
    ///
    /// The first message is waited for with `rd_kafka_consumer_poll`; what else is already fetched
    /// comes in one `rd_kafka_consume_batch_queue` call on the same (consumer) queue, which serves
    /// rebalances and errors in order as `rd_kafka_consumer_poll` does, but takes its lock and
    /// reads the clock once per call rather than once per message.
    func pollRecords(maxMessages: Int, timeout: Duration) throws(KafkaError) -> KafkaRecordBatch {
        guard !isClosed else { throw KafkaError(code: .closed, message: "poll after close") }
        let handle = client.handle
        pollLock.lock()
        defer { pollLock.unlock() }
        var kept: [UnsafeMutablePointer<rd_kafka_message_t>] = []
        var topics: [String] = []
        kept.reserveCapacity(min(maxMessages, 4096))
        topics.reserveCapacity(min(maxMessages, 4096))
        var failure: KafkaError?
        // Everything taken off the queue first: the first message waited for, then (unless it is
        // a partition's end or a fatal error, where the batch ends) what else is already fetched.
        var taken: [UnsafeMutablePointer<rd_kafka_message_t>?] = []
        if maxMessages > 0, let first = rd_kafka_consumer_poll(handle, Int32(timeout.timeoutMilliseconds)) {
            let err = first.pointee.err
            let endsHere = err == RD_KAFKA_RESP_ERR__PARTITION_EOF || err == RD_KAFKA_RESP_ERR__FATAL
            let queue = endsHere || maxMessages == 1 ? nil : rd_kafka_queue_get_consumer(handle)
            let room = queue == nil ? 0 : maxMessages - 1
            // librdkafka writes the rest straight into the array's storage (nothing cleared first).
            taken = Array(unsafeUninitializedCapacity: 1 + room) { buffer, count in
                buffer.initializeElement(at: 0, to: first)
                count = 1
                if let queue {
                    count += max(0, rd_kafka_consume_batch_queue(queue, 0, buffer.baseAddress! + 1, room))
                    rd_kafka_queue_destroy(queue)
                }
            }
        }
        // Every message taken is kept or destroyed, also past an end of partition or a fatal
        // error: it cannot be given back. The poll state is moved out for the loop (one access to
        // the class's property, not checked ones per message); messages come in runs of one
        // topic, whose name is reused without a lookup.
        var state = PollState()
        swap(&state, &pollState)
        defer { swap(&state, &pollState) }
        var lastTopic: (rkt: OpaquePointer?, name: String) = (nil, "")
        for case let m? in taken {
            let rkt = m.pointee.rkt
            if rkt != lastTopic.rkt { lastTopic = (rkt, Self.topicName(rkt, cache: &state.topicNames)) }
            let err = m.pointee.err
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                if !state.atEnd.isEmpty { state.atEnd.remove(KafkaTopicPartition(topic: lastTopic.name, partition: m.pointee.partition)) }
                kept.append(m)
                topics.append(lastTopic.name)
                continue
            }
            defer { rd_kafka_message_destroy(m) }
            if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                state.atEnd.insert(KafkaTopicPartition(topic: lastTopic.name, partition: m.pointee.partition))
                continue
            }
            let text = m.pointee.payload.map {
                String(decoding: UnsafeRawBufferPointer(start: $0, count: m.pointee.len), as: UTF8.self)
            } ?? ""
            var error = KafkaError.rdKafka(err, context: text.isEmpty ? "consumer error" : text)
            if err == RD_KAFKA_RESP_ERR__FATAL {
                error.isFatal = true
                if failure == nil { failure = error }
                continue
            }
            client.logger.warning("consumer error", metadata: ["kafka.error": .string(error.description)])
            client.context.hooks.onError?(error)
        }
        let batch = KafkaRecordBatch(messages: kept, topics: topics)
        if let failure { throw failure }
        return batch
    }

    private static func topicName(_ rkt: OpaquePointer?, cache: inout [UnsafeMutableRawPointer: String]) -> String {
        guard let rkt else { return "" }
        let key = UnsafeMutableRawPointer(rkt)
        if let name = cache[key] { return name }
        let name = String(cString: rd_kafka_topic_name(rkt))
        cache[key] = name
        return name
    }

    /// Copies a message whole (key, value, headers) into Swift values.
    static func makeMessage(_ m: UnsafeMutablePointer<rd_kafka_message_t>, topic: String) -> KafkaMessage {
        let msg = m.pointee
        let key = msg.key.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: msg.key_len)) }
        let value = msg.payload.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: msg.len)) }
        var headers: [KafkaHeader] = []
        var hdrs: OpaquePointer?
        if rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            var index = 0
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(hdrs, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(
                    KafkaHeader(
                        name: name.map { String(cString: $0) } ?? "",
                        value: valuePointer.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(m, &timestampType)
        return KafkaMessage(
            topic: topic, partition: msg.partition, offset: msg.offset,
            key: key, value: value, headers: headers,
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
    }

    /// Partitions whose end was reached and that have had no message since.
    var partitionsAtEnd: Set<KafkaTopicPartition> { pollLock.withLock { pollState.atEnd } }

    func clearEndState(_ partitions: [KafkaTopicPartition]) {
        pollLock.withLock { for p in partitions { pollState.atEnd.remove(p) } }
    }

    func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value) }) { (list) throws(KafkaError) in
            let err = rd_kafka_offsets_store(client.handle, list)
            if let partitionError = RDKafkaTopicPartitionList.firstError(list, context: "store offset for") {
                throw partitionError
            }
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "store offsets") }
        }
    }

    func commit(_ offsets: [KafkaTopicPartition: Int64]?, async: Bool) throws(KafkaError) {
        let err: rd_kafka_resp_err_t
        if let offsets {
            guard !offsets.isEmpty else { return }
            err = RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value) }) {
                rd_kafka_commit(client.handle, $0, async ? 1 : 0)
            }
        } else {
            err = rd_kafka_commit(client.handle, nil, async ? 1 : 0)
        }
        // Nothing stored since the last commit is not a failure.
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError.rdKafka(err, context: "commit")
        }
    }

    func committed(_ partitions: [KafkaTopicPartition], timeout: Duration) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try RDKafkaTopicPartitionList.with(partitions.map { ($0, leadscore_offset_invalid) }) {
            (list) throws(KafkaError) -> [KafkaTopicPartition: Int64] in
            let err = rd_kafka_committed(client.handle, list, Int32(timeout.timeoutMilliseconds))
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "committed offsets") }
            var result: [KafkaTopicPartition: Int64] = [:]
            for (tp, offset, perr) in RDKafkaTopicPartitionList.entries(list) {
                if perr != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(perr, context: "committed offset of \(tp)") }
                if offset >= 0 { result[tp] = offset }
            }
            return result
        }
    }

    func seek(_ offsets: [KafkaTopicPartition: KafkaStartOffset], timeout: Duration) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value.rawOffset) }) { (list) throws(KafkaError) in
            if let error = rd_kafka_seek_partitions(client.handle, list, Int32(timeout.timeoutMilliseconds)) {
                throw KafkaError.consuming(error, context: "seek")
            }
            if let error = RDKafkaTopicPartitionList.firstError(list, context: "seek") { throw error }
        }
        clearEndState(Array(offsets.keys))
    }

    func setPaused(_ partitions: [KafkaTopicPartition], paused: Bool) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(partitions.map { ($0, leadscore_offset_invalid) }) { (list) throws(KafkaError) in
            let err = paused ? rd_kafka_pause_partitions(client.handle, list) : rd_kafka_resume_partitions(client.handle, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: paused ? "pause" : "resume") }
            if let error = RDKafkaTopicPartitionList.firstError(list, context: paused ? "pause" : "resume") { throw error }
        }
    }

    func queryWatermarks(topic: String, partition: Int32, timeout: Duration) throws(KafkaError) -> KafkaWatermarks {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(client.handle, topic, partition, &low, &high, Int32(timeout.timeoutMilliseconds))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "watermarks of \(topic)[\(partition)]") }
        return KafkaWatermarks(low: low, high: high)
    }

    func cachedWatermarks(topic: String, partition: Int32) -> KafkaWatermarks? {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_get_watermark_offsets(client.handle, topic, partition, &low, &high)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        return KafkaWatermarks(low: max(0, low), high: high)
    }

    func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(client.handle, &list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw KafkaError.rdKafka(err, context: "assignment") }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return RDKafkaTopicPartitionList.partitions(list).sorted()
    }

    func assign(_ offsets: [KafkaTopicPartition: KafkaStartOffset]) throws(KafkaError) {
        let err = RDKafkaTopicPartitionList.with(offsets.map { ($0.key, $0.value.rawOffset) }) {
            rd_kafka_assign(client.handle, $0)
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "assign") }
    }

    /// Leaves the group (revoking through the rebalance handler on this thread) and stops fetching.
    /// Idempotent.
    func close() throws(KafkaError) {
        guard closed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let err = rd_kafka_consumer_close(client.handle)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "close") }
    }

    /// The consumer group metadata, for `KafkaProducer.sendOffsetsToTransaction`; caller frees it.
    func groupMetadata() -> OpaquePointer? { rd_kafka_consumer_group_metadata(client.handle) }
}
