import Foundation
import LeadScoreKafka
import Synchronization

/// Restores assigned partitions on its own thread, so the poll thread (and the group's rebalance,
/// which waits for its callback) never blocks on a snapshot load or a recovery scan, and the
/// partitions already live keep flowing.
///
/// An assigned partition is held paused by the consumer until its restore is done; the poll
/// thread, the consumer's only user, then takes the result (`takeResults`), seeks the partition
/// to the restored offset, resumes it and hands the state to its worker. Each request carries the
/// assignment's generation per partition: a partition revoked (or lost, or re-assigned) while it
/// restored has moved on, and its stale result is dropped. A restore that fails leaves its
/// partitions paused, is reported, and is tried again later; it never stops the process.
final class PartitionRestorer: @unchecked Sendable {
    // @unchecked Sendable: `queue` and `stopping` are only touched with `condition` locked; the
    // results behind their own Mutex; `work` is a Sendable closure.

    /// Partitions to restore, each with the generation of its assignment.
    struct Request: Sendable {
        var generations: [Int32: UInt64]
        /// Not before this moment (a retry waits).
        var notBefore: ContinuousClock.Instant = .now
    }

    /// What a restore gave.
    struct Outcome: Sendable {
        var generations: [Int32: UInt64]
        var result: Result<[Restored], DaemonError>
        var took: Duration
    }

    /// One partition's restored state and where its input resumes.
    struct Restored: Sendable {
        var partition: RestoredPartition
        var start: KafkaStartOffset
    }

    private let work: @Sendable ([Int32]) throws(DaemonError) -> [Restored]
    private let isCurrent: @Sendable (Int32, UInt64) -> Bool
    private let condition = NSCondition()
    private var queue: [Request] = []
    private var stopping = false
    private let results = Mutex<[Outcome]>([])

    /// `work` restores a set of partitions; `isCurrent` tells whether a partition's generation
    /// is still the assigned one (stale requests are skipped without work).
    init(work: @escaping @Sendable ([Int32]) throws(DaemonError) -> [Restored],
         isCurrent: @escaping @Sendable (Int32, UInt64) -> Bool) {
        self.work = work
        self.isCurrent = isCurrent
    }

    /// Starts the restore thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "leadscore-restore"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Stops taking requests. A restore in progress is not waited for: the process is stopping,
    /// and its result would be dropped anyway.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Queues a restore.
    func submit(_ request: Request) {
        condition.lock()
        queue.append(request)
        queue.sort { $0.notBefore < $1.notBefore }
        condition.broadcast()
        condition.unlock()
    }

    /// The outcomes finished since the last call (poll thread).
    func takeResults() -> [Outcome] {
        results.withLock { value -> [Outcome] in defer { value = [] }; return value }
    }

    private func run() {
        while true {
            condition.lock()
            while !stopping {
                guard let first = queue.first else { condition.wait(); continue }
                let wait = first.notBefore - .now
                if wait <= .zero { break }
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(wait.wholeMilliseconds) / 1000))
            }
            if stopping { condition.unlock(); return }
            var request = queue.removeFirst()
            condition.unlock()
            request.generations = request.generations.filter { isCurrent($0.key, $0.value) }
            guard !request.generations.isEmpty else { continue }
            let started = ContinuousClock.now
            let result = Result { () throws(DaemonError) in try work(request.generations.keys.sorted()) }
            let outcome = Outcome(generations: request.generations, result: result, took: ContinuousClock.now - started)
            results.withLock { $0.append(outcome) }
        }
    }
}
