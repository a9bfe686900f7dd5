import ArgumentParser
import LeadScoreAnalysis
import LeadScoreCore

/// `leadscore replay`: runs a scoring configuration over recorded input events (JSON Lines) and
/// writes the output events the daemon would have produced, one JSON object a line, to stdout.
/// Bad lines and the end-of-run summary go to stderr.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a scoring configuration over recorded events (JSON Lines) and write the output events.",
        discussion: """
            Stream time is the latest occurred_at seen; there is no wall clock. Output events go to \
            stdout as JSON Lines, byte for byte what the daemon writes to its output topics. Bad \
            lines are reported on stderr as FILE:LINE: error, and a summary (events by type, \
            transitions by bucket pair, final buckets) ends the run.

            With --compare-config, the same events also run through a second configuration and a \
            report says which leads end in another bucket, how many move between each pair of \
            buckets, and how the rep workload changes (cadence touches per day implied by each final \
            bucket mix). When the input holds lead_outcome events it also gives the expected change \
            in conversions: each moved lead counts its new bucket's conversion rate minus its old \
            one's, as observed in the primary run over the same input (see leadscore evaluate).
            """
    )

    @Argument(help: "JSON Lines files of input events, read in order ('-' or none: stdin).")
    var files: [String] = []

    @Option(name: .long, help: "Scoring configuration (YAML). Default: the built-in defaults.")
    var config: String?

    @Option(name: .long, help: "At the end, fire decay transitions due up to this RFC 3339 time.")
    var until: String?

    @Option(name: .customLong("compare-config"), help: "A second configuration to compare against --config.")
    var compareConfig: String?

    @Option(name: .customLong("diff-out"), help: "With --compare-config: write one JSON line per moved lead to this file.")
    var diffOut: String?

    @Flag(name: .customLong("no-events"), help: "Do not write output events (only the summary or comparison).")
    var noEvents = false

    @Option(name: .customLong("max-errors-shown"), help: "Bad lines reported individually before only counting them.")
    var maxErrorsShown = 100

    @Option(name: .customLong("list-moved"), help: "With --compare-config: moved leads listed in the report.")
    var listMoved = 20

    @Flag(name: .long, help: "Exit with status 1 if any line was bad.")
    var strict = false

    @Flag(name: .long, help: "No summary on stderr.")
    var quiet = false

    func run() throws {
        let primary = try ScoringConfigFile.load(config, command: "replay")
        let untilTime: Timestamp?
        if let until {
            do { untilTime = try Timestamp(rfc3339: until) } catch {
                throw ValidationError("--until: \(error.message)")
            }
        } else {
            untilTime = nil
        }
        var stdout = FileOutput(descriptor: 1)
        var errorsShown = 0
        let inputs = files.isEmpty ? ["-"] : files

        func report(_ error: EventDecodingError, _ path: String, _ line: Int) {
            errorsShown += 1
            if errorsShown <= maxErrorsShown {
                printError("\(path == "-" ? "stdin" : path):\(line): \(error)")
            } else if errorsShown == maxErrorsShown + 1 {
                printError("(further bad lines are only counted)")
            }
        }

        if let compareConfig {
            let candidate = try ScoringConfigFile.load(compareConfig, command: "replay")
            var comparison = ConfigComparison(primary: primary, candidate: candidate, writesPrimaryOutput: !noEvents)
            for path in inputs {
                try forEachLine(path) { line, number in
                    if let error = comparison.feed(line: line, output: &stdout.buffer) { report(error, path, number) }
                    stdout.flushIfFull()
                } tooLong: { error, number in
                    comparison.countBadLine(error)
                    report(error, path, number)
                }
            }
            comparison.finish(until: untilTime, output: &stdout.buffer)
            stdout.flush()
            let diff = comparison.diff()
            if !quiet {
                printError(ReplayReport.summary(comparison.primary.summary, buckets: comparison.primary.engine.leads.bucketCounts,
                                                title: "replay (\(config ?? "defaults"))"), terminator: "")
            }
            printError(ReplayReport.comparison(diff, primaryName: name(config, "primary"), candidateName: name(compareConfig, "compare"),
                                               listLimit: listMoved), terminator: "")
            if let diffOut {
                var out = try openOutput(diffOut)
                ReplayReport.appendChangesJSONL(diff, to: &out.buffer)
                out.flush()
                out.close()
            }
            if strict && comparison.primary.summary.badLines > 0 { throw ExitCode(1) }
        } else {
            var runner = ReplayRunner(config: primary, writesOutput: !noEvents)
            for path in inputs {
                try forEachLine(path) { line, number in
                    if let error = runner.feed(line: line, output: &stdout.buffer) { report(error, path, number) }
                    stdout.flushIfFull()
                } tooLong: { error, number in
                    runner.countBadLine(error)
                    report(error, path, number)
                }
            }
            runner.finish(until: untilTime, output: &stdout.buffer)
            stdout.flush()
            if !quiet {
                printError(ReplayReport.summary(runner.summary, buckets: runner.engine.leads.bucketCounts), terminator: "")
            }
            if strict && runner.summary.badLines > 0 { throw ExitCode(1) }
        }
    }

    private func name(_ path: String?, _ fallback: String) -> String {
        guard let path else { return "defaults" }
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return base.isEmpty ? fallback : base
    }

    /// Reads the lines of a file, at most one event's limit (64 KiB) each: a longer line is
    /// reported (`too_large`) as soon as it outgrows the limit and skipped, so an endless line
    /// (`/dev/zero`) costs no memory and the lines after it are read.
    private func forEachLine(_ path: String, _ body: (UnsafeRawBufferPointer, Int) -> Void,
                             tooLong: (EventDecodingError, Int) -> Void) throws {
        do {
            try FileInput.forEachLine(path: path, body, tooLong: tooLong)
        } catch {
            printError("leadscore replay: \(error)")
            throw ExitCode(2)
        }
    }

    private func openOutput(_ path: String) throws -> FileOutput {
        do { return try FileOutput.create(path: path) } catch {
            printError("leadscore replay: \(error)")
            throw ExitCode(2)
        }
    }
}
