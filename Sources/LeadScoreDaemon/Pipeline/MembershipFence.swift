import Dispatch
import Foundation
import Synchronization

/// Keeps an instance that was paused past its group session from writing (a "zombie").
///
/// Without Kafka transactions the broker cannot refuse a paused instance's records: after a pause
/// longer than the session timeout (SIGSTOP, a frozen VM, a stop-the-world swap), the group has
/// already given its partitions to another instance, yet every thread of the paused one resumes
/// where it was. A watchdog thread ticks every few milliseconds; a gap between two ticks longer
/// than `limit` means the whole process was not running for that long. From then on the fence
/// is closed for good: workers and the snapshot writer check it before every record and every
/// snapshot and stop, the producer's queue is purged, and the daemon exits non-zero so its
/// restart joins the group afresh and restores from snapshots plus the recovery scan.
///
/// The check reads the watchdog's last tick itself, so a worker that runs before the watchdog
/// after a pause still sees the gap: there is no window in which the paused instance writes a
/// new record. What remains possible without transactions: records handed to librdkafka within
/// `linger.ms` before the pause may still be sent by its own threads when the process resumes,
/// before the purge (see docs/model.md).
final class MembershipFence: Sendable {
    /// The longest pause an instance may survive: half the session timeout, so the group cannot
    /// have moved on (its coordinator waits a full session timeout after the last heartbeat).
    let limit: Duration
    private let limitNanos: UInt64
    private let lastTick = Atomic<UInt64>(0)
    private let closedAt = Atomic<UInt64>(0)
    private let stopping = Atomic<Bool>(false)
    /// The gap is only measured once the watchdog runs (a fence never started never closes).
    private let started = Atomic<Bool>(false)

    init(sessionTimeout: Duration) {
        limit = sessionTimeout / 2
        limitNanos = UInt64(max(1, limit.wholeMilliseconds)) * 1_000_000
        lastTick.store(Self.now(), ordering: .relaxed)
    }

    /// Starts the watchdog; `onClose` runs once, on its thread, when a pause is detected.
    func start(onClose: @escaping @Sendable (_ paused: Duration) -> Void) {
        lastTick.store(Self.now(), ordering: .releasing)
        started.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            while !stopping.load(ordering: .acquiring) {
                usleep(20_000)
                let now = Self.now()
                let previous = lastTick.exchange(now, ordering: .acquiringAndReleasing)
                if now &- previous > limitNanos, closedAt.compareExchange(expected: 0, desired: now, ordering: .acquiringAndReleasing).exchanged {
                    onClose(.nanoseconds(Int64(now &- previous)))
                }
            }
        }
        thread.name = "leadscore-fence"
        thread.start()
    }

    /// Stops the watchdog thread.
    func stop() { stopping.store(true, ordering: .releasing) }

    /// True once the instance may have lost its membership: the watchdog saw a pause, or the
    /// caller sees one the watchdog has not yet woken up to.
    var isClosed: Bool {
        if closedAt.load(ordering: .acquiring) != 0 { return true }
        guard started.load(ordering: .acquiring), !stopping.load(ordering: .acquiring) else { return false }
        // The tick first, then the clock: the watchdog may tick in between, and a tick later than
        // the clock read would otherwise wrap around into an enormous "gap".
        let last = lastTick.load(ordering: .acquiring)
        let now = Self.now()
        return now > last && now - last > limitNanos
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
