import Foundation
import LeadScoreDaemon
import LeadScoreTestSupport
import Testing

/// The `evaluate` report says things the way the dashboard and the demo's terminal do
/// (`Vocabulary`): tiers by name, uplift in points, one colour per bucket, terms explained.
@Suite("leadscore evaluate speaks the dashboard's vocabulary (the binary)")
struct ReportVocabularyTests {
    @Test func reportUsesTheSharedVocabulary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-vocabulary-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = dir.appendingPathComponent("world.jsonl"), out = dir.appendingPathComponent("out.jsonl")
        #expect(try EvaluateCommandTests.run(["generate", "--world", "--leads", "1500", "--days", "30"], stdout: world) == 0)
        #expect(try EvaluateCommandTests.run(["replay", "--quiet", world.path], stdout: out) == 0)
        let text = dir.appendingPathComponent("report.txt"), html = dir.appendingPathComponent("report.html")
        #expect(try EvaluateCommandTests.run(["evaluate", world.path, out.path], stdout: text) == 0)
        #expect(try EvaluateCommandTests.run(["evaluate", world.path, out.path, "--html", html.path], stdout: dir.appendingPathComponent("html.txt")) == 0)
        let report = try String(contentsOf: text, encoding: .utf8)
        let page = try String(contentsOf: html, encoding: .utf8)

        for form in [report, page] {
            for tier in ["top tier", "middle tier", "bottom tier"] { #expect(form.contains(tier), "no \(tier)") }
            #expect(!form.contains("tier 0") && !form.contains("tier 1") && !form.contains("tier 2"), "tiers are named, not numbered")
            #expect(form.contains("pts"), "uplift in percentage points")
        }
        // Terms explained where they first appear, in the dashboard's words.
        for term in [Vocabulary.Term.tier, .lift, .holdout] {
            #expect(report.contains(term.explanation), "the text report does not explain \(term.label)")
            #expect(page.contains(HTMLText.escaped(term.explanation)), "the page does not explain \(term.label)")
        }
        // One colour per bucket, the dashboard's: the mix chart's legend uses each.
        for bucket in Vocabulary.bucketNames {
            #expect(page.contains("fill=\"\(Vocabulary.bucketColor(bucket))\"/><text"), "bucket \(bucket) is not drawn in \(Vocabulary.bucketColor(bucket))")
        }
        // Times to the minute, UTC, as on the dashboard.
        #expect(page.contains(" UTC"))
    }
}
