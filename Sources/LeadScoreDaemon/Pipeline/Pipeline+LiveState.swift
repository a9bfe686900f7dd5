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
        struct Summary: Encodable {
            var pid: Int32
            var configVersion: String
            var ready: Bool
            var eventsIn: Int
            var workers: Int
            var partitions: [Partition]
            var buckets: [String: Int]
            var recentRouting: [Routed]
        }
        struct Partition: Encodable {
            var partition: Int32
            var nextOffset: Int64
            var leads: Int
            var streamTime: String?
        }
        struct Routed: Encodable {
            var occurredAt: String
            var leadId: String
            var bucket: String
            var repId: String?
            var priority: Int?
            var slaDueAt: String?
            var holdout: Bool
        }
        let published = summaries
        var buckets: [String: Int] = [:]
        var partitions: [Partition] = []
        var eventsIn = 0
        for id in published.keys.sorted() {
            guard let p = published[id] else { continue }
            for bucket in Bucket.allCases { buckets[bucket.name, default: 0] += p.buckets[Int(bucket.rawValue)] }
            eventsIn += p.eventsIn
            let t = p.streamTime
            partitions.append(Partition(partition: id, nextOffset: p.nextOffset, leads: p.leads,
                                        streamTime: t.millisecondsSinceEpoch == Int64.min ? nil : t.rfc3339))
        }
        let recentRouting = recent.newestFirst.map { r in
            Routed(occurredAt: r.occurredAt.rfc3339, leadId: r.leadID, bucket: r.bucket.name, repId: r.repID,
                   priority: r.cadence?.priority, slaDueAt: r.slaDueAt?.rfc3339, holdout: r.holdout)
        }
        let summary = Summary(pid: ProcessInfo.processInfo.processIdentifier, configVersion: currentScoring.version, ready: isReady,
                              eventsIn: eventsIn, workers: workers.count, partitions: partitions, buckets: buckets,
                              recentRouting: recentRouting)
        return (try? Self.encoder.encode(summary)).map { Array($0) } ?? Array("{}".utf8)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
