import Testing
@testable import LeadScoreAnalysis
@testable import LeadScoreCore

/// Replay drives the engine from JSON Lines exactly as `leadscore replay` does; these tests run it
/// over generated streams and small hand-written inputs.
@Suite("Replay: runner, line splitting, comparison, synthetic streams")
struct DecodingReplayTests {
    static func generate(events: Int, leads: Int, seed: UInt64) -> [UInt8] {
        var stream = SyntheticStream(.init(events: events, leads: leads, reps: 8, seed: seed))
        var bytes: [UInt8] = []
        while stream.next(into: &bytes) {}
        return bytes
    }

    static func replay(_ input: [UInt8], chunk: Int = 1 << 16, config: ScoringConfig = ScoringConfig(),
                       until: Timestamp? = nil) -> (output: [UInt8], runner: ReplayRunner, errors: [(Int, EventDecodingError)]) {
        var runner = ReplayRunner(config: config)
        var splitter = LineSplitter()
        var output: [UInt8] = []
        var errors: [(Int, EventDecodingError)] = []
        input.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + chunk)
                splitter.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])) { line, number in
                    if let e = runner.feed(line: line, output: &output) { errors.append((number, e)) }
                } tooLong: { _ in Issue.record("a line too long") }
                start = end
            }
        }
        splitter.finish { line, number in
            if let e = runner.feed(line: line, output: &output) { errors.append((number, e)) }
        } tooLong: { _ in Issue.record("a line too long") }
        runner.finish(until: until, output: &output)
        return (output, runner, errors)
    }

    @Test func generatorIsDeterministic() {
        let a = Self.generate(events: 5_000, leads: 300, seed: 7)
        let b = Self.generate(events: 5_000, leads: 300, seed: 7)
        let c = Self.generate(events: 5_000, leads: 300, seed: 8)
        #expect(a == b)
        #expect(a != c)
        #expect(a.filter { $0 == UInt8(ascii: "\n") }.count == 5_000)
    }

    @Test func generatedEventsAllDecodeAndTimeNeverDecreases() {
        let bytes = Self.generate(events: 5_000, leads: 300, seed: 3)
        var splitter = LineSplitter()
        var last = Timestamp(millisecondsSinceEpoch: .min)
        var types: Set<String> = []
        var failures = 0
        var backwards = 0
        bytes.withUnsafeBytes { raw in
            splitter.feed(raw) { line, _ in
                guard let e = try? EventDecoder().decode(line) else { failures += 1; return }
                if e.occurredAt < last { backwards += 1 }
                last = e.occurredAt
                types.insert(e.typeName)
            } tooLong: { _ in Issue.record("a line too long") }
        }
        #expect(failures == 0)
        #expect(backwards == 0)
        #expect(types == Set(InputEvent.typeNames))
    }

    @Test(arguments: [1, 7, 4096, 1 << 20])
    func replayIsDeterministicWhateverTheChunking(_ chunk: Int) {
        let input = Self.generate(events: 3_000, leads: 200, seed: 11)
        let reference = Self.replay(input, chunk: 1 << 20)
        let run = Self.replay(input, chunk: chunk)
        #expect(run.output == reference.output)
        #expect(run.runner.summary == reference.runner.summary)
        #expect(run.errors.isEmpty)
        #expect(reference.runner.summary.outputsByType["lead_rescored", default: 0] > 0)
        #expect(reference.runner.summary.outputsByType["lead_routed", default: 0] > 0)
    }

    /// The stream of the core's SLA partitioning test (one rep, so breaches fire): replay over
    /// different chunk sizes writes the same bytes, touches and breaches included.
    @Test("replay writes the same SLA outputs whatever the chunking")
    func slaOutputsWhateverTheChunking() {
        var stream = SyntheticStream(.init(events: 30_000, leads: 1_500, reps: 1, seed: 9))
        var bytes: [UInt8] = []
        while stream.next(into: &bytes) {}
        let a = Self.replay(bytes, chunk: 1 << 16).output
        let b = Self.replay(bytes, chunk: 997).output
        #expect(a == b)
        #expect(String(decoding: a, as: UTF8.self).contains("lead_sla_breached"))
    }

    @Test func replayOutputIsTheEngineOutput() {
        // Driving the engine directly with decoded events gives the same bytes as the runner.
        let input = Self.generate(events: 2_000, leads: 150, seed: 5)
        var engine = ScoringEngine(config: ScoringConfig())
        var expected: [UInt8] = []
        var splitter = LineSplitter()
        input.withUnsafeBytes { raw in
            splitter.feed(raw) { line, _ in
                guard let event = try? EventDecoder().decode(line) else { return }
                var out: [OutputEvent] = []
                engine.apply(event, into: &out)
                for o in out {
                    o.appendJSON(to: &expected)
                    expected.append(UInt8(ascii: "\n"))
                }
            } tooLong: { _ in Issue.record("a line too long") }
        }
        #expect(Self.replay(input).output == expected)
    }

    @Test func badLinesAreReportedWithLineNumbersAndSkipped() {
        let text = """
            {"event_id":"r","type":"rep_roster","occurred_at":"2026-01-01T00:00:00Z","rep_id":"R","name":"n","active":true,"capacity_per_day":5}

            {"event_id":"e1","type":"engagement","occurred_at":"2026-01-01T00:00:01Z","lead_id":"L","signal":"demo_request"}
            {"event_id":"e2","type":"engagement","occurred_at":"2026-01-01T00:00:02Z","lead_id":"L","signal":"tweet"}
            not json\r
            {"event_id":"e3","type":"engagement","occurred_at":"2026-01-01T00:00:03Z","lead_id":"L","signal":"form_fill"}
            """
        let run = Self.replay(Array(text.utf8), chunk: 5)
        #expect(run.errors.map(\.0) == [4, 5])
        #expect(run.errors.map(\.1.code) == [.unknownSignal, .syntax])
        #expect(run.runner.summary.lines == 5)
        #expect(run.runner.summary.badLines == 2)
        #expect(run.runner.summary.badLinesByCode == ["unknown_signal": 1, "syntax": 1])
        #expect(run.runner.summary.eventsByType == ["rep_roster": 1, "engagement": 2])
        #expect(run.runner.summary.transitions[ReplayRunner.Transition(from: nil, to: .nurture), default: 0]
                + run.runner.summary.transitions[ReplayRunner.Transition(from: nil, to: .c), default: 0] == 1)
    }

    @Test func untilFlushesDecay() throws {
        // Strong intent with no profile: decays to nurture over weeks with no new event.
        let text = """
            {"event_id":"e1","type":"engagement","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","signal":"rfp_submitted"}
            {"event_id":"e2","type":"engagement","occurred_at":"2026-01-01T00:00:01Z","lead_id":"L","signal":"demo_request"}
            """
        let without = Self.replay(Array(text.utf8))
        let with = Self.replay(Array(text.utf8), until: try Timestamp(rfc3339: "2026-06-01T00:00:00Z"))
        #expect(without.runner.summary.decayTransitions == 0)
        #expect(with.runner.summary.decayTransitions > 0)
        #expect(with.output.starts(with: without.output))
    }

    @Test func comparisonReportsMovedLeads() throws {
        let input = Self.generate(events: 4_000, leads: 250, seed: 9)
        let strict = try ScoringConfig(yaml: """
            scoring:
              buckets:
                A: 90
                B: 80
                C: 60
            """)
        var comparison = ConfigComparison(primary: ScoringConfig(), candidate: strict, writesPrimaryOutput: true)
        var output: [UInt8] = []
        var splitter = LineSplitter()
        input.withUnsafeBytes { raw in
            splitter.feed(raw) { line, _ in comparison.feed(line: line, output: &output) } tooLong: { _ in Issue.record("a line too long") }
        }
        comparison.finish(until: nil, output: &output)
        let diff = comparison.diff()
        // The primary's output equals a plain replay's.
        #expect(output == Self.replay(input).output)
        #expect(diff.changes.count > 0)
        #expect(diff.downgraded > 0)
        #expect(diff.upgraded == 0)
        #expect(diff.moves.values.reduce(0, +) == diff.changes.count)
        #expect(diff.leads == diff.unchanged + diff.changes.count)
        #expect(diff.changes.map(\.leadID) == diff.changes.map(\.leadID).sorted())
        let report = ReplayReport.comparison(diff, primaryName: "current", candidateName: "strict")
        #expect(report.contains("moves (current -> strict):"))
        var jsonl: [UInt8] = []
        ReplayReport.appendChangesJSONL(diff, to: &jsonl)
        #expect(jsonl.filter { $0 == UInt8(ascii: "\n") }.count == diff.changes.count)
    }

    @Test func identicalConfigsShowNoDifference() {
        let input = Self.generate(events: 2_000, leads: 100, seed: 2)
        var comparison = ConfigComparison(primary: ScoringConfig(), candidate: ScoringConfig(), writesPrimaryOutput: false)
        var output: [UInt8] = []
        var splitter = LineSplitter()
        input.withUnsafeBytes { raw in
            splitter.feed(raw) { line, _ in comparison.feed(line: line, output: &output) } tooLong: { _ in Issue.record("a line too long") }
        }
        let diff = comparison.diff()
        #expect(output.isEmpty)
        #expect(diff.changes.isEmpty)
        #expect(diff.leads > 0)
        #expect(diff.primaryBuckets == diff.candidateBuckets)
    }

    @Test func lineSplitterHandlesChunkBoundariesAndFinalLine() {
        let text = Array("a\r\nbb\n\nccc\nlast".utf8)
        for chunk in 1...text.count {
            var splitter = LineSplitter()
            var lines: [String] = []
            var numbers: [Int] = []
            var start = 0
            text.withUnsafeBytes { all in
                while start < all.count {
                    let end = min(all.count, start + chunk)
                    splitter.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])) { line, n in
                        lines.append(String(decoding: line, as: UTF8.self))
                        numbers.append(n)
                    } tooLong: { _ in Issue.record("a line too long") }
                    start = end
                }
            }
            splitter.finish { line, n in
                lines.append(String(decoding: line, as: UTF8.self))
                numbers.append(n)
            } tooLong: { _ in Issue.record("a line too long") }
            #expect(lines == ["a", "bb", "", "ccc", "last"], "chunk \(chunk)")
            #expect(numbers == [1, 2, 3, 4, 5])
        }
    }
}
