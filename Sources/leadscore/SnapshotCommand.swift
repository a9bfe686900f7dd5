import ArgumentParser
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

        func run() throws {
            let (lines, allValid) = SnapshotInspector.inspect(path: path)
            for line in lines { print(line) }
            if !allValid { throw ExitCode(1) }
        }
    }
}
