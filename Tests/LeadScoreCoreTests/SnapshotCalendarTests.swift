import Testing
@testable import LeadScoreCore

/// Calendars and account owners survive a snapshot (and a configuration reload, which
/// round-trips the rep book through one); older formats still open.
@Suite("Snapshots: calendars and account owners")
struct SnapshotCalendarTests {
    static let office = WorkingHours(
        timeZone: WorkingHours.zone(named: "America/New_York")!,
        week: [[.init(start: 540, end: 720), .init(start: 780, end: 1050)]] + Array(repeating: [.init(start: 540, end: 1020)], count: 4) + [[], []],
        holidays: [WorkingHours.parseDate("2026-11-26")!])

    /// A rep book with a calendar, a CRM account owner and an assignment, and a lead book that
    /// learned an account owner.
    static func engine() -> ScoringEngine {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(.repRoster(RepRosterEvent(eventID: "r1", occurredAt: Fixture.t0, repID: "r1", name: "R1", active: true,
                                               capacityPerDay: 10, workingHours: office)), into: &out)
        engine.apply(Fixture.roster("r2"), into: &out)
        engine.apply(.accountAssigned(AccountAssignedEvent(eventID: "aa", occurredAt: Fixture.t0, accountID: "CRM", repID: "r2")), into: &out)
        engine.apply(.leadAssigned(LeadAssignedEvent(eventID: "la", occurredAt: Fixture.t0, leadID: "later", repID: "r2")), into: &out)
        engine.apply(Fixture.profile("L1", at: Fixture.t0, account: "LEARNED", deal: 80_000, industry: "software"), into: &out)
        return engine
    }

    static func replayTail(_ engine: ScoringEngine) -> [String] {
        var engine = engine
        var out: [OutputEvent] = []
        engine.apply(Fixture.profile("L2", at: Fixture.at(hours: 1), account: "LEARNED", deal: 80_000, industry: "software"), into: &out)
        engine.apply(Fixture.profile("L3", at: Fixture.at(hours: 2), account: "CRM", deal: 15_000), into: &out)
        engine.apply(Fixture.profile("L4", at: Fixture.at(hours: 3), deal: 15_000), into: &out)
        return out.map(\.jsonString)
    }

    @Test("both books round-trip byte for byte and route the same afterwards")
    func roundTrip() throws {
        let engine = Self.engine()
        #expect(engine.leads.learnedAccountOwner(accountID: "LEARNED") != nil)
        var leadBytes: [UInt8] = [], repBytes: [UInt8] = []
        engine.leads.serialize(into: &leadBytes)
        engine.reps.serialize(into: &repBytes)
        #expect(repBytes[6] == UInt8(RepBook.snapshotVersion))
        #expect(leadBytes[7] == UInt8(LeadBook.snapshotVersion))
        let restored = ScoringEngine(leads: try LeadBook(deserializing: leadBytes, config: Fixture.noHoldout),
                                     reps: try RepBook(deserializing: repBytes, config: Fixture.noHoldout))
        var again: [UInt8] = []
        restored.reps.serialize(into: &again)
        #expect(again == repBytes)
        again.removeAll()
        restored.leads.serialize(into: &again)
        #expect(again == leadBytes)
        #expect(restored.reps.reps.first { $0.id == "r1" }?.hours == Self.office)
        #expect(restored.reps.accountOwner(accountID: "CRM") == "r2")
        let tail = Self.replayTail(restored)
        #expect(tail == Self.replayTail(engine))
        #expect(tail.contains { $0.contains(#""rule":"account_owner""#) })
        #expect(tail.contains { $0.contains(#""sla_clock":"business""#) })
    }

    @Test("a format-1 rep snapshot (no calendars, no account owners) still opens")
    func repVersion1() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        for event in StreamGenerator.repEvents() { engine.apply(event, into: &out) }
        engine.apply(.leadAssigned(LeadAssignedEvent(eventID: "la", occurredAt: Fixture.t0, leadID: "L", repID: "bob")), into: &out)
        var bytes: [UInt8] = [], current: [UInt8] = []
        engine.reps.serialize(into: &bytes, version: 2)
        engine.reps.serialize(into: &current)
        // Format 1 is format 2 without calendars (none here: no flag set, nothing written) and
        // without the account owner list at the end (here its count, zero).
        var v1 = Array(bytes.dropLast(4))
        #expect(Array(bytes.suffix(4)) == [0, 0, 0, 0])
        v1[6] = 1
        let old = try RepBook(deserializing: v1, config: Fixture.noHoldout)
        var again: [UInt8] = []
        old.serialize(into: &again)
        #expect(again == current)
        #expect(old.leaderboard(at: Fixture.t0) == engine.reps.leaderboard(at: Fixture.t0))
    }

    @Test("format-1 and format-2 lead snapshots open with no learned account owners")
    func olderLeadFormats() throws {
        for bytes in [Version1Fixture.bytes, Version2Fixture.bytes] {
            let book = try LeadBook(deserializing: bytes, config: Fixture.noHoldout)
            #expect(book.accountCount > 0)
            #expect(book.accounts.allSatisfy { $0.owner == -1 && $0.ownerSetBy == -1 })
        }
    }
}
