import Collections

/// First-touch SLAs: a lead routed to a rep must be touched by that rep (`lead_touched`) by its
/// `sla_due_at`. When stream time passes the deadline first, the book emits `lead_sla_breached`,
/// counts the breach on the rep, and routes the lead again to another eligible rep (never one who
/// breached this routing) with a new deadline, up to `routing.sla.max_reroutes` times; then, or
/// when no rep is eligible, it emits `lead_escalated` and the SLA ends.
///
/// Deadlines live beside the decay timers (a heap of `TimerEntry`, stale entries skipped), so they
/// run on stream time exactly as decay does and a replay gives the same breaches at the same
/// moments. A touch at the deadline itself is in time: a breach fires only once stream time is
/// past the deadline. Everything of an SLA belongs to one routing: a bucket change (a new
/// routing decision) starts over.
extension LeadBook {
    /// Starts the first-touch clock of lead `i` for its current owner, or stops it when the lead
    /// has no rep, no deadline, or its owner already touched it.
    mutating func armSLA(_ i: Int, due: Timestamp?) {
        guard leads[i].slaDue != LeadRecord.touchedMarker else { return }
        guard let due, leads[i].owner >= 0 else {
            leads[i].slaDue = Int64.max
            return
        }
        let ms = due.millisecondsSinceEpoch
        leads[i].slaDue = ms
        slaTimers.insert(TimerEntry(due: ms, lead: Int32(i)))
        if slaTimers.count > 2 * leads.count + 1024 {
            slaTimers = Heap(leads.indices.compactMap { j in
                leads[j].hasPendingSLA ? TimerEntry(due: leads[j].slaDue, lead: Int32(j)) : nil
            })
        }
    }

    /// `lead_touched`: the owner's touch stops the clock for good (until the owner changes); a
    /// touch by anyone else, or of a lead this book does not know, changes nothing.
    mutating func applyTouch(_ e: LeadTouchedEvent) {
        guard let known = leadIndex.find(e.leadID, in: leadIDs) else { return }
        let i = Int(known)
        guard leads[i].owner >= 0, owners[Int(leads[i].owner)] == e.repID else { return }
        leads[i].slaDue = LeadRecord.touchedMarker
    }

    /// A deadline passed untouched: breach, then re-route or escalate.
    mutating func fireBreach<Desk: RoutingDesk>(_ i: Int, due: Int64, reps: inout Desk, into out: inout [OutputEvent]) {
        leads[i].slaDue = Int64.max
        guard leads[i].owner >= 0, let bucket = leads[i].currentBucket, bucket.isRepBucket,
              let cadence = model.config.routing.cadence(for: bucket) else { return }
        let policy = model.config.routing.sla
        let owner = owners[Int(leads[i].owner)]
        var chain = slaBreaches[Int32(i)] ?? []
        let reroutes = chain.count
        chain.append(leads[i].owner)
        let leadID = leadIDs[i]
        let accountID = accountID(of: i)
        let seq = leads[i].seq
        let at = Timestamp(millisecondsSinceEpoch: due)
        let version = model.version
        out.append(.leadSLABreached(LeadSLABreached(
            leadID: leadID, accountID: accountID, seq: seq, repID: owner, bucket: bucket, slaDueAt: at,
            reroutes: reroutes, configVersion: version)))
        reps.recordBreach(repID: owner, at: at)
        var reason = "max_reroutes (\(policy.maxReroutes)) reached"
        if reroutes < policy.maxReroutes {
            let lead = leads[i]
            let holdout = model.isHoldout(leadID)
            let decision = reps.reroute(
                bucket: bucket, at: at,
                country: lead.country >= 0 ? strings[Int(lead.country)] : nil,
                region: lead.region >= 0 ? strings[Int(lead.region)] : nil,
                holdout: holdout, excluding: chain.map { owners[Int($0)] })
            if let rep = decision.repID {
                leads[i].owner = internOwner(rep)
                slaBreaches[Int32(i)] = chain
                // The new deadline counts from the breach, on the bucket's clock for the new rep.
                let slaDue = reps.firstTouchDue(repID: rep, from: at, sla: cadence.firstTouchSLA, clock: cadence.slaClock)
                var routed = LeadRouted(
                    leadID: leadID, accountID: accountID, seq: seq, repID: rep, bucket: bucket, cadence: cadence,
                    slaDueAt: slaDue.at, slaClock: slaDue.clock, holdout: holdout, sticky: false, rule: decision.rule,
                    accountOwner: decision.accountOwner, candidates: decision.candidates, reason: nil,
                    occurredAt: at, configVersion: version)
                routed.reroute = reroutes + 1
                out.append(.leadRouted(routed))
                armSLA(i, due: slaDue.at)
                return
            }
            reason = "no eligible rep to re-route to"
        }
        slaBreaches[Int32(i)] = nil
        out.append(.leadEscalated(LeadEscalated(
            leadID: leadID, accountID: accountID, seq: seq, repID: owner, bucket: bucket, escalateTo: policy.escalateTo,
            breaches: reroutes + 1, reason: reason, slaDueAt: at, configVersion: version)))
    }
}
