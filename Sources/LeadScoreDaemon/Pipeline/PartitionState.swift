import LeadScoreCore

/// Everything the daemon keeps for one assigned input partition.
struct PartitionState: Sendable {
    /// The partition's leads, accounts, decay timers and stream time.
    var book: LeadBook
    /// The next input offset to process; everything below is reflected in `book`.
    var nextOffset: Int64
    /// The output positions of the snapshot the state was restored from (empty when none).
    var restoredPositions: [Snapshot.OutputPosition]
    /// Outputs already present in the output topics past the restored snapshot, as
    /// `"<topic>|<dedupe key>"`: a replay must not write them again.
    var written: Set<String>
    /// For routing decisions among `written`: dedupe key -> the rep they named.
    var writtenOwners: [String: String?] = [:]
    /// The highest input offset that produced any of `written` (-1 when none): until the replay
    /// passes it, a new snapshot must keep the restored output positions, or a second crash would
    /// scan too little.
    var catchUpUntil: Int64
    /// When the last input message of this partition was processed (wall clock), for the idle clock.
    var lastInputAt: ContinuousClock.Instant
    /// Stream time when the partition went idle, the base of the idle clock.
    var streamTimeAtLastInput: Timestamp
    /// `nextOffset` and stream time of the newest snapshot on disk (nil: none yet), so an
    /// unchanged partition is not written again and the older snapshots kept stay distinct.
    var snapshotted: (offset: Int64, streamTime: Timestamp)?

    init(book: LeadBook, nextOffset: Int64, restoredPositions: [Snapshot.OutputPosition], written: Set<String>,
         catchUpUntil: Int64, now: ContinuousClock.Instant) {
        self.book = book
        self.nextOffset = nextOffset
        self.restoredPositions = restoredPositions
        self.written = written
        self.catchUpUntil = catchUpUntil
        self.lastInputAt = now
        self.streamTimeAtLastInput = book.streamTime
    }

    /// True when the state differs from the newest snapshot on disk.
    var changedSinceSnapshot: Bool {
        guard let snapshotted else { return true }
        return snapshotted.offset != nextOffset || snapshotted.streamTime != book.streamTime
    }

    /// True while the replay after a restore has not yet passed the last output written before it.
    var isCatchingUp: Bool { nextOffset <= catchUpUntil }
}
