import LeadScoreKafka
import Logging

/// Reads Kafka topics from their beginning to their end (no consumer group, nothing committed)
/// and hands each record's value to a closure, for `leadscore evaluate --brokers`.
enum TopicReader {
    /// `client`'s settings (defaults without one) with `brokers` as the bootstrap servers.
    static func configuration(brokers: String, client: KafkaConfiguration?) -> KafkaConfiguration {
        let servers = KafkaConfiguration(bootstrap: brokers).bootstrapServers
        var config = client ?? KafkaConfiguration(bootstrap: brokers, clientID: "leadscore-evaluate")
        config.bootstrapServers = servers
        return config
    }

    /// Calls `body(topic, value)` for every record with a value, until every partition of every
    /// topic has reached its end; throws if that takes longer than `timeout`. `client`: the
    /// client settings to connect with (SASL, TLS: a configuration file's `kafka:` section and
    /// the `LEADSCORE_RDKAFKA_*` environment), its brokers replaced by `brokers`.
    static func readToEnd(brokers: String, topics: [String], timeout: Duration, client: KafkaConfiguration? = nil,
                          _ body: (String, [UInt8]) -> Void) throws {
        var logger = Logger(label: "leadscore.evaluate") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let reader = try KafkaPartitionReader(configuration: configuration(brokers: brokers, client: client), topics: topics, defaultStart: .beginning, logger: logger)
        defer { try? reader.close() }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !reader.isAtEnd {
            guard ContinuousClock.now < deadline else {
                throw TopicReadError(message: "the end of \(topics.joined(separator: ", ")) was not reached within \(timeout)")
            }
            for message in try reader.poll(maxMessages: 10_000, timeout: .milliseconds(200)) {
                if let value = message.value { body(message.topic, value) }
            }
        }
    }
}

extension TopicReader {
    /// Whether the cluster has `topic`. False also when the cluster cannot be asked: the read
    /// that follows meets the same failure and reports it with the topics it wanted.
    static func exists(_ topic: String, brokers: String, timeout: Duration, client: KafkaConfiguration? = nil) -> Bool {
        var logger = Logger(label: "leadscore.evaluate") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        do {
            let admin = try KafkaAdmin(configuration: configuration(brokers: brokers, client: client), logger: logger)
            return try admin.topicNames(timeout: timeout).contains(topic)
        } catch {
            return false
        }
    }
}

/// Reading the topics did not finish.
struct TopicReadError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
