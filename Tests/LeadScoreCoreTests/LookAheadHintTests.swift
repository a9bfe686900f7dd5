import LeadScoreAnalysis
import Testing
@testable import LeadScoreCore

/// The cache hints of `LeadBook+LookAhead`: they read the book, never change it or a result, and
/// are safe on any hash (an empty book, an unknown lead, a lead erased since).
@Suite("Look-ahead cache hints")
struct LookAheadHintTests {
    @Test("hinting every event ahead (and hashes of unknown leads) changes no output and no state")
    func hintsChangeNothing() throws {
        var stream = SyntheticStream(.init(events: 20_000, leads: 800, reps: 5, seed: 11))
        var bytes: [UInt8] = []
        while stream.next(into: &bytes) {}
        let decoder = EventDecoder()
        let events = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { try? decoder.decode(String($0)) }
        #expect(events.contains { if case .leadForgotten = $0 { true } else { false } })

        func run(hinted: Bool) -> (outputs: [UInt8], state: [UInt8]) {
            var engine = ScoringEngine(config: ScoringConfig())
            var out: [OutputEvent] = []
            var json: [UInt8] = []
            let hashes = events.map { LeadBook.hintedLeadID(of: $0).map(LeadBook.hintHash) }
            for (n, event) in events.enumerated() {
                if hinted {
                    if n + 2 < events.count, let h = hashes[n + 2] { engine.leads.prefetchSlot(hash: h) }
                    if n + 1 < events.count, let h = hashes[n + 1] { engine.leads.prefetchRecord(hash: h) }
                    // Leads the book has never seen, and arbitrary hashes: hints only.
                    engine.leads.prefetchRecord(hash: LeadBook.hintHash("never-seen-\(n)"))
                    engine.leads.prefetchRecord(hash: UInt64(n) &* 0x9e37_79b9_7f4a_7c15)
                    engine.leads.prefetchSlot(hash: UInt64.max &- UInt64(n))
                }
                out.removeAll(keepingCapacity: true)
                engine.apply(event, into: &out)
                for output in out { output.appendJSON(to: &json) }
            }
            var state: [UInt8] = []
            engine.leads.serialize(into: &state)
            return (json, state)
        }
        let plain = run(hinted: false)
        let hinted = run(hinted: true)
        #expect(plain.outputs.count > 100_000)
        #expect(hinted.outputs == plain.outputs)
        #expect(hinted.state == plain.state)
    }

    @Test("hints on an empty book do nothing")
    func emptyBook() {
        let book = LeadBook(config: ScoringConfig())
        for n in 0..<1_000 {
            let hash = UInt64(n) &* 0x9e37_79b9_7f4a_7c15
            book.prefetchSlot(hash: hash)
            book.prefetchRecord(hash: hash)
        }
        #expect(book.leadCount == 0)
    }

    @Test("the lead an event names, for hints: lead events only")
    func hintedLeads() {
        #expect(LeadBook.hintedLeadID(of: Fixture.engagement("L-1", .pricingPageVisit, at: Fixture.t0)) == "L-1")
        #expect(LeadBook.hintedLeadID(of: Fixture.profile("L-2", at: Fixture.t0)) == "L-2")
        #expect(LeadBook.hintedLeadID(of: Fixture.accountIntent("A-1", surge: 50, at: Fixture.t0)) == nil)
        #expect(LeadBook.hintedLeadID(of: Fixture.roster("R-1")) == nil)
    }

    @Test("counting positions: an output kind's and a bucket's position are their places in the lists")
    func positions() {
        for (i, kind) in OutputEvent.Kind.allCases.enumerated() { #expect(kind.position == i, "\(kind)") }
        #expect(Set(OutputEvent.Kind.allCases.map(\.position)).count == OutputEvent.Kind.allCases.count)
        for (i, bucket) in Bucket.allCases.enumerated() { #expect(bucket.position == i, "\(bucket)") }
    }
}
