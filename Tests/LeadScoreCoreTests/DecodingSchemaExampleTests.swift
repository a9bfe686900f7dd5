import Foundation
import Testing
@testable import LeadScoreCore

/// The decoder and the JSON schemas must agree: the examples that `schemas/check.py` validates
/// (and rejects) are decoded (and rejected) here.
@Suite("EventDecoder agrees with schemas/examples")
struct DecodingSchemaExampleTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schemas/examples")

    static func lines(_ name: String) throws -> [String] {
        let text = try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    @Test func validExamplesDecode() throws {
        let lines = try Self.lines("valid-inputs.jsonl")
        #expect(lines.count >= 10)
        for line in lines {
            #expect(throws: Never.self, "\(line)") { _ = try EventDecoder().decode(line) }
        }
    }

    @Test func invalidExamplesAreRejected() throws {
        let lines = try Self.lines("invalid-inputs.jsonl")
        #expect(lines.count >= 10)
        for line in lines {
            #expect(throws: EventDecodingError.self, "\(line)") { _ = try EventDecoder().decode(line) }
        }
    }
}
