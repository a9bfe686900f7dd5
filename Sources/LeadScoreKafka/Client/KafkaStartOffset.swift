/// Where to start reading a partition.
public enum KafkaStartOffset: Sendable, Hashable {
    /// The first retained message.
    case beginning
    /// After the last message: only new messages.
    case end
    /// The group's committed offset (falls back to `auto.offset.reset`).
    case committed
    /// This exact offset (the offset of the first message to read).
    case offset(Int64)
}
