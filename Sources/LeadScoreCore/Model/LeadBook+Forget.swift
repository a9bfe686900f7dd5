/// Erasure (`lead_forgotten`): the lead leaves the book at once, so the next snapshot no longer
/// holds it and `/leads/{id}` no longer finds it.
///
/// The last lead of the arrays moves into the freed slot (accounts' lead lists, the id table and
/// its timers follow it), so the book stays dense. What stays behind is a 64-bit hash of the id
/// with the lead's last `seq`: a lead that comes back starts fresh but continues its sequence, so
/// its idempotency keys never repeat those of its earlier life (downstream deduplication would
/// drop them). Account-level intent is the account's and stays; rep windows keep their counts.
extension LeadBook {
    /// Forgets lead `i` and emits `lead_forgotten` naming the output topics that may hold its
    /// records (scores and routing once it had a bucket, enrichment once it was requested).
    mutating func forget(_ i: Int, at time: Timestamp, into out: inout [OutputEvent]) {
        let lead = leads[i]
        let id = leadIDs[i]
        var topics: [LeadErased.Topic] = []
        if lead.bucket != LeadRecord.noBucket { topics += [.scores, .routing] }
        if lead.flags & LeadRecord.enrichmentRequested != 0 { topics.append(.enrichment) }
        var forgotten = LeadErased(leadID: id, accountID: accountID(of: i), seq: lead.seq, topics: topics, occurredAt: time)
        forgotten.bucket = lead.currentBucket
        out.append(.leadErased(forgotten))
        if lead.seq > 0 || lead.flags & LeadRecord.enrichmentRequested != 0 {
            forgottenSeq[LeadIDTable.hash(id)] = lead.seq
            checkpointed.forgottenChanged = true
        }
        remove(i)
    }

    /// The `seq` a lead with this id starts from (the last of an earlier life, 0 for a new id).
    func seqBase(_ id: String) -> UInt32 {
        forgottenSeq.isEmpty ? 0 : forgottenSeq[LeadIDTable.hash(id)] ?? 0
    }

    /// Removes lead `i`, moving the last lead into its slot.
    private mutating func remove(_ i: Int) {
        unlinkFromAccount(i)
        if leads[i].intentCount > 0 { intentPool.release(leads[i].intentBlock, size: leads[i].intentCount) }
        leadIndex.remove(leadIDs[i], in: leadIDs)
        slaBreaches[Int32(i)] = nil
        slaStarts[Int32(i)] = nil
        lateFloors[Int32(i)] = nil
        let last = leads.count - 1
        if i != last {
            let moved = leads[last]
            leadIndex.move(leadIDs[last], from: Int32(last), to: Int32(i))
            if moved.account >= 0 {
                let a = Int(moved.account)
                if accounts[a].firstLead == Int32(last) {
                    accounts[a].firstLead = Int32(i)
                } else {
                    var j = accounts[a].firstLead
                    while j >= 0 {
                        if leads[Int(j)].nextInAccount == Int32(last) {
                            leads[Int(j)].nextInAccount = Int32(i)
                            break
                        }
                        j = leads[Int(j)].nextInAccount
                    }
                }
            }
            leads[i] = moved
            leadIDs[i] = leadIDs[last]
            if let chain = slaBreaches.removeValue(forKey: Int32(last)) { slaBreaches[Int32(i)] = chain }
            if let start = slaStarts.removeValue(forKey: Int32(last)) { slaStarts[Int32(i)] = start }
            if let floor = lateFloors.removeValue(forKey: Int32(last)) { lateFloors[Int32(i)] = floor }
            // Its heap entries name the old slot (skipped from now on): enter it again.
            if moved.timerDue != Int64.max { timers.insert(TimerEntry(due: moved.timerDue, lead: Int32(i))) }
            if moved.hasPendingSLA { slaTimers.insert(TimerEntry(due: moved.slaDue, lead: Int32(i))) }
        }
        leads.removeLast()
        leadIDs.removeLast()
    }

    private mutating func unlinkFromAccount(_ i: Int) {
        let a = leads[i].account
        guard a >= 0 else { return }
        let next = leads[i].nextInAccount
        if accounts[Int(a)].firstLead == Int32(i) {
            accounts[Int(a)].firstLead = next
            return
        }
        var j = accounts[Int(a)].firstLead
        while j >= 0 {
            if leads[Int(j)].nextInAccount == Int32(i) {
                leads[Int(j)].nextInAccount = next
                return
            }
            j = leads[Int(j)].nextInAccount
        }
    }
}
