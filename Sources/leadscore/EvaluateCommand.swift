import ArgumentParser
import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreDaemon
import LeadScoreKafka

/// `leadscore evaluate`: does the model work? Joins a run's outputs (`lead_rescored`,
/// `lead_routed`) with the outcomes reps reported (`lead_outcome`) and reports conversion by
/// bucket, precision and recall, model-vs-holdout uplift, conversion by rep tier, calibration,
/// drift and the bucket mix over time, as text, JSON or an HTML page.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure buckets and routing against outcome labels (conversion, lift, uplift, calibration, drift).",
        discussion: """
            Give it the output of a run (leadscore replay's stdout, or dumps of the lead-scores and \
            lead-routing topics) and the lead_outcome events (the replay's input, or a dump of \
            rep-events), in any order and any number of files; other event types are ignored and \
            lines that are not events are counted as skipped. With --brokers it reads the topics \
            from a Kafka cluster instead, each to its end.

            The challenger's bucket changes (lead_rescored with a model field, as on \
            lead-scores-challenger or in a file of them) are kept apart from the live model's: the \
            report is the live model's, plus a comparison of the two on the same leads and outcomes. \
            A replay's output has no model field: give it with --challenger FILE.

            Each lead is evaluated in the bucket it was in at its first conversion (else its last \
            outcome, else its last bucket). The report states every definition it uses.
            """
    )

    @Argument(help: "JSON Lines files of output and outcome events ('-' is stdin; none and no --brokers: stdin).")
    var files: [String] = []

    @Flag(help: "Write the report as JSON to stdout (schemas/evaluation_report.schema.json).")
    var json = false

    @Option(help: "Also write the report as a self-contained HTML page to this file.")
    var html: String?

    @Option(help: ArgumentHelp("The challenger's output: lead_rescored lines from leadscore replay --config CHALLENGER (repeatable).",
                               discussion: "Lines with a model field (a dump of lead-scores-challenger) are recognised in any file without it."))
    var challenger: [String] = []

    @Option(help: "Measure drift against this input's final bucket mix and scores (files as above) instead of the first half of the window.")
    var baseline: String?

    @Option(help: "Read the topics of this Kafka cluster (HOST:PORT[,...]) instead of, or as well as, files.")
    var brokers: String?

    @Option(help: "With --brokers: the topics to read, comma-separated (default: \(EvaluateCommand.defaultTopics.joined(separator: ",")), and \(DaemonConfiguration.Topics().challenger) when the cluster has it).")
    var topics: String?

    @Option(help: "With --brokers: connect with the client settings (kafka.librdkafka: SASL, TLS) of this daemon configuration file.")
    var config: String?

    @Option(name: .customLong("kafka-timeout"), help: "With --brokers: seconds allowed to read the topics to their end.")
    var kafkaTimeout: Int = 120

    @Option(help: "Time slices of the bucket mix over time.")
    var slices: Int = OutcomeEvaluation.defaultTimeSlices

    @Option(name: .customLong("max-errors-shown"), help: "Skipped lines reported individually before only counting them.")
    var maxErrorsShown = 20

    @Option(help: "Title of the HTML page.")
    var title: String = "leadscore: does the model work?"

    func validate() throws {
        guard slices >= 1 && slices <= 1000 else { throw ValidationError("--slices must be in 1...1000") }
        guard kafkaTimeout >= 1 else { throw ValidationError("--kafka-timeout must be >= 1") }
        if let brokers, brokers.isEmpty { throw ValidationError("--brokers must not be empty") }
    }

    func run() throws {
        var errorsShown = 0
        func report(_ error: EventDecodingError, _ source: String, _ line: Int?) {
            errorsShown += 1
            if errorsShown <= maxErrorsShown {
                printError("\(source)\(line.map { ":\($0)" } ?? ""): skipped: \(error)")
            } else if errorsShown == maxErrorsShown + 1 {
                printError("(further skipped lines are only counted)")
            }
        }

        var evaluation = OutcomeEvaluation()
        let inputs = files.isEmpty && brokers == nil ? ["-"] : files
        for path in inputs { try read(path, into: &evaluation, report) }
        for path in challenger { try read(path, into: &evaluation, asChallenger: true, report) }
        if let brokers {
            let client = try KafkaClientFile.settings(config, command: "evaluate")
            let names = topics.map { $0.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty } }
                ?? Self.defaultTopics(brokers: brokers, timeout: .seconds(min(kafkaTimeout, 10)), client: client)
            guard !names.isEmpty else { throw ValidationError("--topics names no topic") }
            do {
                try TopicReader.readToEnd(brokers: brokers, topics: names, timeout: .seconds(kafkaTimeout), client: client) { topic, value in
                    value.withUnsafeBytes { raw in
                        if let error = evaluation.feed(line: raw) { report(error, topic, nil) }
                    }
                }
            } catch {
                printError("leadscore evaluate: cannot read \(names.joined(separator: ", ")) from \(brokers): \(error)")
                throw ExitCode(2)
            }
        }
        var baselineEvaluation: OutcomeEvaluation?
        if let baseline {
            var b = OutcomeEvaluation()
            try read(baseline, into: &b, report)
            baselineEvaluation = b
        }

        let result = evaluation.report(baseline: baselineEvaluation, timeSlices: slices)
        if result.population.leads == 0 {
            printError("leadscore evaluate: no lead_rescored events in the input: give it the output of leadscore replay (or of the daemon's topics) together with the lead_outcome events")
        } else if result.inputs.outcomes == 0 {
            printError("leadscore evaluate: no lead_outcome events in the input: every lead counts as not converted")
        }
        var stdout = FileOutput(descriptor: 1)
        if json {
            result.appendJSON(to: &stdout.buffer)
            stdout.buffer.append(UInt8(ascii: "\n"))
        } else {
            stdout.buffer.append(contentsOf: Array(EvaluationText.render(result).utf8))
        }
        stdout.flush()
        if let html {
            var out: FileOutput
            do { out = try FileOutput.create(path: html) } catch {
                printError("leadscore evaluate: \(error)")
                throw ExitCode(2)
            }
            out.buffer.append(contentsOf: Array(EvaluationHTML.render(result, title: title).utf8))
            out.flush()
            out.close()
        }
    }

    /// The live model's topics and the rep events: what `--brokers` reads without `--topics`.
    static var defaultTopics: [String] {
        let t = DaemonConfiguration.Topics()
        return [t.scores, t.routing, t.repEvents]
    }

    /// The default topics, and the challenger's when the cluster has it: a daemon that never had
    /// a challenger has no such topic, and the reader refuses a missing topic, which would fail
    /// the evaluation of the live model.
    static func defaultTopics(brokers: String, timeout: Duration, client: KafkaConfiguration? = nil) -> [String] {
        let challenger = DaemonConfiguration.Topics().challenger
        return defaultTopics + (TopicReader.exists(challenger, brokers: brokers, timeout: timeout, client: client) ? [challenger] : [])
    }

    private func read(_ path: String, into evaluation: inout OutcomeEvaluation, asChallenger: Bool = false,
                      _ report: (EventDecodingError, String, Int?) -> Void) throws {
        // Bounded lines: an endless one (`/dev/zero`) is reported as soon as it outgrows the
        // bound and skipped, instead of growing in memory until its newline.
        let source = path == "-" ? "stdin" : path
        do {
            try FileInput.forEachLine(path: path, maxLineBytes: OutcomeEvaluation.maxLineBytes) { line, number in
                let error = asChallenger ? evaluation.feed(challengerLine: line) : evaluation.feed(line: line)
                if let error { report(error, source, number) }
            } tooLong: { error, number in
                evaluation.countTooLongLine(error)
                report(error, source, number)
            }
        } catch {
            printError("leadscore evaluate: \(error)")
            throw ExitCode(2)
        }
    }
}
