import Foundation
import LeadScoreCore

/// What the HTTP endpoints read (see `DaemonLiveState`); each call takes the state lock briefly.
extension Pipeline {
    var isReady: Bool {
        repFeed.isCaughtUp && shared.withLock { $0.joined && $0.fatal == nil }
    }

    var unhealthyReason: String? {
        if let fatal = shared.withLock({ $0.fatal }) { return fatal }
        if let failure = publisher.deliveryFailure { return "output delivery failed: \(failure)" }
        return nil
    }

    func leadJSON(id: String) -> [UInt8]? {
        let view: LeadView? = shared.withLock { s in
            for (_, p) in s.partitions {
                if let view = p.book.view(leadID: id) { return view }
            }
            return nil
        }
        return view.flatMap { try? Self.encoder.encode($0) }.map { Array($0) }
    }

    func repsJSON() -> [UInt8] {
        let reps = shared.withLock { s in s.reps.leaderboard(at: s.reps.clock) }
        return (try? Self.encoder.encode(["reps": reps])).map { Array($0) } ?? Array("{\"reps\":[]}".utf8)
    }

    func summaryJSON() -> [UInt8] {
        struct Summary: Encodable {
            var pid: Int32
            var configVersion: String
            var ready: Bool
            var eventsIn: Int
            var partitions: [PartitionSummary]
            var buckets: [String: Int]
            var recentRouting: [Routed]
        }
        struct PartitionSummary: Encodable {
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
        let ready = isReady
        let summary: Summary = shared.withLock { s in
            var buckets: [String: Int] = [:]
            var partitions: [PartitionSummary] = []
            for id in s.partitions.keys.sorted() {
                let p = s.partitions[id]!
                for (bucket, n) in p.book.bucketCounts { buckets[bucket.name, default: 0] += n }
                let t = p.book.streamTime
                partitions.append(PartitionSummary(partition: id, nextOffset: p.nextOffset, leads: p.book.leadCount,
                                                   streamTime: t.millisecondsSinceEpoch == Int64.min ? nil : t.rfc3339))
            }
            let recent = s.recentRouting.reversed().map { r in
                Routed(occurredAt: r.occurredAt.rfc3339, leadId: r.leadID, bucket: r.bucket.name, repId: r.repID,
                       priority: r.cadence?.priority, slaDueAt: r.slaDueAt?.rfc3339, holdout: r.holdout)
            }
            return Summary(pid: ProcessInfo.processInfo.processIdentifier, configVersion: s.scoring.version, ready: ready, eventsIn: s.eventsIn, partitions: partitions,
                           buckets: buckets, recentRouting: recent)
        }
        return (try? Self.encoder.encode(summary)).map { Array($0) } ?? Array("{}".utf8)
    }


    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
