import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import Testing

/// What the rep feed applies and what it skips (in process, no broker).
@Suite("Rep feed")
struct RepFeedTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)  // 2026-11-18T11:06:40Z

    private func classify(_ json: String?) -> Result<InputEvent, RepFeed.Skip> {
        let message = KafkaMessage(topic: "rep-events", partition: 0, offset: 1, key: nil, value: json.map { Array($0.utf8) })
        let notAfter = Timestamp(millisecondsSinceEpoch: Self.now.millisecondsSinceEpoch + 3_600_000)
        return RepFeed.classify(message, decoder: EventDecoder(), notAfter: notAfter, maxFutureSkew: .seconds(3600))
    }

    @Test("skips future-stamped, tombstone, malformed and lead events, each with its reason", arguments: [
        (#"{"event_id":"e","type":"rep_roster","occurred_at":"2030-01-01T00:00:00Z","rep_id":"R-1","name":"A","active":true,"capacity_per_day":5}"#, "future_timestamp"),
        (nil, "tombstone"),
        ("{not json", "syntax"),
        (#"{"event_id":"e","type":"engagement","occurred_at":"2026-11-19T00:00:00Z","lead_id":"L","signal":"email_open"}"#, "wrong_topic"),
    ])
    func skips(json: String?, reason: String) {
        guard case .failure(let skip) = classify(json) else {
            Issue.record("applied")
            return
        }
        #expect(skip.reason == reason)
    }

    @Test("applies a rep event stamped within the allowed skew")
    func appliesCurrent() {
        let result = classify(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-18T10:00:00Z","rep_id":"R-1","name":"A","active":true,"capacity_per_day":5}"#)
        guard case .success(let event) = result else {
            Issue.record("skipped: \(result)")
            return
        }
        #expect(event.isRepEvent)
    }

    @Test("outcomes for a rep not on the roster count, and the leaderboard says the rep is not on it")
    func unknownRepMarked() throws {
        var reps = RepBook(config: ScoringConfig())
        let decoder = EventDecoder()
        for json in [
            #"{"event_id":"1","type":"rep_roster","occurred_at":"2026-11-19T00:00:00Z","rep_id":"R-1","name":"Ada","active":true,"capacity_per_day":5}"#,
            #"{"event_id":"2","type":"lead_outcome","occurred_at":"2026-11-19T01:00:00Z","lead_id":"L-1","rep_id":"R-9","outcome":"converted"}"#,
            #"{"event_id":"3","type":"rep_availability","occurred_at":"2026-11-19T02:00:00Z","rep_id":"R-8","available":false}"#,
        ] {
            reps.apply(try decoder.decode(Array(json.utf8)))
        }
        let board = reps.leaderboard(at: Self.now)
        let byID = Dictionary(uniqueKeysWithValues: board.map { ($0.repID, $0) })
        #expect(byID["R-1"]?.onRoster == true)
        #expect(byID["R-9"]?.onRoster == false)
        #expect(byID["R-9"]?.longConversions == 1)
        #expect(byID["R-8"]?.onRoster == false)
    }
}
