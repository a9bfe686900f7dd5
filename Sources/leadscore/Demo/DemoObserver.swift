import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// Reads what the daemon wrote (`lead-scores`, `lead-routing`) and the outcomes on `rep-events`
/// back from the broker, on its own thread, like any downstream consumer would, and keeps what
/// the live view shows: the evaluation so far and the latest routing decisions with their reasons.
final class DemoObserver: Sendable {
    /// One routing decision as the view shows it.
    struct Decision: Sendable {
        var occurredAt: String
        var leadID: String
        var accountID: String?
        var bucket: String
        var repID: String
        var slaDueAt: String
        var reason: String

        /// A rep got the lead (not self-serve, not "no eligible rep").
        var routedToRep: Bool { repID != "none" && repID != "self_serve" && !slaDueAt.isEmpty }
    }

    private struct State: Sendable {
        var evaluation = OutcomeEvaluation()
        var decisions: [Decision] = []
        var routed = 0
        var breaches = 0
        var escalations = 0
    }

    private let reader: KafkaPartitionReader
    private let state = Mutex(State())
    private let stopRequested = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    private let logger: Logger

    /// Called (on the observer's thread) for each decision that gave a lead to a rep.
    private let onRouted: @Sendable (Decision) -> Void

    init(configuration: KafkaConfiguration, topics: DemoBroker.Topics, logger: Logger,
         onRouted: @escaping @Sendable (Decision) -> Void) throws(KafkaError) {
        self.onRouted = onRouted
        reader = try KafkaPartitionReader(configuration: configuration, topics: [topics.scores, topics.routing, topics.repEvents],
                                          defaultStart: .beginning, logger: logger)
        self.logger = logger
    }

    /// Starts the reading thread.
    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "leadscore-demo-observer"
        thread.start()
    }

    /// Stops the thread (within one poll) and waits for it to close its reader.
    func stopAndWait() {
        stopRequested.store(true, ordering: .releasing)
        stopped.wait()
    }

    /// What the view shows from the output topics so far.
    struct Seen {
        var report: EvaluationReport
        /// Newest first.
        var decisions: [Decision]
        var routed: Int
        var breaches: Int
        var escalations: Int
    }

    /// The evaluation report so far, the latest decisions and the counts.
    func snapshot(decisions limit: Int) -> Seen {
        let (evaluation, recent, routed, breaches, escalations) = state.withLock {
            ($0.evaluation, $0.decisions.suffix(4 * limit), $0.routed, $0.breaches, $0.escalations)
        }
        // Partitions interleave: show the newest by decision time.
        let decisions = Array(recent.sorted { $0.occurredAt > $1.occurredAt }.prefix(limit))
        // The report is computed outside the lock, on a copy.
        return Seen(report: evaluation.report(), decisions: decisions, routed: routed, breaches: breaches, escalations: escalations)
    }

    private func loop() {
        while !stopRequested.load(ordering: .acquiring) {
            let batch: KafkaRecordBatch
            do {
                batch = try reader.pollRecords(maxMessages: 2_000, timeout: .milliseconds(200))
            } catch {
                logger.warning("demo: reading the outputs failed", metadata: ["kafka.error": "\(error)"])
                continue
            }
            guard !batch.isEmpty else { continue }
            var lines: [[UInt8]] = []
            lines.reserveCapacity(batch.count)
            for i in 0..<batch.count {
                batch.withValue(at: i) { value in if let value { lines.append(Array(value)) } }
            }
            let decisions = lines.compactMap(Self.decision(from:))
            for decision in decisions where decision.routedToRep { onRouted(decision) }
            let breaches = lines.filter { Self.isType($0, "lead_sla_breached") }.count
            let escalations = lines.filter { Self.isType($0, "lead_escalated") }.count
            state.withLock { s in
                s.breaches += breaches
                s.escalations += escalations
                for line in lines { line.withUnsafeBytes { _ = s.evaluation.feed(line: $0) } }
                s.routed += decisions.count
                s.decisions.append(contentsOf: decisions)
                if s.decisions.count > 200 { s.decisions.removeFirst(s.decisions.count - 50) }
            }
        }
        try? reader.close()
        stopped.signal()
    }

    /// Whether a line is an output of this type (outputs start with their type).
    static func isType(_ line: [UInt8], _ type: String) -> Bool {
        line.count > type.utf8.count + 10 && line[9..<(9 + type.utf8.count)].elementsEqual(type.utf8)
    }

    private struct Routed: Decodable {
        struct Candidate: Decodable {
            var rep_id: String
            var status: String
            var tier: Int
            var rep_score: Double
        }
        var type: String
        var lead_id: String
        var account_id: String?
        var rep_id: String?
        var bucket: String
        var sla_due_at: String?
        var holdout: Bool
        var sticky: Bool
        var reason: String?
        var occurred_at: String
        var candidates: [Candidate]
        var reroute: Int?
    }

    /// A `lead_routed` line as the view shows it; nil for any other line.
    static func decision(from line: [UInt8]) -> Decision? {
        guard line.count > 30, String(decoding: line.prefix(40), as: UTF8.self).contains("\"lead_routed\""),
              let routed = try? JSONDecoder().decode(Routed.self, from: Data(line)) else { return nil }
        return Decision(occurredAt: routed.occurred_at, leadID: routed.lead_id, accountID: routed.account_id, bucket: routed.bucket,
                        repID: routed.rep_id ?? "none", slaDueAt: routed.sla_due_at ?? "", reason: reason(routed))
    }

    /// Why the lead went where it went, in a few words, from the decision's own fields.
    private static func reason(_ r: Routed) -> String {
        if r.bucket == "self_serve" { return "self-serve: deal below the floor" }
        guard let rep = r.rep_id else { return "no rep: \(r.reason ?? "none eligible")" }
        if let n = r.reroute, n > 0 {
            let breached = r.candidates.filter { $0.status == "sla_breached" }.map(\.rep_id)
            return "re-route \(n): first touch missed by \(breached.joined(separator: ", "))"
        }
        if r.sticky { return "kept its owner" }
        if r.holdout { return "holdout: round-robin, rep score ignored" }
        var passed: [String: Int] = [:]
        for c in r.candidates where c.rep_id != rep { passed[c.status, default: 0] += 1 }
        let chosen = r.candidates.first { $0.rep_id == rep }
        var text = "best score/load"
        if let chosen { text += " in tier \(chosen.tier + 1) (score \(String(format: "%.2f", chosen.rep_score)))" }
        let notes = [("at_capacity", "at capacity"), ("unavailable", "away"), ("lower_tier", "lower tier"), ("territory", "territory")]
            .compactMap { key, label in passed[key].map { "\($0) \(label)" } }
        if !notes.isEmpty { text += "; passed: " + notes.joined(separator: ", ") }
        return text
    }
}
