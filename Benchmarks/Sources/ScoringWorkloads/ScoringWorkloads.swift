import LeadScoreAnalysis
import LeadScoreCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scoring-core workloads measured by the `ScoringCore` benchmarks and `scoring-figures`.
/// Inputs come from `SyntheticStream`, so every run measures the same bytes.
public enum ScoringWorkloads {
    /// JSON Lines of a synthetic stream, as one buffer plus the byte range of each line.
    public struct Lines: Sendable {
        /// All lines, each followed by `\n`.
        public var bytes: [UInt8]
        /// Start offset and length of each line (without the newline).
        public var ranges: [(start: Int, count: Int)]

        /// Number of lines.
        public var count: Int { ranges.count }
    }

    /// Generates `events` lines over `leads` leads (seed 42, 20 reps).
    public static func lines(events: Int, leads: Int, seed: UInt64 = 42) -> Lines {
        var stream = SyntheticStream(.init(events: events, leads: leads, reps: 20, seed: seed))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events * 200)
        var ranges: [(start: Int, count: Int)] = []
        ranges.reserveCapacity(events)
        var start = 0
        while stream.next(into: &bytes) {
            ranges.append((start, bytes.count - start - 1))
            start = bytes.count
        }
        return Lines(bytes: bytes, ranges: ranges)
    }

    /// Decodes every line; returns how many decoded (all of them, for generated input).
    public static func decodeAll(_ lines: Lines, decoder: EventDecoder = EventDecoder()) -> Int {
        var ok = 0
        lines.bytes.withUnsafeBytes { all in
            for r in lines.ranges {
                if (try? decoder.decode(UnsafeRawBufferPointer(rebasing: all[r.start..<(r.start + r.count)]))) != nil { ok += 1 }
            }
        }
        return ok
    }

    /// The decoded events of `lines` (for engine-only measurements).
    public static func decoded(_ lines: Lines) -> [InputEvent] {
        var events: [InputEvent] = []
        events.reserveCapacity(lines.count)
        let decoder = EventDecoder()
        lines.bytes.withUnsafeBytes { all in
            for r in lines.ranges {
                if let e = try? decoder.decode(UnsafeRawBufferPointer(rebasing: all[r.start..<(r.start + r.count)])) {
                    events.append(e)
                }
            }
        }
        return events
    }

    /// Applies decoded events to a fresh engine; returns the number of outputs.
    public static func score(_ events: [InputEvent], config: ScoringConfig = ScoringConfig()) -> Int {
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        var outputs = 0
        for e in events {
            engine.apply(e, into: &out)
            outputs += out.count
            out.removeAll(keepingCapacity: true)
        }
        return outputs
    }

    /// A challenger's configuration for the figures: other weights, a shorter half-life, a daily
    /// cap, a third-party weight and industry points than the built-in model (the configuration of
    /// the scores-only book's tests).
    public static func challengerConfig() -> ScoringConfig {
        var c = ScoringConfig()
        c.intent.signals[.demoRequest]?.weight = 10
        c.intent.signals[.pricingPageVisit]?.weight = 25
        c.intent.signals[.pricingPageVisit]?.halfLife = .seconds(3 * 86_400)
        c.intent.signals[.emailOpen]?.maxPointsPerDay = 4
        c.intent.thirdPartyMaxWeight = 40
        c.quality.industryPoints = 5
        return c
    }

    /// `score(_:config:)` with a challenger beside the engine, as the daemon runs one: every lead
    /// event is also applied to a scores-only `LeadBook` under `challenger` (rep events go to the
    /// rep book only, as in the daemon). Returns the number of outputs of both.
    public static func scoreWithChallenger(_ events: [InputEvent], config: ScoringConfig = ScoringConfig(),
                                           challenger: ScoringConfig = challengerConfig()) -> Int {
        var engine = ScoringEngine(config: config)
        var shadow = LeadBook(config: challenger)
        shadow.scoresOnly = true
        var desk = NoRoutingDesk()
        var out: [OutputEvent] = []
        var shadowOut: [OutputEvent] = []
        var outputs = 0
        for e in events {
            engine.apply(e, into: &out)
            outputs += out.count
            out.removeAll(keepingCapacity: true)
            if !e.isRepEvent {
                shadow.apply(e, reps: &desk, into: &shadowOut)
                outputs += shadowOut.count
                shadowOut.removeAll(keepingCapacity: true)
            }
        }
        return outputs
    }

    /// Decodes and scores every line with a fresh engine; returns the number of outputs.
    public static func decodeAndScore(_ lines: Lines, config: ScoringConfig = ScoringConfig()) -> Int {
        var engine = ScoringEngine(config: config)
        let decoder = EventDecoder()
        var out: [OutputEvent] = []
        var outputs = 0
        lines.bytes.withUnsafeBytes { all in
            for r in lines.ranges {
                guard let e = try? decoder.decode(UnsafeRawBufferPointer(rebasing: all[r.start..<(r.start + r.count)])) else { continue }
                engine.apply(e, into: &out)
                outputs += out.count
                out.removeAll(keepingCapacity: true)
            }
        }
        return outputs
    }

    /// `leadscore replay` end to end over an in-memory file: 4 MiB chunks, line splitting,
    /// decoding, scoring, JSON output into a 1 MiB buffer that is emptied (as if written) when
    /// full. Returns the output bytes produced.
    public static func replay(_ bytes: [UInt8], config: ScoringConfig = ScoringConfig()) -> Int {
        var runner = ReplayRunner(config: config)
        var splitter = LineSplitter()
        var output: [UInt8] = []
        output.reserveCapacity(2 << 20)
        var produced = 0
        bytes.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + (4 << 20))
                splitter.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])) { line, _ in
                    runner.feed(line: line, output: &output)
                    if output.count >= 1 << 20 {
                        produced += output.count
                        output.removeAll(keepingCapacity: true)
                    }
                } tooLong: { _ in }
                start = end
            }
        }
        splitter.finish { line, _ in runner.feed(line: line, output: &output) } tooLong: { _ in }
        runner.finish(until: nil, output: &output)
        return produced + output.count
    }

    /// A lead book holding `leads` leads, each with a full profile and one engagement (the
    /// state a production partition holds), plus the rep book that routed them.
    public static func bookWithLeads(_ leads: Int) -> ScoringEngine {
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        forEachBookEvent(leads: leads) { event in
            engine.apply(event, into: &out)
            out.removeAll(keepingCapacity: true)
        }
        return engine
    }

    /// The scores-only book a challenger under `config` holds beside `bookWithLeads(leads)`: the
    /// same lead events (not the rep roster, which the daemon never gives a challenger).
    public static func challengerBookWithLeads(_ leads: Int, config: ScoringConfig = challengerConfig()) -> LeadBook {
        var book = LeadBook(config: config)
        book.scoresOnly = true
        var desk = NoRoutingDesk()
        var out: [OutputEvent] = []
        forEachBookEvent(leads: leads) { event in
            if !event.isRepEvent { book.apply(event, reps: &desk, into: &out) }
            out.removeAll(keepingCapacity: true)
        }
        return book
    }

    /// The events of `bookWithLeads`: a 20-rep roster, then a profile and an engagement per lead.
    private static func forEachBookEvent(leads: Int, _ body: (InputEvent) -> Void) {
        // The ten positive signals, in the order of the signal table (as before negative signals).
        let positiveSignals = Signal.allCases.filter { !$0.isNegative }
        let start: Int64 = 1_767_571_200_000
        for r in 0..<20 {
            body(.repRoster(RepRosterEvent(eventID: "r\(r)", occurredAt: Timestamp(millisecondsSinceEpoch: start),
                                           repID: "R-\(r)", name: "Rep \(r)", active: true, capacityPerDay: 10_000)))
        }
        let industries = ["software", "retail", "healthcare", "media"]
        let places = [("US", "NA"), ("DE", "EMEA"), ("JP", "APAC")]
        for i in 0..<leads {
            let t = Timestamp(millisecondsSinceEpoch: start + Int64(i) * 10)
            let leadID = "L-\(i)"
            let accountID = i % 5 == 0 ? nil : "A-\(i / 4)"
            let place = places[i % places.count]
            body(.profile(ProfileEvent(eventID: "p\(i)", occurredAt: t, leadID: leadID, accountID: accountID,
                                       industry: industries[i % industries.count], employees: 10 + i % 5000,
                                       country: place.0, region: place.1, seats: 1 + i % 200,
                                       technographics: i % 3 == 0 ? ["salesforce"] : [])))
            body(.engagement(EngagementEvent(eventID: "e\(i)", occurredAt: t, leadID: leadID, accountID: accountID,
                                             signal: positiveSignals[i % positiveSignals.count])))
        }
    }

    /// Resident set size of this process, in bytes (Linux `/proc/self/statm`; 0 elsewhere).
    public static func residentBytes() -> Int {
        #if os(Linux)
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0
        var resident = 0
        guard fscanf_two(f, &size, &resident) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return 0
        #endif
    }

    /// Monotonic seconds, for the figures executable.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

#if os(Linux)
/// Reads the first two integers of a file (`fscanf` is variadic and not imported).
private func fscanf_two(_ f: UnsafeMutablePointer<FILE>, _ a: inout Int, _ b: inout Int) -> Bool {
    var line = [CChar](repeating: 0, count: 256)
    guard fgets(&line, Int32(line.count), f) != nil else { return false }
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let parts = text.split(separator: " ")
    guard parts.count >= 2, let x = Int(parts[0]), let y = Int(parts[1]) else { return false }
    a = x
    b = y
    return true
}
#endif
