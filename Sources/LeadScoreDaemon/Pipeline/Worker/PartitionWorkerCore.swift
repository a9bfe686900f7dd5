import LeadScoreCore
import LeadScoreKafka
import Logging

/// The worker's logic and state, confined to the worker's thread (tests drive it directly).
struct PartitionWorkerCore {
    var partitions: [Int32: WorkerPartition] = [:]
    var scoring: ScoringConfig
    /// The challenger's configuration (nil: none).
    var challengerScoring: ScoringConfig?
    let environment: WorkerEnvironment
    let decoder = EventDecoder()
    /// The outputs of the record in hand (reused).
    var outputs: [OutputEvent] = []
    /// The challenger's outputs for the record in hand (reused).
    var challengerOutputs: [OutputEvent] = []
    /// Records decoded ahead of the one in hand (reused; empty between runs).
    let lookAhead = LookAhead()
    /// Records processed since the worker last served the producer's delivery reports.
    var recordsSinceDeliveryServe = 0
    var lastHousekeeping = ContinuousClock.now
    var lastSnapshot = ContinuousClock.now
    /// Set once a `stop` was handled.
    private(set) var stopped = false

    init(scoring: ScoringConfig, challenger: ScoringConfig? = nil, environment: WorkerEnvironment) {
        self.scoring = scoring
        self.challengerScoring = challenger
        self.environment = environment
    }

    var configuration: DaemonConfiguration { environment.configuration }
    var leadTopic: String { configuration.kafka.topics.leadEvents }

    /// The worker loop: handles queued items in order; between them, housekeeping.
    mutating func run(inbox: WorkerInbox, publish: ([Int32: PartitionSummary]) -> Void) {
        while !stopped {
            let items = inbox.take(timeout: .milliseconds(250))
            do throws(DaemonError) {
                try handle(round: items)
                if !stopped { try housekeeping(now: ContinuousClock.now) }
            } catch {
                environment.logger.critical("partition worker failed; stopping", metadata: ["leadscore.error": "\(error)"])
                environment.onFatal(error)
                // Keep serving the inbox (stop/revoke signals) without processing records.
                for item in items { abandon(item, error) }
                drainAfterFailure(inbox: inbox, error)
                return
            }
            publish(summaries())
        }
        publish(summaries())
    }

    /// After a fatal failure: answer every waiter until the stop arrives, process nothing.
    private mutating func drainAfterFailure(inbox: WorkerInbox, _ error: DaemonError) {
        while true {
            for item in inbox.take(timeout: .milliseconds(250)) {
                abandon(item, error)
                if case .stop = item { return }
            }
        }
    }

    private func abandon(_ item: WorkItem, _ error: DaemonError) {
        let failure = DaemonError(.worker, "the worker stopped after a failure", underlying: error)
        switch item {
        case .revoke(_, let done, _), .stop(let done, _, _): done.signal(failure: failure)
        case .query(let query): query.reply(nil)
        case .records, .assign, .drop, .reload, .outcomes: break
        }
    }

    /// Handles one round of queued items in order. Consecutive record batches are processed
    /// together (one transaction in transactional mode). When the round holds a `stop`, its
    /// records are left unprocessed: they lie past the state the shutdown snapshot records, so the
    /// next owner reads them again, and the stop does not wait for a backlog.
    mutating func handle(round items: [WorkItem]) throws(DaemonError) {
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
    mutating func handle(_ item: WorkItem) throws(DaemonError) {
        switch item {
        case .records(let batch, let indexes):
            try process([(batch, indexes)])
        case .assign(let restored):
            let now = ContinuousClock.now
            for r in restored {
                partitions[r.partition] = WorkerPartition(restored: r, topic: leadTopic, now: now)
            }
        case .revoke(let ids, let done, let deadline):
            let failure = snapshotAndWait(ids.sorted(), reason: "revoke", until: deadline)
            for id in ids { partitions[id] = nil }
            done.signal(failure: failure)
        case .drop(let ids):
            for id in ids { partitions[id] = nil }
        case .reload(let models):
            reload(models)
        case .outcomes(let outcomes):
            for id in partitions.keys where partitions[id]?.challenger != nil {
                for outcome in outcomes { partitions[id]?.recordOutcome(outcome) }
            }
        case .query(let query):
            var view: LeadView?
            for p in partitions.values where view == nil { view = p.book.view(leadID: query.leadID) }
            query.reply(view)
        case .stop(let done, let snapshot, let deadline):
            let failure = snapshot ? snapshotAndWait(partitions.keys.sorted(), reason: "shutdown", until: deadline) : nil
            stopped = true
            done.signal(failure: failure)
        }
    }

    /// Hands the changed ones of `ids` to the snapshot writer and waits until each is written,
    /// no later than `deadline`; returns the failure, if any.
    private mutating func snapshotAndWait(_ ids: [Int32], reason: String, until deadline: ContinuousClock.Instant) -> DaemonError? {
        let jobs = ids.compactMap { snapshotJob($0, reason: reason, wait: true) }
        for job in jobs { environment.snapshots.submit(job) }
        var failure: DaemonError?
        // A partition with nothing new still has its last interval's checkpoint written first.
        if jobs.count < ids.count, !environment.snapshots.barrier().wait(until: deadline) {
            failure = DaemonError(.timeout, "the checkpoint in flight on \(reason) did not finish by the deadline")
        }
        for job in jobs {
            guard let done = job.done else { continue }
            if !done.wait(until: deadline) {
                failure = DaemonError(.timeout, "the snapshot on \(reason) did not finish by the deadline", partition: job.partition)
            }
            if let error = done.failure { failure = error }
        }
        return failure
    }

    /// What this worker publishes.
    func summaries() -> [Int32: PartitionSummary] {
        partitions.reduce(into: [:]) { out, entry in
            let p = entry.value
            out[entry.key] = PartitionSummary(partition: entry.key, nextOffset: p.nextOffset, leads: p.book.leadCount, buckets: p.buckets,
                                              streamTime: p.book.streamTime, configVersion: scoring.version, eventsIn: p.eventsIn,
                                              restoreTarget: p.restoreTarget, restoredFrom: p.restoredFrom, restoreSource: p.restoreSource,
                                              challengerVersion: p.challenger == nil ? nil : challengerScoring?.version, agreement: p.agreement,
                                              outcomes: p.challenger == nil ? nil : p.outcomes.counts)
        }
    }
}
