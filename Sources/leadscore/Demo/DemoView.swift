import Foundation
import LeadScoreDaemon

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The demo's live view: on a terminal, one frame redrawn in place every second; otherwise a
/// plain text frame every few seconds (and always a last one at the end).
struct DemoView: Sendable {
    let terminal: Bool
    let broker: String
    let dashboard: String?
    let rate: Int
    let days: Int
    let worldStart: Int64
    let live: any LiveState
    let traffic: DemoTraffic
    let observer: DemoObserver
    let started = ContinuousClock.now

    func run() async {
        if terminal { write("\u{1B}[?25l\u{1B}[2J") }
        while !Task.isCancelled {
            draw()
            try? await Task.sleep(for: terminal ? .seconds(1) : .seconds(5))
        }
    }

    /// The last frame, as plain text, and the cursor back.
    func finish() {
        if terminal { write("\u{1B}[?25h\n") }
        write(frame().lines(width: 10_000).joined(separator: "\n") + "\n\n")
    }

    private func draw() {
        let lines = frame().lines(width: terminal ? Self.terminalWidth() : 10_000)
        if terminal {
            write("\u{1B}[H" + lines.joined(separator: "\u{1B}[K\n") + "\u{1B}[K\n\u{1B}[J")
        } else {
            write(lines.joined(separator: "\n") + "\n\n")
        }
    }

    func frame() -> DemoScreen {
        let summary = (try? JSONSerialization.jsonObject(with: Data(live.summaryJSON()))) as? [String: Any] ?? [:]
        let repsObject = (try? JSONSerialization.jsonObject(with: Data(live.repsJSON()))) as? [String: Any] ?? [:]
        let reps = (repsObject["reps"] as? [[String: Any]] ?? []).compactMap { r -> DemoScreen.Rep? in
            guard let id = r["rep_id"] as? String, r["on_roster"] as? Bool ?? true, r["active"] as? Bool ?? true else { return nil }
            return DemoScreen.Rep(repID: id, tier: r["tier"] as? Int ?? 0, score: r["rep_score"] as? Double ?? 0,
                                  load: r["load_today"] as? Int ?? 0, capacity: r["capacity_per_day"] as? Int ?? 0,
                                  available: r["available"] as? Bool ?? true)
        }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.repID < $1.repID }
        let seen = observer.snapshot(decisions: 8)
        let elapsed = started.duration(to: .now)
        return DemoScreen(
            broker: broker, dashboard: dashboard,
            elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            sent: traffic.sent.load(ordering: .relaxed), rate: rate, worldTime: traffic.worldTime.load(ordering: .relaxed),
            worldStart: worldStart, worldDays: days, worldFinished: traffic.finished.load(ordering: .acquiring),
            eventsIn: summary["events_in"] as? Int ?? 0, ready: summary["ready"] as? Bool ?? false,
            buckets: summary["buckets"] as? [String: Int] ?? [:], reps: reps, decisions: seen.decisions,
            routed: seen.routed, breaches: seen.breaches, escalations: seen.escalations, report: seen.report)
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return 120 }
        return Int(size.ws_col)
    }
}
