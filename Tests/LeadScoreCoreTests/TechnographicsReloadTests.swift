import Testing
@testable import LeadScoreCore

/// Leads keep technographics as bits of the configured list. A reload (or restart) under another
/// list used to read those bits against the new list's positions; now the snapshot records the
/// list and the bits are re-derived by name, so the book scores as a fresh replay of the same
/// events under the new list would.
@Suite("Technographics across a reload")
struct TechnographicsReloadTests {
    static func config(_ technographics: [String]) -> ScoringConfig {
        var config = Fixture.noHoldout
        config.quality.technographics = technographics
        return config
    }

    /// Profiles of leads with one technographic each, then an engagement each a day later.
    static let profiles: [InputEvent] = [
        Fixture.profile("L-sf", at: Fixture.t0, deal: 20_000, techno: ["salesforce"]),
        Fixture.profile("L-seg", at: Fixture.t0, deal: 20_000, techno: ["segment"]),
        Fixture.profile("L-hub", at: Fixture.t0, deal: 20_000, techno: ["hubspot", "zendesk"]),
        Fixture.profile("L-none", at: Fixture.t0, deal: 20_000, techno: ["zendesk"]),
    ]
    static let later: [InputEvent] = ["L-sf", "L-seg", "L-hub", "L-none"].map {
        Fixture.engagement($0, .webVisit, at: Fixture.at(days: 1))
    }

    static func qualities(_ book: LeadBook) -> [String: Double] {
        var result: [String: Double] = [:]
        for id in ["L-sf", "L-seg", "L-hub", "L-none"] { result[id] = book.view(leadID: id)?.quality }
        return result
    }

    @Test("reordered and shortened lists: the reloaded book scores as a fresh replay under the new list", arguments: [
        ["segment", "snowflake", "hubspot", "salesforce"],  // reordered
        ["hubspot", "segment"],                             // salesforce and snowflake removed
        ["snowflake"],                                      // none of the leads' names left
    ])
    func rederivedByName(_ newList: [String]) throws {
        let old = Self.config(["salesforce", "hubspot", "snowflake", "segment"])
        let new = Self.config(newList)
        var engine = ScoringEngine(config: old)
        var out: [OutputEvent] = []
        for event in Self.profiles { engine.apply(event, into: &out) }
        var bytes: [UInt8] = []
        engine.leads.serialize(into: &bytes)
        var reloaded = ScoringEngine(leads: try LeadBook(deserializing: bytes, config: new), reps: engine.reps)

        var fresh = ScoringEngine(config: new)
        var freshOut: [OutputEvent] = []
        for event in Self.profiles { fresh.apply(event, into: &freshOut) }
        #expect(Self.qualities(reloaded.leads) == Self.qualities(fresh.leads))

        // And from then on the same transitions.
        var reloadedOut: [OutputEvent] = []
        freshOut.removeAll()
        for event in Self.later {
            reloaded.apply(event, into: &reloadedOut)
            fresh.apply(event, into: &freshOut)
        }
        #expect(Fixture.rescored(reloadedOut).map(\.newBucket) == Fixture.rescored(freshOut).map(\.newBucket))
        #expect(Fixture.rescored(reloadedOut).map(\.quality) == Fixture.rescored(freshOut).map(\.quality))
    }

    @Test("an added name counts for profiles received after the change (the names a profile gave off the list were not kept)")
    func addedNameCountsFromTheNextProfile() throws {
        let old = Self.config(["salesforce", "hubspot"])
        let new = Self.config(["salesforce", "hubspot", "zendesk"])
        var engine = ScoringEngine(config: old)
        var out: [OutputEvent] = []
        for event in Self.profiles { engine.apply(event, into: &out) }
        var bytes: [UInt8] = []
        engine.leads.serialize(into: &bytes)
        var reloaded = ScoringEngine(leads: try LeadBook(deserializing: bytes, config: new), reps: engine.reps)
        #expect(reloaded.leads.view(leadID: "L-none")?.breakdown.technographicPoints == 0)
        reloaded.apply(Fixture.profile("L-none", at: Fixture.at(days: 1), techno: ["zendesk"]), into: &out)
        #expect(reloaded.leads.view(leadID: "L-none")?.breakdown.technographicPoints == 15)
        // Names on both lists keep counting.
        #expect(reloaded.leads.view(leadID: "L-hub")?.breakdown.technographicPoints == 15)
    }
}
