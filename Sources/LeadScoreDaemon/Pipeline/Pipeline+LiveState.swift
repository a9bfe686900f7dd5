import Foundation
import LeadScoreCore

/// What the HTTP endpoints read (see `DaemonLiveState`): published summaries, the rep state's
/// leaderboard, and lead lookups answered by the owning worker. Nothing here touches a worker's
/// state directly.
extension Pipeline {
    /// Ready when the rep events are caught up, the group assignment is known, and every assigned
    /// partition is restored and its replay has reached where its input ended at the assignment.
    /// A rebuilding instance is not ready: a rollout must not move traffic to it, nor stop the
    /// instance it replaces, on its word.
    var isReady: Bool {
        guard fatal == nil, repFeed.isCaughtUp, joined.load(ordering: .acquiring) else { return false }
        let held = assignment.withLock { $0 }
        guard !held.isEmpty else { return true }
        let published = summaries
        return held.allSatisfy { published[$0]?.isLive == true }
    }

    var unhealthyReason: String? {
        if let fatal { return "\(fatal)" }
        if let failure = publisher.deliveryFailure { return "output delivery failed: \(failure)" }
        return nil
    }

    /// Asks every worker (the lead's partition is not known from its id alone); the owner answers
    /// between two batches. Nothing waits on a thread: the request awaits a lookup that the
    /// workers' replies (or the deadline) complete, so an HTTP event loop is never blocked.
    func lead(id: String, deadline: Duration = .seconds(2)) async -> LeadView? {
        let lookup = LeadLookup(workers: workers.count)
        return await withCheckedContinuation { continuation in
            lookup.wait(continuation)
            for worker in workers where !worker.inbox.enqueue(.query(LeadQuery(leadID: id, reply: { lookup.reply($0) }))) {
                lookup.reply(nil)
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(deadline.wholeMilliseconds)) { lookup.expire() }
        }
    }

    func leadJSON(id: String) async -> [UInt8]? {
        // deliberate: encoding a LeadView (plain values) cannot fail; nil reads as "not found".
        await lead(id: id).flatMap { try? Self.encoder.encode($0) }.map { Array($0) }
    }

    func repsJSON() -> [UInt8] {
        let reps = reps.leaderboard()
        // deliberate: encoding RepViews (plain values) cannot fail; the fallback is an empty board.
        return (try? Self.encoder.encode(["reps": reps])).map { Array($0) } ?? Array("{\"reps\":[]}".utf8)
    }

    func summaryJSON() -> [UInt8] {
        summaryDocument().json
    }

    /// What `/summary` serves and the dashboard draws, as a value.
    func summaryDocument() -> SummaryDocument {
        let published = summaries
        let failures = control.restoreFailures.withLock { $0 }
        var unrestored: [Int32: String?] = [:]
        for id in assignment.withLock({ $0 }) where published[id] == nil { unrestored[id] = failures[id].map { "\($0)" } }
        return SummaryDocument(pid: ProcessInfo.processInfo.processIdentifier, configVersion: currentScoring.version, ready: isReady,
                        workers: workers.count, published: published, unrestored: unrestored, recent: recent.newestFirst, drift: drift.view(),
                        uplift: UpliftReport(repFeed.uplift, maxLeads: repFeed.upliftMaxLeads))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
