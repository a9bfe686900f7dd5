import Foundation
import LeadScoreKafka

/// The daemon's own settings: Kafka, snapshots, HTTP and stream time. The scoring model lives in
/// the same YAML file under `scoring:`/`routing:` and is read by `LeadScoreCore`.
///
/// Every default here is what a single-node development setup wants; production overrides come
/// from the file, the environment (`LEADSCORE_*`) and `run`'s flags, in that order of precedence
/// from lowest to highest.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Kafka connection, topics and librdkafka passthrough.
    public var kafka = KafkaSettings()
    /// Snapshot directory and schedule.
    public var snapshots = SnapshotSettings()
    /// The HTTP listener.
    public var http = HTTPSettings()
    /// Stream-time policy.
    public var stream = StreamSettings()
    /// The pipeline's threads.
    public var pipeline = PipelineSettings()
    /// The bucket-mix drift gauge.
    public var drift = DriftSettings()
    /// The live holdout-versus-model uplift.
    public var uplift = UpliftSettings()
    /// `challenger:` section: a second model scored live beside the running one.
    public var challenger = ChallengerSettings()

    public init() {}

    /// Topic names, defaulting to SPEC section 3's.
    public struct Topics: Sendable, Equatable {
        public var leadEvents = "lead-events"
        public var repEvents = "rep-events"
        public var scores = "lead-scores"
        public var routing = "lead-routing"
        public var enrichment = "lead-enrichment-requests"
        public var deadLetter = "leadscore-deadletter"
        /// Checkpoints of each lead partition's state (co-partitioned with `leadEvents`; see
        /// `StateCommit`), from which an instance with an empty disk restores.
        public var state = "leadscore-state"
        /// The challenger's bucket changes (`lead_rescored` with a `model` field), the shadow of
        /// `scores`; written only while a challenger is configured (`hasChallenger`).
        public var challenger = "lead-scores-challenger"
        /// True when `challenger.config` names a model: the challenger topic is then created,
        /// written and read back by recovery like the other outputs.
        public var hasChallenger = false

        public init() {}

        /// Every topic the daemon reads or writes (the challenger's only while one is configured).
        public var all: [String] {
            [leadEvents, repEvents, scores, routing, enrichment, deadLetter, state] + (hasChallenger ? [challenger] : [])
        }
    }

    /// `kafka:` section.
    public struct KafkaSettings: Sendable, Equatable {
        /// Bootstrap servers, `host:port[,host:port...]`.
        public var brokers = "127.0.0.1:9092"
        /// Consumer group shared by all instances that split the lead partitions.
        public var group = "leadscore"
        /// `client.id` prefix.
        public var clientID = "leadscore"
        /// Topic names.
        public var topics = Topics()
        /// Create missing topics at start.
        public var createTopics = true
        /// Partitions of topics created at start.
        public var partitions = 8
        /// Replication factor of topics created at start.
        public var replicationFactor = 1
        /// Consumer group session timeout.
        public var sessionTimeout: Duration = .seconds(10)
        /// `fetch.wait.max.ms` of the daemon's consumers; nil keeps librdkafka's 500 ms, right for
        /// Kafka (it answers a waiting fetch as soon as data arrives). Brokers that hold a fetch to
        /// its end (Tansu) want a few milliseconds here when latency matters.
        public var fetchWaitMax: Duration?
        /// Use Kafka transactions: each batch's outputs and input offsets are committed atomically,
        /// so `read_committed` readers never see the outputs of a batch a crash interrupted. Only
        /// for clusters whose brokers implement transactions fully (aborts included).
        public var transactions = false
        /// `transactional.id` in transactional mode: unique per instance and stable across its
        /// restarts (so a restarted instance fences its zombie). Default `<client_id>-<hostname>`.
        public var transactionalID: String?
        /// Extra librdkafka properties (SASL/SSL, tuning), passed through unchanged.
        public var librdkafka: [String: String] = [:]
        /// The `librdkafka` keys whose values came from the environment (`LEADSCORE_RDKAFKA_*`):
        /// never shown, whatever their name.
        public var environmentKeys: Set<String> = []

        public init() {}
    }

    /// `snapshots:` section.
    public struct SnapshotSettings: Sendable, Equatable {
        /// Directory for snapshot files, a local cache of the state topic's checkpoints; nil
        /// (`dir: none`) keeps none: every restore reads the state topic.
        public var directory: String? = ".leadscore/snapshots"

        /// The word that turns the local copy off (`dir: none`, `--snapshot-dir none`).
        public static let noDirectory = "none"

        /// `dir` as written: a path, or `none`.
        public static func directory(from text: String) -> String? { text == noDirectory ? nil : text }
        /// How often each partition is snapshotted (also on revoke and shutdown).
        public var interval: Duration = .seconds(30)
        /// Snapshots kept per partition.
        public var keep = 3

        public init() {}
    }

    /// `http:` section.
    public struct HTTPSettings: Sendable, Equatable {
        /// `host:port` to listen on; loopback by default. Empty disables HTTP.
        public var listen = "127.0.0.1:8080"

        public init() {}
    }

    /// `pipeline:` section.
    public struct PipelineSettings: Sendable, Equatable {
        /// Partition worker threads; 0 means one per core. Transactional mode uses one (a
        /// transaction spans a batch of one producer's outputs).
        public var workers = 0
        /// How long a graceful stop (SIGTERM, SIGINT) may take in all: finish the batch in hand,
        /// snapshot, flush, commit, leave the group. Each step that waits on the broker gets what
        /// is left of it; past it the process exits anyway (the next start recovers from the
        /// snapshots), so an orchestrator's kill never comes first. Keep it below Kubernetes'
        /// `terminationGracePeriodSeconds` (30 s by default).
        public var stopDeadline: Duration = .seconds(10)

        public init() {}

        /// The worker count in effect.
        public var effectiveWorkers: Int {
            workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount)
        }
    }

    /// `stream:` section.
    public struct StreamSettings: Sendable, Equatable {
        /// When a partition has had no input for `idleAfter`, its stream time follows the wall
        /// clock (minus `idleAfter`), so decay downgrades are not held back by a quiet partition.
        public var idleClock = true
        /// How long a partition must be quiet before its stream time follows the wall clock.
        public var idleAfter: Duration = .seconds(10)
        /// Events stamped later than now + this are rejected as bad input (dead-lettered; rep
        /// events, which every instance reads, are skipped with a log line and a count).
        public var maxFutureSkew: Duration = .seconds(3600)
        /// Input records larger than this are not decoded: they are dead-lettered by reference
        /// (topic, partition, offset, size and hash, without their bytes).
        public var maxEventBytes = 1 << 20

        public init() {}
    }
}

extension DaemonConfiguration {
    /// `drift:` section: how the daemon watches its lead mix by bucket move.
    ///
    /// Every `sampleEvery` the daemon records the lead count per bucket (all its partitions
    /// together) and compares the current mix with the one recorded `window` earlier by the
    /// population stability index (`leadscore_bucket_mix_psi`, `/summary`'s `drift`). The
    /// history lives in memory: after a start there is no value until one window has passed.
    public struct DriftSettings: Sendable, Equatable {
        /// How far back the baseline mix lies.
        public var window: Duration = .seconds(24 * 3600)
        /// How often the mix is recorded (and the gauge updated).
        public var sampleEvery: Duration = .seconds(60)
        /// A PSI at or above this flags "retrain suggested" (`leadscore_retrain_suggested`, the
        /// dashboard): 0.25, where a major shift starts.
        public var retrainAbove = 0.25

        public init() {}

        /// Most samples one window may hold (bounds the history's memory).
        public static let maxSamplesPerWindow = 100_000
    }

    /// `challenger:` section: a candidate model (e.g. written by `leadscore fit`) scored live on
    /// every lead event beside the running one, with its own state, its bucket changes going to
    /// `kafka.topics.challenger`. It never routes, requests enrichment or counts on reps.
    /// Promotion is a reload with its file as the main configuration.
    public struct ChallengerSettings: Sendable, Equatable {
        /// The challenger's configuration file (its `scoring:` and `routing:` sections are read;
        /// a relative path is taken from the main configuration file's folder); nil: none.
        public var config: String?

        public init() {}
    }

    /// `uplift:` section: the live comparison of holdout and model-routed conversion.
    public struct UpliftSettings: Sendable, Equatable {
        /// Most routed leads remembered (about 12-24 bytes each: a 64-bit hash of the lead id and
        /// one byte of state). Past it, the leads least recently routed or converted are
        /// forgotten in halves, so the figures cover the most recent `maxLeads / 2` to `maxLeads`
        /// leads.
        public var maxLeads = 1_000_000

        public init() {}
    }
}

extension DaemonConfiguration.KafkaSettings {
    /// The librdkafka passthrough as it may be shown (logs, `config check`): `Redaction`'s rule,
    /// plus every value that came from the environment.
    public var redactedLibrdkafka: [String: String] {
        Redaction.redacted(librdkafka, environmentKeys: environmentKeys)
    }
}

extension DaemonConfiguration.KafkaSettings: CustomStringConvertible {
    /// The settings with the passthrough redacted, so interpolating them anywhere is safe.
    public var description: String {
        "KafkaSettings(brokers: \(brokers), group: \(group), client_id: \(clientID), transactions: \(transactions), "
            + "librdkafka: \(redactedLibrdkafka.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))"
    }
}
