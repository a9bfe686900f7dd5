import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// What every partition worker shares with the rest of the daemon. Each part has its own owner
/// and is safe to use from any thread.
struct WorkerEnvironment: Sendable {
    let configuration: DaemonConfiguration
    let publisher: OutputPublisher
    let reps: RepState
    let snapshots: SnapshotWriter
    let recent: RecentRouting
    /// Checked before every output: a fenced (paused past its session) instance writes nothing.
    let fence: MembershipFence
    let metrics: DaemonMetrics
    let logger: Logger
    /// The output positions a snapshot taken now must record (where a recovery scan starts).
    let outputPositions: @Sendable () -> [Snapshot.OutputPosition]
    /// Transactional mode only: sends the input offsets reached into the open transaction.
    let sendOffsets: @Sendable ([KafkaTopicPartition: Int64]) throws(KafkaError) -> Void
    /// Stops the daemon after a failure it must not continue from.
    let onFatal: @Sendable (DaemonError) -> Void
}

/// One partition worker: a thread that owns its partitions' state exclusively (books, offsets,
/// dedupe sets, bucket counts) and does all the per-record work for them: decode in place, score,
/// render, produce (the rep state's lock is taken only to route a transition). Nothing else
/// touches that state; others talk to the worker through its inbox and read what it publishes
/// (`summaries`).
///
/// Where its parts live: the loop and the hand-over items in `PartitionWorkerCore.swift`, the
/// records (decode, score, publish) in `+Records`, dead letters in `+DeadLetters`, the idle
/// clock, snapshots and reloads in `+Housekeeping`.
final class PartitionWorker: Sendable {
    let index: Int
    let inbox = WorkerInbox()
    private let environment: WorkerEnvironment
    private let initialScoring: ScoringModels
    private let published = Mutex<[Int32: PartitionSummary]>([:])

    init(index: Int, scoring: ScoringModels, environment: WorkerEnvironment) {
        self.index = index
        self.initialScoring = scoring
        self.environment = environment
    }

    /// Starts the worker's thread.
    func start() {
        let thread = Thread { [self] in
            var core = PartitionWorkerCore(scoring: initialScoring.live, challenger: initialScoring.challenger, environment: environment)
            core.run(inbox: inbox) { summaries in published.withLock { $0 = summaries } }
        }
        thread.name = "leadscore-worker-\(index)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The latest summaries of the worker's partitions.
    var summaries: [Int32: PartitionSummary] { published.withLock { $0 } }
}
