// swift-tools-version: 6.1
import PackageDescription

// Throughput of the Swift Kafka layer (LeadScoreKafka) against a real broker, side by side with
// the bare librdkafka tools in ../BareKafka. Kept out of the main package so the main build never
// compiles it. Run ./run.sh from this folder (see ../README.md, "Kafka layer throughput").
let package = Package(
    name: "kafka-throughput",
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
        )
    ],
    swiftLanguageModes: [.v6]
)
