// Measures messages/s through LeadScoreKafka: produce N small messages with KafkaProducer's
// fire-and-forget path, then read them back with a group KafkaConsumer and with a
// KafkaPartitionReader. Prints one machine-readable line per measurement.
//
//   kafka-throughput BOOTSTRAP TOPIC COUNT [VALUE_BYTES] [--skip-produce]
import Foundation
import LeadScoreKafka
import Logging
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count >= 4, let count = Int(arguments[3]), count > 0 else {
    FileHandle.standardError.write(Data("usage: kafka-throughput BOOTSTRAP TOPIC COUNT [VALUE_BYTES] [--skip-produce]\n".utf8))
    exit(2)
}
let bootstrap = arguments[1]
let topic = arguments[2]
let valueBytes = arguments.count >= 5 ? Int(arguments[4]) ?? 100 : 100
let skipProduce = arguments.contains("--skip-produce")
var logger = Logger(label: "kafka-throughput")
logger.logLevel = .warning
let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func report(_ name: String, messages: Int, elapsed: Duration) {
    let s = seconds(elapsed)
    print("\(name) messages=\(messages) seconds=\(String(format: "%.3f", s)) msgs_per_sec=\(s > 0 ? Int(Double(messages) / s) : 0)")
}

do {
    LibrdkafkaVersion.check(logger: logger)
    if !skipProduce {
        var config = KafkaConfiguration(bootstrap: bootstrap, clientID: "kafka-throughput")
        config.linger = .milliseconds(5)
        let producer = try KafkaProducer(configuration: config, logger: logger)
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: valueBytes)
        let keys = (0..<10_000).map { Array("key-\($0)".utf8) }
        let start = clock.now
        for i in 0..<count {
            try producer.produce(topic: topic, key: keys[i % keys.count], value: value)
        }
        let enqueued = clock.now - start
        try producer.flush(timeout: .seconds(300))
        let elapsed = clock.now - start
        report("swift_produce_enqueue", messages: count, elapsed: enqueued)
        report("swift_produce_delivered", messages: count - producer.unreportedFailureCount, elapsed: elapsed)
        producer.close()
    }

    // Group consumer: the clock starts at the first message, so joining the group is not counted.
    var consumerConfig = KafkaConfiguration(bootstrap: bootstrap, clientID: "kafka-throughput", groupID: "kafka-throughput-\(UUID().uuidString)")
    consumerConfig.sessionTimeout = .seconds(6)
    let consumer = try KafkaConsumer(configuration: consumerConfig, topics: [topic], logger: logger)
    var received = 0
    var first: ContinuousClock.Instant?
    var last = clock.now
    let deadline = clock.now.advanced(by: .seconds(300))
    while received < count && clock.now < deadline {
        let batch = try consumer.poll(maxMessages: 10_000, timeout: .milliseconds(100))
        if batch.isEmpty { continue }
        if first == nil { first = clock.now }
        received += batch.count
        last = clock.now
    }
    report("swift_group_consumer", messages: received, elapsed: first.map { last - $0 } ?? .zero)
    try consumer.close()

    // Partition reader to the end of every partition.
    let reader = try KafkaPartitionReader(configuration: KafkaConfiguration(bootstrap: bootstrap, clientID: "kafka-throughput"), topics: [topic], logger: logger)
    var read = 0
    first = nil
    while !reader.isAtEnd && clock.now < deadline {
        let batch = try reader.poll(maxMessages: 10_000, timeout: .milliseconds(100))
        if batch.isEmpty { continue }
        if first == nil { first = clock.now }
        read += batch.count
        last = clock.now
    }
    report("swift_partition_reader", messages: read, elapsed: first.map { last - $0 } ?? .zero)
    try reader.close()
} catch {
    FileHandle.standardError.write(Data("kafka-throughput: \(error)\n".utf8))
    exit(1)
}
