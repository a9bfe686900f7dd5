import Testing
@testable import LeadScoreCore

/// The leaderboard (`/reps`, the dashboard) of reps who left: a churned rep is ranked with no one
/// and routed to by no one, so it shows no tier and comes after the reps who are working.
@Suite("Rep leaderboard: churned reps")
struct RepLeaderboardTests {
    @Test("a rep set inactive keeps its history but has no tier, and is listed after the active reps")
    func churnedRepHasNoTier() {
        var engine = RouterTests().rankedReps()
        #expect(engine.reps.leaderboard(at: Fixture.t0).map(\.tier) == [0, 1, 2])
        // r1, the best converter, leaves.
        engine.reps.apply(Fixture.roster("r1", active: false, at: Fixture.at(hours: 1)))
        let board = engine.reps.leaderboard(at: Fixture.at(hours: 1))
        #expect(board.map(\.repID) == ["r2", "r3", "r1"])
        #expect(board.map(\.tier) == [0, 1, nil])
        #expect(board.map(\.active) == [true, true, false])
        // Its conversion history stays what it was (the windows are the rep's, not the roster's).
        #expect(abs(board[2].repScore - 0.6) < 1e-12)
    }

    @Test("a rep known only from outcomes (not on the roster) has no tier")
    func offRosterHasNoTier() {
        var reps = RepBook(config: ScoringConfig())
        reps.apply(Fixture.roster("r1"))
        reps.apply(Fixture.outcome("ghost", .converted, at: Fixture.t0))
        let board = reps.leaderboard(at: Fixture.t0)
        #expect(board.map(\.repID) == ["r1", "ghost"])
        #expect(board.map(\.tier) == [0, nil])
    }
}
