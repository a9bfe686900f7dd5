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
    let metrics: DaemonMetrics
    let logger: Logger
    /// The output positions a snapshot taken now must record (where a recovery scan starts).
    let outputPositions: @Sendable () -> [Snapshot.OutputPosition]
    /// Transactional mode only: sends the input offsets reached into the open transaction.
    let sendOffsets: @Sendable ([KafkaTopicPartition: Int64]) throws -> Void
    /// Stops the daemon after a failure it must not continue from.
    let onFatal: @Sendable (String) -> Void
}

/// One partition worker: a thread that owns its partitions' state exclusively (books, offsets,
/// dedupe sets, bucket counts) and does all the per-record work for them: decode in place, score,
/// render, produce (the rep state's lock is taken only to route a transition). Nothing else
/// touches that state; others talk to the worker through its inbox
/// and read what it publishes (`summaries`).
final class PartitionWorker: Sendable {
    let index: Int
    let inbox = WorkerInbox()
    private let environment: WorkerEnvironment
    private let initialScoring: ScoringConfig
    private let published = Mutex<[Int32: PartitionSummary]>([:])

    init(index: Int, scoring: ScoringConfig, environment: WorkerEnvironment) {
        self.index = index
        self.initialScoring = scoring
        self.environment = environment
    }

    /// Starts the worker's thread.
    func start() {
        let thread = Thread { [self] in
            var core = PartitionWorkerCore(scoring: initialScoring, environment: environment)
            core.run(inbox: inbox) { summaries in published.withLock { $0 = summaries } }
        }
        thread.name = "leadscore-worker-\(index)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The latest summaries of the worker's partitions.
    var summaries: [Int32: PartitionSummary] { published.withLock { $0 } }
}

/// The worker's logic and state, confined to the worker's thread (tests drive it directly).
struct PartitionWorkerCore {
    var partitions: [Int32: WorkerPartition] = [:]
    var scoring: ScoringConfig
    let environment: WorkerEnvironment
    private let decoder = EventDecoder()
    private var outputs: [OutputEvent] = []
    private var json: [UInt8] = []
    private var lastHousekeeping = ContinuousClock.now
    private var lastSnapshot = ContinuousClock.now
    /// Set once a `stop` was handled.
    private(set) var stopped = false

    init(scoring: ScoringConfig, environment: WorkerEnvironment) {
        self.scoring = scoring
        self.environment = environment
        json.reserveCapacity(16 * 1024)
    }

    private var configuration: DaemonConfiguration { environment.configuration }
    private var leadTopic: String { configuration.kafka.topics.leadEvents }

    /// The worker loop: handles queued items in order; between them, housekeeping.
    mutating func run(inbox: WorkerInbox, publish: ([Int32: PartitionSummary]) -> Void) {
        while !stopped {
            let items = inbox.take(timeout: .milliseconds(250))
            do {
                try handle(round: items)
                if !stopped { try housekeeping(now: ContinuousClock.now) }
            } catch {
                environment.logger.critical("partition worker failed; stopping", metadata: ["leadscore.error": "\(error)"])
                environment.onFatal("partition worker failed: \(error)")
                // Keep serving the inbox (stop/revoke signals) without processing records.
                for item in items { abandon(item) }
                drainAfterFailure(inbox: inbox)
                return
            }
            publish(summaries())
        }
        publish(summaries())
    }

    /// After a fatal failure: answer every waiter until the stop arrives, process nothing.
    private mutating func drainAfterFailure(inbox: WorkerInbox) {
        while true {
            for item in inbox.take(timeout: .milliseconds(250)) {
                if case .stop = item { abandon(item); return }
                abandon(item)
            }
        }
    }

    private func abandon(_ item: WorkItem) {
        switch item {
        case .revoke(_, let done), .stop(let done, _): done.signal(failure: "the worker stopped after a failure")
        case .query(let query): query.reply(nil)
        case .records, .assign, .drop, .reload: break
        }
    }

    /// Handles one round of queued items in order. Consecutive record batches are processed
    /// together (one transaction in transactional mode). When the round holds a `stop`, its
    /// records are left unprocessed: they lie past the state the shutdown snapshot records, so the
    /// next owner reads them again, and the stop does not wait for a backlog.
    mutating func handle(round items: [WorkItem]) throws {
        let stopping = items.contains { if case .stop = $0 { true } else { false } }
        var pending: [(batch: any RecordBatch, indexes: [Int])] = []
        for item in items {
            if case .records(let batch, let indexes) = item {
                if !stopping { pending.append((batch, indexes)) }
                continue
            }
            try process(pending)
            pending.removeAll()
            try handle(item)
        }
        try process(pending)
    }

    /// Handles one item. Throws on a failure the daemon must not continue from.
    mutating func handle(_ item: WorkItem) throws {
        switch item {
        case .records(let batch, let indexes):
            try process([(batch, indexes)])
        case .assign(let restored):
            let now = ContinuousClock.now
            for r in restored {
                partitions[r.partition] = WorkerPartition(restored: r, topic: leadTopic, now: now)
            }
        case .revoke(let ids, let done):
            let failure = snapshotAndWait(ids.sorted(), reason: "revoke")
            for id in ids { partitions[id] = nil }
            done.signal(failure: failure)
        case .drop(let ids):
            for id in ids { partitions[id] = nil }
        case .reload(let scoring):
            reload(scoring)
        case .query(let query):
            var view: LeadView?
            for p in partitions.values where view == nil { view = p.book.view(leadID: query.leadID) }
            query.reply(view)
        case .stop(let done, let snapshot):
            let failure = snapshot ? snapshotAndWait(partitions.keys.sorted(), reason: "shutdown") : nil
            stopped = true
            done.signal(failure: failure)
        }
    }

    /// Hands the changed ones of `ids` to the snapshot writer and waits until each is written;
    /// returns the failure, if any.
    private mutating func snapshotAndWait(_ ids: [Int32], reason: String) -> String? {
        let jobs = ids.compactMap { snapshotJob($0, reason: reason, wait: true) }
        for job in jobs { environment.snapshots.submit(job) }
        var failure: String?
        for job in jobs {
            guard let done = job.done else { continue }
            if !done.wait(timeout: .seconds(120)) { failure = "snapshot on \(reason) timed out" }
            if let reason = done.failureReason { failure = reason }
        }
        return failure
    }

    // MARK: - Records

    /// Decodes, scores and publishes batches of this worker's records in order, as one unit (one
    /// transaction in transactional mode).
    mutating func process(_ batches: [(batch: any RecordBatch, indexes: [Int])]) throws {
        guard batches.contains(where: { !$0.indexes.isEmpty }) else { return }
        try inTransaction { core in
            for (batch, indexes) in batches { try core.processRecords(batch, indexes: indexes) }
        }
    }

    /// Runs `body`, which produces outputs; in transactional mode inside one Kafka transaction that
    /// also commits the input offsets reached. A failure aborts the transaction and is rethrown
    /// (the daemon stops; the restart recovers from the snapshots).
    private mutating func inTransaction(_ body: (inout PartitionWorkerCore) throws -> Void) throws {
        guard configuration.kafka.transactions else { return try body(&self) }
        let producer = environment.publisher.producer
        try producer.beginTransaction()
        do {
            try body(&self)
            try environment.sendOffsets(inputOffsets)
            try producer.commitTransaction()
        } catch {
            do throws(KafkaError) { try producer.abortTransaction() } catch {
                environment.logger.error("transaction abort failed", metadata: ["kafka.error": "\(error)"])
            }
            throw error
        }
    }

    private var inputOffsets: [KafkaTopicPartition: Int64] {
        partitions.reduce(into: [:]) { out, entry in
            out[KafkaTopicPartition(topic: leadTopic, partition: entry.key)] = entry.value.nextOffset
        }
    }

    private mutating func processRecords(_ batch: any RecordBatch, indexes: [Int]) throws(KafkaError) {
        let started = ContinuousClock.now
        let wallNow = WallClock.millis()
        let notAfter = Timestamp(millisecondsSinceEpoch: wallNow + configuration.stream.maxFutureSkew.milliseconds)
        var counts = BatchCounts()
        // Records come in runs of one partition; each run works on the partition's state taken
        // out of the dictionary (a move, not a copy) and put back at the end of the run.
        var k = 0
        while k < indexes.count {
            let id = batch.partition(at: indexes[k])
            var end = k + 1
            while end < indexes.count && batch.partition(at: indexes[end]) == id { end += 1 }
            defer { k = end }
            guard var p = partitions.removeValue(forKey: id) else { continue }
            defer { partitions[id] = p }
            for i in indexes[k..<end] {
                try process(batch, index: i, partition: &p, notAfter: notAfter, counts: &counts)
                p.lastInputAt = started
            }
        }
        counts.report(to: environment.metrics)
        environment.metrics.processingLatency.record(ContinuousClock.now - started)
    }

    /// One record of partition `p`.
    private mutating func process(_ batch: any RecordBatch, index i: Int, partition p: inout WorkerPartition, notAfter: Timestamp,
                                  counts: inout BatchCounts) throws(KafkaError) {
        let offset = batch.offset(at: i)
        guard offset >= p.nextOffset else { return }
        outputs.removeAll(keepingCapacity: true)
        let maxEventBytes = configuration.stream.maxEventBytes
        var letter: DeadLetter?
        if batch.valueCount(at: i) > maxEventBytes {
            letter = DeadLetter(tooLarge: batch.message(at: i), limit: maxEventBytes)
        } else {
            let decoded: Result<InputEvent, EventDecodingError>? = batch.withValue(at: i) { value in
                guard let value else { return nil }
                return Result { () throws(EventDecodingError) in try decoder.decode(value) }
            }
            switch decoded {
            case nil:
                letter = DeadLetter(reason: DeadLetter.Reason.tombstone, field: nil, message: "a record with no value",
                                    input: batch.message(at: i))
            case .failure(let error)?:
                letter = DeadLetter(decodingError: error, input: batch.message(at: i))
            case .success(let event)?:
                letter = apply(event, to: &p, notAfter: notAfter, counts: &counts, batch: batch, index: i)
            }
        }
        if let letter { try publish(letter, partition: &p, counts: &counts) }
        try emit(partition: &p, sourceOffset: offset, inputTimestamp: batch.timestampMilliseconds(at: i), counts: &counts)
        p.nextOffset = offset + 1
        p.eventsIn += 1
        p.streamTimeAtLastInput = p.book.streamTime
        if !p.written.isEmpty && !p.isCatchingUp {
            p.written = []
            p.writtenOwners = [:]
        }
    }

    /// Applies one decoded event; returns the dead letter when it was refused.
    private mutating func apply(_ event: InputEvent, to p: inout WorkerPartition, notAfter: Timestamp, counts: inout BatchCounts,
                                batch: any RecordBatch, index i: Int) -> DeadLetter? {
        var desk = environment.reps.desk
        let outcome = p.book.apply(event, reps: &desk, into: &outputs, notAfter: notAfter)
        switch outcome {
        case .applied:
            counts.eventsIn[event.typeName, default: 0] += 1
            return nil
        case .rejectedFuture:
            return DeadLetter(reason: DeadLetter.Reason.futureTimestamp, field: "occurred_at",
                              message: "occurred_at \(event.occurredAt) is later than now + \(ConfigDuration.format(configuration.stream.maxFutureSkew))",
                              input: batch.message(at: i))
        case .ignored:
            return DeadLetter(reason: DeadLetter.Reason.wrongTopic, field: "type",
                              message: "\(event.typeName) belongs on the rep events topic", input: batch.message(at: i))
        case .rejectedMissingKey:
            return DeadLetter(reason: "missing_field", field: "lead_id",
                              message: "the event names neither a lead nor an account", input: batch.message(at: i))
        }
    }

    private func publish(_ letter: DeadLetter, partition p: inout WorkerPartition, counts: inout BatchCounts) throws(KafkaError) {
        if !p.written.isEmpty, p.written.contains(OutputKey(topic: .deadLetter, dedupe: letter.dedupeKey)) {
            counts.suppressed += 1
            return
        }
        try environment.publisher.publish(letter, source: p.source)
        counts.letters[letter.reason, default: 0] += 1
    }

    /// Publishes the outputs one input (or an idle-clock advance) caused, except those the recovery
    /// scan found already written, and keeps bucket counts and the dashboard's recent decisions.
    private mutating func emit(partition p: inout WorkerPartition, sourceOffset: Int64, inputTimestamp: Int64?,
                               counts: inout BatchCounts) throws(KafkaError) {
        guard !outputs.isEmpty else { return }
        for output in outputs {
            if case .leadErased(let erased) = output {
                try erase(erased, partition: &p, sourceOffset: sourceOffset, counts: &counts)
                continue
            }
            if case .leadRescored(let rescored) = output { p.count(rescored) }
            if !p.written.isEmpty, p.written.contains(OutputKey(topic: OutputTopic(output.kind), dedupe: OutputPublisher.dedupeKey(output))) {
                counts.suppressed += 1
                // The decision already written is the one downstream acted on: keep its rep even
                // if the replay, seeing other rep load, chose another.
                if case .leadRouted(let routed) = output, let written = p.writtenOwners[routed.idempotencyKey], written != routed.repID {
                    p.book.adoptOwner(leadID: routed.leadID, repID: written)
                }
                continue
            }
            try environment.publisher.publish(output, source: p.source, sourceOffset: sourceOffset, inputTimestamp: inputTimestamp, buffer: &json)
            counts.outputs[output.kind, default: 0] += 1
            if case .leadRouted(let routed) = output { environment.recent.append(routed) }
        }
    }

    /// An erased lead: one tombstone per output topic it had records on (each checked against
    /// what the recovery scan found, since a crash may fall between them), and it leaves the
    /// bucket counts.
    private func erase(_ erased: LeadErased, partition p: inout WorkerPartition, sourceOffset: Int64,
                       counts: inout BatchCounts) throws(KafkaError) {
        p.uncount(erased)
        for topic in erased.topics.map(OutputTopic.init) {
            if !p.written.isEmpty, p.written.contains(OutputKey(topic: topic, dedupe: erased.idempotencyKey)) {
                counts.suppressed += 1
                continue
            }
            try environment.publisher.publishTombstone(erased, topic: topic, source: p.source, sourceOffset: sourceOffset)
        }
        counts.outputs[.erased, default: 0] += 1
    }

    // MARK: - Housekeeping

    /// Idle clock, periodic snapshots. Reads the clock once.
    mutating func housekeeping(now: ContinuousClock.Instant) throws {
        if now - lastHousekeeping >= .milliseconds(500) {
            lastHousekeeping = now
            try advanceIdlePartitions(now: now)
        }
        if now - lastSnapshot >= configuration.snapshots.interval {
            lastSnapshot = now
            for id in partitions.keys.sorted() {
                if let job = snapshotJob(id, reason: "interval", wait: false) { environment.snapshots.submit(job) }
            }
        }
    }

    /// With the idle clock on, a partition with no input for `idleAfter` has its stream time follow
    /// the wall clock (from where it stood when input stopped), so decay downgrades still fire.
    mutating func advanceIdlePartitions(now: ContinuousClock.Instant) throws {
        guard configuration.stream.idleClock else { return }
        let idleAfter = configuration.stream.idleAfter
        var counts = BatchCounts()
        try inTransaction { core in
            for id in core.partitions.keys.sorted() {
                guard var p = core.partitions.removeValue(forKey: id) else { continue }
                defer { core.partitions[id] = p }
                let idle = now - p.lastInputAt
                let base = p.streamTimeAtLastInput.millisecondsSinceEpoch
                guard idle >= idleAfter, base != Int64.min else { continue }
                core.outputs.removeAll(keepingCapacity: true)
                let target = Timestamp(millisecondsSinceEpoch: base + idle.milliseconds)
                var desk = core.environment.reps.desk
                p.book.advance(to: target, reps: &desk, into: &core.outputs)
                try core.emit(partition: &p, sourceOffset: p.nextOffset - 1, inputTimestamp: nil, counts: &counts)
            }
        }
        counts.report(to: environment.metrics)
    }

    /// A snapshot job for a partition whose state changed since its last snapshot (nil if none).
    mutating func snapshotJob(_ id: Int32, reason: String, wait: Bool) -> SnapshotWriter.Job? {
        guard let p = partitions[id], p.changedSinceSnapshot else { return nil }
        let positions = p.isCatchingUp ? p.restoredPositions : environment.outputPositions()
        partitions[id]?.snapshotted = (p.nextOffset, p.book.streamTime)
        return SnapshotWriter.Job(partition: id, book: p.book, nextOffset: p.nextOffset, positions: positions,
                                  configVersion: scoring.version, reason: reason, done: wait ? WorkDone() : nil)
    }

    /// Re-opens every book under a new configuration (through its snapshot form). A book that
    /// refuses keeps the running configuration; the failure is logged.
    mutating func reload(_ scoring: ScoringConfig) {
        var books: [Int32: LeadBook] = [:]
        do {
            for (id, p) in partitions {
                var bytes: [UInt8] = []
                p.book.serialize(into: &bytes)
                books[id] = try LeadBook(deserializing: bytes, config: scoring)
            }
        } catch {
            environment.logger.error("reload rejected by a partition: its state cannot move to the new configuration",
                                     metadata: ["leadscore.error": "\(error)", "leadscore.config_version": "\(scoring.version)"])
            return
        }
        for (id, book) in books { partitions[id]?.book = book }
        self.scoring = scoring
    }

    /// What this worker publishes.
    func summaries() -> [Int32: PartitionSummary] {
        partitions.reduce(into: [:]) { out, entry in
            let p = entry.value
            out[entry.key] = PartitionSummary(partition: entry.key, nextOffset: p.nextOffset, leads: p.book.leadCount, buckets: p.buckets,
                                              streamTime: p.book.streamTime, configVersion: scoring.version, eventsIn: p.eventsIn)
        }
    }
}

/// Metric increments gathered over a batch and reported once.
struct BatchCounts {
    var eventsIn: [String: Int] = [:]
    var outputs: [OutputEvent.Kind: Int] = [:]
    var letters: [String: Int] = [:]
    var suppressed = 0

    func report(to metrics: DaemonMetrics) {
        for (type, n) in eventsIn { metrics.eventsIn[type].increment(by: n) }
        for (kind, n) in outputs { metrics.outputs[kind.rawValue].increment(by: n) }
        for (reason, n) in letters {
            metrics.deadLetters[reason].increment(by: n)
            metrics.outputs["dead_letter"].increment(by: n)
        }
        if suppressed > 0 { metrics.suppressedDuplicates.increment(by: suppressed) }
    }
}
