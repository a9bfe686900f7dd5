// swift-tools-version: 6.1
import PackageDescription

// Benchmarks against a real broker, side by side with the bare librdkafka tools in ../BareKafka:
//   kafka-throughput  the Swift Kafka layer (./throughput.sh; ../README.md, "Kafka layer throughput")
//   end-to-end        the daemon's rate and input-to-routing latency (./end-to-end.sh; ../README.md,
//                     "Daemon end to end")
//   state-handover    a partition handed over through the state topic to an instance with an empty
//                     disk, against a rebuild from the input (./handover.sh; ../README.md, "State
//                     hand-over (issue 15)")
// Kept out of the main package so the main build never compiles them.
let package = Package(
    name: "kafka-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "leadscore", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "kafka-throughput",
            dependencies: [
                .product(name: "LeadScoreKafka", package: "leadscore"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "end-to-end",
            dependencies: [
                .product(name: "LeadScoreKafka", package: "leadscore"),
                .product(name: "LeadScoreCore", package: "leadscore"),
                .product(name: "LeadScoreAnalysis", package: "leadscore"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "state-handover",
            dependencies: [
                .product(name: "LeadScoreKafka", package: "leadscore"),
                .product(name: "LeadScoreCore", package: "leadscore"),
                .product(name: "LeadScoreAnalysis", package: "leadscore"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
