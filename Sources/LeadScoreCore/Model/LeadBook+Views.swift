extension LeadBook {
    /// The lead's state at its own clock, or nil for an unknown lead.
    public func view(leadID: String) -> LeadView? {
        guard let index = leadIndex.find(leadID, in: leadIDs) else { return nil }
        let i = Int(index)
        let lead = leads[i]
        let t = lead.clock
        let q = quality(i)
        let intentValue = model.cappedIntent(rawIntent(i, at: t))
        return LeadView(
            leadID: leadID, accountID: accountID(of: i), evaluatedAt: Timestamp(millisecondsSinceEpoch: t),
            bucket: lead.currentBucket, score: model.qualityWeight * q.points + model.intentWeight * intentValue,
            quality: q.points, intent: intentValue, breakdown: breakdown(i, at: t),
            owner: lead.owner >= 0 ? owners[Int(lead.owner)] : nil, seq: lead.seq, holdout: model.isHoldout(leadID),
            nextDecayCheck: lead.timerDue == Int64.max ? nil : Timestamp(millisecondsSinceEpoch: lead.timerDue))
    }

    /// Bucket of every lead, for replay reports (counts per bucket).
    public var bucketCounts: [Bucket: Int] {
        var counts: [Bucket: Int] = [:]
        for lead in leads {
            if let bucket = lead.currentBucket { counts[bucket, default: 0] += 1 }
        }
        return counts
    }

    /// The exact second of the lead's next decay transition with no new event, nil when none
    /// (always computed afresh; for tests and diagnostics).
    public func nextDecayTransition(leadID: String) -> Timestamp? {
        guard let index = leadIndex.find(leadID, in: leadIDs) else { return nil }
        let due = nextChange(Int(index))
        return due == Int64.max ? nil : Timestamp(millisecondsSinceEpoch: due)
    }

    /// The bucket the lead would be in at `time` (>= its clock) with no new event; nil for an
    /// unknown lead (for tests and diagnostics).
    public func bucket(leadID: String, at time: Timestamp) -> Bucket? {
        guard let index = leadIndex.find(leadID, in: leadIDs) else { return nil }
        let i = Int(index)
        return bucketAt(i, Swift.max(time.millisecondsSinceEpoch, leads[i].clock), quality: quality(i))
    }

    /// The lead's uncapped intent at `time` (>= its clock) with no new event.
    public func intent(leadID: String, at time: Timestamp) -> Double? {
        guard let index = leadIndex.find(leadID, in: leadIDs) else { return nil }
        let i = Int(index)
        return rawIntent(i, at: Swift.max(time.millisecondsSinceEpoch, leads[i].clock))
    }
}

extension LeadBook {
    /// Every lead's breakdown at `time` (each lead at the later of `time` and its own clock, with
    /// no new event), in the book's order: for offline analysis (`leadscore fit` reads each
    /// signal's decayed value from it, so a fitted weight means what the engine computes).
    public func forEachBreakdown(at time: Timestamp, _ body: (_ leadID: String, _ breakdown: ScoreBreakdown) -> Void) {
        for i in 0..<leads.count {
            body(leadIDs[i], breakdown(i, at: Swift.max(time.millisecondsSinceEpoch, leads[i].clock)))
        }
    }
}

extension LeadBook {
    /// Every lead's bucket in force here and in `other` (a challenger scoring the same events),
    /// for the agreement of two models; a lead `other` does not know pairs with nil. Leads sit at
    /// the same index in both books when both saw the same events, so the id lookup is the
    /// exception.
    public func forEachBucketPair(with other: LeadBook, _ body: (_ here: Bucket?, _ there: Bucket?) -> Void) {
        for i in 0..<leads.count {
            let j: Int? = if i < other.leads.count && other.leadIDs[i] == leadIDs[i] {
                i
            } else {
                other.leadIndex.find(leadIDs[i], in: other.leadIDs).map { Int($0) }
            }
            body(leads[i].currentBucket, j.flatMap { other.leads[$0].currentBucket })
        }
    }
}

extension LeadBook {
    /// The bucket in force for a lead (its last transition's), nil for an unknown lead or one
    /// with no bucket yet. No evaluation: O(1) after the id lookup.
    public func currentBucket(leadID: String) -> Bucket? {
        guard let index = leadIndex.find(leadID, in: leadIDs) else { return nil }
        return leads[Int(index)].currentBucket
    }
}
