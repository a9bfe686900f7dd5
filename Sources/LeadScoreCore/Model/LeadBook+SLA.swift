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
    /// Starts the first-touch clock of lead `i` for its current owner, owed by the routing made
    /// at `from`, or stops it when the lead has no rep, no deadline, or its owner already touched it.
    mutating func armSLA(_ i: Int, due: Timestamp?, from: Int64) {
        guard leads[i].slaDue != LeadRecord.touchedMarker else { return }
        guard let due, leads[i].owner >= 0 else {
            endSLA(i)
            return
        }
        let ms = due.millisecondsSinceEpoch
        leads[i].slaDue = ms
        leads.mark(i)
        slaStarts[Int32(i)] = from
        slaTimers.insert(TimerEntry(due: ms, lead: Int32(i)))
        if slaTimers.count > 2 * leads.count + 1024 {
            slaTimers = Heap(leads.indices.compactMap { j in
                leads[j].hasPendingSLA ? TimerEntry(due: leads[j].slaDue, lead: Int32(j)) : nil
            })
        }
    }

    /// The first-touch due moment of a routing of lead `i` made at `from`. It never falls at or
    /// before the stream time at which the lead's latest event was applied (`lateFloors`): a lead
    /// whose events are stamped far behind stream time (a backfill, a clock stuck in year 0001)
    /// is routed now, and a touch counts only after its routing, so no touch could meet a
    /// deadline already behind stream time. Such a deadline counts from that stream time
    /// instead, and the owner gets the whole SLA rather than a breach chain at once. Leads whose
    /// events arrive in time have no floor: their deadlines are the model's, in event time.
    func firstTouchDue<Desk: RoutingDesk>(_ i: Int, repID: String?, from: Timestamp, cadence: RoutingConfig.Cadence,
                                          reps: Desk) -> FirstTouchDue {
        let due = reps.firstTouchDue(repID: repID, from: from, sla: cadence.firstTouchSLA, clock: cadence.slaClock)
        guard !lateFloors.isEmpty, let floor = lateFloors[Int32(i)], due.at.millisecondsSinceEpoch <= floor else { return due }
        return reps.firstTouchDue(repID: repID, from: Timestamp(millisecondsSinceEpoch: floor), sla: cadence.firstTouchSLA,
                                  clock: cadence.slaClock)
    }

    /// An event of lead `i` evaluated at `t`: behind stream time by at least the shortest
    /// first-touch SLA, stream time becomes the lead's floor for first-touch deadlines; otherwise
    /// the lead has none. Less late than that, no deadline of the lead can fall at or before
    /// stream time (each counts from `t` or later), so the common slightly late event (the idle
    /// clock ran ahead by seconds) keeps nothing.
    mutating func noteEvent(_ i: Int, at t: Int64) {
        let now = streamTime.millisecondsSinceEpoch
        let routing = model.config.routing
        let shortest = Swift.min(routing.cadenceA.firstTouchSLA, routing.cadenceB.firstTouchSLA, routing.cadenceC.firstTouchSLA)
        if t < now && now &- t >= shortest.milliseconds {
            leads.mark(i)
            lateFloors[Int32(i)] = now
        } else if !lateFloors.isEmpty {
            leads.mark(i)
            lateFloors[Int32(i)] = nil
        }
    }

    /// Ends the pending first-touch deadline of lead `i`, if any (no breach will follow).
    mutating func endSLA(_ i: Int) {
        if leads[i].slaDue != LeadRecord.touchedMarker { leads[i].slaDue = Int64.max }
        if !slaStarts.isEmpty, slaStarts.removeValue(forKey: Int32(i)) != nil { leads.mark(i) }
    }

    /// `lead_touched`: the owner's touch stops the clock for good (until the owner changes); a
    /// touch by anyone else, or of a lead this book does not know, changes nothing. Nor does a
    /// touch stamped before the routing whose deadline is pending: it cannot answer a routing
    /// not yet made (a touch stamped 1999 does not meet the SLA of a lead routed in 2026).
    mutating func applyTouch(_ e: LeadTouchedEvent) {
        guard let known = leadIndex.find(e.leadID, in: leadIDs) else { return }
        let i = Int(known)
        guard leads[i].owner >= 0, owners[Int(leads[i].owner)] == e.repID else { return }
        if leads[i].hasPendingSLA, let from = slaStarts[Int32(i)], e.occurredAt.millisecondsSinceEpoch < from { return }
        if !slaStarts.isEmpty, slaStarts.removeValue(forKey: Int32(i)) != nil { leads.mark(i) }
        leads[i].slaDue = LeadRecord.touchedMarker
    }

    /// A deadline passed untouched: breach, then re-route or escalate.
    mutating func fireBreach<Desk: RoutingDesk>(_ i: Int, due: Int64, reps: inout Desk, into out: inout [OutputEvent]) {
        endSLA(i)
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
                leads.mark(i)
                slaBreaches[Int32(i)] = chain
                // The new deadline counts from the breach, on the bucket's clock for the new rep.
                let slaDue = firstTouchDue(i, repID: rep, from: at, cadence: cadence, reps: reps)
                var routed = LeadRouted(
                    leadID: leadID, accountID: accountID, seq: seq, repID: rep, bucket: bucket, cadence: cadence,
                    slaDueAt: slaDue.at, slaClock: slaDue.clock, holdout: holdout, sticky: false, rule: decision.rule,
                    accountOwner: decision.accountOwner, candidates: decision.candidates,
                    candidateCounts: decision.candidateCounts, reason: nil,
                    occurredAt: at, configVersion: version)
                routed.reroute = reroutes + 1
                out.append(.leadRouted(routed))
                armSLA(i, due: slaDue.at, from: due)
                return
            }
        }
        // Built only when the chain escalates (it was a String per breach).
        let reason = reroutes < policy.maxReroutes ? "no eligible rep to re-route to" : "max_reroutes (\(policy.maxReroutes)) reached"
        leads.mark(i)
        slaBreaches[Int32(i)] = nil
        out.append(.leadEscalated(LeadEscalated(
            leadID: leadID, accountID: accountID, seq: seq, repID: owner, bucket: bucket, escalateTo: policy.escalateTo,
            breaches: reroutes + 1, reason: reason, slaDueAt: at, configVersion: version)))
    }
}
