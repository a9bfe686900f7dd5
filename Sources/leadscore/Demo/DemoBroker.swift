import LeadScoreDaemon
import LeadScoreKafka
import Logging

/// The demo's Kafka: librdkafka's in-process mock cluster, real Kafka protocol on a loopback
/// port, so the daemon, the traffic and `kcat` all talk to it over TCP like to any broker.
///
/// Its admin API does not answer, so the demo creates the topics through the mock API (and tells
/// the daemon not to); its group commits on revoke can be refused during a rebalance, which only
/// matters with several instances (the demo runs one).
struct DemoBroker: Sendable {
    let cluster: KafkaMockCluster
    /// The daemon's default topic names, the challenger's included.
    let topics: DaemonConfiguration.Topics

    init(partitions: Int, logger: Logger) throws(KafkaError) {
        cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        var topics = DaemonConfiguration.Topics()
        topics.hasChallenger = true
        self.topics = topics
        for topic in topics.all {
            try cluster.createTopic(topic, partitions: topic == topics.repEvents ? 1 : partitions)
        }
    }

    var bootstrap: String { cluster.bootstrap }
}
