import Foundation
import LeadScoreCore
import LeadScoreDaemon
import Synchronization

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
    let challenger: DemoChallenger?
    let executable: String
    /// Readings of the counters the rates are measured from.
    let meter = RateMeter(window: .seconds(DemoScreen.rateWindowSeconds))

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
        // The daemon's own documents, read with the core's JSON reader.
        let summary = try? JSONObjectFields(live.summaryJSON())
        let board = try? JSONObjectFields(live.repsJSON())
        // Reps who left (inactive, or never on the roster) take no leads: not on the board.
        let reps = (board?.objects("reps") ?? []).compactMap { r -> DemoScreen.Rep? in
            guard let id = r.string("rep_id"), r.bool("on_roster") ?? true, r.bool("active") ?? true else { return nil }
            return DemoScreen.Rep(repID: id, tier: r.int("tier"), score: r.double("rep_score") ?? 0,
                                  load: r.int("load_today") ?? 0, capacity: r.int("capacity_per_day") ?? 0,
                                  available: r.bool("available") ?? true)
        }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.repID < $1.repID }
        var buckets: [String: Int] = [:]
        for (name, member) in summary?.object("buckets")?.members ?? [:] {
            if case .number(_, let count?) = member { buckets[name] = count }
        }
        let seen = observer.snapshot(decisions: 8)
        let sent = traffic.sent.load(ordering: .relaxed)
        let eventsIn = summary?.int("events_in") ?? 0
        let rates = meter.record(sent: sent, eventsIn: eventsIn)
        return DemoScreen(
            broker: broker, dashboard: dashboard, executable: executable,
            sent: sent, sentPerSecond: rates.sent, inPerSecond: rates.eventsIn, rate: rate,
            worldTime: traffic.worldTime.load(ordering: .relaxed),
            worldStart: worldStart, worldDays: days, worldFinished: traffic.finished.load(ordering: .acquiring),
            eventsIn: eventsIn, ready: summary?.bool("ready") ?? false,
            buckets: buckets, reps: reps, decisions: seen.decisions,
            routed: seen.routed, breaches: seen.breaches, escalations: seen.escalations, report: seen.report,
            challenger: challenger.map { Self.challengerPanel($0.status, summary?.object("challenger")) })
    }

    /// The challenger panel from the demo's fit status and the daemon's `/summary` section.
    static func challengerPanel(_ status: DemoChallenger.Status, _ section: JSONObjectFields?) -> DemoScreen.Challenger {
        var buckets: [String: Int] = [:]
        var conversion: [String: (liveLeads: Int, liveConverted: Int, leads: Int, converted: Int)] = [:]
        for name in Vocabulary.bucketNames {
            buckets[name] = section?.object("buckets")?.int(name) ?? 0
            let row = section?.object("conversion")?.object(name)
            conversion[name] = (row?.object("live")?.int("leads") ?? 0, row?.object("live")?.int("converted") ?? 0,
                                row?.object("challenger")?.int("leads") ?? 0, row?.object("challenger")?.int("converted") ?? 0)
        }
        return DemoScreen.Challenger(status: status, agreeing: section?.int("agreeing") ?? 0, leads: section?.int("leads") ?? 0,
                                     buckets: buckets, conversion: conversion)
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

/// Rates over a recent window from counters read at each frame: what the traffic and the daemon
/// do now, so the view shows the traffic stop when the world ends.
final class RateMeter: Sendable {
    private struct Reading {
        var at: ContinuousClock.Instant
        var sent: Int
        var eventsIn: Int
    }

    private let window: Duration
    private let readings = Mutex<[Reading]>([])

    init(window: Duration) {
        self.window = window
    }

    /// Records the counters now and returns the rates per second since the oldest reading in
    /// the window (nil until two readings are at least a second apart).
    func record(sent: Int, eventsIn: Int) -> (sent: Double?, eventsIn: Double?) {
        let now = ContinuousClock.now
        return readings.withLock { list in
            list.append(Reading(at: now, sent: sent, eventsIn: eventsIn))
            // Keep one reading at or before the window's start, so the rate spans the window.
            while list.count > 2, list[1].at <= now - window { list.removeFirst() }
            guard let first = list.first else { return (nil, nil) }
            let span = first.at.duration(to: now)
            let seconds = Double(span.components.seconds) + Double(span.components.attoseconds) * 1e-18
            guard seconds >= 1 else { return (nil, nil) }
            return (Double(sent - first.sent) / seconds, Double(eventsIn - first.eventsIn) / seconds)
        }
    }
}
