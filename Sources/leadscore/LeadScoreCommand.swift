import ArgumentParser

/// The `leadscore` command-line tool.
@main
struct LeadScoreCommand: AsyncParsableCommand {
    /// Subcommands, one type each; a new one (e.g. `run`) is added to this list.
    static let subcommandTypes: [any ParsableCommand.Type] = [
        DemoCommand.self,
        ReplayCommand.self,
        EvaluateCommand.self,
        FitCommand.self,
        ConfigCommand.self,
        GenerateCommand.self,
        RunCommand.self,
        SnapshotCommand.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "leadscore",
        abstract: "Live B2B lead scores, buckets and routing from a Kafka event stream.",
        subcommands: subcommandTypes
    )
}
