import ArgumentParser
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
            """
    )

    @Option(name: .long, help: "Total events (lines), roster included.")
    var events: Int

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
        guard events >= 0 else { throw ValidationError("--events must be >= 0") }
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
        var stream = SyntheticStream(.init(events: events, leads: leads, reps: reps, seed: seed, start: startTime,
                                           spanMilliseconds: Int64(days) * 86_400_000))
        while stream.next(into: &out.buffer) {
            out.flushIfFull()
        }
        out.flush()
        out.close()
    }
}
