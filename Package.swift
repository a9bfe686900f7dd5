// swift-tools-version: 6.1
import PackageDescription

// The folders mirror the architecture:
//   Crdkafka            C module map + shim over librdkafka (imported by LeadScoreKafka only)
//   CCacheHints         the CPU's prefetch hint, which Swift lacks (a header; no I/O, no state)
//   LeadScoreKafka      Swift-native Kafka layer: consumer, partition reader, producer, admin
//   LeadScoreCore       the pure scoring model: events, config, engine, router (no I/O, no clocks),
//                       and the statistics the daemon shows live; only what runs in production
//   LeadScoreAnalysis   offline tools on top of the core: replay and config comparison, outcome
//                       evaluation and its reports, synthetic streams, the ground-truth world
//   LeadScoreDaemon     wiring: pipeline, snapshots, HTTP, lifecycle (on the core, never on analysis)
//   leadscore           the command-line tool (run, replay, evaluate, generate, demo, ...)
//   LeadScoreTestSupport  test harness: starts real brokers (Tansu), runs long computations off the pool
let package = Package(
    name: "leadscore",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "leadscore", targets: ["leadscore"]),
        .library(name: "LeadScoreCore", targets: ["LeadScoreCore"]),
        .library(name: "LeadScoreAnalysis", targets: ["LeadScoreAnalysis"]),
        .library(name: "LeadScoreKafka", targets: ["LeadScoreKafka"]),
        .library(name: "LeadScoreDaemon", targets: ["LeadScoreDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "Crdkafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "CCacheHints"),
        .target(
            name: "LeadScoreKafka",
            dependencies: [
                "Crdkafka",
                "CCacheHints",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LeadScoreCore",
            dependencies: [
                "CCacheHints",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Collections", package: "swift-collections"),
            ]
        ),
        .target(
            name: "LeadScoreAnalysis",
            dependencies: ["LeadScoreCore"]
        ),
        .target(
            name: "LeadScoreDaemon",
            dependencies: [
                "LeadScoreCore",
                "LeadScoreKafka",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "leadscore",
            dependencies: [
                "LeadScoreCore",
                "LeadScoreAnalysis",
                "LeadScoreDaemon",
                "LeadScoreKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LeadScoreTestSupport",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The core's tests take inputs from the analysis module's synthetic stream; the core itself never imports it.
        .testTarget(
            name: "LeadScoreCoreTests",
            dependencies: ["LeadScoreCore", "LeadScoreAnalysis", "LeadScoreTestSupport"]
        ),
        .testTarget(
            name: "LeadScoreAnalysisTests",
            dependencies: ["LeadScoreAnalysis", "LeadScoreCore", "LeadScoreTestSupport"]
        ),
        .testTarget(
            name: "LeadScoreKafkaTests",
            dependencies: ["LeadScoreKafka", "LeadScoreTestSupport"]
        ),
        .testTarget(
            name: "LeadScoreDaemonTests",
            dependencies: [
                "LeadScoreDaemon", "LeadScoreCore", "LeadScoreAnalysis", "LeadScoreKafka", "LeadScoreTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
