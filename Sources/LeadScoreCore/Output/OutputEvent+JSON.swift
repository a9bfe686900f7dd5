extension OutputEvent {
    /// Appends the event as one JSON object with SPEC section 3's field names. Scores, quality and
    /// intent are rounded to 2 decimals, rep scores to 4; nothing else is lost.
    public func appendJSON(to out: inout [UInt8]) {
        var w = JSONWriter()
        write(to: &w)
        w.append(to: &out)
    }

    /// Writes the event as one JSON object (the bytes of `appendJSON`) to `w`: the daemon and
    /// replay render into a writer they keep, and read the bytes where they lie.
    public func write(to w: inout JSONWriter) {
        switch self {
        case .leadRescored(let e): e.write(to: &w)
        case .leadRouted(let e): e.write(to: &w)
        case .enrichmentRequested(let e): e.write(to: &w)
        case .leadSLABreached(let e): e.write(to: &w)
        case .leadEscalated(let e): e.write(to: &w)
        case .leadErased(let e): e.write(to: &w)
        }
    }

    /// The JSON of `appendJSON` as a string.
    public var jsonString: String {
        var bytes: [UInt8] = []
        appendJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension LeadRescored {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("type"); w.string("lead_rescored")
        w.key("lead_id"); w.string(leadID)
        w.key("account_id"); w.string(accountID)
        w.key("seq"); w.integer(seq)
        w.key("old_bucket"); w.string(oldBucket?.name)
        w.key("new_bucket"); w.string(newBucket.name)
        w.key("occurred_at"); w.timestamp(occurredAt)
        w.key("cause"); w.string(cause.rawValue)
        w.key("score"); w.number(score)
        w.key("quality"); w.number(quality)
        w.key("intent"); w.number(intent)
        if let probability { w.key("probability"); w.number(probability, decimals: 4) }
        w.key("breakdown"); breakdown.write(to: &w)
        w.key("config_version"); w.string(configVersion)
        w.key("idempotency_key"); w.idempotencyKey(leadID: leadID, seq: seq)
        if let model { w.key("model"); w.string(model) }
        w.endObject()
    }
}

extension ScoreBreakdown {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("quality")
        w.beginObject()
        w.key("profile_known"); w.bool(!profileUnknown)
        w.key("deal_value_usd")
        if let dealValueUSD { w.number(dealValueUSD) } else { w.null() }
        w.key("tier"); w.string(tier)
        w.key("tier_points"); w.number(tierPoints)
        w.key("industry_points"); w.number(industryPoints)
        w.key("technographic_points"); w.number(technographicPoints)
        w.key("employee_points"); w.number(employeePoints)
        w.key("disqualified_by"); w.string(disqualifiedBy)
        w.endObject()
        w.key("intent")
        w.beginObject()
        for contribution in intent {
            w.key(string: contribution.signal); w.number(contribution.points)
        }
        w.endObject()
        w.endObject()
    }
}

extension LeadRouted {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("type"); w.string("lead_routed")
        w.key("lead_id"); w.string(leadID)
        w.key("account_id"); w.string(accountID)
        w.key("seq"); w.integer(seq)
        w.key("rep_id"); w.string(repID)
        w.key("bucket"); w.string(bucket.name)
        w.key("cadence")
        if let cadence {
            w.beginObject()
            w.key("calls"); w.integer(cadence.calls)
            w.key("emails"); w.integer(cadence.emails)
            w.key("days"); w.integer(cadence.days)
            w.endObject()
        } else {
            w.null()
        }
        w.key("priority")
        if let cadence { w.integer(cadence.priority) } else { w.null() }
        w.key("sla_due_at"); w.timestamp(slaDueAt)
        w.key("sla_clock"); w.string(slaClock?.rawValue)
        w.key("holdout"); w.bool(holdout)
        w.key("sticky"); w.bool(sticky)
        w.key("rule"); w.string(rule.rawValue)
        w.key("account_owner"); w.string(accountOwner)
        w.key("candidates")
        w.beginArray()
        for candidate in candidates { w.routingCandidate(candidate) }
        w.endArray()
        w.key("candidate_counts")
        w.beginObject()
        candidateCounts.forEachNonZero { status, count in
            w.key(string: status.rawValue); w.integer(count)
        }
        w.endObject()
        w.key("reason"); w.string(reason)
        if reroute > 0 {
            w.key("reroute"); w.integer(reroute)
        }
        w.key("occurred_at"); w.timestamp(occurredAt)
        w.key("config_version"); w.string(configVersion)
        w.key("idempotency_key")
        w.idempotencyKey(leadID: leadID, seq: seq, tag: reroute == 0 ? "" : ":r", number: reroute == 0 ? nil : reroute)
        w.endObject()
    }
}

extension EnrichmentRequested {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("type"); w.string("enrichment_requested")
        w.key("lead_id"); w.string(leadID)
        w.key("account_id"); w.string(accountID)
        w.key("missing")
        w.beginArray()
        for field in missing { w.string(field) }
        w.endArray()
        w.key("occurred_at"); w.timestamp(occurredAt)
        w.key("idempotency_key"); w.string(idempotencyKey)
        w.endObject()
    }
}

extension LeadSLABreached {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("type"); w.string("lead_sla_breached")
        w.key("lead_id"); w.string(leadID)
        w.key("account_id"); w.string(accountID)
        w.key("seq"); w.integer(seq)
        w.key("rep_id"); w.string(repID)
        w.key("bucket"); w.string(bucket.name)
        w.key("sla_due_at"); w.timestamp(slaDueAt)
        w.key("reroutes"); w.integer(reroutes)
        w.key("occurred_at"); w.timestamp(slaDueAt)
        w.key("config_version"); w.string(configVersion)
        w.key("idempotency_key"); w.idempotencyKey(leadID: leadID, seq: seq, tag: ":b", number: reroutes + 1)
        w.endObject()
    }
}

extension LeadEscalated {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("type"); w.string("lead_escalated")
        w.key("lead_id"); w.string(leadID)
        w.key("account_id"); w.string(accountID)
        w.key("seq"); w.integer(seq)
        w.key("rep_id"); w.string(repID)
        w.key("bucket"); w.string(bucket.name)
        w.key("escalate_to"); w.string(escalateTo)
        w.key("breaches"); w.integer(breaches)
        w.key("reason"); w.string(reason)
        w.key("sla_due_at"); w.timestamp(slaDueAt)
        w.key("occurred_at"); w.timestamp(slaDueAt)
        w.key("config_version"); w.string(configVersion)
        w.key("idempotency_key"); w.idempotencyKey(leadID: leadID, seq: seq, tag: ":escalated")
        w.endObject()
    }
}

extension LeadErased {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("type"); w.string("lead_erased")
        w.key("lead_id"); w.string(leadID)
        w.key("account_id"); w.string(accountID)
        w.key("seq"); w.integer(seq)
        w.key("tombstones")
        w.beginArray()
        for topic in topics { w.string(topic.rawValue) }
        w.endArray()
        w.key("occurred_at"); w.timestamp(occurredAt)
        w.key("idempotency_key"); w.idempotencyKey(leadID: leadID, seq: seq, tag: ":erased")
        w.endObject()
    }
}

extension JSONWriter {
    /// The longest rep id laid out in one piece; a longer one (or one to escape) is written
    /// field by field, to the same bytes.
    static let inlineRepIDBytes = 96

    /// `{"rep_id":"R-1","status":"chosen","rep_score":0.4,"tier":0,"load_today":3}`. A decision
    /// lists up to `routing.candidates_in_event` of them (every rep with `all`), so this is the
    /// output path's busiest object: it is laid out in one piece at the buffer's end.
    mutating func routingCandidate(_ candidate: RoutingCandidate) {
        // The id and the status read in place, as `string(_:)` reads its value (no String copy).
        let laidOut = candidate.repID.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard utf8.count <= JSONWriter.inlineRepIDBytes, JSONWriter.needsNoEscaping(utf8) else { return false }
            let statusRead = candidate.status.rawValue.utf8.withContiguousStorageIfAvailable { statusText in
                // 60 bytes of names and punctuation, the id, the status (13 at most), a number
                // and two integers.
                value(capacity: 64 + JSONWriter.inlineRepIDBytes + 32 + JSONWriter.maxNumberBytes + 40) { b in
                    var n = JSONWriter.layOutLiteral(#"{"rep_id":""#, at: 0, in: b)
                    n = JSONWriter.layOutBytes(utf8, at: n, in: b)
                    n = JSONWriter.layOutLiteral(#"","status":""#, at: n, in: b)
                    n = JSONWriter.layOutBytes(statusText, at: n, in: b)
                    n = JSONWriter.layOutLiteral(#"","rep_score":"#, at: n, in: b)
                    n = JSONWriter.layOutNumber(candidate.repScore, decimals: 4, at: n, in: b)
                    n = JSONWriter.layOutLiteral(#","tier":"#, at: n, in: b)
                    n = JSONWriter.layOutDecimal(Int64(candidate.tier), at: n, in: b)
                    n = JSONWriter.layOutLiteral(#","load_today":"#, at: n, in: b)
                    n = JSONWriter.layOutDecimal(Int64(candidate.loadToday), at: n, in: b)
                    return JSONWriter.layOutLiteral("}", at: n, in: b)
                }
            }
            return statusRead != nil
        }
        guard laidOut != true else { return }
        beginObject()
        key("rep_id"); string(candidate.repID)
        key("status"); string(candidate.status.rawValue)
        key("rep_score"); number(candidate.repScore, decimals: 4)
        key("tier"); integer(candidate.tier)
        key("load_today"); integer(candidate.loadToday)
        endObject()
    }
}
