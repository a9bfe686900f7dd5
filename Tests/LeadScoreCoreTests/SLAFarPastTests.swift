import Testing
@testable import LeadScoreCore

/// Stamps far behind stream time and first-touch SLAs: a touch answers only a routing made
/// before it, and a lead routed now for an event stamped in the past gets its SLA from now, not a
/// breach chain at once. Leads whose events arrive in time keep event-time deadlines.
@Suite("First-touch SLA: far-past stamps")
struct SLAFarPastTests {
    /// 0001-01-01T00:00:00Z.
    static let yearOne = Timestamp(millisecondsSinceEpoch: -62_135_596_800_000)

    @Test("a touch stamped before the routing it would answer does not stop the clock", arguments: [
        Timestamp(millisecondsSinceEpoch: 915_148_800_000),  // 1999-01-01
        Fixture.at(hours: -1),
    ])
    func touchBeforeRoutingDoesNotCount(_ stamp: Timestamp) {
        var (engine, out) = SLATests.engineWithLeadInA()
        out.removeAll()
        engine.apply(SLATests.touch("L", by: "r1", at: stamp), into: &out)
        engine.apply(SLATests.tick(at: Fixture.at(hours: 1, seconds: 1)), into: &out)
        #expect(SLATests.breaches(out).map(\.repID) == ["r1"])
    }

    @Test("a touch at or after the routing still stops the clock, even when read late")
    func touchAfterRoutingCounts() {
        var (engine, out) = SLATests.engineWithLeadInA()
        engine.apply(SLATests.tick(at: Fixture.at(hours: 0.75)), into: &out)
        out.removeAll()
        engine.apply(SLATests.touch("L", by: "r1", at: Fixture.at(hours: 0.5)), into: &out)
        engine.apply(SLATests.tick(at: Fixture.at(hours: 5)), into: &out)
        #expect(SLATests.breaches(out).isEmpty)
    }

    @Test("a lead whose events are stamped a day behind stream time gets its SLA from stream time")
    func lateLeadSLAFromStreamTime() throws {
        var engine = RouterTests().rankedReps()
        var out: [OutputEvent] = []
        let now = Fixture.at(days: 1)
        engine.apply(SLATests.tick(at: now), into: &out)
        for event in RouterTests().leadA("L", at: Fixture.t0) { engine.apply(event, into: &out) }
        let routed = try #require(Fixture.routed(out).first)
        #expect(routed.occurredAt == Fixture.t0)
        #expect(routed.slaDueAt == Fixture.at(days: 1, hours: 1))
        out.removeAll()
        // Half an hour later nothing is due; past the hour, one breach and a re-route with an hour.
        engine.apply(SLATests.tick(at: Fixture.at(days: 1, hours: 0.5)), into: &out)
        #expect(SLATests.breaches(out).isEmpty)
        engine.apply(SLATests.tick(at: Fixture.at(days: 1, hours: 1, seconds: 1)), into: &out)
        #expect(SLATests.breaches(out).map(\.slaDueAt) == [Fixture.at(days: 1, hours: 1)])
        #expect(SLATests.escalations(out).isEmpty)
        #expect(Fixture.rerouted(out).map(\.slaDueAt) == [Fixture.at(days: 1, hours: 2)])
    }

    @Test("leads in time keep event-time deadlines: a gap in stream time still runs the chain")
    func inTimeChainUnchanged() {
        var (engine, out) = SLATests.engineWithLeadInA()
        out.removeAll()
        engine.apply(SLATests.tick(at: Fixture.at(hours: 10)), into: &out)
        #expect(SLATests.breaches(out).map(\.slaDueAt) == [Fixture.at(hours: 1), Fixture.at(hours: 2), Fixture.at(hours: 3)])
        #expect(SLATests.escalations(out).count == 1)
    }

    /// `L:2` < `L:2:b1` < `L:2:r1` < `L:2:b2` < ... < `L:2:escalated` < `L:3`.
    static func keyOrder(_ key: String) -> (seq: Int, step: Int) {
        let parts = key.split(separator: ":")
        let seq = Int(parts[1]) ?? -1
        guard parts.count > 2 else { return (seq, 0) }
        let tag = parts[2]
        if tag == "escalated" { return (seq, Int.max) }
        let n = Int(tag.dropFirst()) ?? 0
        return (seq, tag.first == "b" ? 2 * n - 1 : 2 * n)
    }

    @Test("a lead stamped year 0001: routed with an SLA from stream time, its outputs' keys in order")
    func yearOneLead() throws {
        var engine = RouterTests().rankedReps()
        var out: [OutputEvent] = []
        engine.apply(SLATests.tick(at: Fixture.t0), into: &out)
        for event in RouterTests().leadA("Y", at: Self.yearOne) { engine.apply(event, into: &out) }
        for hours: Double in [0.5, 2, 30, 24 * 20] {
            engine.apply(SLATests.tick(at: Fixture.at(hours: hours)), into: &out)
        }
        let keys: [String] = out.compactMap { output in
            switch output {
            case .leadRescored(let e) where e.leadID == "Y": e.idempotencyKey
            case .leadRouted(let e) where e.leadID == "Y": e.idempotencyKey
            case .leadSLABreached(let e) where e.leadID == "Y": e.idempotencyKey
            case .leadEscalated(let e) where e.leadID == "Y": e.idempotencyKey
            default: nil
            }
        }
        let order = keys.map(Self.keyOrder)
        #expect(zip(order, order.dropFirst()).allSatisfy { $0.seq < $1.seq || ($0.seq == $1.seq && $0.step <= $1.step) }, "\(keys)")
        // No deadline of the lead falls before the stream time it was routed at.
        let dues = out.compactMap { if case .leadRouted(let e) = $0, e.leadID == "Y" { e.slaDueAt } else { nil } }
        #expect(!dues.isEmpty)
        #expect(dues.allSatisfy { $0 > Fixture.t0 }, "\(dues)")
        let first = try #require(Fixture.routed(out).first { $0.leadID == "Y" })
        #expect(first.slaDueAt == Fixture.at(hours: 1))
        // Its first breach is an hour after stream time reached it, not at once.
        let breaches = SLATests.breaches(out).filter { $0.leadID == "Y" }
        #expect(breaches.allSatisfy { $0.slaDueAt >= Fixture.at(hours: 1) }, "\(breaches)")
    }
}
