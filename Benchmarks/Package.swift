// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for leadscore, kept out of the main package so its build and tests never pull in the
// benchmark harness. Run from this folder:
//   swift package --allow-writing-to-package-directory benchmark
// See README.md.
let package = Package(
    name: "leadscore-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency is otherwise identified by its folder name, which
        // differs between checkouts.
        .package(name: "leadscore", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The workloads, shared by the benchmark target and the plain figures executable.
        .target(
            name: "ScoringWorkloads",
            dependencies: [
                .product(name: "LeadScoreCore", package: "leadscore"),
                .product(name: "LeadScoreAnalysis", package: "leadscore"),
            ]
        ),
        .executableTarget(
            name: "ScoringCore",
            dependencies: [
                "ScoringWorkloads",
                .product(name: "LeadScoreCore", package: "leadscore"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ScoringCore",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Prints the same figures without the benchmark harness (events/s, bytes per lead, ...).
        .executableTarget(
            name: "scoring-figures",
            dependencies: ["ScoringWorkloads", .product(name: "LeadScoreCore", package: "leadscore")]
        ),
        // One point of the scale curve: a book of N leads, its memory and its snapshot times.
        .executableTarget(
            name: "scale-book",
            dependencies: ["ScoringWorkloads", .product(name: "LeadScoreCore", package: "leadscore")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
