import Foundation
import LeadScoreTestSupport
import Testing

/// `leadscore generate --world`, `replay` and `evaluate` as a user chains them: every report form
/// renders, and the world's truth shows.
@Suite("leadscore evaluate on a generated world (the binary)")
struct EvaluateCommandTests {
    static func run(_ arguments: [String], stdout: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DaemonHarness.binary())
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func worldReplayEvaluateTextJSONAndHTML() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-evaluate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = dir.appendingPathComponent("world.jsonl"), out = dir.appendingPathComponent("out.jsonl")
        #expect(try Self.run(["generate", "--world", "--leads", "3000", "--days", "30"], stdout: world) == 0)
        #expect(try Self.run(["replay", "--quiet", world.path], stdout: out) == 0)
        let text = dir.appendingPathComponent("report.txt"), json = dir.appendingPathComponent("report.json")
        let html = dir.appendingPathComponent("report.html")
        #expect(try Self.run(["evaluate", world.path, out.path], stdout: text) == 0)
        #expect(try Self.run(["evaluate", world.path, out.path, "--json"], stdout: json) == 0)
        #expect(try Self.run(["evaluate", world.path, out.path, "--html", html.path], stdout: dir.appendingPathComponent("html.txt")) == 0)
        let report = try String(contentsOf: text, encoding: .utf8)
        #expect(report.contains("A > B > C: yes"), "\(report.prefix(600))")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect((doc["buckets"] as? [[String: Any]])?.count ?? 0 >= 5)
        let page = try String(contentsOf: html, encoding: .utf8)
        // Self-contained: inline SVG, no script, nothing fetched (the SVG namespace is a name, not a fetch).
        #expect(page.contains("<svg") && !page.contains("<script"))
        #expect(!page.contains("src=\"http") && !page.contains("href=\"http") && !page.contains("url(http"))
        // Every bucket of the mix chart has its colour (the chart once indexed past its palette).
        #expect(page.contains("disqualified"))
    }
}
