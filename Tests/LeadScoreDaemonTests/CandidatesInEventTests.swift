import Foundation
import LeadScoreAnalysis
@testable import LeadScoreCore
@testable import LeadScoreDaemon
import Testing

/// `routing.candidates_in_event`: a decision lists a few reps and counts them all. The same
/// stream is run with every rep listed and with a short list; the decisions must be the same,
/// the short list must be the one the rule picks from the full one (worked out here from the full
/// list, not with the engine's code), and the explanations must read the same.
@Suite("Candidates in the event")
struct CandidatesInEventTests {
    /// Every output of a SPEC stream with 12 reps (its roster changes, outcomes and SLA breaches
    /// included), under `candidatesInEvent`.
    static func outputs(candidatesInEvent: Int?) throws -> [OutputEvent] {
        var config = ScoringConfig()
        config.routing.candidatesInEvent = candidatesInEvent
        var engine = ScoringEngine(config: config)
        var stream = SyntheticStream(.init(events: 30_000, leads: 2_000, reps: 12, seed: 9))
        var input: [UInt8] = []
        while stream.next(into: &input) {}
        let decoder = EventDecoder()
        var out: [OutputEvent] = []
        for line in input.split(separator: UInt8(ascii: "\n")) {
            engine.apply(try decoder.decode(Array(line)), into: &out)
        }
        return out
    }

    /// The rule, from the full list: the chosen rep, breached reps and the account's owner, then
    /// the closest (eligible before not, by score / (1 + load today), ties to the lower rep id),
    /// up to `limit`; in the full list's order.
    static func expectedListing(_ all: LeadRouted, limit: Int) -> [RoutingCandidate] {
        guard all.candidates.count > limit else { return all.candidates }
        let always = all.candidates.filter { $0.status == .chosen || $0.status == .slaBreached || $0.repID == all.accountOwner }
        let eligible: Set<RoutingCandidate.Status> = [.lowerScore, .lowerTier, .offHours, .ownerKept, .accountOwned]
        let others = all.candidates.enumerated()
            .filter { !always.map(\.repID).contains($0.element.repID) }
            .sorted { a, b in
                let ga = eligible.contains(a.element.status) ? 0 : 1, gb = eligible.contains(b.element.status) ? 0 : 1
                if ga != gb { return ga < gb }
                let va = a.element.repScore / Double(1 + a.element.loadToday)
                let vb = b.element.repScore / Double(1 + b.element.loadToday)
                return va != vb ? va > vb : a.offset < b.offset
            }
        let chosen = Set(always.map(\.repID) + others.prefix(max(0, limit - always.count)).map(\.element.repID))
        return all.candidates.filter { chosen.contains($0.repID) }
    }

    @Test("a short list changes no decision, lists what the rule picks, counts every rep, and explains the same")
    func shortListAgainstTheFullOne() throws {
        let full = try Self.outputs(candidatesInEvent: nil)
        let short = try Self.outputs(candidatesInEvent: 3)
        #expect(full.count == short.count)
        var routed = 0, trimmed = 0, reroutes = 0, owners = 0
        for (f, s) in zip(full, short) {
            guard case .leadRouted(let all) = f, case .leadRouted(let few) = s else {
                #expect(f == s)
                continue
            }
            routed += 1
            var counts = RoutingCandidate.Counts()
            for c in all.candidates { counts.add(c.status) }
            #expect(all.candidateCounts == counts)
            var expected = all
            expected.candidates = Self.expectedListing(all, limit: 3)
            #expect(few == expected)
            #expect(RoutingExplanation(few).text == RoutingExplanation(all).text)
            if few.candidates.count < all.candidates.count { trimmed += 1 }
            if few.reroute > 0 { reroutes += 1 }
            if let owner = few.accountOwner, few.repID != owner, few.candidates.contains(where: { $0.repID == owner }) { owners += 1 }
        }
        // The stream must exercise what the rule is about.
        #expect(trimmed > 1_000, "\(trimmed) of \(routed) decisions trimmed")
        #expect(reroutes > 10, "\(reroutes) re-routes")
        #expect(owners > 10, "\(owners) passed-over account owners listed")
    }

    @Test("candidate_counts in the JSON; the demo's reading of it explains as the dashboard does")
    func countsInTheJSON() throws {
        var checked = 0
        for case .leadRouted(let routed) in try Self.outputs(candidatesInEvent: 2).prefix(3_000) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(OutputEvent.leadRouted(routed).jsonString.utf8)) as? [String: Any])
            let counts = try #require(object["candidate_counts"] as? [String: Int])
            #expect(counts == RoutingExplanation.counts(routed.candidateCounts))
            #expect(counts.values.reduce(0, +) == routed.candidateCounts.total)
            #expect(!counts.values.contains(0))
            let listed = try #require(object["candidates"] as? [[String: Any]])
            #expect(listed.count == routed.candidates.count)
            checked += 1
        }
        #expect(checked > 100)
    }
}
