extension KafkaConfiguration {
    /// What a client is used for; decides the role-specific properties that the wrapper relies on.
    public enum ClientRole: Sendable, Hashable {
        /// `KafkaConsumer`: group membership, cooperative-sticky assignment, explicit offset store.
        case groupConsumer
        /// `KafkaPartitionReader`: assign-only reading with end-of-partition events.
        case partitionReader
        /// `KafkaProducer`.
        case producer
        /// `KafkaAdmin`.
        case admin
    }

    /// The librdkafka properties for a client of the given role. This is the only place where typed
    /// settings become librdkafka keys. Passthrough entries override everything except the few
    /// properties the wrapper's correctness depends on (offset store mode, end-of-partition events).
    public func librdkafkaProperties(for role: ClientRole) -> [String: String] {
        var p: [String: String] = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "client.id": clientID,
            "socket.timeout.ms": String(socketTimeout.milliseconds),
        ]
        if let statisticsInterval {
            p["statistics.interval.ms"] = String(statisticsInterval.milliseconds)
        }
        switch role {
        case .groupConsumer, .partitionReader:
            p["auto.offset.reset"] = autoOffsetReset.rawValue
            p["isolation.level"] = isolationLevel.rawValue
            if let fetchWaitMax { p["fetch.wait.max.ms"] = String(fetchWaitMax.milliseconds) }
            if let maxPartitionFetchBytes { p["max.partition.fetch.bytes"] = String(maxPartitionFetchBytes) }
            if let fetchMaxBytes { p["fetch.max.bytes"] = String(fetchMaxBytes) }
            if role == .groupConsumer {
                if let groupID { p["group.id"] = groupID }
                p["partition.assignment.strategy"] = "cooperative-sticky"
                p["session.timeout.ms"] = String(sessionTimeout.milliseconds)
                p["max.poll.interval.ms"] = String(maxPollInterval.milliseconds)
                if let heartbeatInterval {
                    p["heartbeat.interval.ms"] = String(heartbeatInterval.milliseconds)
                }
                p["enable.auto.commit"] = enableAutoCommit ? "true" : "false"
                p["auto.commit.interval.ms"] = String(autoCommitInterval.milliseconds)
            } else {
                // librdkafka requires a group.id for any consumer handle even when it never joins;
                // the reader never commits, so a private one does no harm.
                p["group.id"] = groupID ?? "\(clientID)-reader"
                p["enable.auto.commit"] = "false"
            }
        case .producer:
            p["enable.idempotence"] = enableIdempotence ? "true" : "false"
            if let transactionalID { p["transactional.id"] = transactionalID }
            p["message.timeout.ms"] = String(messageTimeout.milliseconds)
            p["linger.ms"] = String(linger.milliseconds)
            p["queue.buffering.max.messages"] = String(producerQueueMaxMessages)
        case .admin:
            break
        }
        for (key, value) in librdkafka { p[key] = value }
        switch role {
        case .groupConsumer:
            // Offsets are stored only after the application has processed a message.
            p["enable.auto.offset.store"] = "false"
        case .partitionReader:
            p["enable.auto.offset.store"] = "false"
            p["enable.partition.eof"] = "true"
        case .producer, .admin:
            break
        }
        return p
    }
}

extension KafkaConfiguration {
    /// Checks every property a client of `role` would get (passthrough included) with librdkafka
    /// itself, without creating a client or connecting. Throws a `.configuration` error naming the
    /// first rejected key and librdkafka's reason; secret values are never echoed.
    public func validate(for role: ClientRole) throws(KafkaError) {
        try RDKafkaClient.validate(librdkafkaProperties(for: role))
    }
}

extension Duration {
    /// Whole milliseconds, rounded down, saturating; librdkafka takes `int` milliseconds everywhere.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow { return seconds < 0 ? Int(Int32.min) : Int(Int32.max) }
        let total = ms.partialValue + attoseconds / 1_000_000_000_000_000
        return Int(max(Int64(Int32.min), min(Int64(Int32.max), total)))
    }

    /// Milliseconds as librdkafka's `int` timeout; negative durations become 0 (do not wait).
    var timeoutMilliseconds: Int32 { Int32(max(0, milliseconds)) }
}
