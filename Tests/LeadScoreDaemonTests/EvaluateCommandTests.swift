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

    /// The README's challenger example: a replay under another configuration, given with
    /// `--challenger`, adds the comparison to every form of the report and changes nothing else.
    @Test func aChallengerReplayIsComparedWithTheChampion() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-evaluate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = dir.appendingPathComponent("world.jsonl"), out = dir.appendingPathComponent("out.jsonl")
        let config = dir.appendingPathComponent("challenger.yaml"), challenger = dir.appendingPathComponent("challenger-out.jsonl")
        try "scoring:\n  buckets: {A: 65}\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(try Self.run(["generate", "--world", "--leads", "2000", "--days", "30"], stdout: world) == 0)
        #expect(try Self.run(["replay", "--quiet", world.path], stdout: out) == 0)
        #expect(try Self.run(["replay", "--quiet", "--config", config.path, world.path], stdout: challenger) == 0)
        let alone = dir.appendingPathComponent("alone.json"), json = dir.appendingPathComponent("both.json")
        let text = dir.appendingPathComponent("both.txt"), html = dir.appendingPathComponent("both.html")
        #expect(try Self.run(["evaluate", world.path, out.path, "--json"], stdout: alone) == 0)
        #expect(try Self.run(["evaluate", world.path, out.path, "--challenger", challenger.path, "--json"], stdout: json) == 0)
        #expect(try Self.run(["evaluate", world.path, out.path, "--challenger", challenger.path, "--html", html.path], stdout: text) == 0)
        var doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let comparison = try #require(doc["comparison"] as? [String: Any])
        let leads = try #require(comparison["leads"] as? Int)
        #expect(leads > 1_000)
        let rows = try #require((comparison["agreement"] as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(rows.reduce(0) { $0 + (($1["challenger"] as? [String: Int])?.values.reduce(0, +) ?? 0) } == leads)
        // Everything but the comparison is the champion's report as without the challenger.
        doc["comparison"] = nil
        let before = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: alone)) as? [String: Any])
        #expect(NSDictionary(dictionary: doc).isEqual(to: before))
        let report = try String(contentsOf: text, encoding: .utf8)
        #expect(report.contains("champion vs challenger") && report.contains("bucket agreement"), "\(report.suffix(2000))")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("<h2>Champion vs challenger</h2>") && !page.contains("<script"))
    }
}
