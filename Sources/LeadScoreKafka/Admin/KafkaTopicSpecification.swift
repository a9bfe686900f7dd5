/// A topic to create.
public struct KafkaTopicSpecification: Sendable, Hashable {
    /// Topic name.
    public var name: String
    /// Number of partitions.
    public var partitions: Int
    /// Replication factor; -1 uses the broker's default.
    public var replicationFactor: Int
    /// Topic configs such as `retention.ms` or `cleanup.policy`.
    public var configs: [String: String]

    /// Creates a specification.
    public init(name: String, partitions: Int, replicationFactor: Int = -1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}
