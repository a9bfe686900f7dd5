import LeadScoreCore
import LeadScoreKafka

extension DaemonConfiguration.KafkaSettings {
    /// The Kafka layer's configuration for these settings.
    public func clientConfiguration() -> KafkaConfiguration {
        var config = KafkaConfiguration(bootstrap: brokers, clientID: clientID)
        config.sessionTimeout = sessionTimeout
        config.fetchWaitMax = fetchWaitMax
        config.librdkafka = librdkafka
        config.hiddenKeys = environmentKeys
        return config
    }

    /// librdkafka's own verdict on the passthrough, for every kind of client the daemon creates,
    /// so `config check` refuses exactly what `run` would (an unknown or misspelt property, a bad
    /// value). Values are never echoed.
    func librdkafkaProblems() -> [ConfigError.Problem] {
        let config = clientConfiguration()
        var seen: Set<String> = []
        var problems: [ConfigError.Problem] = []
        for role in [KafkaConfiguration.ClientRole.producer, .groupConsumer, .partitionReader] {
            do throws(KafkaError) {
                try config.validate(for: role)
            } catch {
                let key = error.key ?? ""
                guard seen.insert(key).inserted else { continue }
                var reason = error.message
                if environmentKeys.contains(key), let value = librdkafka[key], !value.isEmpty {
                    reason = reason.replacing(value, with: Redaction.placeholder)
                }
                problems.append(.init(path: key.isEmpty ? "kafka.librdkafka" : "kafka.librdkafka.\(key)",
                                      reason: "librdkafka refuses it: \(reason)"))
            }
        }
        return problems
    }

    /// The producer's record size limit (`message.max.bytes`, librdkafka's default 1,000,000):
    /// every output, dead letters included, must fit in it.
    var maxRecordBytes: Int {
        librdkafka["message.max.bytes"].flatMap { Int($0) } ?? 1_000_000
    }
}
