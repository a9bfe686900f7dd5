import ArgumentParser
import Foundation
import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreDaemon
import LeadScoreKafka

/// `leadscore fit`: learns the scoring weights from recorded input events and their outcomes and
/// writes them as a configuration file, with a report comparing it to the starting one.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Learn scoring weights from recorded events and outcomes; write them as a configuration file.",
        discussion: """
            Give it recorded input events with their lead_outcome events (what replay and evaluate \
            read), in event-time order, in any number of files; or --brokers to read the lead and rep \
            events topics (ordered by occurred_at). Every lead the model scores is labelled at each \
            --every of event time by whether it converts within --horizon; a regularized logistic \
            regression over each signal's decayed value (from the engine itself) and the quality \
            rules (with points of either sign per industry and per technographic seen often \
            enough) sets the weights and points, scaled to a 0-100 score; the bucket thresholds keep the \
            starting configuration's shares of A, B and C. Business rules stay as they are (floor, \
            tiers' deal values, disqualifiers, daily caps, routing). Each signal's half-life changes only \
            where the data tells the starting one and a multiple of it (--half-life-scales) apart. The report compares \
            both configurations on the moments from --validate-from on (default: the last 30%).
            """
    )

    @Argument(help: "JSON Lines files of input events and lead_outcome events ('-' is stdin; none and no --brokers: stdin).")
    var files: [String] = []

    @Option(help: "Where to write the fitted configuration (YAML).")
    var output: String

    @Option(help: "The starting configuration (default: the built-in model); its other sections are copied to the output.")
    var config: String?

    @Option(help: "A moment is labelled converted when the lead converts within this long after it (e.g. 30d, 14d).")
    var horizon = "30d"

    @Option(help: "Event time between two labelled moments.")
    var every = "7d"

    @Option(name: .customLong("validate-from"), help: "RFC 3339 time: moments from then on validate, earlier ones train (default: the last 30% of moments).")
    var validateFrom: String?

    @Option(help: "L2 penalty on the standardized weights.")
    var l2 = 1.0

    @Option(name: .customLong("min-conversions"), help: "Refuse to fit with fewer converted training moments.")
    var minConversions = 50

    @Option(name: .customLong("bucket-shares"), help: "Target shares of A,B,C among training moments, e.g. 0.1,0.2,0.3 (default: the starting configuration's).")
    var bucketShares: String?

    @Option(name: .customLong("bucket-precision"), help: "Or target conversion rates of A,B,C (each bucket or better, on training moments), e.g. 0.4,0.25,0.15.")
    var bucketPrecision: String?

    @Option(name: .customLong("min-name-samples"), help: "Fewest labelled moments of an industry or technographic for it to get its own points.")
    var minNameSamples = 100

    @Option(name: .customLong("half-life-scales"), help: "Half-lives tried beside the starting ones, as multiples of them, comma-separated ('none': keep them all). Each is read by one more engine over the stream.")
    var halfLifeScales = "0.25,0.5,2,4"

    @Option(name: .customLong("half-life-evidence"), help: "Training log-likelihood (nats) another half-life must gain to be chosen.")
    var halfLifeEvidence = 3.0

    @Option(name: .customLong("max-samples"), help: "Most labelled moments kept in memory (about 200 bytes each); past it they are thinned by a hash of lead and moment.")
    var maxSamples = 500_000

    @Flag(help: "Write the report as JSON to stdout.")
    var json = false

    @Option(help: "Also write the report as a self-contained HTML page to this file.")
    var html: String?

    @Option(help: "Read the topics of this Kafka cluster (HOST:PORT[,...]) instead of, or as well as, files.")
    var brokers: String?

    @Option(help: "With --brokers: the topics to read, comma-separated.")
    var topics: String = {
        let t = DaemonConfiguration.Topics()
        return [t.leadEvents, t.repEvents].joined(separator: ",")
    }()

    @Option(name: .customLong("kafka-timeout"), help: "With --brokers: seconds allowed to read the topics to their end.")
    var kafkaTimeout: Int = 120

    func validate() throws {
        guard ConfigDuration.parse(horizon).map({ $0 > .zero }) == true else { throw ValidationError("--horizon must be a positive duration such as 30d") }
        guard ConfigDuration.parse(every).map({ $0 > .zero }) == true else { throw ValidationError("--every must be a positive duration such as 7d") }
        guard l2 >= 0 && l2.isFinite else { throw ValidationError("--l2 must be a non-negative number") }
        guard minConversions >= 1 else { throw ValidationError("--min-conversions must be at least 1") }
        guard minNameSamples >= 1 else { throw ValidationError("--min-name-samples must be at least 1") }
        guard maxSamples >= 1_000 else { throw ValidationError("--max-samples must be at least 1000") }
        _ = try Self.scales(halfLifeScales)
        guard halfLifeEvidence >= 0 && halfLifeEvidence.isFinite else { throw ValidationError("--half-life-evidence must be a non-negative number") }
        if let validateFrom { _ = try Self.time(validateFrom) }
        if let bucketShares { _ = try Self.shares(bucketShares) }
        if let bucketPrecision { _ = try Self.precision(bucketPrecision) }
        if bucketShares != nil && bucketPrecision != nil { throw ValidationError("give --bucket-shares or --bucket-precision, not both") }
    }

    static func time(_ text: String) throws -> Timestamp {
        do { return try Timestamp(rfc3339: text) } catch { throw ValidationError("--validate-from: \(error)") }
    }

    static func scales(_ text: String) throws -> [Double] {
        if text == "none" { return [] }
        let values = text.split(separator: ",").map { Double(String($0.filter { !$0.isWhitespace })) }
        guard !values.isEmpty, values.count <= 8, values.allSatisfy({ $0.map { $0 > 0 && $0 <= 100 && $0 != 1 } == true }) else {
            throw ValidationError("--half-life-scales must be 'none' or up to 8 positive multiples other than 1, e.g. 0.5,2")
        }
        return values.compactMap { $0 }
    }

    static func precision(_ text: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double(String($0.filter { !$0.isWhitespace })) }
        guard values.count == 3, let a = values[0], let b = values[1], let c = values[2], a < 1, a > b, b > c, c > 0 else {
            throw ValidationError("--bucket-precision must be three conversion rates A > B > C between 0 and 1, e.g. 0.4,0.25,0.15")
        }
        return [a, b, c]
    }

    static func shares(_ text: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double(String($0.filter { !$0.isWhitespace })) }
        guard values.count == 3, let a = values[0], let b = values[1], let c = values[2], a > 0, b > 0, c > 0, a + b + c < 1 else {
            throw ValidationError("--bucket-shares must be three positive fractions A,B,C adding up to less than 1, e.g. 0.1,0.2,0.3")
        }
        return [a, b, c]
    }

    func run() throws {
        let start = try ScoringConfigFile.load(config, command: "fit")
        var samplerOptions = FitSampler.Options()
        samplerOptions.horizon = ConfigDuration.parse(horizon)!
        samplerOptions.every = ConfigDuration.parse(every)!
        samplerOptions.maxSamples = maxSamples
        var sampler = FitSampler(space: FitFeatureSpace(start: start, halfLifeScales: try Self.scales(halfLifeScales)), options: samplerOptions)
        let decoder = EventDecoder()
        var skipped = 0
        func feed(_ line: UnsafeRawBufferPointer) {
            do throws(EventDecodingError) { sampler.add(try decoder.decode(line)) } catch { skipped += 1 }
        }
        let inputs = files.isEmpty && brokers == nil ? ["-"] : files
        for path in inputs {
            do {
                try FileInput.forEachLine(path: path, maxLineBytes: OutcomeEvaluation.maxLineBytes) { line, _ in feed(line) } tooLong: { _, _ in skipped += 1 }
            } catch {
                printError("leadscore fit: \(error)")
                throw ExitCode(2)
            }
        }
        if let brokers {
            // The topics are read whole, then applied in event-time order (stable, so one
            // partition's order holds among equal times).
            var events: [InputEvent] = []
            let names = topics.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }
            do {
                try TopicReader.readToEnd(brokers: brokers, topics: names, timeout: .seconds(kafkaTimeout), client: try KafkaClientFile.settings(config, command: "fit")) { _, value in
                    do throws(EventDecodingError) { events.append(try decoder.decode(value)) } catch { skipped += 1 }
                }
            } catch {
                printError("leadscore fit: cannot read \(names.joined(separator: ", ")) from \(brokers): \(error)")
                throw ExitCode(2)
            }
            let order = events.indices.sorted { (events[$0].occurredAt, $0) < (events[$1].occurredAt, $1) }
            for i in order { sampler.add(events[i]) }
        }
        if skipped > 0 { printError("leadscore fit: \(skipped) lines were not events and were skipped") }

        var options = ModelFit.Options()
        options.l2 = l2
        options.minConversions = minConversions
        options.minNameSamples = minNameSamples
        options.halfLifeEvidence = halfLifeEvidence
        options.validateFrom = try validateFrom.map(Self.time)
        options.bucketShares = try bucketShares.map(Self.shares)
        options.bucketPrecision = try bucketPrecision.map(Self.precision)
        let fitted: ScoringConfig
        let report: ModelFit.Report
        do {
            (fitted, report) = try ModelFit.run(sampler.samples(), options: options)
        } catch {
            printError("leadscore fit: \(error)")
            throw ExitCode(1)
        }

        // The file: the starting one with its scoring section replaced, checked by loading it back.
        let original = try config.map { path in
            do { return try FileInput.readText(path: path) } catch {
                printError("leadscore fit: \(error)")
                throw ExitCode(2)
            }
        } ?? ""
        let header = "# Fitted by leadscore fit from config_version \(start.version); config_version \(fitted.version).\n"
        let text = header + FitConfigYAML.replacingScoring(in: original, with: FitConfigYAML.scoringSection(fitted))
        let readBack: String?
        do throws(ConfigError) {
            readBack = try ScoringConfig(yaml: text).version
        } catch {
            printError("leadscore fit: internal error: the written configuration does not load: \(error)")
            readBack = nil
        }
        guard readBack == fitted.version else {
            printError("leadscore fit: internal error: the written configuration reads back as \(readBack ?? "nothing"), not \(fitted.version)")
            throw ExitCode(1)
        }
        do {
            var out = try FileOutput.create(path: output)
            out.buffer.append(contentsOf: Array(text.utf8))
            out.flush()
            out.close()
        } catch {
            printError("leadscore fit: \(error)")
            throw ExitCode(2)
        }
        var stdout = FileOutput(descriptor: 1)
        if json {
            report.appendJSON(to: &stdout.buffer)
            stdout.buffer.append(UInt8(ascii: "\n"))
        } else {
            stdout.buffer.append(contentsOf: Array(report.text().utf8))
            stdout.buffer.append(contentsOf: Array("\nwritten: \(output) (config_version \(fitted.version))\n".utf8))
        }
        stdout.flush()
        if let html {
            do {
                var out = try FileOutput.create(path: html)
                out.buffer.append(contentsOf: Array(FitHTML.render(report, title: "leadscore fit: learned weights against the starting ones").utf8))
                out.flush()
                out.close()
            } catch {
                printError("leadscore fit: \(error)")
                throw ExitCode(2)
            }
        }
    }
}
