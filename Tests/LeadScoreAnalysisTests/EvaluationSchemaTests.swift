import Foundation
import Testing
@testable import LeadScoreAnalysis
@testable import LeadScoreCore

/// The JSON report must satisfy `schemas/evaluation_report.schema.json`, checked by
/// `schemas/check.py --report` with the real `jsonschema` validator. `scripts/setup.sh` makes
/// sure one is available (the system's, or a venv in `.tools/jsonschema` when the system's is
/// older than 4.18); without it this test fails rather than passing unchecked.
@Suite("Evaluation schema")
struct EvaluationSchemaTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A Python with `jsonschema` >= 4.18 (it needs `referencing`), or nil.
    static func python() -> String? {
        let venv = root.appendingPathComponent(".tools/jsonschema/bin/python3").path
        for candidate in [venv, "python3"] where candidate == "python3" || FileManager.default.isExecutableFile(atPath: candidate) {
            if (try? run(candidate, ["-c", "import jsonschema, referencing"]))?.status == 0 { return candidate }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + arguments
        p.currentDirectoryURL = root
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func check(_ report: EvaluationReport) throws {
        let python = try #require(Self.python(), "no python3 with jsonschema >= 4.18: run scripts/setup.sh")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("evaluation-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(report.jsonString.utf8).write(to: file)
        let result = try run(python, ["schemas/check.py", "--report", file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("1 documents checked"))
    }

    @Test func handComputedReportMatchesTheSchema() throws {
        try Self.check(EvaluationFixture.evaluation(EvaluationFixture.lines).report(timeSlices: 4))
    }

    @Test func baselineAndEmptyReportsMatchTheSchema() throws {
        let fixture = EvaluationFixture.evaluation(EvaluationFixture.lines)
        try Self.check(fixture.report(baseline: fixture))
        try Self.check(OutcomeEvaluation().report())
    }

    @Test func aBrokenReportIsRejected() throws {
        let python = try #require(Self.python(), "no python3 with jsonschema >= 4.18: run scripts/setup.sh")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("evaluation-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let json = EvaluationFixture.evaluation(EvaluationFixture.lines).report().jsonString
            .replacingOccurrences(of: #""bucket":"A","leads":4"#, with: #""bucket":"A","leads":"four""#)
        try Data(json.utf8).write(to: file)
        let result = try Self.run(python, ["schemas/check.py", "--report", file.path])
        #expect(result.status != 0)
    }
}
