import ArgumentParser
import LeadScoreAnalysis
import LeadScoreCore

/// `leadscore generate`: a deterministic synthetic input stream (JSON Lines) for benchmarks, the
/// demo and replay checks. The same options give the same bytes.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic synthetic stream of input events (JSON Lines).",
        discussion: """
            The rep roster comes first, then a realistic mix of engagement, intent, profile, \
            outcome, assignment and availability events with non-decreasing occurred_at.

            With --world, a world with a known truth instead: leads with a hidden propensity to \
            convert (fit and recent interest), reps with a hidden skill, and lead_outcome events \
            drawn from propensity x skill some days after each lead is routed (the world runs \
            the scoring engine on its own lines to know where they went, with --config if given). \
            Its length follows from --leads and --days (--events caps it). `leadscore evaluate` \
            over the world and a replay of it should find A > B > C and a positive holdout uplift.

            --truth picks the hidden weights of a lead's fit. builtin (the default) mirrors the \
            built-in scoring model: target industries, a fitting stack, seats, head count. \
            alternative rewards what the built-in model does not: retail +0.3, manufacturing \
            +0.15, education -0.15, marketo +0.25, zendesk +0.1, the model's target industries \
            and fit tools 0, seats weighing less and the hidden budget more; for checking that \
            `leadscore fit` recovers a truth that is not the model's own. The leads are the same \
            under both truths.
            """
    )

    @Option(name: .long, help: "Total events (lines), roster included (with --world: at most this many).")
    var events: Int?

    @Flag(name: .long, help: "A ground-truth world: hidden propensity and rep skill, outcomes drawn after routing.")
    var world = false

    @Option(name: .long, help: "With --world: the scoring configuration the world routes with (YAML).")
    var config: String?

    /// The world's truths by their command-line name.
    enum Truth: String, ExpressibleByArgument, CaseIterable {
        case builtin, alternative

        var truth: WorldTruth {
            switch self {
            case .builtin: .builtIn
            case .alternative: .alternative
            }
        }
    }

    @Option(name: .long, help: "With --world: the hidden fit weights, builtin (like the built-in model) or alternative (retail, manufacturing, marketo and zendesk fit; education does not).")
    var truth: Truth = .builtin

    @Option(name: .long, help: "Distinct leads.")
    var leads: Int

    @Option(name: .long, help: "PRNG seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Reps on the roster.")
    var reps: Int = 20

    @Option(name: .long, help: "occurred_at of the first event (RFC 3339).")
    var start: String = "2026-01-05T00:00:00Z"

    @Option(name: .long, help: "Days of event time the stream covers.")
    var days: Int = 60

    @Option(name: [.short, .long], help: "Write to this file instead of stdout.")
    var output: String?

    func validate() throws {
        if let events {
            guard events >= 0 else { throw ValidationError("--events must be >= 0") }
        } else if !world {
            throw ValidationError("--events is required (or --world)")
        }
        if config != nil && !world { throw ValidationError("--config only applies with --world") }
        if truth != .builtin && !world { throw ValidationError("--truth only applies with --world") }
        guard leads >= 1 else { throw ValidationError("--leads must be >= 1") }
        guard reps >= 1 else { throw ValidationError("--reps must be >= 1") }
        guard days >= 0 && days <= 36_500 else { throw ValidationError("--days must be in 0...36500") }
    }

    func run() throws {
        let startTime: Timestamp
        do { startTime = try Timestamp(rfc3339: start) } catch {
            throw ValidationError("--start: \(error.message)")
        }
        var out: FileOutput
        if let output {
            do { out = try FileOutput.create(path: output) } catch {
                printError("leadscore generate: \(error)")
                throw ExitCode(2)
            }
        } else {
            out = FileOutput(descriptor: 1)
        }
        if world {
            let scoring = try ScoringConfigFile.load(config, command: "generate")
            var stream = GroundTruthWorld(.init(leads: leads, reps: reps, seed: seed, start: startTime, days: max(1, days),
                                                config: scoring, truth: truth.truth))
            var written = 0
            while written < events ?? Int.max, stream.next(into: &out.buffer) {
                written += 1
                out.flushIfFull()
            }
        } else {
            var stream = SyntheticStream(.init(events: events ?? 0, leads: leads, reps: reps, seed: seed, start: startTime,
                                               spanMilliseconds: Int64(days) * 86_400_000))
            while stream.next(into: &out.buffer) {
                out.flushIfFull()
            }
        }
        out.flush()
        out.close()
    }
}
