import LeadScoreCore
@testable import LeadScoreDaemon
import Testing

/// The dashboard's latest routing decisions.
@Suite("Recent routing")
struct RecentRoutingTests {
    private func decision(_ n: Int) -> LeadRouted {
        LeadRouted(leadID: "L-\(n)", accountID: nil, seq: 1, repID: "R-\(n % 7)", bucket: .b, cadence: nil, slaDueAt: nil,
                   holdout: false, sticky: false,
                   candidates: [RoutingCandidate(repID: "R-\(n % 7)", status: .chosen, repScore: 0.5, tier: 0, loadToday: n)],
                   reason: nil, occurredAt: Timestamp(millisecondsSinceEpoch: Int64(n) * 1_000), configVersion: "v")
    }

    @Test("keeps the latest decisions, newest first, at most the limit", arguments: [0, 1, 49, 50, 51, 137])
    func keepsTheLatest(count: Int) {
        let recent = RecentRouting()
        for n in 0..<count { recent.append(decision(n)) }
        let expected = (max(0, count - RecentRouting.limit)..<count).reversed().map { "L-\($0)" }
        #expect(recent.newestFirst.map(\.leadID) == expected)
    }

    @Test("workers appending at once lose nothing of the latest and keep each decision whole")
    func concurrentAppends() async {
        let recent = RecentRouting()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for n in 0..<5_000 { recent.append(self.decision(worker * 100_000 + n)) }
                }
            }
        }
        let kept = recent.newestFirst
        #expect(kept.count == RecentRouting.limit)
        #expect(Set(kept.map(\.leadID)).count == RecentRouting.limit)
        for d in kept {
            let n = Int(d.leadID.dropFirst(2))!
            #expect(d.candidates.first?.loadToday == n && d.repID == "R-\(n % 7)")
        }
        // Each worker's last decision is among the kept ones unless 50 later ones displaced it.
        #expect(kept.contains { Int($0.leadID.dropFirst(2))! % 100_000 == 4_999 })
    }
}
