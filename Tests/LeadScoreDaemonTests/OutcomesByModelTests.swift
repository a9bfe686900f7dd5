import LeadScoreCore
@testable import LeadScoreDaemon
import Testing

/// Conversion by bucket under both models: a lead counts once per model, in the buckets of its
/// first conversion, else of its latest outcome.
@Suite("Outcomes by model")
struct OutcomesByModelTests {
    @Test func aLeadCountsOnceInTheBucketsOfItsFirstConversionElseItsLatestOutcome() {
        var tally = OutcomesByModel()
        tally.record(leadID: "L-1", converted: false, live: .c, challenger: .b)
        #expect(tally.counts.liveLeads[Int(Bucket.c.rawValue)] == 1 && tally.counts.challengerLeads[Int(Bucket.b.rawValue)] == 1)
        // A later outcome moves it; a conversion fixes it.
        tally.record(leadID: "L-1", converted: true, live: .b, challenger: .a)
        tally.record(leadID: "L-1", converted: false, live: .nurture, challenger: .nurture)
        tally.record(leadID: "L-2", converted: false, live: .a, challenger: .c)
        let c = tally.counts
        #expect(c.liveLeads.reduce(0, +) == 2 && c.challengerLeads.reduce(0, +) == 2)
        #expect(c.liveLeads[Int(Bucket.b.rawValue)] == 1 && c.liveConverted[Int(Bucket.b.rawValue)] == 1)
        #expect(c.challengerLeads[Int(Bucket.a.rawValue)] == 1 && c.challengerConverted[Int(Bucket.a.rawValue)] == 1)
        #expect(c.liveLeads[Int(Bucket.a.rawValue)] == 1 && c.liveConverted[Int(Bucket.a.rawValue)] == 0)
        #expect(c.liveLeads[Int(Bucket.c.rawValue)] == 0 && c.liveLeads[Int(Bucket.nurture.rawValue)] == 0)
    }
}
