import LeadScoreCore
@testable import LeadScoreDaemon
import Testing

/// The rep state's checkpoint holds what the rep events and routing topics make, whatever this
/// process has counted and not yet read back (in process, no broker).
@Suite("Rep checkpoints")
struct RepCheckpointTests {
    static let day = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)  // 2026-11-18T11:06:40Z

    static func roster() throws -> RepBook {
        var book = RepBook(config: ScoringConfig())
        let decoder = EventDecoder()
        for json in [
            #"{"event_id":"1","type":"rep_roster","occurred_at":"2026-11-18T00:00:00Z","rep_id":"R-1","name":"Ada","active":true,"capacity_per_day":50}"#,
            #"{"event_id":"2","type":"rep_roster","occurred_at":"2026-11-18T00:00:00Z","rep_id":"R-2","name":"Bo","active":true,"capacity_per_day":50}"#,
            #"{"event_id":"3","type":"lead_outcome","occurred_at":"2026-11-18T01:00:00Z","lead_id":"L-0","rep_id":"R-2","outcome":"converted"}"#,
        ] {
            book.apply(try decoder.decode(Array(json.utf8)))
        }
        return book
    }

    static func bytes(_ book: RepBook) -> [UInt8] {
        var out: [UInt8] = []
        book.serialize(into: &out)
        return out
    }

    static func route(_ desk: inout RepState.Desk, at: Timestamp) -> String? {
        desk.route(bucket: .c, at: at, country: nil, region: nil, currentOwner: nil, accountID: nil, accountOwner: nil, holdout: false).repID
    }

    @Test("own decisions and breaches leave the checkpoint until the feed reads them back or a replay takes them back")
    func checkpointHoldsTheTopics() throws {
        let before = try Self.roster()
        let state = RepState(before)
        var desk = state.desk
        let reps = (0..<3).map { Self.route(&desk, at: Timestamp(millisecondsSinceEpoch: Self.day.millisecondsSinceEpoch + Int64($0) * 1_000)) }
        desk.recordBreach(repID: "R-1", at: Self.day)
        #expect(state.unreadOwnDecisions == 4)
        #expect(state.leaderboard().reduce(0) { $0 + $1.loadToday } == 3)
        #expect(state.leaderboard().reduce(0) { $0 + $1.slaBreaches } == 1)

        // Nothing read back: the checkpoint counts what the book counted before any of it (its
        // clock, which routing moved, aside).
        #expect(state.checkpointBook().leaderboard(at: Self.day) == before.leaderboard(at: Self.day))
        #expect(state.withBook { $0.leaderboard(at: Self.day) } != before.leaderboard(at: Self.day))

        // The feed reads back the first two decisions and the breach; a replay finds the third
        // already written and takes its count back.
        var own: [RepFeed.Item] = []
        for (i, rep) in reps.prefix(2).enumerated() {
            let rep = try #require(rep)
            own.append(.ownRead(OwnDecisions.Key(.load, repID: rep, at: Timestamp(millisecondsSinceEpoch: Self.day.millisecondsSinceEpoch + Int64(i) * 1_000))))
        }
        own.append(.ownRead(OwnDecisions.Key(.breach, repID: "R-1", at: Self.day)))
        state.withBookAndOwn { RepFeed.apply(own, to: &$0, own: &$1) }
        state.releaseReplayed(.load, repID: try #require(reps[2]), at: Timestamp(millisecondsSinceEpoch: Self.day.millisecondsSinceEpoch + 2_000))
        #expect(state.unreadOwnDecisions == 0)
        #expect(state.leaderboard().reduce(0) { $0 + $1.loadToday } == 2)
        let live = state.withBook { Self.bytes($0) }
        #expect(Self.bytes(state.checkpointBook()) == live)

        // A breach a replay decided again is taken back: the count is the one breach.
        desk.recordBreach(repID: "R-1", at: Self.day)
        state.releaseReplayed(.breach, repID: "R-1", at: Self.day)
        #expect(state.leaderboard().first { $0.repID == "R-1" }?.slaBreaches == 1)
        #expect(state.withBook { Self.bytes($0) } == live)
    }

    @Test("a checkpoint round-trips the rep book (breaches included), the uplift tally and the positions; damage is an error")
    func codec() throws {
        var book = try Self.roster()
        book.recordBreach(repID: "R-1", at: Self.day)
        book.recordRouting(repID: "R-2", at: Self.day)
        var uplift = UpliftTally(maxLeads: 100)
        uplift.recordRouting(leadID: "L-1", bucket: .a, holdout: false)
        uplift.recordRouting(leadID: "L-2", bucket: .b, holdout: true)
        uplift.recordConversion(leadID: "L-1")
        let positions: [Snapshot.OutputPosition] = [.init(topic: "lead-routing", partition: 0, offset: 12), .init(topic: "rep-events", partition: 0, offset: 3)]
        let checkpoint = RepCheckpoint(book: book, uplift: uplift, positions: positions)
        #expect(checkpoint.coveredRecords == 15)
        let bytes = checkpoint.encode()
        let decoded = try RepCheckpoint.decode(bytes, config: ScoringConfig(), upliftMaxLeads: 100)
        #expect(Self.bytes(decoded.book) == Self.bytes(book))
        #expect(decoded.book.leaderboard(at: Self.day).first { $0.repID == "R-1" }?.slaBreaches == 1)
        #expect(decoded.uplift.counts == uplift.counts)
        #expect(decoded.positions == positions)
        // The restored tally goes on counting as the original would.
        var a = uplift, b = decoded.uplift
        a.recordConversion(leadID: "L-2"); b.recordConversion(leadID: "L-2")
        #expect(a.counts == b.counts)

        for cut in [0, 8, 20, bytes.count - 1] {
            #expect(throws: SnapshotFileError.self) { try RepCheckpoint.decode(Array(bytes[0..<cut]), config: ScoringConfig(), upliftMaxLeads: 100) }
        }
        var longer = ScoringConfig()
        longer.routing.longWindow = .seconds(120 * 86_400)
        #expect(throws: SnapshotFileError.self) { try RepCheckpoint.decode(bytes, config: longer, upliftMaxLeads: 100) }
    }
}
