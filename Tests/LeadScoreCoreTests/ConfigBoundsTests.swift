import Testing
@testable import LeadScoreCore

/// Durations are bounded (a due moment is an event time plus a duration: an unbounded one wraps
/// or leaves RFC 3339's years) and names are names (YAML's null is not the string "null").
@Suite("Configuration bounds: durations and names")
struct ConfigBoundsTests {
    /// The problems a document gives, as `path: reason` lines (empty when it loads).
    static func problems(_ yaml: String) -> [ConfigError.Problem] {
        do {
            _ = try ScoringConfig(yaml: yaml)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("a first-touch SLA that would wrap the due time, or exceeds a year, is refused by field", arguments: [
        "106751991167d", "106751991d", "366d", "9000h",
    ])
    func firstTouchSLABound(_ sla: String) {
        let problems = Self.problems("routing:\n  cadences:\n    A: {first_touch_sla: \(sla)}\n")
        #expect(problems.map(\.path) == ["routing.cadences.A.first_touch_sla"], "\(problems)")
    }

    @Test("a year of first-touch SLA is accepted")
    func firstTouchSLAYear() throws {
        let config = try ScoringConfig(yaml: "routing:\n  cadences:\n    C: {first_touch_sla: 365d}\n")
        #expect(config.routing.cadenceC.firstTouchSLA == .seconds(365 * 86_400))
    }

    @Test("every duration is at most 100 years, named by field", arguments: [
        ("scoring:\n  intent:\n    signals:\n      demo_request: {half_life: 36501d}\n", "scoring.intent.signals.demo_request.half_life"),
        ("scoring:\n  intent:\n    third_party: {half_life: 106751991167d}\n", "scoring.intent.third_party.half_life"),
        ("routing:\n  rep_score: {long_window: 106751991167d}\n", "routing.rep_score.long_window"),
    ])
    func durationBound(_ yaml: String, _ path: String) {
        #expect(Self.problems(yaml).map(\.path) == [path])
    }

    @Test("escalate_to must be a name: null, ~, nothing or blank are refused", arguments: [
        "escalate_to: null", "escalate_to: ~", "escalate_to:", "escalate_to: NULL", "escalate_to: '   '", "escalate_to: \"\"",
    ])
    func escalateToName(_ line: String) {
        let problems = Self.problems("routing:\n  sla:\n    \(line)\n")
        #expect(problems.map(\.path) == ["routing.sla.escalate_to"], "\(problems)")
    }

    @Test("a quoted 'null' is a string, and a name")
    func quotedNull() throws {
        let config = try ScoringConfig(yaml: "routing:\n  sla:\n    escalate_to: 'null'\n")
        #expect(config.routing.sla.escalateTo == "null")
    }

    @Test("list entries must be names too", arguments: [
        ("scoring:\n  quality:\n    target_industries: {industries: [software, null]}\n", "scoring.quality.target_industries.industries[1]"),
        ("scoring:\n  quality:\n    technographics: {any_of: [~, hubspot]}\n", "scoring.quality.technographics.any_of[0]"),
        ("scoring:\n  quality:\n    technographics: {any_of: [hubspot, ' ']}\n", "scoring.quality.technographics.any_of[1]"),
    ])
    func listEntries(_ yaml: String, _ path: String) {
        #expect(Self.problems(yaml).map(\.path) == [path])
    }

    @Test("a configuration built in code is held to the same bounds")
    func validateInCode() {
        var config = ScoringConfig()
        config.routing.cadenceA.firstTouchSLA = .seconds(106_751_991_167 * 86_400)
        config.routing.sla.escalateTo = " "
        #expect(Set(config.validate().map(\.path)) == ["routing.cadences.A.first_touch_sla", "routing.sla.escalate_to"])
    }
}
