import Testing
@testable import LeadScoreCore

@Suite("Scoring configuration")
struct ScoringConfigTests {
    @Test("the defaults are the SPEC's")
    func defaults() {
        let config = ScoringConfig()
        #expect(config.validate().isEmpty)
        #expect(config.intent.rule(for: .demoRequest) == .init(weight: 50, halfLife: .seconds(21 * 86_400)))
        #expect(config.intent.rule(for: .emailOpen) == .init(weight: 1, halfLife: .seconds(3 * 86_400), maxPointsPerDay: 3))
        #expect(config.intent.rule(for: .unsubscribe) == .init(weight: -20, halfLife: .seconds(30 * 86_400)))
        #expect(config.intent.rule(for: .bounce) == .init(weight: -10, halfLife: .seconds(14 * 86_400)))
        #expect(config.intent.rule(for: .spamComplaint) == .init(weight: -40, halfLife: .seconds(60 * 86_400)))
        #expect(config.disqualifiers.personalDomains.contains("gmail.com"))
        #expect(config.disqualifiers.studentDomains.contains("edu"))
        #expect(config.quality.floorUSD == 5_000)
        #expect(config.buckets.thresholdA == 70)
        #expect(config.routing.holdoutShare == 0.05)
        #expect(config.routing.cadenceB.firstTouchSLA == .seconds(86_400))
        #expect(config.version.utf8.count == 16)
    }

    @Test("an empty document and one with only daemon sections give the defaults")
    func emptyAndForeignSections() throws {
        #expect(try ScoringConfig(yaml: "") == ScoringConfig())
        let yaml = """
        kafka:
          brokers: localhost:9092
          anything: [goes, here]
        http: {listen: "127.0.0.1:8080"}
        """
        #expect(try ScoringConfig(yaml: yaml) == ScoringConfig())
    }

    @Test("durations parse in every unit", arguments: [
        ("21d", 21 * 86_400_000), ("36h", 36 * 3_600_000), ("90m", 90 * 60_000), ("30s", 30_000), ("1500ms", 1500),
    ] as [(String, Int64)])
    func durations(text: String, ms: Int64) {
        #expect(ConfigDuration.parse(text)?.milliseconds == ms)
        #expect(ConfigDuration.parse(ConfigDuration.format(.milliseconds(ms)))?.milliseconds == ms)
    }

    @Test("overrides are read from YAML")
    func overrides() throws {
        let config = try ScoringConfig(yaml: """
        scoring:
          intent:
            signals:
              demo_request: {weight: 40, half_life: 36h}
          buckets: {A: 80}
        routing:
          holdout_share: 0.1
          cadences:
            A: {first_touch_sla: 30m}
        """)
        #expect(config.intent.rule(for: .demoRequest) == .init(weight: 40, halfLife: .seconds(36 * 3600)))
        #expect(config.intent.rule(for: .formFill).weight == 30)
        #expect(config.buckets.thresholdA == 80)
        #expect(config.routing.holdoutShare == 0.1)
        #expect(config.routing.cadenceA.firstTouchSLA == .seconds(1800))
        #expect(config.routing.cadenceA.calls == 7)
    }

    @Test("every problem is reported with its field path", arguments: [
        ("scoring:\n  intent:\n    signals:\n      demo_request: {half_life: -3d}",
         "scoring.intent.signals.demo_request.half_life: must be positive, got -3d"),
        ("scoring:\n  buckets: {A: 40, B: 45}",
         "scoring.buckets: thresholds must be strictly decreasing A > B > C > 0, got A 40, B 45, C 20"),
        ("scoring:\n  intent:\n    signals:\n      demo_requets: {weight: 3}",
         "scoring.intent.signals.demo_requets: unknown signal"),
        ("scoring:\n  quality:\n    floor_usd: 20000",
         "scoring.quality.floor_usd: floor must not be above the tier thresholds"),
        ("routing:\n  holdout_share: 1.5", "routing.holdout_share: must be within 0...1, got 1.5"),
        ("scoring:\n  intent:\n    signals:\n      web_visit: {weight: .nan}",
         "scoring.intent.signals.web_visit.weight: must be a finite number"),
        ("scoring:\n  buckts: {A: 80}", "scoring.buckts: unknown key"),
        ("routing:\n  cadences:\n    A: {calls: seven}", "routing.cadences.A.calls: must be an integer, got 'seven'"),
        ("scoring:\n  intent:\n    third_party: {half_life: 2 weeks}", "scoring.intent.third_party.half_life: must be a duration"),
        ("routing:\n  rep_score: {short_window: 120d}", "routing.rep_score.short_window: must be a positive whole number of days not longer than long_window"),
        ("scoring:\n  intent:\n    signals:\n      unsubscribe: {weight: 5}",
         "scoring.intent.signals.unsubscribe.weight: must not be positive (unsubscribe is a negative signal), got 5"),
        ("scoring:\n  intent:\n    signals:\n      email_open: {weight: -1}",
         "scoring.intent.signals.email_open.weight: must not be negative, got -1"),
        ("scoring:\n  intent:\n    signals:\n      bounce: {half_life: -14d}",
         "scoring.intent.signals.bounce.half_life: must be positive, got -14d"),
        ("scoring:\n  intent:\n    signals:\n      email_open: {max_points_per_day: 0}",
         "scoring.intent.signals.email_open.max_points_per_day: must be a positive number, got 0"),
        ("scoring:\n  intent:\n    signals:\n      email_click: {max_points_per_day: many}",
         "scoring.intent.signals.email_click.max_points_per_day: must be a number or null"),
        ("scoring:\n  disqualifiers:\n    personal_domains: [gmail.com, ada@yahoo.com]",
         "scoring.disqualifiers.personal_domains[1]: must be a domain or domain suffix"),
        ("scoring:\n  disqualifiers: {student: [edu]}", "scoring.disqualifiers.student: unknown key"),
        ("routing:\n  candidates_in_event: 0", "routing.candidates_in_event: must be at least 1 (the chosen rep) or all, got 0"),
        ("routing:\n  candidates_in_event: some", "routing.candidates_in_event: must be a whole number of reps or all, got 'some'"),
        ("routing:\n  candidates_in_event: 2.5", "routing.candidates_in_event: must be a whole number of reps or all"),
    ])
    func validationErrors(yaml: String, expected: String) {
        #expect {
            try ScoringConfig(yaml: yaml)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.problems.contains { $0.description.hasPrefix(expected) }
        }
    }

    @Test("all problems are collected, not just the first")
    func collectsAll() {
        do {
            _ = try ScoringConfig(yaml: """
            scoring:
              intent:
                signals:
                  email_open: {weight: -1, half_life: 0s}
              typo: 1
            routing:
              holdout_share: -0.1
            """)
            Issue.record("expected an error")
        } catch {
            let paths = Set(error.problems.map(\.path))
            #expect(paths.isSuperset(of: ["scoring.intent.signals.email_open.weight", "scoring.intent.signals.email_open.half_life",
                                          "scoring.typo", "routing.holdout_share"]))
        }
    }

    @Test("the version hashes the effective configuration")
    func version() throws {
        let defaults = ScoringConfig().version
        // Spelling out defaults, in another order, changes nothing.
        let spelled = try ScoringConfig(yaml: """
        routing: {holdout_share: 0.05}
        scoring:
          quality:
            target_industries: {industries: [healthcare, software, financial_services]}
          intent:
            signals:
              demo_request: {half_life: 504h, weight: 50.0}
        """)
        #expect(spelled.version == defaults)
        #expect(try ScoringConfig(yaml: "scoring: {buckets: {A: 71}}").version != defaults)
        #expect(try ScoringConfig(yaml: "routing: {cadences: {C: {priority: 4}}}").version != defaults)
    }

    @Test("candidates_in_event: a number or all, 5 by default, outside the version")
    func candidatesInEvent() throws {
        #expect(ScoringConfig().routing.candidatesInEvent == 5)
        let three = try ScoringConfig(yaml: "routing: {candidates_in_event: 3}")
        let all = try ScoringConfig(yaml: "routing: {candidates_in_event: all}")
        #expect(three.routing.candidatesInEvent == 3)
        #expect(all.routing.candidatesInEvent == nil)
        // How many reps an event lists changes no decision and no state.
        #expect(three.version == ScoringConfig().version)
        #expect(all.version == ScoringConfig().version)
    }

    @Test("the example configuration spells out exactly the defaults")
    func exampleFile() throws {
        // The test runs from the package root (swift test) or elsewhere; look upward for deploy/.
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        let file = path + "/deploy/leadscore.yaml"
        let yaml = try readFile(file)
        #expect(try ScoringConfig(yaml: yaml) == ScoringConfig())
    }
}

/// Reads a small text file with the C library (the core avoids Foundation; tests follow suit).
func readFile(_ path: String) throws -> String {
    guard let handle = fopen(path, "r") else { throw ReadError(path: path) }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = fread(&buffer, 1, buffer.count, handle)
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}

struct ReadError: Error {
    var path: String
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ScoringConfigTests {
    /// `scoring.probability`: read, validated, part of the version only when present (every
    /// existing configuration keeps its version), and looked up by band.
    @Test func probabilityTable() throws {
        let plain = try ScoringConfig(yaml: "scoring:\n  buckets: {A: 70}\n")
        #expect(plain.probability.bands.isEmpty)
        let table = try ScoringConfig(yaml: """
        scoring:
          buckets: {A: 70}
          probability:
            - {min_score: 0, probability: 0.02}
            - {min_score: 50, probability: 0.2}
            - {min_score: 80, probability: 0.45}
        """)
        #expect(table.version != plain.version)
        var stripped = table
        stripped.probability = ProbabilityTable()
        #expect(stripped.version == plain.version)
        #expect(table.probability.probability(for: -3) == 0.02)
        #expect(table.probability.probability(for: 49.99) == 0.02)
        #expect(table.probability.probability(for: 50) == 0.2)
        #expect(table.probability.probability(for: 100) == 0.45)
        for bad in ["scoring:\n  probability: [{min_score: 0, probability: 1.5}]\n",
                    "scoring:\n  probability: [{min_score: 10, probability: 0.1}, {min_score: 5, probability: 0.2}]\n",
                    "scoring:\n  probability: [{min_score: 10}]\n", "scoring:\n  probability: 0.3\n"] {
            #expect(throws: ConfigError.self) { try ScoringConfig(yaml: bad) }
        }
    }
}
