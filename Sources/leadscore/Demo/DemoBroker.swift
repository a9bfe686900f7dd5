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
    let topics: Topics

    /// The daemon's default topic names.
    struct Topics: Sendable {
        var leadEvents = "lead-events"
        var repEvents = "rep-events"
        var scores = "lead-scores"
        var routing = "lead-routing"
        var enrichment = "lead-enrichment-requests"
        var deadLetter = "leadscore-deadletter"
        var state = "leadscore-state"

        var all: [String] { [leadEvents, repEvents, scores, routing, enrichment, deadLetter, state] }
    }

    init(partitions: Int, logger: Logger) throws(KafkaError) {
        cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        topics = Topics()
        for topic in topics.all {
            try cluster.createTopic(topic, partitions: topic == topics.repEvents ? 1 : partitions)
        }
    }

    var bootstrap: String { cluster.bootstrap }
}
