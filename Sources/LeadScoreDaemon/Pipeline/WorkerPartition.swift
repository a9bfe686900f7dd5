import LeadScoreCore

/// Everything a partition worker keeps for one of its input partitions. Only that worker's
/// thread touches it.
struct WorkerPartition {
    /// The partition's leads, accounts, decay timers and stream time.
    var book: LeadBook
    /// The next input offset to process; everything below is reflected in `book`.
    var nextOffset: Int64
    /// The source header of this partition's outputs.
    var source: OutputPublisher.Source
    /// The output positions of the snapshot the state was restored from (empty when none).
    var restoredPositions: [Snapshot.OutputPosition]
    /// Outputs already present in the output topics past the restored snapshot: a replay must not
    /// write them again.
    var written: Set<OutputKey>
    /// For routing decisions among `written`: dedupe key -> the rep they named.
    var writtenOwners: [String: String?] = [:]
    /// The highest input offset that produced any of `written` (-1 when none): until the replay
    /// passes it, a new snapshot must keep the restored output positions, or a second crash would
    /// scan too little.
    var catchUpUntil: Int64
    /// Leads by bucket (`Bucket.rawValue` index), kept from transitions.
    var buckets: [Int]
    /// When the last input record was processed (monotonic), for the idle clock.
    var lastInputAt: ContinuousClock.Instant
    /// Stream time when the partition went idle, the base of the idle clock.
    var streamTimeAtLastInput: Timestamp
    /// `nextOffset` and stream time of the newest snapshot handed to the writer (nil: none yet),
    /// so an unchanged partition is not written again.
    var snapshotted: (offset: Int64, streamTime: Timestamp)?
    /// Records processed since the worker took the partition.
    var eventsIn = 0

    init(restored: RestoredPartition, topic: String, now: ContinuousClock.Instant) {
        book = restored.book
        nextOffset = restored.snapshot?.nextOffset ?? 0
        source = OutputPublisher.Source(topic: topic, partition: restored.partition)
        restoredPositions = restored.snapshot?.outputPositions ?? []
        written = restored.found.written
        writtenOwners = restored.found.writtenOwners
        catchUpUntil = restored.found.lastSourceOffset
        var counts = [Int](repeating: 0, count: Bucket.allCases.count)
        for (bucket, n) in restored.book.bucketCounts { counts[Int(bucket.rawValue)] = n }
        buckets = counts
        lastInputAt = now
        streamTimeAtLastInput = restored.book.streamTime
        snapshotted = restored.snapshot.map { ($0.nextOffset, restored.book.streamTime) }
    }

    /// True when the state differs from the newest snapshot handed to the writer.
    var changedSinceSnapshot: Bool {
        guard let snapshotted else { return true }
        return snapshotted.offset != nextOffset || snapshotted.streamTime != book.streamTime
    }

    /// True while the replay after a restore has not yet passed the last output written before it.
    var isCatchingUp: Bool { nextOffset <= catchUpUntil }

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
