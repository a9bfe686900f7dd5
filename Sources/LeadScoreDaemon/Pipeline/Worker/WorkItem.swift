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
    /// Snapshot these partitions (waiting for the snapshot no later than `deadline`) and drop
    /// them (another instance takes them); then signal.
    case revoke(Set<Int32>, WorkDone, deadline: ContinuousClock.Instant)
    /// Drop these partitions without a snapshot (lost in a rebalance).
    case drop(Set<Int32>)
    /// Score with a new configuration from now on.
    case reload(ScoringModels)
    /// Outcomes reps reported (read by the rep feed): with a challenger, each partition that
    /// holds the lead counts it by bucket under both models (`OutcomesByModel`).
    case outcomes([LeadOutcomeEvent])
    /// Answer a lead lookup for HTTP.
    case query(LeadQuery)
    /// Finish the queued work, snapshot every partition (unless `snapshot` is false: stopping
    /// after a failure; waiting no later than `deadline`), stop; then signal.
    case stop(WorkDone, snapshot: Bool, deadline: ContinuousClock.Instant)
}

/// A partition's state restored from its snapshot (or fresh) plus what the recovery scan found.
struct RestoredPartition: Sendable {
    var partition: Int32
    var book: LeadBook
    /// The challenger's book (scores only), while a challenger is configured.
    var challenger: LeadBook? = nil
    var snapshot: Snapshot?
    var found: RecoveryScan.Found
    /// The input partition's end when it was assigned: once the replay reaches it, the partition
    /// is live (until then it is restoring, and the instance is not ready).
    var restoreTarget: Int64 = 0
    /// Where the recovery scan read each output partition from for this partition (every output
    /// partition named; see `Pipeline.scanPositions`). Empty: the snapshot's own positions.
    var scanPositions: [Snapshot.OutputPosition] = []
    /// The state topic's newest commit for the partition when it was restored (used or not): the
    /// writer tombstones its chain once this instance's first base is committed.
    var stateChain: StateCommit?
    /// Where the state came from: `cache`, `kafka` or `rebuild` (`Pipeline.RestoreSource`).
    var source: String = ""
}

/// A one-shot signal: the pipeline waits on it while a worker finishes a revoke or a stop.
final class WorkDone: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let reported = Mutex<DaemonError?>(nil)

    init() {}

    /// Signals completion (with the failure, if any).
    func signal(failure error: DaemonError? = nil) {
        if let error { reported.withLock { $0 = error } }
        semaphore.signal()
    }

    /// Waits up to `timeout`; returns false on timeout.
    func wait(timeout: Duration) -> Bool {
        semaphore.wait(timeout: .now() + .milliseconds(max(0, timeout.wholeMilliseconds))) == .success
    }

    /// Waits until `deadline`; returns false when it passed first.
    func wait(until deadline: ContinuousClock.Instant) -> Bool {
        wait(timeout: deadline - ContinuousClock.now)
    }

    /// The failure reported, if any.
    var failure: DaemonError? { reported.withLock { $0 } }
}

/// A lead lookup for one worker: the worker that owns the lead answers with its view, the others
/// with nil. The answer goes to `reply`, so nobody blocks a thread waiting for it (HTTP awaits a
/// `LeadLookup` that the replies complete).
struct LeadQuery: Sendable {
    let leadID: String
    let reply: @Sendable (LeadView?) -> Void
}

/// One HTTP lead lookup fanned out to every worker: completes with the first view any worker
/// returns, with nil once every worker said "not mine", or with nil at its deadline, whichever is
/// first, and exactly once.
final class LeadLookup: Sendable {
    /// The lookup's state machine; its methods say what the caller must do after the lock.
    struct State {
        var waiting: Int
        var continuation: CheckedContinuation<LeadView?, Never>?
        var result: LeadView??

        enum Action { case none, resume(CheckedContinuation<LeadView?, Never>, LeadView?) }

        /// The request starts waiting; answers may already be in.
        mutating func wait(_ c: CheckedContinuation<LeadView?, Never>) -> Action {
            if let result { return .resume(c, result) }
            continuation = c
            return .none
        }

        mutating func reply(_ view: LeadView?) -> Action {
            guard result == nil else { return .none }
            waiting -= 1
            if view == nil && waiting > 0 { return .none }
            return finish(view)
        }

        mutating func expire() -> Action {
            guard result == nil else { return .none }
            return finish(nil)
        }

        private mutating func finish(_ view: LeadView?) -> Action {
            result = .some(view)
            guard let c = continuation else { return .none }
            continuation = nil
            return .resume(c, view)
        }
    }

    private let state: Mutex<State>

    init(workers: Int) { state = Mutex(State(waiting: workers)) }

    func wait(_ continuation: CheckedContinuation<LeadView?, Never>) { run(state.withLock { $0.wait(continuation) }) }
    func reply(_ view: LeadView?) { run(state.withLock { $0.reply(view) }) }
    func expire() { run(state.withLock { $0.expire() }) }

    private func run(_ action: State.Action) {
        if case .resume(let c, let view) = action { c.resume(returning: view) }
    }
}

extension Duration {
    /// Whole milliseconds, for Dispatch and librdkafka timeouts.
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
