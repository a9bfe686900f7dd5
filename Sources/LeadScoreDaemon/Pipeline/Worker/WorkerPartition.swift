import LeadScoreCore

/// Everything a partition worker keeps for one of its input partitions. Only that worker's
/// thread touches it.
struct WorkerPartition {
    /// The partition's leads, accounts, decay timers and stream time.
    var book: LeadBook
    /// The challenger's book (scores only: `LeadBook.scoresOnly`), fed the same lead events;
    /// nil without a challenger.
    var challenger: LeadBook?
    /// Leads by (live bucket, challenger bucket), counted afresh every `agreementEvery`.
    var agreement: BucketAgreement?
    var agreementAt: ContinuousClock.Instant
    /// With a challenger: conversion by bucket under both models since this worker took the
    /// partition or the challenger in force was loaded, whichever is later.
    var outcomes = OutcomesByModel()
    /// The next input offset to process; everything below is reflected in `book`.
    var nextOffset: Int64
    /// The source header of this partition's outputs.
    var source: OutputPublisher.Source
    /// Where the recovery scan read the output partitions from when the state was restored:
    /// a snapshot taken while the replay still holds recovered outputs records these, so a
    /// second crash scans at least as far back.
    var restoredPositions: [Snapshot.OutputPosition]
    /// Outputs already present in the output topics past the restored snapshot: a replay must not
    /// write them again. Each leaves the set when the replay meets it (an output key is made once),
    /// not when the replay passes the input offset that first made it: with other rep state
    /// (a calendar changed before the crash) the replay may make an SLA chain's outputs later
    /// than the first run did, and they must still be recognised.
    var written: Set<OutputKey>
    /// For routing decisions among `written`: dedupe key -> the rep they named.
    var writtenOwners: [String: String?] = [:]
    /// Stream time when the partition was restored: recovered outputs the replay has not met
    /// again within `recoveredOutputsHorizon` of stream time are let go (see `holdsRecoveredOutputs`).
    var restoredStreamTime: Timestamp
    /// The input partition's end when it was assigned: the replay is caught up once it gets there.
    var restoreTarget: Int64
    /// Where the restored state resumed the input, and where it came from (for `/summary`).
    var restoredFrom: Int64
    var restoreSource: String
    /// Leads by bucket (`Bucket.rawValue` index), kept from transitions.
    var buckets: [Int]
    /// When the last input record was processed (monotonic), for the idle clock.
    var lastInputAt: ContinuousClock.Instant
    /// Stream time when the partition went idle, the base of the idle clock.
    var streamTimeAtLastInput: Timestamp
    /// `nextOffset` and stream time of the newest snapshot handed to the writer (nil: none yet),
    /// so an unchanged partition is not written again.
    var snapshotted: (offset: Int64, streamTime: Timestamp)?
    /// Whether a snapshot job was handed to the writer since the worker took the partition or
    /// reloaded its configuration: until then the state topic's next checkpoint must be a base.
    var checkpointChained = false
    /// The state topic's chain found at restore, handed to the snapshot writer with the first job
    /// (see `RestoredPartition.stateChain`).
    var adoptedChain: StateCommit?
    /// Records processed since the worker took the partition.
    var eventsIn = 0

    init(restored: RestoredPartition, topic: String, now: ContinuousClock.Instant) {
        book = restored.book
        challenger = restored.challenger
        agreement = restored.challenger.map { BucketAgreement(live: restored.book, challenger: $0) }
        agreementAt = now
        nextOffset = restored.snapshot?.nextOffset ?? 0
        source = OutputPublisher.Source(topic: topic, partition: restored.partition)
        restoredPositions = restored.scanPositions.isEmpty ? restored.snapshot?.outputPositions ?? [] : restored.scanPositions
        written = restored.found.written
        writtenOwners = restored.found.writtenOwners
        restoredStreamTime = restored.book.streamTime
        restoreTarget = restored.restoreTarget
        restoredFrom = restored.snapshot?.nextOffset ?? 0
        restoreSource = restored.source
        var counts = [Int](repeating: 0, count: Bucket.allCases.count)
        for (bucket, n) in restored.book.bucketCounts { counts[Int(bucket.rawValue)] = n }
        buckets = counts
        lastInputAt = now
        streamTimeAtLastInput = restored.book.streamTime
        snapshotted = restored.snapshot.map { ($0.nextOffset, restored.book.streamTime) }
        adoptedChain = restored.stateChain
    }

    /// How often the agreement is counted again: a pass over the leads (about 50 ms per million).
    static let agreementEvery: Duration = .seconds(5)

    /// Counts the agreement again if it is older than `agreementEvery`.
    mutating func refreshAgreement(now: ContinuousClock.Instant) {
        guard let challenger, now - agreementAt >= Self.agreementEvery else { return }
        agreement = BucketAgreement(live: book, challenger: challenger)
        agreementAt = now
    }

    /// Counts an outcome of a lead of this partition under both models (nothing for a lead it
    /// does not hold, or one without a bucket in either).
    mutating func recordOutcome(_ outcome: LeadOutcomeEvent) {
        guard let challenger, let live = book.currentBucket(leadID: outcome.leadID),
              let other = challenger.currentBucket(leadID: outcome.leadID) else { return }
        outcomes.record(leadID: outcome.leadID, converted: outcome.outcome == .converted, live: live, challenger: other)
    }

    /// True when the state differs from the newest snapshot handed to the writer.
    var changedSinceSnapshot: Bool {
        guard let snapshotted else { return true }
        return snapshotted.offset != nextOffset || snapshotted.streamTime != book.streamTime
    }

    /// How much stream time the replay gets to meet every output the recovery scan found: longer
    /// than any SLA chain (first-touch SLA, breach, re-route, escalation) runs.
    static let recoveredOutputsHorizon: Int64 = 60 * 24 * 3_600_000

    /// True while outputs found by the recovery scan may still be made again by the replay: a
    /// snapshot must then keep the restored scan start, or a second crash would scan too little.
    var holdsRecoveredOutputs: Bool {
        guard !written.isEmpty else { return false }
        let start = restoredStreamTime.millisecondsSinceEpoch
        let now = book.streamTime.millisecondsSinceEpoch
        return start == Int64.min || now == Int64.min || now - start < Self.recoveredOutputsHorizon
    }

    /// What `takeWritten` found.
    enum Recovered {
        /// Not written before: publish it.
        case new
        /// Already in the output topics (with the rep a routing decision named): suppress it.
        case found(rep: String?)
    }

    /// Whether an output is already written; a found key leaves the set (it is made only once).
    mutating func takeWritten(_ key: OutputKey) -> Recovered {
        guard !written.isEmpty, written.remove(key) != nil else { return .new }
        let rep = writtenOwners.removeValue(forKey: key.dedupe) ?? nil
        if !holdsRecoveredOutputs {
            written = []
            writtenOwners = [:]
        }
        return .found(rep: rep)
    }

    /// True while the replay after a restore has not reached the input's end as it was at the
    /// assignment: the partition is restoring, not live.
    var isRestoring: Bool { nextOffset < restoreTarget }

    /// Counts a transition's bucket change.
    mutating func count(_ rescored: LeadRescored) {
        if let old = rescored.oldBucket { buckets[Int(old.rawValue)] -= 1 }
        buckets[Int(rescored.newBucket.rawValue)] += 1
    }

    /// An erased lead leaves the counts.
    mutating func uncount(_ erased: LeadErased) {
        if let bucket = erased.bucket { buckets[Int(bucket.rawValue)] -= 1 }
    }
}
