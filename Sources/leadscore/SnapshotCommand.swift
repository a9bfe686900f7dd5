import ArgumentParser
import Foundation
import LeadScoreCore
import LeadScoreDaemon

/// `leadscore snapshot`: tools for snapshot files.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Inspect snapshot files.",
        subcommands: [Inspect.self]
    )

    /// `leadscore snapshot inspect PATH`.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a snapshot file (or every file in a directory) holds and whether it is intact."
        )

        @Argument(help: "A snapshot file or a snapshot directory.")
        var path: String

        @Option(name: .long, help: "The configuration the daemon runs with (its states are opened under it; default: the built-in defaults).")
        var config: String?

        func run() throws {
            var scoring = ScoringConfig()
            if let config {
                do {
                    scoring = try LeadScoreConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment).scoring
                } catch {
                    for p in error.problems { printError("\(config): \(p)") }
                    throw ExitCode(2)
                }
            }
            let (lines, allValid) = SnapshotInspector.inspect(path: path, scoring: scoring)
            for line in lines { print(line) }
            if !allValid { throw ExitCode(1) }
        }
    }
}
