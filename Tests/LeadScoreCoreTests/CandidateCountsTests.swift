import Testing
@testable import LeadScoreCore

@Suite("Routing: candidate counts")
struct CandidateCountsTests {
    @Test("counting a roster's statuses at once equals adding them one by one")
    func countingEqualsAdding() {
        let all = RoutingCandidate.Status.allCases
        var state: UInt64 = 42
        for size in [0, 1, 5, 20, 257] {
            var statuses: [RoutingCandidate.Status] = []
            for _ in 0..<size {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                statuses.append(all[Int(state >> 33) % all.count])
            }
            var added = RoutingCandidate.Counts()
            for status in statuses { added.add(status) }
            let counted = RoutingCandidate.Counts(counting: statuses)
            #expect(counted == added, "\(size) reps")
            #expect(counted.total == size)
            for status in all { #expect(counted[status] == statuses.count { $0 == status }) }
        }
    }
}
