import Testing
@testable import LeadScoreCore

/// Random but reproducible streams of lead events over several accounts.
enum StreamGenerator {
    static let industries = ["software", "retail", "healthcare", "energy"]
    static let technographics = ["salesforce", "jira", "snowflake", "excel"]

    /// Events sorted by time (ties kept in generation order), whole-minute timestamps so that ties
    /// between accounts are common.
    static func leadEvents(seed: UInt64, accounts: Int, leadsPerAccount: Int, events: Int) -> [InputEvent] {
        var random = SeededRandom(state: seed)
        var list: [(Int64, InputEvent)] = []
        for _ in 0..<events {
            let a = Int.random(in: 0..<accounts, using: &random)
            let account = "A\(a)"
            let lead = "L\(a)-\(Int.random(in: 0..<leadsPerAccount, using: &random))"
            let time = Timestamp(millisecondsSinceEpoch: Fixture.t0.millisecondsSinceEpoch
                                 + Int64.random(in: 0..<(60 * 24 * 60), using: &random) * 60_000)
            let event: InputEvent
            switch Int.random(in: 0..<20, using: &random) {
            case 0..<3:
                event = Fixture.profile(lead, at: time, account: account,
                                        deal: Bool.random(using: &random) ? Double.random(in: 1_000...90_000, using: &random) : nil,
                                        seats: Int.random(in: 1...60, using: &random),
                                        industry: industries.randomElement(using: &random),
                                        employees: Int.random(in: 1...5000, using: &random),
                                        techno: [technographics.randomElement(using: &random) ?? "jira"],
                                        country: Bool.random(using: &random) ? "US" : "DE")
            case 3:
                event = Fixture.accountIntent(account, surge: Double.random(in: 0...100, using: &random), at: time)
            default:
                event = Fixture.engagement(lead, Signal.allCases.randomElement(using: &random) ?? .webVisit, at: time,
                                           account: account, multiplier: Double.random(in: 0.5...2, using: &random))
            }
            list.append((time.millisecondsSinceEpoch, event))
        }
        return list.enumerated().sorted { lhs, rhs in
            lhs.element.0 != rhs.element.0 ? lhs.element.0 < rhs.element.0 : lhs.offset < rhs.offset
        }.map(\.element.1)
    }

    static func repEvents() -> [InputEvent] {
        var events: [InputEvent] = []
        for (n, rep) in ["ann", "bob", "cid", "dee", "eve"].enumerated() {
            events.append(Fixture.roster(rep, capacity: 40, territories: n == 4 ? ["DE"] : nil, at: Fixture.at(days: -30)))
            for k in 0..<(10 + n) {
                events.append(Fixture.outcome(rep, k % (n + 2) == 0 ? .converted : .noResponse, at: Fixture.at(days: -5)))
            }
        }
        return events
    }

    static func accountOf(_ event: InputEvent) -> String {
        switch event {
        case .engagement(let e): e.accountID ?? e.leadID
        case .profile(let e): e.accountID ?? e.leadID
        case .intent(let e): e.accountID ?? e.leadID ?? ""
        default: ""
        }
    }
}

@Suite("Engine properties")
struct EnginePropertyTests {
    func run(_ events: [InputEvent], config: ScoringConfig = ScoringConfig(), until end: Timestamp = Fixture.at(days: 200)) -> [OutputEvent] {
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        for event in StreamGenerator.repEvents() + events { engine.apply(event, into: &out) }
        engine.advance(to: end, into: &out)
        return out
    }

    func bytes(_ outputs: [OutputEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        for output in outputs {
            output.appendJSON(to: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    func transitionsByLead(_ outputs: [OutputEvent]) -> [String: [LeadRescored]] {
        Dictionary(grouping: Fixture.rescored(outputs), by: \.leadID)
    }

    @Test("same input, same output bytes", arguments: [11, 12] as [UInt64])
    func deterministic(seed: UInt64) {
        let events = StreamGenerator.leadEvents(seed: seed, accounts: 20, leadsPerAccount: 4, events: 3000)
        let first = bytes(run(events))
        let second = bytes(run(events))
        #expect(first.count > 10_000)
        #expect(first == second)
    }

    @Test("permuting simultaneous events of different accounts changes no lead's transitions", arguments: [21, 22] as [UInt64])
    func permutation(seed: UInt64) {
        let events = StreamGenerator.leadEvents(seed: seed, accounts: 10, leadsPerAccount: 3, events: 3000)
        // Reverse the order of accounts within each run of equal timestamps, keeping each account's
        // own order (its events stay in sequence).
        var permuted: [InputEvent] = []
        var start = 0
        while start < events.count {
            var end = start
            while end < events.count && events[end].occurredAt == events[start].occurredAt { end += 1 }
            let group = Array(events[start..<end])
            var order: [String] = []
            for event in group where !order.contains(StreamGenerator.accountOf(event)) {
                order.append(StreamGenerator.accountOf(event))
            }
            for account in order.reversed() {
                permuted += group.filter { StreamGenerator.accountOf($0) == account }
            }
            start = end
        }
        #expect(permuted.count == events.count)
        let a = transitionsByLead(run(events))
        let b = transitionsByLead(run(permuted))
        #expect(a.count > 10)
        #expect(a == b)
    }

    @Test("each lead's transitions do not depend on partitioning", arguments: [31] as [UInt64])
    func partitioning(seed: UInt64) {
        let events = StreamGenerator.leadEvents(seed: seed, accounts: 8, leadsPerAccount: 3, events: 2000)
        let together = transitionsByLead(run(events))
        // One book per account (as if every account were on its own partition), same rep book.
        var books: [String: LeadBook] = [:]
        var reps = RepBook(config: ScoringConfig())
        for event in StreamGenerator.repEvents() { reps.apply(event) }
        var out: [OutputEvent] = []
        for event in events {
            let key = StreamGenerator.accountOf(event)
            var book = books[key] ?? LeadBook(config: ScoringConfig())
            book.apply(event, reps: &reps, into: &out)
            books[key] = book
        }
        for key in books.keys.sorted() {
            books[key]?.advance(to: Fixture.at(days: 200), reps: &reps, into: &out)
        }
        let apart = transitionsByLead(out)
        #expect(together.count > 10)
        #expect(together == apart)
    }

    @Test("transitions: seq counts up from 1 per lead, buckets chain, decay never raises a bucket")
    func sequences() {
        let events = StreamGenerator.leadEvents(seed: 41, accounts: 15, leadsPerAccount: 4, events: 4000)
        let outputs = run(events)
        var decays = 0
        for (_, transitions) in transitionsByLead(outputs) {
            #expect(transitions.map(\.seq) == Array(1...UInt32(transitions.count)))
            #expect(transitions.first?.oldBucket == nil)
            for (previous, next) in zip(transitions, transitions.dropFirst()) {
                #expect(next.oldBucket == previous.newBucket)
                #expect(next.occurredAt >= previous.occurredAt)
            }
            for t in transitions where t.cause == .decay {
                decays += 1
                #expect(t.newBucket < (t.oldBucket ?? .a))
                #expect(t.occurredAt.millisecondsSinceEpoch % 1000 == 0)
            }
        }
        #expect(decays > 10)
        // Every routing event matches a rescore of the same lead and seq.
        let keys = Set(Fixture.rescored(outputs).map(\.idempotencyKey))
        #expect(Fixture.routed(outputs).allSatisfy { keys.contains($0.idempotencyKey) })
    }
}
