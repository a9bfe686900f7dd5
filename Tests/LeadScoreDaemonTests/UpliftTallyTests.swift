import Foundation
import LeadScoreAnalysis
import LeadScoreCore
@testable import LeadScoreDaemon
import Testing

/// The live uplift in process: who counts where, what a conversion counts, what a re-routing
/// moves, the memory bound, and the report built on the counts.
@Suite("Uplift tally")
struct UpliftTallyTests {
    private func figures(_ t: UpliftTally, _ bucket: Bucket, holdout: Bool) -> (Int, Int) {
        let f = t.counts.figures(bucket: bucket, holdout: holdout)
        return (f.routed, f.converted)
    }

    @Test("model and holdout leads are counted apart, per bucket")
    func holdoutAndModel() {
        var t = UpliftTally(maxLeads: 1_000)
        t.recordRouting(leadID: "L-1", bucket: .a, holdout: false)
        t.recordRouting(leadID: "L-2", bucket: .a, holdout: false)
        t.recordRouting(leadID: "L-3", bucket: .a, holdout: true)
        t.recordRouting(leadID: "L-4", bucket: .c, holdout: true)
        t.recordConversion(leadID: "L-1")
        t.recordConversion(leadID: "L-4")
        #expect(figures(t, .a, holdout: false) == (2, 1))
        #expect(figures(t, .a, holdout: true) == (1, 0))
        #expect(figures(t, .c, holdout: true) == (1, 1))
        #expect(figures(t, .b, holdout: false) == (0, 0))
        #expect(t.counts.trackedLeads == 4)
    }

    @Test("a lead converts once, however many converted outcomes follow")
    func firstConversionOnce() {
        var t = UpliftTally(maxLeads: 1_000)
        t.recordRouting(leadID: "L-1", bucket: .b, holdout: false)
        for _ in 0..<3 { t.recordConversion(leadID: "L-1") }
        #expect(figures(t, .b, holdout: false) == (1, 1))
    }

    @Test("a re-routed lead counts in its latest bucket before conversion, and stays there after")
    func reRouted() {
        var t = UpliftTally(maxLeads: 1_000)
        t.recordRouting(leadID: "L-1", bucket: .c, holdout: false)
        t.recordRouting(leadID: "L-1", bucket: .b, holdout: false)
        #expect(figures(t, .c, holdout: false) == (0, 0))
        #expect(figures(t, .b, holdout: false) == (1, 0))
        t.recordConversion(leadID: "L-1")
        t.recordRouting(leadID: "L-1", bucket: .a, holdout: false)
        #expect(figures(t, .b, holdout: false) == (1, 1))
        #expect(figures(t, .a, holdout: false) == (0, 0))
    }

    @Test("a conversion read before its routing is counted when the routing arrives")
    func conversionFirst() {
        var t = UpliftTally(maxLeads: 1_000)
        t.recordConversion(leadID: "L-1")
        #expect(figures(t, .a, holdout: true) == (0, 0))
        t.recordRouting(leadID: "L-1", bucket: .a, holdout: true)
        #expect(figures(t, .a, holdout: true) == (1, 1))
    }

    @Test("a lead sent to self_serve leaves the counts and is not kept")
    func selfServe() {
        var t = UpliftTally(maxLeads: 1_000)
        t.recordRouting(leadID: "L-1", bucket: .c, holdout: false)
        t.recordRouting(leadID: "L-1", bucket: .selfServe, holdout: false)
        t.recordRouting(leadID: "L-2", bucket: .selfServe, holdout: false)
        #expect(figures(t, .c, holdout: false) == (0, 0))
        #expect(t.counts.trackedLeads == 0)
    }

    @Test("memory stays within max_leads; the counts always match the leads kept")
    func bounded() {
        var t = UpliftTally(maxLeads: 10)
        for i in 0..<100 {
            t.recordRouting(leadID: "L-\(i)", bucket: [.a, .b, .c][i % 3], holdout: i % 4 == 0)
            if i % 2 == 0 { t.recordConversion(leadID: "L-\(i)") }
            #expect(t.counts.trackedLeads <= 10)
            #expect(t.counts.routed.reduce(0, +) == t.counts.trackedLeads)
        }
        #expect(t.counts.trackedLeads >= 5)
        #expect(t.counts.forgottenLeads + t.counts.trackedLeads == 100)
        // The most recent leads are among those kept: converting one counts.
        let before = t.counts.converted.reduce(0, +)
        t.recordConversion(leadID: "L-99")
        #expect(t.counts.converted.reduce(0, +) == before + 1)
    }

    @Test("the report pools the buckets and gives the uplift with its 95% interval")
    func report() throws {
        var t = UpliftTally(maxLeads: 1_000)
        for i in 0..<4 { t.recordRouting(leadID: "M-\(i)", bucket: i < 2 ? .a : .b, holdout: false) }
        for i in 0..<2 { t.recordRouting(leadID: "H-\(i)", bucket: .a, holdout: true) }
        t.recordConversion(leadID: "M-0")
        t.recordConversion(leadID: "M-2")
        t.recordConversion(leadID: "H-0")
        let report = UpliftReport(t.counts, maxLeads: 1_000)
        #expect(report.rows.map(\.bucket) == ["A", "B", "C", "all"])
        let all = try #require(report.rows.last)
        #expect(all.model == .init(routed: 4, converted: 2, rate: 0.5))
        #expect(all.holdout == .init(routed: 2, converted: 1, rate: 0.5))
        let d = try #require(Statistics.proportionDifference(successesA: 2, trialsA: 4, successesB: 1, trialsB: 2))
        #expect(all.uplift == .init(difference: d.difference, lower: d.lower, upper: d.upper, significant: d.isSignificant))
        let b = report.rows[1]
        #expect(b.holdout.rate == nil)
        #expect(b.uplift == nil, "no holdout lead in B: no uplift")
        #expect(report.trackedLeads == 6)
    }
}

/// The rep feed's in-place reader of routing records.
@Suite("Routed record")
struct RoutedRecordTests {
    private func rendered(leadID: String, repID: String?, bucket: Bucket, holdout: Bool) -> [UInt8] {
        let cadence = RoutingConfig.Cadence(calls: 7, emails: 4, days: 30, firstTouchSLA: .seconds(3600), priority: 1)
        let routed = LeadRouted(
            leadID: leadID, accountID: "A-{1}", seq: 3, repID: repID, bucket: bucket, cadence: cadence,
            slaDueAt: Timestamp(millisecondsSinceEpoch: 1_795_003_600_000), holdout: holdout, sticky: false,
            candidates: [RoutingCandidate(repID: "R-\"x\"", status: .lowerScore, repScore: 0.2, tier: 1, loadToday: 3),
                         RoutingCandidate(repID: "R-1", status: .chosen, repScore: 0.3, tier: 0, loadToday: 1)],
            reason: repID == nil ? "no eligible rep: {all at capacity}" : nil,
            occurredAt: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000), configVersion: "v1")
        var json: [UInt8] = []
        OutputEvent.leadRouted(routed).appendJSON(to: &json)
        return json
    }

    private func parse(_ bytes: [UInt8]) -> RoutedRecord? {
        bytes.withUnsafeBytes { RoutedRecord.parse($0) }
    }

    /// The lines of a 20k-event synthetic stream over 2,000 leads and 12 reps.
    private func syntheticLines(seed: UInt64) -> [ArraySlice<UInt8>] {
        var stream = SyntheticStream(.init(events: 20_000, leads: 2_000, reps: 12, seed: seed))
        var input: [UInt8] = []
        while stream.next(into: &input) {}
        return input.split(separator: UInt8(ascii: "\n"))
    }

    @Test("reads what the daemon writes", arguments: [
        ("L-1", String?("R-1"), Bucket.a, false), ("L-\"quoted\" é", nil, .c, true), ("L-2", "self_serve", .selfServe, false),
    ])
    func readsOwnOutput(leadID: String, repID: String?, bucket: Bucket, holdout: Bool) throws {
        let record = try #require(parse(rendered(leadID: leadID, repID: repID, bucket: bucket, holdout: holdout)))
        #expect(record == RoutedRecord(leadID: leadID, repID: repID, bucket: bucket, holdout: holdout,
                                       occurredAt: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)))
    }

    @Test("refuses what is not a routing record", arguments: [
        "", "{}", "[1]", #"{"lead_id":"L-1"}"#, #"{"lead_id":"L-1","bucket":"Z"}"#, #"{"lead_id":"L-1","bucket":"A""#,
        #"{"type":"lead_rescored","lead_id":"L-1","bucket":"A"}"#, #"{"lead_id":"L-1","bucket":"A","x":[{"#,
    ])
    func refuses(text: String) {
        #expect(parse(Array(text.utf8)) == nil)
    }

    /// The fields the feed skips (the candidate lists above all) are passed over without being
    /// validated; what it reads must still be what is there. Every routing and breach record of
    /// a replayed stream, against Foundation's reading of the same line.
    @Test("every routing record of a replay reads as Foundation reads it")
    func readsAReplaysRecordsAsFoundationDoes() throws {
        var runner = ReplayRunner(config: ScoringConfig())
        var output: [UInt8] = []
        for line in syntheticLines(seed: 5) {
            _ = Array(line).withUnsafeBytes { runner.feed(line: $0, output: &output) }
        }
        var checked = 0
        for line in output.split(separator: UInt8(ascii: "\n")) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let type = object["type"] as? String
            guard type == "lead_routed" || type == "lead_sla_breached" else {
                #expect(parse(Array(line)) == nil || type == nil)
                continue
            }
            let record = try #require(parse(Array(line)), "\(String(decoding: line, as: UTF8.self))")
            #expect(record.kind == (type == "lead_routed" ? .routed : .breached))
            #expect(record.leadID == object["lead_id"] as? String)
            #expect(record.repID == object["rep_id"] as? String)
            #expect(record.bucket.name == object["bucket"] as? String)
            #expect(record.holdout == (object["holdout"] as? Bool ?? false))
            #expect(record.sticky == (object["sticky"] as? Bool ?? false))
            #expect(record.occurredAt == (object["occurred_at"] as? String).flatMap { try? Timestamp(rfc3339: $0) })
            checked += 1
        }
        #expect(checked > 1_000, "only \(checked) routing records")
    }

    /// The `leadscore-routing` header says what the JSON says: every routing decision and breach
    /// of a scored stream, its header read back against the scan of its JSON.
    @Test("the routing header reads as the record's JSON does")
    func headerReadsAsTheJSON() throws {
        var engine = ScoringEngine(config: ScoringConfig())
        let decoder = EventDecoder()
        var outputs: [OutputEvent] = []
        for line in syntheticLines(seed: 7) {
            let event = try Array(line).withUnsafeBytes { try decoder.decode($0) }
            engine.apply(event, into: &outputs)
        }
        var checked = (routed: 0, breached: 0, heldOut: 0, noRep: 0)
        for output in outputs {
            var json: [UInt8] = []
            output.appendJSON(to: &json)
            guard let record = RoutedRecord(output) else {
                #expect(parse(json) == nil, "\(output.kind) is not read by the feed")
                continue
            }
            let fromJSON = try #require(parse(json))
            #expect(record == fromJSON)
            let fromHeader = record.withHeaderBytes { $0.flatMap(RoutedRecord.init(header:)) }
            #expect(fromHeader == fromJSON, "\(String(decoding: json, as: UTF8.self))")
            if record.kind == .routed { checked.routed += 1 } else { checked.breached += 1 }
            if record.holdout { checked.heldOut += 1 }
            if record.repID == nil { checked.noRep += 1 }
        }
        #expect(checked.routed > 1_000 && checked.breached > 50 && checked.heldOut > 10, "\(checked)")
    }

    @Test("a header with a rep, quotes and non-ASCII ids, and one without a rep or time, read back as written", arguments: [
        RoutedRecord(kind: .routed, leadID: "L-\"é\"", repID: "R-ü", bucket: .a, holdout: true,
                     occurredAt: Timestamp(millisecondsSinceEpoch: -62_135_596_800_000), sticky: true),
        RoutedRecord(kind: .breached, leadID: "L", repID: nil, bucket: .nurture, holdout: false, occurredAt: nil, sticky: false),
        RoutedRecord(kind: .routed, leadID: "L-1", repID: "", bucket: .selfServe, holdout: false,
                     occurredAt: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000), sticky: false),
    ])
    func headerRoundTrip(record: RoutedRecord) {
        #expect(record.withHeaderBytes { $0.flatMap(RoutedRecord.init(header:)) } == record)
    }

    /// A header the feed cannot read sends it to the JSON: other versions, sizes that do not add
    /// up, unknown kinds and buckets, a rep length without the rep flag, ids that are not UTF-8.
    @Test("refuses headers it cannot read")
    func refusesBadHeaders() throws {
        let record = RoutedRecord(kind: .routed, leadID: "L-1", repID: "R-7", bucket: .b, holdout: false,
                                  occurredAt: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000))
        let good = record.withHeaderBytes { Array($0!) }
        func read(_ bytes: [UInt8]) -> RoutedRecord? { bytes.withUnsafeBytes { RoutedRecord(header: $0) } }
        #expect(read(good) == record)
        var bad: [[UInt8]] = []
        for (index, value) in [(0, UInt8(2)), (1, 7), (2, 200), (3, 0), (12, 40), (13 + 3, 0xFF)] {
            var b = good
            b[index] = value
            bad.append(b)
        }
        bad.append(Array(good.prefix(13)))
        bad.append(Array(good.prefix(16)))
        bad.append([])
        for b in bad { #expect(read(b) == nil, "\(b)") }
        // A rep id longer than the layout holds: no header, the record is scanned.
        let long = RoutedRecord(kind: .routed, leadID: "L-1", repID: String(repeating: "r", count: 256), bucket: .b, holdout: false,
                                occurredAt: nil)
        #expect(long.withHeaderBytes { $0 == nil })
    }
}

extension UpliftTallyTests {
    @Test("an erased lead is forgotten: its hash and its counts go, and the same id later counts afresh")
    func erasedLeadForgotten() {
        var t = UpliftTally(maxLeads: 1_000)
        t.recordRouting(leadID: "L-1", bucket: .a, holdout: false)
        t.recordRouting(leadID: "L-2", bucket: .a, holdout: false)
        t.recordConversion(leadID: "L-1")
        t.forget(leadID: "L-1")
        #expect(figures(t, .a, holdout: false) == (1, 0))
        #expect(t.counts.trackedLeads == 1)
        // Forgetting an unknown lead changes nothing.
        t.forget(leadID: "L-9")
        #expect(t.counts.trackedLeads == 1)
        // A lead of the same id later is a new lead: routed, not yet converted.
        t.recordRouting(leadID: "L-1", bucket: .b, holdout: true)
        #expect(figures(t, .b, holdout: true) == (1, 0))
        #expect(t.counts.trackedLeads == 2)
    }

    @Test("a lead forgotten from the older generation leaves the counts consistent when generations rotate")
    func erasedFromOlderGeneration() {
        var t = UpliftTally(maxLeads: 4)
        t.recordRouting(leadID: "L-1", bucket: .c, holdout: false)
        t.recordRouting(leadID: "L-2", bucket: .c, holdout: false)  // rotates: L-1, L-2 now older
        t.forget(leadID: "L-1")
        #expect(figures(t, .c, holdout: false) == (1, 0))
        t.recordRouting(leadID: "L-3", bucket: .c, holdout: false)
        t.recordRouting(leadID: "L-4", bucket: .c, holdout: false)  // rotates: L-2 forgotten for room
        #expect(figures(t, .c, holdout: false) == (2, 0))
        #expect(t.counts.trackedLeads == 2)
    }
}
