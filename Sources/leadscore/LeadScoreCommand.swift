import ArgumentParser

/// The `leadscore` command-line tool.
@main
struct LeadScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadscore",
        abstract: "Live B2B lead scores, buckets and routing from a Kafka event stream.",
        subcommands: []
    )
}
