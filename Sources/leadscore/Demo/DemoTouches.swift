import Foundation
import LeadScoreAnalysis
import LeadScoreCore
import Synchronization

/// How the demo's reps answer the leads the daemon routes to them, like a CRM's activity feed:
/// most call well before the first-touch deadline, some late (the deadline passes: a breach and a
/// re-route), a few never.
final class DemoTouches: Sendable {
    private let rng: Mutex<SplitMix64>

    init(seed: UInt64) {
        rng = Mutex(SplitMix64(seed: seed ^ 0x746F_7563_6865_7321))
    }

    /// The touch for a routing decision, nil when the rep never touches the lead.
    func touch(for decision: DemoObserver.Decision) -> DemoTraffic.Touch? {
        guard let routed = try? Timestamp(rfc3339: decision.occurredAt), let due = try? Timestamp(rfc3339: decision.slaDueAt) else {
            return nil
        }
        guard let delay = rng.withLock({ GroundTruthWorld.firstTouchDelay(routedAt: routed, due: due, using: &$0) }) else { return nil }
        return DemoTraffic.Touch(leadID: decision.leadID, accountID: decision.accountID, repID: decision.repID,
                                 at: routed.millisecondsSinceEpoch + delay)
    }
}
