#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LeadScoreCore

/// A synthetic B2B world with a known truth, for checking that the model works: `leadscore
/// generate --world`, the demo's live traffic, and the evaluation tests.
///
/// Every lead has a hidden **fit** (mostly what its firmographics say, plus a budget the model
/// cannot see) and a hidden **interest** that drives how often and how strongly it engages during
/// an active phase. Every rep has a hidden **skill**. When a lead is routed to a rep, the world
/// draws the lead's outcome some days later from `propensity x skill`, where the propensity rises
/// with fit and with interest while the lead is active. So a model that works puts converting
/// leads in the top buckets, and routing by rep score beats the round-robin holdout once the rep
/// scores have learned who converts.
///
/// To know where leads were routed, the world runs the scoring engine itself over every line it
/// writes (closed loop): a `leadscore replay` of the same lines with the same configuration makes
/// exactly the same routing decisions. Also on the stream: a warm-up of historical outcomes per
/// rep, roster churn (reps leaving, new reps joining), out-of-office spells, leads assigned in the
/// CRM (which convert or not like routed ones), profiles that arrive late (enrichment requests),
/// account-level third-party intent, and reps' first touches (`lead_touched`: most in time, some
/// late, some never, so first-touch SLAs breach and leads get re-routed now and then). Deterministic by seed; `occurred_at` never decreases.
public struct GroundTruthWorld: Sendable {
    /// What to generate.
    public struct Options: Sendable, Equatable {
        /// Distinct leads arriving over the period.
        public var leads: Int
        /// Reps on the roster at the start.
        public var reps: Int
        /// PRNG seed.
        public var seed: UInt64
        /// `occurred_at` of the first event.
        public var start: Timestamp
        /// Event time covered, in days.
        public var days: Int
        /// The configuration the closed-loop engine routes with (the one the daemon or replay
        /// will run, for the routing to agree).
        public var config: ScoringConfig
        /// Whether the world writes reps' first touches itself, to the reps its own engine chose
        /// (true), or leaves them to the caller (the demo touches for the reps the daemon chose).
        public var touches = true
        /// The hidden weights that make a lead a good fit. Default `.builtIn` (the world as it has
        /// always been); another truth changes fits and outcomes, never the leads themselves.
        public var truth: WorldTruth

        /// Defaults: 20 reps, seed 1, starting 2026-01-05T00:00:00Z, 60 days, the built-in model,
        /// the built-in truth.
        public init(leads: Int, reps: Int = 20, seed: UInt64 = 1,
                    start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_767_571_200_000),
                    days: Int = 60, config: ScoringConfig = ScoringConfig(), truth: WorldTruth = .builtIn) {
            self.leads = leads
            self.reps = reps
            self.seed = seed
            self.start = start
            self.days = days
            self.config = config
            self.truth = truth
        }
    }

    /// The hidden truth about one rep.
    public struct RepTruth: Sendable, Equatable {
        /// `R-<n>`.
        public var repID: String
        /// Multiplies every lead's propensity (0.25-1.75).
        public var skill: Double
    }

    /// Counts of what was written, for the generator's summary.
    public struct Tally: Sendable, Equatable {
        /// Lines by event type.
        public var byType: [String: Int] = [:]
        /// Leads routed to a rep by the closed-loop engine (their outcome drawn once).
        public var routedLeads = 0
        /// `converted` outcomes written.
        public var conversions = 0
    }

    /// The options in use.
    public let options: Options
    /// Counts so far.
    public private(set) var tally = Tally()
    /// The closed-loop engine (what a replay of the lines written so far would hold).
    public private(set) var engine: ScoringEngine

    private var rng: SplitMix64
    private var queue = WorldQueue()
    private var leads: [WorldLead] = []
    private var reps: [RepTruth] = []
    private var lineNumber = 0
    private let end: Int64
    private let decoder = EventDecoder()
    private var pending: [OutputEvent] = []
    private var scratch: [UInt8] = []

    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000

    /// A world at its first line.
    public init(_ options: Options) {
        var o = options
        o.leads = max(1, o.leads)
        o.reps = max(1, o.reps)
        o.days = max(1, o.days)
        self.options = o
        end = o.start.millisecondsSinceEpoch + Int64(o.days) * Self.day
        engine = ScoringEngine(config: o.config)
        rng = SplitMix64(seed: o.seed ^ 0x5752_4C44)
        let t0 = o.start.millisecondsSinceEpoch
        for r in 0..<o.reps {
            reps.append(RepTruth(repID: "R-\(r)", skill: 0.25 + 1.5 * rng.unit()))
            queue.push(t0, .roster(rep: Int32(r), active: true))
            // Historical outcomes, so rep scores start out informative rather than all equal.
            for k in 0..<Self.warmUpOutcomes { queue.push(t0 + Int64(k) * 60_000, .warmUp(rep: Int32(r))) }
            queue.push(t0 + Int64(rng.unit() * Double(20 * Self.day)), .awaySpell(rep: Int32(r)))
        }
        queue.push(t0 + Int64((0.5 + rng.unit()) * Double(10 * Self.day)), .churn)
        let arrivalSpan = Double(end - t0) * 0.85
        for i in 0..<o.leads {
            let lead = WorldLead(index: i, seed: o.seed, arrival: t0 + Self.hour + Int64(rng.unit() * arrivalSpan),
                                 truth: o.truth)
            leads.append(lead)
            queue.push(lead.arrival, .arrive(lead: Int32(i)))
        }
    }

    /// Historical outcomes per rep at the start.
    static let warmUpOutcomes = 60

    /// The hidden skill of every rep that has been on the roster.
    public var repTruths: [RepTruth] { reps }

    /// A lead's hidden propensity to convert (before rep skill) at a moment.
    public func propensity(leadID: String, at t: Timestamp) -> Double? {
        guard leadID.hasPrefix("L-"), let i = Int(leadID.dropFirst(2)), leads.indices.contains(i) else { return nil }
        return leads[i].propensity(at: t.millisecondsSinceEpoch)
    }

    /// Appends the next line (with its newline) to `out`; false when the period is over.
    public mutating func next(into out: inout [UInt8]) -> Bool {
        while let item = queue.peek, item.time < end {
            _ = queue.pop()
            var line = scratch
            scratch = []
            line.removeAll(keepingCapacity: true)
            write(item, into: &line)
            scratch = line
            guard !line.isEmpty else { continue }
            feedEngine()
            out.append(contentsOf: line)
            return true
        }
        return false
    }

    // MARK: Events

    private mutating func write(_ item: WorldQueue.Item, into out: inout [UInt8]) {
        let t = item.time
        now = t
        switch item.kind {
        case .arrive(let l):
            let i = Int(l)
            if leads[i].profileDelayed {
                queue.push(t + Int64((0.5 + 2.5 * rng.unit()) * Double(Self.day)), .profile(lead: l))
                engagement(i, at: t, into: &out)
            } else {
                profile(i, at: t, into: &out)
            }
            scheduleNextEngagement(i, after: t)
            if leads[i].account != nil && leads[i].interest > 0.4 {
                queue.push(t + Int64(rng.unit() * Double(3 * Self.day)), .accountIntent(lead: l))
            }
            if rng.unit() < 0.03 {
                queue.push(t + Int64((1 + 4 * rng.unit()) * Double(Self.day)), .crmAssign(lead: l))
            }
        case .profile(let l):
            profile(Int(l), at: t, into: &out)
        case .engage(let l):
            engagement(Int(l), at: t, into: &out)
            scheduleNextEngagement(Int(l), after: t)
        case .accountIntent(let l):
            let lead = leads[Int(l)]
            guard let account = lead.account else { return }
            begin("intent", t, &out)
            field("account_id", "A-\(account)", &out)
            field("topic", rng.unit() < 0.5 ? "crm software" : "sales engagement", &out)
            raw("surge", String(Int(30 + 70 * lead.interest * rng.unit())), &out)
            field("source", "bombora", &out)
            end(&out)
            if lead.isActive(at: t) { queue.push(t + Int64((1 + 4 * rng.unit()) * Double(Self.day)), .accountIntent(lead: l)) }
        case .crmAssign(let l):
            let i = Int(l)
            guard leads[i].outcomeRep == nil, let rep = activeRep() else { return }
            leads[i].outcomeRep = Int32(rep)
            begin("lead_assigned", t, &out)
            field("lead_id", "L-\(i)", &out)
            field("rep_id", reps[rep].repID, &out)
            end(&out)
            scheduleOutcome(lead: i, rep: rep, routedAt: t)
        case .outcome(let l, let r, let converted):
            let outcome = converted ? "converted" : (rng.unit() < 0.4 ? "disqualified" : "no_response")
            if converted { tally.conversions += 1 }
            begin("lead_outcome", t, &out)
            field("lead_id", "L-\(l)", &out)
            field("rep_id", reps[Int(r)].repID, &out)
            field("outcome", outcome, &out)
            end(&out)
        case .warmUp(let r):
            let converted = rng.unit() < 0.22 * reps[Int(r)].skill
            begin("lead_outcome", t, &out)
            field("lead_id", "H-\(r)-\(lineNumber)", &out)
            field("rep_id", reps[Int(r)].repID, &out)
            field("outcome", converted ? "converted" : "no_response", &out)
            end(&out)
        case .roster(let r, let active):
            begin("rep_roster", t, &out)
            field("rep_id", reps[Int(r)].repID, &out)
            field("name", "Rep \(r)", &out)
            raw("active", active ? "true" : "false", &out)
            raw("capacity_per_day", String(capacityPerDay), &out)
            end(&out)
        case .awaySpell(let r):
            let until = t + Int64((1 + 3 * rng.unit()) * Double(Self.day))
            begin("rep_availability", t, &out)
            field("rep_id", reps[Int(r)].repID, &out)
            raw("available", "false", &out)
            out.append(contentsOf: Array(",\"until\":\"".utf8))
            Timestamp(millisecondsSinceEpoch: until).appendRFC3339(to: &out)
            out.append(UInt8(ascii: "\""))
            end(&out)
            queue.push(until + Int64((10 + 20 * rng.unit()) * Double(Self.day)), .awaySpell(rep: r))
        case .touch(let l, let r):
            begin("lead_touched", t, &out)
            leadFields(Int(l), &out)
            field("rep_id", reps[Int(r)].repID, &out)
            field("channel", rng.unit() < 0.6 ? "call" : "email", &out)
            end(&out)
        case .churn:
            // One rep leaves; a new one (with a fresh hidden skill) joins a day later.
            if let leaving = activeRep() {
                queue.push(t, .roster(rep: Int32(leaving), active: false))
                leavers.insert(leaving)
            }
            let newcomer = reps.count
            reps.append(RepTruth(repID: "R-\(newcomer)", skill: 0.25 + 1.5 * rng.unit()))
            queue.push(t + Self.day, .roster(rep: Int32(newcomer), active: true))
            queue.push(t + Int64((0.5 + rng.unit()) * Double(10 * Self.day)), .churn)
        }
    }

    private var leavers: Set<Int> = []
    /// Time of the item being written (what the world schedules is never earlier).
    private var now: Int64 = Int64.min

    /// Room for everything the world routes on a busy day, so capacity rarely decides.
    private var capacityPerDay: Int {
        max(20, 4 * options.leads / max(1, options.days * options.reps))
    }

    private mutating func activeRep() -> Int? {
        let candidates = reps.indices.filter { !leavers.contains($0) }
        guard !candidates.isEmpty else { return nil }
        return candidates[rng.below(candidates.count)]
    }

    private mutating func profile(_ i: Int, at t: Int64, into out: inout [UInt8]) {
        let lead = leads[i]
        begin("profile", t, &out)
        leadFields(i, &out)
        out.append(contentsOf: Array(",\"company\":{\"industry\":\"\(lead.industry)\",\"employees\":\(lead.employees),\"country\":\"\(lead.country)\",\"region\":\"\(lead.region)\"}".utf8))
        raw("seats", String(lead.seats), &out)
        out.append(contentsOf: Array(",\"technographics\":[".utf8))
        for (k, tool) in lead.technographics.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array("\"\(tool)\"".utf8))
        }
        out.append(UInt8(ascii: "]"))
        end(&out)
    }

    private mutating func engagement(_ i: Int, at t: Int64, into out: inout [UInt8]) {
        // Interested leads reach for the strong signals (pricing, demos, RFPs) more often.
        let interest = leads[i].isActive(at: t) ? leads[i].interest : 0.1 * leads[i].interest
        let u = rng.unit() * (0.55 + 0.45 * interest)
        let signal: Signal = switch u {
        case ..<0.18: .emailOpen
        case ..<0.32: .webVisit
        case ..<0.40: .blogVisit
        case ..<0.50: .emailClick
        case ..<0.58: .contentDownload
        case ..<0.70: .pricingPageVisit
        case ..<0.78: .webinarAttended
        case ..<0.88: .formFill
        case ..<0.96: .demoRequest
        default: .rfpSubmitted
        }
        begin("engagement", t, &out)
        leadFields(i, &out)
        field("signal", signal.rawValue, &out)
        end(&out)
    }

    private mutating func scheduleNextEngagement(_ i: Int, after t: Int64) {
        let lead = leads[i]
        // Poisson arrivals: many a day while active and interested, rare once dormant.
        let perDay = lead.isActive(at: t) ? 0.3 + 4 * lead.interest : 0.05
        let gap = -log(max(1e-12, 1 - rng.unit())) / perDay
        queue.push(t + max(60_000, Int64(gap * Double(Self.day))), .engage(lead: Int32(i)))
    }

    private mutating func scheduleOutcome(lead i: Int, rep: Int, routedAt t: Int64) {
        let p = min(0.95, leads[i].propensity(at: t) * reps[rep].skill)
        let converted = rng.unit() < p
        let delay = Int64((1 + 9 * rng.unit()) * Double(Self.day))
        queue.push(t + delay, .outcome(lead: Int32(i), rep: Int32(rep), converted: converted))
    }

    /// Runs the line just written through the closed-loop engine and draws the outcome of every
    /// lead it routes to a rep for the first time.
    private mutating func feedEngine() {
        lineNumber += 1
        let line = scratch.dropLast()
        tally.byType[typeName(of: line), default: 0] += 1
        guard let event = try? decoder.decode(Array(line)) else { return }
        engine.apply(event, into: &pending)
        for output in pending {
            if options.touches, case .leadRouted(let routed) = output { scheduleTouch(routed) }
            guard case .leadRouted(let routed) = output, routed.bucket != .selfServe, let repID = routed.repID,
                  routed.leadID.hasPrefix("L-"), let i = Int(routed.leadID.dropFirst(2)), leads.indices.contains(i),
                  leads[i].outcomeRep == nil, let rep = reps.firstIndex(where: { $0.repID == repID })
            else { continue }
            leads[i].outcomeRep = Int32(rep)
            tally.routedLeads += 1
            scheduleOutcome(lead: i, rep: rep, routedAt: routed.occurredAt.millisecondsSinceEpoch)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// The rep a lead was routed to reaches out: mostly well before the first-touch deadline,
    /// sometimes late (the deadline passes: a breach and a re-route), sometimes never.
    private mutating func scheduleTouch(_ routed: LeadRouted) {
        guard routed.bucket != .selfServe, let repID = routed.repID, let due = routed.slaDueAt,
              routed.leadID.hasPrefix("L-"), let i = Int(routed.leadID.dropFirst(2)), leads.indices.contains(i),
              let rep = reps.firstIndex(where: { $0.repID == repID }) else { return }
        guard let delay = Self.firstTouchDelay(routedAt: routed.occurredAt, due: due, using: &rng) else { return }
        // A decay transition is stamped with its crossing moment, which stream time may already
        // have passed: the touch is never scheduled before the line being written.
        queue.push(max(now, routed.occurredAt.millisecondsSinceEpoch + delay), .touch(lead: Int32(i), rep: Int32(rep)))
    }

    /// How long after routing the rep first touches a lead due at `due` (ms): within 90% of the
    /// first-touch SLA 80% of the time, 1.1-3.1 times the SLA 15% of the time (a breach), never
    /// (nil) 5% of the time. The world's reps and the demo's answer this way.
    public static func firstTouchDelay(routedAt: Timestamp, due: Timestamp, using rng: inout SplitMix64) -> Int64? {
        let sla = Double(max(60_000, due.millisecondsSinceEpoch - routedAt.millisecondsSinceEpoch))
        let u = rng.unit()
        if u < 0.8 { return Int64(rng.unit() * 0.9 * sla) }
        if u < 0.95 { return Int64((1.1 + 2 * rng.unit()) * sla) }
        return nil
    }

    private func typeName(of line: ArraySlice<UInt8>) -> String {
        // Lines are written by `begin`, so the type is the second field.
        let text = String(decoding: line.prefix(80), as: UTF8.self)
        guard let r = text.range(of: "\"type\":\"") else { return "?" }
        return String(text[r.upperBound...].prefix { $0 != "\"" })
    }

    // MARK: Writing

    private func leadFields(_ i: Int, _ out: inout [UInt8]) {
        field("lead_id", "L-\(i)", &out)
        if let account = leads[i].account { field("account_id", "A-\(account)", &out) }
    }

    private func begin(_ type: String, _ t: Int64, _ out: inout [UInt8]) {
        out.append(contentsOf: Array("{\"event_id\":\"w\(options.seed)-\(lineNumber)\",\"type\":\"\(type)\",\"occurred_at\":\"".utf8))
        Timestamp(millisecondsSinceEpoch: t).appendRFC3339(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    private func field(_ key: String, _ value: String, _ out: inout [UInt8]) {
        out.append(contentsOf: Array(",\"\(key)\":\"\(value)\"".utf8))
    }

    private func raw(_ key: String, _ value: String, _ out: inout [UInt8]) {
        out.append(contentsOf: Array(",\"\(key)\":\(value)".utf8))
    }

    private func end(_ out: inout [UInt8]) {
        out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }
}
