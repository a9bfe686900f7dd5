import Benchmark
import LeadScoreCore
import ScoringWorkloads

/// Scoring-core benchmarks (SPEC section 6). Throughput figures are events per second: each
/// benchmark iteration processes `scalingFactor` events.
let benchmarks: @Sendable () -> Void = {
    let events = 1_000_000
    let leads = 50_000

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    // Decode only: 1M mixed events (mostly engagement, some profiles with arrays).
    Benchmark("Decode 1M events", configuration: .init(scalingFactor: .mega)) { benchmark, lines in
        blackHole(ScoringWorkloads.decodeAll(lines))
    } setup: {
        ScoringWorkloads.lines(events: events, leads: leads)
    }

    // Engine only, events already decoded (target >= 2M events/s).
    Benchmark("Score 1M decoded events (50k leads)", configuration: .init(scalingFactor: .mega)) { benchmark, decoded in
        blackHole(ScoringWorkloads.score(decoded))
    } setup: {
        ScoringWorkloads.decoded(ScoringWorkloads.lines(events: events, leads: leads))
    }

    // Decode + score from JSON bytes (target >= 500k events/s).
    Benchmark("Decode and score 1M events (50k leads)", configuration: .init(scalingFactor: .mega)) { benchmark, lines in
        blackHole(ScoringWorkloads.decodeAndScore(lines))
    } setup: {
        ScoringWorkloads.lines(events: events, leads: leads)
    }

    // leadscore replay end to end, in memory: split, decode, score, write JSON.
    Benchmark("Replay 1M events end to end", configuration: .init(scalingFactor: .mega)) { benchmark, lines in
        blackHole(ScoringWorkloads.replay(lines.bytes))
    } setup: {
        ScoringWorkloads.lines(events: events, leads: leads)
    }

    // Memory per lead at 1M leads (target <= 200 bytes): resident set growth while building the
    // book, divided by the leads (includes array growth slack and allocator overhead).
    Benchmark("Memory per lead at 1M leads",
              configuration: .init(metrics: [.wallClock, .custom("rss bytes per lead", useScalingFactor: false)],
                                   warmupIterations: 0, maxIterations: 1)) { benchmark in
        let rssBefore = ScoringWorkloads.residentBytes()
        let engine = ScoringWorkloads.bookWithLeads(1_000_000)
        let rssAfter = ScoringWorkloads.residentBytes()
        benchmark.measurement(.custom("rss bytes per lead", useScalingFactor: false), (rssAfter - rssBefore) / 1_000_000)
        blackHole(engine.leads.leadCount)
    }

    // Snapshot of 1M leads (target < 1 s each way).
    Benchmark("Snapshot serialize 1M leads",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 5)) { benchmark, engine in
        var bytes: [UInt8] = []
        engine.leads.serialize(into: &bytes)
        blackHole(bytes.count)
    } setup: {
        ScoringWorkloads.bookWithLeads(1_000_000)
    }

    Benchmark("Snapshot deserialize 1M leads",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 5)) { benchmark, bytes in
        blackHole((try? LeadBook(deserializing: bytes, config: ScoringConfig()))?.leadCount ?? -1)
    } setup: {
        var bytes: [UInt8] = []
        ScoringWorkloads.bookWithLeads(1_000_000).leads.serialize(into: &bytes)
        return bytes
    }
}
