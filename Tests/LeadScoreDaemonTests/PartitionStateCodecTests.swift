import LeadScoreCore
@testable import LeadScoreDaemon
import Testing

/// A partition's state with and without a challenger: the live book's bytes alone without one
/// (what earlier builds wrote), both books framed with one, and damaged frames refused.
@Suite("Partition state (live and challenger books)")
struct PartitionStateCodecTests {
    static func books() -> (live: LeadBook, challenger: LeadBook, config: ScoringConfig) {
        var challengerConfig = ScoringConfig()
        challengerConfig.intent.thirdPartyMaxWeight = 40
        var live = LeadBook(config: ScoringConfig())
        var challenger = LeadBook(config: challengerConfig)
        challenger.scoresOnly = true
        var reps = RepBook(config: ScoringConfig())
        var none = NoRoutingDesk()
        var out: [OutputEvent] = []
        let decoder = EventDecoder()
        for k in 0..<40 {
            let line = #"{"event_id":"e\#(k)","type":"intent","occurred_at":"2026-01-0\#(1 + k % 9)T10:00:00Z","lead_id":"L-\#(k % 7)","account_id":"A-\#(k % 3)","topic":"crm","surge":\#(20 + k),"source":"g2"}"#
            guard let event = try? decoder.decode(line) else { Issue.record("bad fixture \(line)"); continue }
            live.apply(event, reps: &reps, into: &out)
            challenger.apply(event, reps: &none, into: &out)
        }
        return (live, challenger, challengerConfig)
    }

    @Test func withoutAChallengerTheBytesAreTheLiveBooksAlone() throws {
        let (live, _, _) = Self.books()
        var plain: [UInt8] = []
        live.serialize(into: &plain)
        var state: [UInt8] = []
        PartitionState.serialize(live: live, challenger: nil, into: &state)
        #expect(state == plain)
        let split = try PartitionState.split(state)
        #expect(split.live == plain && split.challenger == nil)
    }

    @Test func bothBooksRoundTripAndAChallengerAddedLaterStartsFromTheLiveBook() throws {
        let (live, challenger, config) = Self.books()
        var state: [UInt8] = []
        PartitionState.serialize(live: live, challenger: challenger, into: &state)
        let restored = try PartitionState(deserializing: state, models: ScoringModels(live: ScoringConfig(), challenger: config))
        #expect(restored.live.leadCount == live.leadCount)
        #expect(restored.challenger?.scoresOnly == true)
        #expect(restored.challenger?.view(leadID: "L-3")?.intent == challenger.view(leadID: "L-3")?.intent)
        #expect(restored.challenger?.view(leadID: "L-3")?.intent != live.view(leadID: "L-3")?.intent)
        // Without a challenger configured its part is ignored; from live bytes alone a configured
        // challenger is the live book under the challenger's configuration.
        #expect(try PartitionState(deserializing: state, models: ScoringModels(live: ScoringConfig())).challenger == nil)
        var plain: [UInt8] = []
        live.serialize(into: &plain)
        let derived = try PartitionState(deserializing: plain, models: ScoringModels(live: ScoringConfig(), challenger: config))
        #expect(derived.challenger?.leadCount == live.leadCount)
    }

    @Test func damagedFramesAreErrorsNotTraps() {
        let (live, challenger, _) = Self.books()
        var state: [UInt8] = []
        PartitionState.serialize(live: live, challenger: challenger, into: &state)
        for cut in [9, 20, state.count / 2, state.count - 1] {
            #expect(throws: SnapshotError.self) { try PartitionState.split(Array(state.prefix(cut))) }
        }
        #expect(throws: SnapshotError.self) { try PartitionState.split(state + [0]) }
    }
}
