import Foundation
import LeadScoreCore

/// `/summary`: what the dashboard draws, built from what the daemon's parts publish (partition
/// summaries, recent routing, the drift history, the uplift counts). A plain value built by a
/// pure initializer, so its JSON is tested without Kafka.
struct SummaryDocument: Encodable {
    var pid: Int32
    var configVersion: String
    var ready: Bool
    var eventsIn: Int
    var workers: Int
    var partitions: [Partition]
    /// Live leads by bucket name, summed over this instance's partitions.
    var buckets: [String: Int]
    var recentRouting: [Routed]
    var drift: Drift
    /// The sampled mix over the drift window (thinned for a chart), oldest first.
    var bucketHistory: [HistoryPoint]
    var uplift: UpliftReport
    /// The challenger against the live model; absent without a challenger.
    var challenger: Challenger?

    /// A challenger scored beside the live model on this instance's partitions.
    struct Challenger: Encodable {
        var configVersion: String
        /// Its leads by bucket (the live model's are `buckets`).
        var buckets: [String: Int]
        /// Leads counted in both books.
        var leads: Int
        /// Leads both models put in the same bucket, and their share (nil with no leads).
        var agreeing: Int
        var agreement: Double?
        /// Leads by live bucket, then challenger bucket (every bucket named, zeros included).
        var matrix: [String: [String: Int]]
        /// Conversion by bucket under each model, from the outcomes read since the challenger in
        /// force was loaded or the partitions taken (`OutcomesByModel`): bucket -> `live` /
        /// `challenger` -> leads, converted, rate.
        var conversion: [String: [String: Conversion]]

        struct Conversion: Encodable {
            var leads: Int
            var converted: Int
            /// nil with no leads.
            var rate: Double?

            init(leads: Int, converted: Int) {
                self.leads = leads
                self.converted = converted
                rate = leads == 0 ? nil : Double(converted) / Double(leads)
            }
        }

        init(configVersion: String, agreement a: BucketAgreement, outcomes o: OutcomesByModel.Counts) {
            self.configVersion = configVersion
            let mix = a.challengerBuckets
            buckets = Dictionary(uniqueKeysWithValues: Bucket.allCases.map { ($0.name, mix[Int($0.rawValue)]) })
            leads = a.total
            agreeing = a.agreeing
            agreement = a.total == 0 ? nil : Double(a.agreeing) / Double(a.total)
            matrix = Dictionary(uniqueKeysWithValues: Bucket.allCases.map { live in
                (live.name, Dictionary(uniqueKeysWithValues: Bucket.allCases.map { ($0.name, a[live: live, challenger: $0]) }))
            })
            conversion = Dictionary(uniqueKeysWithValues: Bucket.allCases.map { bucket in
                let k = Int(bucket.rawValue)
                return (bucket.name, ["live": Conversion(leads: o.liveLeads[k], converted: o.liveConverted[k]),
                                      "challenger": Conversion(leads: o.challengerLeads[k], converted: o.challengerConverted[k])])
            })
        }
    }

    struct Partition: Encodable {
        var partition: Int32
        /// `live`; `replaying` (restored, catching up to where its input ended at the
        /// assignment); `restoring` (held paused while its snapshot and the recovery scan load);
        /// `paused` (its restore failed and is retried; `problem` says why).
        var state: String
        var nextOffset: Int64?
        var restoreTarget: Int64?
        /// While `replaying`: how far from the restored offset to `restoreTarget`, 0...1.
        var restoreProgress: Double?
        /// Where the state came from: `cache` (the local snapshot), `kafka` (the state topic),
        /// `rebuild` (no checkpoint anywhere: the input from its beginning).
        var restoreSource: String?
        var leads: Int?
        var problem: String?
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
        /// Why the lead went where it went (`RoutingExplanation`), as the demo's view says it.
        var why: String
    }

    /// The bucket-mix drift; nulls are written out, so a reader sees "no value yet" explicitly.
    struct Drift: Encodable {
        var psi: Double?
        /// `stable`, `moderate shift`, `major shift`, or why there is no value.
        var reading: String
        var baselineAt: String?
        var sampledAt: String?
        /// When the first baseline is (or was) available: the first sample plus one window.
        var fullAt: String?
        var windowSeconds: Double
        /// The PSI at or above which a retrain is suggested, and whether it is now.
        var retrainAbove: Double
        var retrainSuggested: Bool

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(psi, forKey: .psi)
            try c.encode(reading, forKey: .reading)
            try c.encode(baselineAt, forKey: .baselineAt)
            try c.encode(sampledAt, forKey: .sampledAt)
            try c.encode(fullAt, forKey: .fullAt)
            try c.encode(windowSeconds, forKey: .windowSeconds)
            try c.encode(retrainAbove, forKey: .retrainAbove)
            try c.encode(retrainSuggested, forKey: .retrainSuggested)
        }

        private enum CodingKeys: String, CodingKey { case psi, reading, baselineAt, sampledAt, fullAt, windowSeconds, retrainAbove, retrainSuggested }
    }

    /// One sample of the mix: its time and the count per bucket name.
    struct HistoryPoint: Encodable {
        /// Wall-clock time of the sample.
        var at: String
        /// Stream (event) time reached then, when any event was read: the chart's axis.
        var streamTime: String?
        var buckets: [String: Int]
    }

    /// What the drift monitor shows (`DriftMonitor.view`).
    struct DriftInput {
        var status: BucketMixHistory.Status
        var fullAt: Int64?
        var window: Int64
        var samples: [BucketMixHistory.Sample]
        /// `DriftMonitor` decides both (`suggestsRetraining`).
        var retrainAbove = DaemonConfiguration.DriftSettings().retrainAbove
        var retrainSuggested = false
    }

    /// `unrestored`: partitions assigned but not yet handed to a worker, with the failure of their
    /// last restore when there was one.
    init(pid: Int32, configVersion: String, ready: Bool, workers: Int, published: [Int32: PartitionSummary],
         unrestored: [Int32: String?] = [:], recent: [LeadRouted], drift: DriftInput, uplift: UpliftReport) {
        var buckets: [String: Int] = [:]
        for bucket in Bucket.allCases { buckets[bucket.name] = 0 }
        var partitions: [Partition] = []
        var eventsIn = 0
        for id in published.keys.sorted() {
            guard let p = published[id] else { continue }
            for bucket in Bucket.allCases { buckets[bucket.name, default: 0] += Self.count(p.buckets, bucket) }
            eventsIn += p.eventsIn
            let t = p.streamTime
            partitions.append(Partition(partition: id, state: p.isLive ? "live" : "replaying", nextOffset: p.nextOffset,
                                        restoreTarget: p.restoreTarget, restoreProgress: p.isLive ? nil : p.restoreProgress,
                                        restoreSource: p.restoreSource.isEmpty ? nil : p.restoreSource, leads: p.leads,
                                        streamTime: t.millisecondsSinceEpoch == Int64.min ? nil : t.rfc3339))
        }
        for id in unrestored.keys.sorted() where published[id] == nil {
            let problem = unrestored[id] ?? nil
            partitions.append(Partition(partition: id, state: problem == nil ? "restoring" : "paused", problem: problem))
        }
        partitions.sort { $0.partition < $1.partition }
        self.pid = pid
        self.configVersion = configVersion
        self.ready = ready
        self.eventsIn = eventsIn
        self.workers = workers
        self.partitions = partitions
        self.buckets = buckets
        self.recentRouting = recent.map { r in
            Routed(occurredAt: r.occurredAt.rfc3339, leadId: r.leadID, bucket: r.bucket.name, repId: r.repID,
                   priority: r.cadence?.priority, slaDueAt: r.slaDueAt?.rfc3339, holdout: r.holdout,
                   why: RoutingExplanation(r).text)
        }
        let stamp = { (ms: Int64?) in ms.map { Timestamp(millisecondsSinceEpoch: $0).rfc3339 } }
        self.drift = Drift(psi: drift.status.psi, reading: drift.status.reading, baselineAt: stamp(drift.status.baselineAt),
                           sampledAt: stamp(drift.status.sampledAt), fullAt: stamp(drift.fullAt),
                           windowSeconds: Double(drift.window) / 1000, retrainAbove: drift.retrainAbove,
                           retrainSuggested: drift.retrainSuggested)
        self.bucketHistory = drift.samples.map { sample in
            HistoryPoint(at: stamp(sample.at) ?? "", streamTime: stamp(sample.streamTime),
                         buckets: Dictionary(uniqueKeysWithValues: Bucket.allCases.map { ($0.name, Self.count(sample.counts, $0)) }))
        }
        self.uplift = uplift
        let challengerVersion = published.keys.sorted().lazy.compactMap { published[$0]?.challengerVersion }.first
        let outcomes = OutcomesByModel.total(published.values) ?? OutcomesByModel.Counts()
        self.challenger = BucketAgreement.total(published.values).map {
            Challenger(configVersion: challengerVersion ?? "", agreement: $0, outcomes: outcomes)
        }
    }

    private static func count(_ counts: [Int], _ bucket: Bucket) -> Int {
        let i = Int(bucket.rawValue)
        return i < counts.count ? counts[i] : 0
    }

    /// The JSON the endpoint serves (snake_case keys, sorted).
    var json: [UInt8] {
        // deliberate: the document holds plain values, whose encoding cannot fail.
        (try? Self.encoder.encode(self)).map { Array($0) } ?? Array("{}".utf8)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
