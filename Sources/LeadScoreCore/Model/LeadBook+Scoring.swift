extension LeadBook {
    /// Quality points, whether the lead is below the floor (SPEC section 2), and whether a hard
    /// disqualifier holds. A lead with no profile has quality 0 and is neither.
    @inline(__always)
    func quality(_ i: Int) -> (points: Double, selfServe: Bool, disqualified: Bool) {
        let lead = leads[i]
        return (Double(lead.quality), lead.flags & LeadRecord.belowFloor != 0, lead.isDisqualified)
    }

    /// Recomputes the cached quality of a lead from its profile fields.
    mutating func refreshQuality(_ i: Int) {
        refreshQuality(i, model.config.quality, industryPoints, model.technographicPoints)
    }

    /// `refreshQuality(_:)` with the configuration and tables passed in: a restore calls it
    /// for every lead, and reaching them through the book (an instance method) made the optimizer
    /// copy the whole book, every table of it retained and released, once per lead.
    mutating func refreshQuality(_ i: Int, _ q: QualityConfig, _ industryPoints: [Double], _ technographics: TechnographicPoints) {
        guard leads[i].hasProfile else {
            leads[i].quality = 0
            leads[i].flags &= ~LeadRecord.belowFloor
            return
        }
        let parts = Self.qualityParts(leads[i], q, industryPoints, technographics)
        leads[i].quality = Float(parts.total)
        if parts.selfServe {
            leads[i].flags |= LeadRecord.belowFloor
        } else {
            leads[i].flags &= ~LeadRecord.belowFloor
        }
    }

    struct QualityParts {
        var dealValue: Double?
        var tier: String?
        var tierPoints: Double = 0
        var industryPoints: Double = 0
        var technographicPoints: Double = 0
        var employeePoints: Double = 0
        var selfServe = false
        var total: Double = 0
    }

    func qualityParts(_ lead: LeadRecord) -> QualityParts {
        Self.qualityParts(lead, model.config.quality, industryPoints, model.technographicPoints)
    }

    /// The quality parts of a lead under quality configuration `q`, `industryPoints` by string index.
    static func qualityParts(_ lead: LeadRecord, _ q: QualityConfig, _ industryPoints: [Double],
                             _ technographics: TechnographicPoints) -> QualityParts {
        var parts = QualityParts()
        if let deal = lead.dealValue {
            parts.dealValue = deal
        } else if let seats = lead.seats {
            parts.dealValue = seats * q.pricePerSeatUSD
        }
        if let deal = parts.dealValue {
            if deal < q.floorUSD {
                parts.selfServe = true
            } else if deal >= q.goldMinUSD {
                parts.tier = "gold"; parts.tierPoints = q.goldPoints
            } else if deal >= q.premiumMinUSD {
                parts.tier = "premium"; parts.tierPoints = q.premiumPoints
            } else {
                parts.tier = "basic"; parts.tierPoints = q.basicPoints
            }
        }
        if lead.industry >= 0 { parts.industryPoints = industryPoints[Int(lead.industry)] }
        if lead.technographics != 0 { parts.technographicPoints = technographics.points(lead.technographics) }
        if lead.employees >= 0 {
            for band in q.employeeBands where Int(lead.employees) >= band.minEmployees {
                parts.employeePoints = band.points
            }
        }
        let sum = parts.tierPoints + parts.industryPoints + parts.technographicPoints + parts.employeePoints
        // Only negative points (per industry or technographic) can take the sum below 0.
        parts.total = Swift.min(q.maxPoints, Swift.max(0, sum))
        return parts
    }

    /// The bucket a lead is in at `t` with no new event.
    @inline(__always)
    func bucketAt(_ i: Int, _ t: Int64, quality: (points: Double, selfServe: Bool, disqualified: Bool)) -> Bucket {
        model.bucket(disqualified: quality.disqualified, selfServe: quality.selfServe, quality: quality.points,
                     intent: model.cappedIntent(rawIntent(i, at: t)))
    }

    /// After an event changed lead `i`: evaluate it at `t` (>= its clock), which becomes its
    /// clock; emit a transition if its bucket changed, and keep its decay bound valid.
    mutating func evaluate<Desk: RoutingDesk>(_ i: Int, at t: Int64, qualityChanged: Bool, reps: inout Desk, into out: inout [OutputEvent]) {
        leads[i].clock = t
        noteEvent(i, at: t)
        let q = quality(i)
        let bucket = bucketAt(i, t, quality: q)
        let old = leads[i].currentBucket
        if old != bucket {
            emitTransition(i, from: old, to: bucket, at: t, cause: .event, reps: &reps, into: &out)
            reschedule(i)
        } else if qualityChanged || leads[i].intentSlots & Signal.negativeSlots != 0 {
            reschedule(i)
        }
        // Otherwise only intent grew on a sum of positive terms: the drop can only come later, the
        // current bound stays valid. With negative terms the bucket can also rise by decay, and
        // new intent (the lead's or its account's) can bring a rise earlier: computed again.
    }

    /// Computes the exact next bucket change and makes it the lead's timer.
    mutating func reschedule(_ i: Int) {
        let due = nextChange(i)
        guard due != leads[i].timerDue else { return }
        leads[i].timerDue = due
        if due != Int64.max {
            timers.insert(TimerEntry(due: due, lead: Int32(i)))
            compactTimersIfNeeded()
        }
    }

    /// A due decay transition at `t` (the crossing second): the lead is evaluated there with no
    /// new intent (its accumulators stay as they are), and `t` becomes its clock.
    mutating func fireDecay<Desk: RoutingDesk>(_ i: Int, at t: Int64, reps: inout Desk, into out: inout [OutputEvent]) {
        let q = quality(i)
        let bucket = bucketAt(i, t, quality: q)
        let old = leads[i].currentBucket
        leads[i].clock = t
        if old != bucket {
            emitTransition(i, from: old, to: bucket, at: t, cause: .decay, reps: &reps, into: &out)
        }
        leads[i].timerDue = Int64.max
        reschedule(i)
    }

    func breakdown(_ i: Int, at t: Int64) -> ScoreBreakdown {
        let lead = leads[i]
        let parts = lead.hasProfile ? qualityParts(lead) : QualityParts()
        return ScoreBreakdown(
            tier: parts.tier, dealValueUSD: parts.dealValue, profileUnknown: !lead.hasProfile,
            tierPoints: parts.tierPoints, industryPoints: parts.industryPoints,
            technographicPoints: parts.technographicPoints, employeePoints: parts.employeePoints,
            intent: contributions(i, at: t), disqualifiedBy: lead.disqualifiedBy)
    }

    /// Records a bucket change (seq + 1) and emits `lead_rescored`, then `lead_routed` when the
    /// lead enters or changes a rep bucket or enters self_serve. Entering `nurture` or
    /// `disqualified` emits no `lead_routed` and keeps the owner on record.
    mutating func emitTransition<Desk: RoutingDesk>(_ i: Int, from old: Bucket?, to new: Bucket, at t: Int64, cause: LeadRescored.Cause,
                                 reps: inout Desk, into out: inout [OutputEvent]) {
        leads[i].seq &+= 1
        leads[i].bucket = new.rawValue
        // A new routing decision: the SLA of the previous one ends here (an owner's touch is
        // remembered while the owner stays).
        leads.mark(i)
        slaBreaches[Int32(i)] = nil
        if leads[i].hasPendingSLA { endSLA(i) }
        let seq = leads[i].seq
        let q = quality(i)
        let intentValue = model.cappedIntent(rawIntent(i, at: t))
        let score = model.qualityWeight * q.points + model.intentWeight * intentValue
        let leadID = leadIDs[i]
        let accountID = accountID(of: i)
        let time = Timestamp(millisecondsSinceEpoch: t)
        let version = model.version
        var rescored = LeadRescored(
            leadID: leadID, accountID: accountID, seq: seq, oldBucket: old, newBucket: new, occurredAt: time,
            cause: cause, score: score, quality: q.points, intent: intentValue, breakdown: breakdown(i, at: t),
            configVersion: version)
        rescored.probability = model.config.probability.probability(for: score)
        out.append(.leadRescored(rescored))
        if scoresOnly { return }
        if new == .selfServe {
            leads[i].owner = -1
            leads[i].slaDue = Int64.max
            endSLA(i)
            out.append(.leadRouted(LeadRouted(
                leadID: leadID, accountID: accountID, seq: seq, repID: "self_serve", bucket: new, cadence: nil,
                slaDueAt: nil, slaClock: nil, holdout: false, sticky: false, rule: .selfServe, accountOwner: nil,
                candidates: [], reason: nil, occurredAt: time, configVersion: version)))
            return
        }
        guard new.isRepBucket, let cadence = model.config.routing.cadence(for: new) else { return }
        let previousOwner = leads[i].owner
        var assignedNow = false
        if let assigned = reps.takeAssignment(leadID: leadID) {
            leads[i].owner = internOwner(assigned)
            assignedNow = true
        }
        let owner = leads[i].owner >= 0 ? owners[Int(leads[i].owner)] : nil
        let holdout = model.isHoldout(leadID)
        let lead = leads[i]
        let account = Int(lead.account)
        // Learned account owners are part of the model's policy: holdout leads neither follow
        // nor teach them, so the holdout stays a round-robin control (CRM owners bind both).
        let learned = !holdout && account >= 0 && accounts[account].owner >= 0 ? owners[Int(accounts[account].owner)] : nil
        var decision = reps.route(
            bucket: new, at: time,
            country: lead.country >= 0 ? strings[Int(lead.country)] : nil,
            region: lead.region >= 0 ? strings[Int(lead.region)] : nil,
            currentOwner: owner, accountID: accountID, accountOwner: learned, holdout: holdout)
        if decision.rule == .stickyOwner && assignedNow { decision.rule = .crmAssignment }
        if let rep = decision.repID {
            let o = internOwner(rep)
            leads[i].owner = o
            // The account's first routed (non-holdout) lead makes its rep the account's owner.
            // Per partition (an account's leads share one), so a replay of the partition learns
            // the same.
            if account >= 0, !holdout, decision.accountOwner == nil, model.config.routing.learnAccountOwner {
                accounts[account].owner = o
                accounts[account].ownerSetBy = Int32(i)
            }
        }
        if leads[i].owner != previousOwner {
            leads[i].slaDue = Int64.max
            endSLA(i)
        }
        let due = firstTouchDue(i, repID: decision.repID, from: time, cadence: cadence, reps: reps)
        out.append(.leadRouted(LeadRouted(
            leadID: leadID, accountID: accountID, seq: seq, repID: decision.repID, bucket: new, cadence: cadence,
            slaDueAt: due.at, slaClock: due.clock, holdout: holdout, sticky: decision.sticky, rule: decision.rule,
            accountOwner: decision.accountOwner, candidates: decision.candidates,
            candidateCounts: decision.candidateCounts, reason: decision.reason,
            occurredAt: time, configVersion: version)))
        armSLA(i, due: decision.repID == nil ? nil : due.at, from: t)
    }
}
