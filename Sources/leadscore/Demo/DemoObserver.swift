import Foundation
import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreDaemon
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

    init(configuration: KafkaConfiguration, topics: DaemonConfiguration.Topics, logger: Logger,
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
            // Each line is read once, with the core's JSON reader; a line that is not an
            // output object (none should be) is left out.
            let outputs = lines.compactMap { try? JSONObjectFields($0) }
            let decisions = outputs.compactMap(Self.decision(from:))
            for decision in decisions where decision.routedToRep { onRouted(decision) }
            let breaches = outputs.filter { $0.string("type") == "lead_sla_breached" }.count
            let escalations = outputs.filter { $0.string("type") == "lead_escalated" }.count
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

    /// A `lead_routed` as the view shows it; nil for any other output.
    static func decision(from output: JSONObjectFields) -> Decision? {
        guard output.string("type") == "lead_routed", let leadID = output.string("lead_id"), let bucket = output.string("bucket"),
              let occurredAt = output.string("occurred_at") else { return nil }
        let candidates = output.objects("candidates").compactMap { c -> RoutingExplanation.Candidate? in
            guard let rep = c.string("rep_id"), let status = c.string("status") else { return nil }
            return RoutingExplanation.Candidate(repID: rep, status: status, tier: c.int("tier") ?? 0, repScore: c.double("rep_score") ?? 0)
        }
        // The dashboard says why from the decision it made; this is the same text from the topic.
        let why = RoutingExplanation(bucket: bucket, repID: output.string("rep_id"), rule: output.string("rule"),
                                     holdout: output.bool("holdout") ?? false, sticky: output.bool("sticky") ?? false,
                                     reroute: output.int("reroute") ?? 0, reason: output.string("reason"), candidates: candidates,
                                     counts: output.object("candidate_counts")?.counts)
        return Decision(occurredAt: occurredAt, leadID: leadID, accountID: output.string("account_id"), bucket: bucket,
                        repID: output.string("rep_id") ?? "none", slaDueAt: output.string("sla_due_at") ?? "", reason: why.text)
    }
}

extension JSONObjectFields {
    /// The integral members, by key (`candidate_counts`).
    fileprivate var counts: [String: Int] {
        var named: [String: Int] = [:]
        for key in members.keys { if let n = int(key) { named[key] = n } }
        return named
    }
}
