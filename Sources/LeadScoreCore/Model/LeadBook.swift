import Collections

/// All lead and account state of one Kafka partition: quality inputs, intent accumulators, buckets,
/// owners, decay timers and the partition's stream time.
///
/// Intent is exact and incremental: each lead keeps one double-precision accumulator per signal
/// class it has received (sparse, in `intentPool`), never the event history. The accumulators are
/// rebased (`value x 2^(-(dt / h))`) only when intent is added, so between additions each term is
/// decayed in one step from its reference time, as the closed form of SPEC section 2 does. An
/// account keeps the accumulator of its account-level third-party intent; a lead's intent is its
/// own plus its account's, capped.
///
/// Decay transitions: for each lead in a rep bucket the book keeps a lower bound of the next
/// moment its bucket drops (exact when computed after a bucket or quality change; new intent only
/// moves the true moment later, so the old bound stays valid). Bounds sit in a heap; when stream
/// time passes one, the exact moment is computed again and either the transition is emitted,
/// stamped with that moment, or the bound is moved. The moment is defined as the first whole
/// second (epoch milliseconds divisible by 1000) at or after the lead's clock at which the lead,
/// evaluated with no new event, is in a lower bucket.
public struct LeadBook: Sendable {
    let model: ScoringModel
    var leads = LeadTable()
    /// The leads' intent accumulators (see `LeadRecord.intentBlock`).
    var intentPool = IntentPool(maxSize: Signal.slotCount)
    /// The leads' daily cap counters (see `LeadRecord.capBlock`).
    var capPool = IntentPool(maxSize: 2 * Signal.slotCount)
    /// Engagement events whose points a daily cap cut, in part or whole, since the book was
    /// created or restored (not in snapshots; a reload restarts it). They count as applied; per
    /// event, `apply` returns `.appliedCapped` for them, which is what a metric should count.
    public internal(set) var cappedEvents = 0
    var leadIDs: [String] = []
    var leadIndex = LeadIDTable()
    var accounts = AccountTable()
    var accountIDs: [String] = []
    var accountIndex: [String: Int32] = [:]
    /// Industries, countries and regions, interned.
    var strings: [String] = []
    /// Per interned string: its points as an industry (spares a string hash per evaluation).
    var industryPoints: [Double] = []
    var stringIndex: [String: Int32] = [:]
    /// Rep ids that own leads, interned.
    var owners: [String] = []
    var ownerIndex: [String: Int32] = [:]
    var timers = Heap<TimerEntry>()
    /// First-touch deadlines (see `LeadBook+SLA`); an entry is live while it equals the lead's
    /// `slaDue`.
    var slaTimers = Heap<TimerEntry>()
    /// The moment (ms) of the routing that set a lead's pending first-touch deadline, for the
    /// leads that have one: a touch stamped before it answers nothing (`applyTouch`).
    var slaStarts: [Int32: Int64] = [:]
    /// For the leads whose latest event was evaluated behind stream time: the stream time then,
    /// before which none of their first-touch deadlines falls (`firstTouchDue`).
    var lateFloors: [Int32: Int64] = [:]
    /// Reps (owner indexes) who breached the current routing of a lead, for the few leads that
    /// have breached: a re-route never goes back to them.
    var slaBreaches: [Int32: [Int32]] = [:]
    /// Forgotten leads: hash of the id -> last `seq` (see `LeadBook+Forget`).
    var forgottenSeq: [UInt64: UInt32] = [:]
    /// What the last checkpoint covered, for the next delta (see `LeadBook+Delta`).
    var checkpointed = CheckpointMarks()
    /// Latest `occurred_at` seen on the partition (or passed to `advance(to:)`).
    public internal(set) var streamTime = Timestamp(millisecondsSinceEpoch: Int64.min)
    /// A book that only scores (a challenger beside the live model): it emits `lead_rescored` and
    /// `lead_erased` and nothing else. It never routes, requests enrichment or fires a first-touch
    /// breach, so it never calls its `RoutingDesk` and never counts on a rep. Its bucket changes are
    /// exactly those of a full book under the same configuration and input: routing feeds nothing
    /// back into scores. Not part of the snapshot; the owner sets it after a restore.
    public var scoresOnly = false

    /// An empty book scoring with `config`.
    public init(config: ScoringConfig) {
        model = ScoringModel(config: config)
    }

    /// The configuration the book scores with.
    public var config: ScoringConfig { model.config }

    /// Number of leads known.
    public var leadCount: Int { leads.count }

    /// Number of accounts known.
    public var accountCount: Int { accounts.count }

    /// Applies one lead event (`engagement`, `intent`, `profile`), first firing every decay
    /// transition due by its time, and appends the outputs it causes.
    ///
    /// - Parameter notAfter: the future-timestamp policy hook. An event later than this is
    ///   refused (`.rejectedFuture`) before it can move stream time; the daemon passes
    ///   `now + 1h`, replay passes nil (event time is all there is).
    @discardableResult
    public mutating func apply<Desk: RoutingDesk>(_ event: InputEvent, reps: inout Desk, into out: inout [OutputEvent],
                               notAfter: Timestamp? = nil) -> ApplyOutcome {
        let time = event.occurredAt
        if let notAfter, time > notAfter { return .rejectedFuture }
        var outcome = ApplyOutcome.applied
        switch event {
        case .engagement(let e):
            advance(to: time, reps: &reps, into: &out)
            let i = lead(e.leadID, account: e.accountID, at: time.millisecondsSinceEpoch)
            let t = evaluationTime(i, event: time.millisecondsSinceEpoch)
            // A late event counts decayed from its own time to the evaluation time (SPEC 2).
            let slot = e.signal.slot
            var points = model.weights[slot] * e.weightMultiplier
            let cap = model.dailyCap[slot]
            if cap < .infinity {
                let cappedBefore = cappedEvents
                points = chargeDailyCap(i, slot: slot, points: points, cap: cap, at: time.millisecondsSinceEpoch)
                if cappedEvents != cappedBefore { outcome = .appliedCapped }
            }
            let late = decayFactor(t - time.millisecondsSinceEpoch, halfLife: model.halfLife[slot])
            addIntent(i, slot: slot, weight: points * late, at: t)
            if !scoresOnly && leads[i].flags & (LeadRecord.profileKnown | LeadRecord.enrichmentRequested) == 0 {
                leads[i].flags |= LeadRecord.enrichmentRequested
                var request = EnrichmentRequested(leadID: e.leadID, accountID: accountID(of: i), missing: LeadBook.profileFields,
                                                  occurredAt: time)
                request.after = seqBase(e.leadID)
                out.append(.enrichmentRequested(request))
            }
            evaluate(i, at: t, qualityChanged: false, reps: &reps, into: &out)
        case .intent(let e):
            let weight = model.thirdPartyMaxWeight * min(100, max(0, e.surge)) / 100
            if let leadID = e.leadID {
                advance(to: time, reps: &reps, into: &out)
                let i = lead(leadID, account: e.accountID, at: time.millisecondsSinceEpoch)
                let t = evaluationTime(i, event: time.millisecondsSinceEpoch)
                let late = decayFactor(t - time.millisecondsSinceEpoch, halfLife: model.halfLife[Signal.thirdPartySlot])
                addIntent(i, slot: Signal.thirdPartySlot, weight: weight * late, at: t)
                evaluate(i, at: t, qualityChanged: false, reps: &reps, into: &out)
            } else if let accountID = e.accountID {
                advance(to: time, reps: &reps, into: &out)
                applyAccountIntent(accountID, weight: weight, at: time.millisecondsSinceEpoch, reps: &reps, into: &out)
            } else {
                return .rejectedMissingKey
            }
        case .profile(let e):
            advance(to: time, reps: &reps, into: &out)
            let i = lead(e.leadID, account: e.accountID, at: time.millisecondsSinceEpoch)
            let t = evaluationTime(i, event: time.millisecondsSinceEpoch)
            applyProfile(e, to: i)
            refreshQuality(i)
            evaluate(i, at: t, qualityChanged: true, reps: &reps, into: &out)
        case .leadTouched(let e):
            advance(to: time, reps: &reps, into: &out)
            applyTouch(e)
        case .leadForgotten(let e):
            advance(to: time, reps: &reps, into: &out)
            if let known = leadIndex.find(e.leadID, in: leadIDs) { forget(Int(known), at: time, into: &out) }
        case .repRoster, .repAvailability, .leadAssigned, .leadOutcome, .accountAssigned:
            return .ignored
        }
        return outcome
    }

    /// Moves stream time forward to `streamTime` (never back) and emits every decay transition due
    /// by then and every first-touch breach whose deadline it has passed, in order of their
    /// moments (a decay before a breach at the same moment; ties by lead index).
    public mutating func advance<Desk: RoutingDesk>(to streamTime: Timestamp, reps: inout Desk, into out: inout [OutputEvent]) {
        if streamTime > self.streamTime { self.streamTime = streamTime }
        let now = self.streamTime.millisecondsSinceEpoch
        while true {
            let decay = timers.min.flatMap { $0.due <= now ? $0 : nil }
            // A touch at the deadline is in time: a breach needs stream time past it.
            let breach = scoresOnly ? nil : slaTimers.min.flatMap { $0.due < now ? $0 : nil }
            if let b = breach, decay.map({ b.due < $0.due }) ?? true {
                slaTimers.removeMin()
                let i = Int(b.lead)
                guard i < leads.count, leads[i].slaDue == b.due else { continue }
                fireBreach(i, due: b.due, reps: &reps, into: &out)
                continue
            }
            guard let top = decay else { break }
            timers.removeMin()
            let i = Int(top.lead)
            guard i < leads.count, leads[i].timerDue == top.due else { continue }
            let due = nextChange(i)
            if due <= top.due {
                fireDecay(i, at: Swift.max(due, leads[i].clock), reps: &reps, into: &out)
            } else {
                leads[i].timerDue = due
                if due != Int64.max { timers.insert(TimerEntry(due: due, lead: top.lead)) }
            }
        }
    }

    /// Drops stale heap entries once they outnumber the live ones, so the heap stays within
    /// about two entries per lead however often bounds move.
    mutating func compactTimersIfNeeded() {
        guard timers.count > 2 * leads.count + 1024 else { return }
        var live: [TimerEntry] = []
        for (i, lead) in leads.enumerated() where lead.timerDue != Int64.max {
            live.append(TimerEntry(due: lead.timerDue, lead: Int32(i)))
        }
        timers = Heap(live)
    }

    /// The profile fields an enrichment request asks for.
    static let profileFields = ["industry", "employees", "country", "region", "seats", "deal_value_usd", "technographics"]

    func accountID(of i: Int) -> String? {
        let a = leads[i].account
        return a >= 0 ? accountIDs[Int(a)] : nil
    }

    /// SPEC: a lead is evaluated at the latest of the event's time, its own clock and its
    /// account's last intent update.
    @inline(__always)
    func evaluationTime(_ i: Int, event: Int64) -> Int64 {
        var t = Swift.max(event, leads[i].clock)
        let a = leads[i].account
        if a >= 0 { t = Swift.max(t, accounts[Int(a)].clock) }
        return t
    }

    /// The index of a lead, adding it (and linking it into its account in lead id order) when new.
    /// An account given for a lead that has none is attached; a lead never changes account.
    mutating func lead(_ id: String, account accountID: String?, at time: Int64) -> Int {
        let i: Int
        if let known = leadIndex.find(id, in: leadIDs) {
            i = Int(known)
            if leads[i].account >= 0 || accountID == nil { return i }
        } else {
            i = leads.count
            var record = LeadRecord(clock: time)
            record.seq = seqBase(id)
            leads.append(record)
            leadIDs.append(id)
            leadIndex.insert(Int32(i), in: leadIDs)
        }
        if let accountID {
            let a = account(accountID)
            leads[i].account = Int32(a)
            // Sorted insertion: account events re-evaluate leads in lead id order.
            var previous: Int32 = -1
            var next = accounts[a].firstLead
            while next >= 0 && leadIDs[Int(next)] < id {
                previous = next
                next = leads[Int(next)].nextInAccount
            }
            leads[i].nextInAccount = next
            if previous >= 0 {
                leads[Int(previous)].nextInAccount = Int32(i)
            } else {
                accounts[a].firstLead = Int32(i)
            }
        }
        return i
    }

    mutating func account(_ id: String) -> Int {
        if let known = accountIndex[id] { return Int(known) }
        let a = accounts.count
        accounts.append(AccountRecord())
        accountIDs.append(id)
        accountIndex[id] = Int32(a)
        return a
    }

    mutating func intern(_ text: String) -> Int32 {
        if let known = stringIndex[text] { return known }
        let s = Int32(strings.count)
        strings.append(text)
        industryPoints.append(model.industryPoints[text] ?? 0)
        stringIndex[text] = s
        return s
    }

    mutating func internOwner(_ repID: String) -> Int32 {
        if let known = ownerIndex[repID] { return known }
        let o = Int32(owners.count)
        owners.append(repID)
        ownerIndex[repID] = o
        return o
    }

    mutating func applyProfile(_ e: ProfileEvent, to i: Int) {
        leads[i].flags |= LeadRecord.profileKnown
        if let industry = e.industry { leads[i].industry = intern(industry) }
        if let employees = e.employees { leads[i].employees = Int32(clamping: Swift.max(0, employees)) }
        if let country = e.country { leads[i].country = intern(country) }
        if let region = e.region { leads[i].region = intern(region) }
        if let deal = e.dealValueUSD, deal.isFinite, deal >= 0 {
            leads[i].dealOrSeats = deal
            leads[i].flags |= LeadRecord.dealKnown
        }
        if let seats = e.seats, leads[i].flags & LeadRecord.dealKnown == 0 {
            // Seats only count while no deal value was given; the deal value wins for good.
            leads[i].dealOrSeats = Double(Swift.max(0, seats))
            leads[i].flags |= LeadRecord.seatsKnown
        }
        if let technographics = e.technographics {
            var mask: UInt32 = 0
            for name in technographics { mask |= model.technographicBits[name] ?? 0 }
            leads[i].technographics = mask
        }
        if let domain = e.emailDomain {
            // Classified now, against the lists in force: a reload that changes them applies to
            // domains given after it (the domain itself is not kept).
            let reason = model.domainReason(domain)?.rawValue ?? 0
            leads[i].flags = (leads[i].flags & ~LeadRecord.domainReasonMask) | (reason << LeadRecord.domainReasonShift)
        }
        if let disqualified = e.disqualified {
            if disqualified {
                leads[i].flags |= LeadRecord.crmDisqualified
            } else {
                leads[i].flags &= ~LeadRecord.crmDisqualified
            }
        }
    }

    /// Account-level third-party intent: rebase the account to its new update time, add the
    /// weight there, then re-evaluate every known lead of the account in lead id order.
    mutating func applyAccountIntent<Desk: RoutingDesk>(_ accountID: String, weight: Double, at time: Int64,
                                     reps: inout Desk, into out: inout [OutputEvent]) {
        let a = account(accountID)
        let t = Swift.max(time, accounts[a].clock)
        if accounts[a].clock != Int64.min && t > accounts[a].clock && accounts[a].intent != 0 {
            accounts[a].intent *= decayFactor(t - accounts[a].clock, halfLife: model.thirdPartyHalfLife)
        }
        accounts[a].clock = t
        if weight.isFinite && weight > 0 { accounts[a].intent += weight * decayFactor(t - time, halfLife: model.thirdPartyHalfLife) }
        var next = accounts[a].firstLead
        while next >= 0 {
            let i = Int(next)
            evaluate(i, at: Swift.max(t, leads[i].clock), qualityChanged: false, reps: &reps, into: &out)
            next = leads[i].nextInAccount
        }
    }
}
