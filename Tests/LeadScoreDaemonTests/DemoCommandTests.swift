import Foundation
import LeadScoreTestSupport
import Testing

/// `leadscore demo` as a newcomer runs it: one process, no configuration, no broker to install.
/// Stdout is not a terminal here, so the view prints plain text frames.
@Suite("leadscore demo (embedded broker, real daemon, live world)", .serialized)
struct DemoCommandTests {
    static func start(_ arguments: [String], name: String) throws -> (ChildProcess, URL) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-demo-test-\(name)-\(UUID().uuidString.prefix(8)).log")
        let process = try ChildProcess.start(try DaemonHarness.binary(), arguments: ["demo"] + arguments, outputFile: output)
        return (process, output)
    }

    static func eventsIn(port: Int) async -> Int? {
        guard let (status, body) = await DaemonHarness.get(port: port, "/summary"), status == 200,
              let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        return json["events_in"] as? Int
    }

    /// The daemon inside the demo serves its dashboard and counts the world's events; with
    /// `--duration` the demo stops by itself, cleanly, and its last frame has every section.
    @Test func demoServesTheDashboardAndStopsByItself() async throws {
        let port = try LoopbackPort.free()
        let (demo, output) = try Self.start(["--duration", "40", "--rate", "400", "--leads", "600", "--reps", "8",
                                             "--http", "127.0.0.1:\(port)"], name: "duration")
        defer { try? FileManager.default.removeItem(at: output) }
        var seen = 0
        // Startup (broker, rep catch-up, group join) takes a few seconds, more on a loaded machine.
        let deadline = ContinuousClock.now.advanced(by: .seconds(38))
        while ContinuousClock.now < deadline, demo.isRunning {
            seen = max(seen, await Self.eventsIn(port: port) ?? 0)
            if seen > 500 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(seen > 500, "the daemon counted \(seen) lead events; output:\n\(demo.output())")
        let page = await DaemonHarness.get(port: port, "/")
        #expect(page?.status == 200)
        #expect(await demo.wait(timeout: .seconds(50)), "the demo did not stop after --duration")
        #expect(demo.terminationStatus == 0)
        let text = demo.output()
        for expected in ["leadscore demo: broker 127.0.0.1:", "dashboard http://127.0.0.1:\(port)/", "Leads by bucket",
                         "Rep leaderboard", "Latest routing decisions", "Evaluation so far", "stopped cleanly"] {
            #expect(text.contains(expected), "missing \(expected) in:\n\(text.suffix(3000))")
        }
        // Decisions carry their reasons and SLA due times (a row mentions a tier or a kept owner).
        #expect(text.contains("best score/load in tier") || text.contains("kept its owner"))
    }

    /// Ctrl-C (SIGINT) stops everything within a few seconds and exits 0.
    @Test func ctrlCStopsCleanly() async throws {
        let (demo, output) = try Self.start(["--rate", "300", "--leads", "400", "--http", ""], name: "sigint")
        defer { try? FileManager.default.removeItem(at: output) }
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline, demo.isRunning, !demo.output().contains("lead events in, ready") {
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(demo.output().contains("lead events in, ready"), "never ready:\n\(demo.output())")
        let stopAsked = ContinuousClock.now
        demo.kill(SIGINT)
        // The demo gives the daemon 20 s and then exits 1 saying so; a clean stop is far quicker.
        #expect(await demo.wait(timeout: .seconds(25)))
        let took = stopAsked.duration(to: .now)
        #expect(took < .seconds(10), "stopping took \(took)")
        #expect(demo.terminationStatus == 0, "output:\n\(demo.output().suffix(3000))")
        #expect(demo.output().contains("stopped cleanly"))
    }
}
