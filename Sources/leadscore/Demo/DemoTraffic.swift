import Foundation
import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreDaemon
import LeadScoreKafka
import Synchronization

/// Plays a `GroundTruthWorld` into the demo broker at a steady rate: lead events keyed by account
/// (else lead) on `lead-events`, rep events keyed by rep on `rep-events`, exactly as a CRM or a
/// sequence tool would send them.
///
/// Event time is the world's own: the world starts `days` before now, so nothing is stamped in
/// the future, and its clock runs much faster than the wall clock (weeks of a B2B funnel in
/// minutes); the demo's daemon runs without the idle wall clock for that reason.
final class DemoTraffic: Sendable {
    private let producer: KafkaProducer
    private let topics: DaemonConfiguration.Topics
    private let rate: Int
    private let world: Mutex<GroundTruthWorld>
    private let decoder = EventDecoder()
    /// Lines produced so far.
    let sent = Atomic<Int>(0)
    /// `occurred_at` of the latest line produced (ms), for the view.
    let worldTime = Atomic<Int64>(Int64.min)
    /// True once the world has no more lines.
    let finished = Atomic<Bool>(false)
    /// Set on Ctrl-C: no more traffic, so the embedded broker is free for the daemon's shutdown.
    let stopped = Atomic<Bool>(false)
    /// Reps' first touches to send, ordered by their moment (see `touch(_:)`).
    private let touches = Mutex<[Touch]>([])

    /// A rep reaching out to a lead the daemon routed to it.
    struct Touch: Sendable {
        var leadID: String
        var accountID: String?
        var repID: String
        /// World time (ms) of the touch.
        var at: Int64
    }

    /// Sees each world event as it is sent (the challenger's fit learns from them).
    private let onWorldEvent: @Sendable (InputEvent) -> Void

    init(producer: KafkaProducer, topics: DaemonConfiguration.Topics, rate: Int, world: GroundTruthWorld,
         onWorldEvent: @escaping @Sendable (InputEvent) -> Void = { _ in }) {
        self.onWorldEvent = onWorldEvent
        self.producer = producer
        self.topics = topics
        self.rate = max(1, rate)
        self.world = Mutex(world)
    }

    /// Queues a touch; it is sent once the world's clock reaches its moment (at once if the world
    /// is already past it: a touch read late may miss the deadline).
    func touch(_ touch: Touch) {
        touches.withLock { list in
            let position = list.firstIndex { $0.at > touch.at } ?? list.count
            list.insert(touch, at: position)
        }
    }

    /// Produces until the world ends or the task is cancelled, pacing by the wall clock in small
    /// steps so the rate is even.
    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        var line: [UInt8] = []
        while !Task.isCancelled && !stopped.load(ordering: .relaxed) {
            let elapsed = start.duration(to: clock.now)
            let due = Int(Double(rate) * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
            var produced = sent.load(ordering: .relaxed)
            while produced < due {
                line.removeAll(keepingCapacity: true)
                let more = world.withLock { $0.next(into: &line) }
                guard more else {
                    finished.store(true, ordering: .releasing)
                    try? producer.flush(timeout: .seconds(5))
                    return
                }
                onWorldEvent(try send(line.dropLast()))
                try sendDueTouches()
                produced += 1
                sent.store(produced, ordering: .relaxed)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Flushes what is queued and closes the producer.
    func close() {
        producer.close(flushTimeout: .seconds(2))
    }

    private func sendDueTouches() throws {
        let now = worldTime.load(ordering: .relaxed)
        let due = touches.withLock { list -> [Touch] in
            let n = list.firstIndex { $0.at > now } ?? list.count
            defer { list.removeFirst(n) }
            return Array(list.prefix(n))
        }
        for touch in due {
            try send(ArraySlice(Self.touchJSON(touch)))
        }
    }

    /// A touch as a `lead_touched` event, written by the core's `JSONWriter` (ids come from the
    /// world, but are escaped like any data).
    static func touchJSON(_ touch: Touch) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.key("event_id")
        json.string("touch-\(touch.leadID)-\(touch.at)")
        json.key("type")
        json.string("lead_touched")
        json.key("occurred_at")
        json.timestamp(Timestamp(millisecondsSinceEpoch: touch.at))
        json.key("lead_id")
        json.string(touch.leadID)
        if let account = touch.accountID {
            json.key("account_id")
            json.string(account)
        }
        json.key("rep_id")
        json.string(touch.repID)
        json.key("channel")
        json.string("call")
        json.endObject()
        return json.bytes
    }

    @discardableResult
    private func send(_ line: ArraySlice<UInt8>) throws -> InputEvent {
        let value = Array(line)
        // The world writes valid events only; decoding gives the key and the topic.
        let event = try decoder.decode(value)
        worldTime.store(event.occurredAt.millisecondsSinceEpoch, ordering: .relaxed)
        let topic = event.isRepEvent ? topics.repEvents : topics.leadEvents
        try producer.produce(topic: topic, key: event.partitionKey.map { Array($0.utf8) }, value: value)
        return event
    }
}
