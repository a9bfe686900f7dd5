import Foundation
import Testing
@testable import LeadScoreAnalysis
@testable import LeadScoreCore

/// What a replay writes must satisfy `schemas/<type>.schema.json`, checked line by line by
/// `schemas/check.py --outputs` with the real `jsonschema` validator (see `EvaluationSchemaTests`
/// for where it comes from).
@Suite("Output schemas")
struct OutputSchemaTests {
    @Test("every output of a SPEC stream's replay matches its schema, with a short candidate list and with all")
    func replayOutputsMatchTheSchemas() throws {
        let python = try #require(EvaluationSchemaTests.python(), "no python3 with jsonschema >= 4.18: run scripts/setup.sh")
        var stream = SyntheticStream(.init(events: 20_000, leads: 2_000, reps: 12, seed: 3))
        var input: [UInt8] = []
        while stream.next(into: &input) {}
        for limit in [2, nil] as [Int?] {
            var config = ScoringConfig()
            config.routing.candidatesInEvent = limit
            var runner = ReplayRunner(config: config)
            var output: [UInt8] = []
            for line in input.split(separator: UInt8(ascii: "\n")) {
                _ = Array(line).withUnsafeBytes { runner.feed(line: $0, output: &output) }
            }
            let lines = output.split(separator: UInt8(ascii: "\n")).count
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString).jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(output).write(to: file)
            let result = try EvaluationSchemaTests.run(python, ["schemas/check.py", "--outputs", file.path])
            #expect(result.status == 0, "\(result.output.prefix(2_000))")
            #expect(result.output.contains("\(lines) documents checked"), "\(result.output.prefix(500))")
            #expect(lines > 5_000)
        }
    }
}
