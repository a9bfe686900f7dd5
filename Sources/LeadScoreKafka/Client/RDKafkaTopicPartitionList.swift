import Crdkafka

/// A transient `rd_kafka_topic_partition_list_t`, created and freed around one C call.
enum RDKafkaTopicPartitionList {
    /// Builds a list, lends it to `body`, frees it afterwards.
    static func with<T, E: Error>(
        _ entries: [(KafkaTopicPartition, Int64)],
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(E) -> T
    ) throws(E) -> T {
        // librdkafka aborts the process when it cannot allocate, so this is never nil in practice;
        // the force unwrap depends on no input.
        let list = rd_kafka_topic_partition_list_new(Int32(max(1, entries.count)))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (tp, offset) in entries {
            rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition).pointee.offset = offset
        }
        return try body(list)
    }

    /// The entries of a list librdkafka lent or returned.
    static func entries(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [(KafkaTopicPartition, Int64, rd_kafka_resp_err_t)] {
        (0..<Int(list.pointee.cnt)).map { i in
            let e = list.pointee.elems[i]
            return (KafkaTopicPartition(topic: String(cString: e.topic), partition: e.partition), e.offset, e.err)
        }
    }

    /// The partitions of a list.
    static func partitions(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        entries(list).map(\.0)
    }

    /// The first per-partition error of a list, if any.
    static func firstError(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>, context: String) -> KafkaError? {
        for (tp, _, err) in entries(list) where err != RD_KAFKA_RESP_ERR_NO_ERROR {
            return KafkaError.rdKafka(err, context: "\(context) \(tp)")
        }
        return nil
    }
}

extension KafkaStartOffset {
    /// The librdkafka offset value (logical offsets are negative sentinels).
    var rawOffset: Int64 {
        switch self {
        case .beginning: leadscore_offset_beginning
        case .end: leadscore_offset_end
        case .committed: leadscore_offset_stored
        case .offset(let value): value
        }
    }
}
