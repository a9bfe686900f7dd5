import Foundation
import LeadScoreCore

/// What the HTTP endpoints read (see `DaemonLiveState`): published summaries, the rep state's
/// leaderboard, and lead lookups answered by the owning worker. Nothing here touches a worker's
/// state directly.
extension Pipeline {
    var isReady: Bool {
        repFeed.isCaughtUp && joined.load(ordering: .acquiring) && fatal == nil
    }

    var unhealthyReason: String? {
        if let fatal { return fatal }
        if let failure = publisher.deliveryFailure { return "output delivery failed: \(failure)" }
        return nil
    }

    /// Asks every worker (the lead's partition is not known from its id alone); the owner answers
    /// between two batches.
    func leadJSON(id: String) -> [UInt8]? {
        let queries = workers.map { worker -> LeadQuery in
            let query = LeadQuery(leadID: id)
            if !worker.inbox.enqueue(.query(query)) { query.reply(nil) }
            return query
        }
        // Each answer is taken once (a lazy compactMap + first would wait twice on the owner).
        var view: LeadView?
        for query in queries {
            if let answer = query.wait(timeout: .seconds(2)) { view = answer }
        }
        return view.flatMap { try? Self.encoder.encode($0) }.map { Array($0) }
    }

    func repsJSON() -> [UInt8] {
        let reps = reps.leaderboard()
        return (try? Self.encoder.encode(["reps": reps])).map { Array($0) } ?? Array("{\"reps\":[]}".utf8)
    }

    func summaryJSON() -> [UInt8] {
        SummaryDocument(pid: ProcessInfo.processInfo.processIdentifier, configVersion: currentScoring.version, ready: isReady,
                        workers: workers.count, published: summaries, recent: recent.newestFirst, drift: drift.view(),
                        uplift: UpliftReport(repFeed.uplift, maxLeads: repFeed.upliftMaxLeads)).json
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
