import Dispatch
import LeadScoreCore
import LeadScoreKafka
import Synchronization

/// What a partition worker is asked to do. Items for one worker are handled in order, so a
/// partition's records, its hand-over and its snapshots never race.
enum WorkItem: Sendable {
    /// Records of the worker's partitions: `indexes` into `batch`, in offset order per partition.
    case records(any RecordBatch, indexes: [Int])
    /// Partitions restored by the pipeline (snapshot loaded, recovery scan done) to take over.
    case assign([RestoredPartition])
    /// Snapshot these partitions and drop them (another instance takes them); then signal.
    case revoke(Set<Int32>, WorkDone)
    /// Drop these partitions without a snapshot (lost in a rebalance).
    case drop(Set<Int32>)
    /// Score with a new configuration from now on.
    case reload(ScoringConfig)
    /// Answer a lead lookup for HTTP.
    case query(LeadQuery)
    /// Finish the queued work, snapshot every partition (unless `snapshot` is false: stopping
    /// after a failure), stop; then signal.
    case stop(WorkDone, snapshot: Bool)
}

/// A partition's state restored from its snapshot (or fresh) plus what the recovery scan found.
struct RestoredPartition: Sendable {
    var partition: Int32
    var book: LeadBook
    var snapshot: Snapshot?
    var found: RecoveryScan.Found
}

/// A one-shot signal: the pipeline waits on it while a worker finishes a revoke or a stop.
final class WorkDone: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let failure = Mutex<String?>(nil)

    init() {}

    /// Signals completion (with the failure, if any).
    func signal(failure reason: String? = nil) {
        if let reason { failure.withLock { $0 = reason } }
        semaphore.signal()
    }

    /// Waits up to `timeout`; returns false on timeout.
    func wait(timeout: Duration) -> Bool {
        semaphore.wait(timeout: .now() + .milliseconds(timeout.wholeMilliseconds)) == .success
    }

    /// The failure reported, if any.
    var failureReason: String? { failure.withLock { $0 } }
}

/// A lead lookup answered by the worker that owns the lead's partition.
final class LeadQuery: Sendable {
    let leadID: String
    private let semaphore = DispatchSemaphore(value: 0)
    private let answer = Mutex<LeadView?>(nil)

    init(leadID: String) {
        self.leadID = leadID
    }

    func reply(_ view: LeadView?) {
        answer.withLock { $0 = view }
        semaphore.signal()
    }

    /// Waits up to `timeout` for the answer.
    func wait(timeout: Duration) -> LeadView? {
        guard semaphore.wait(timeout: .now() + .milliseconds(timeout.wholeMilliseconds)) == .success else { return nil }
        return answer.withLock { $0 }
    }
}

extension Duration {
    /// Whole milliseconds, for Dispatch and librdkafka timeouts.
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
