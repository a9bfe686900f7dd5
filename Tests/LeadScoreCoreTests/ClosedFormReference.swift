#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LeadScoreCore

/// A deliberately naive model of SPEC section 2 for the exactness property test: it keeps every
/// lead's and account's full event history and evaluates the closed form
/// `intent(t) = min(100, sum_i w_i x 2^(-(t - t_i) / h_i))` in double precision at every moment it
/// needs, with no accumulator, no rebasing and no timer heap. With negative signals the closed form
/// is `intent(t) = min(100, max(0, sum ...))`; daily caps and hard disqualifiers are applied as
/// docs/model.md words them.
///
/// It shares nothing with `LeadBook` but the configuration's numbers and the public event and
/// bucket types: quality, the bucket rule, the evaluation-time rule and the decay moments are
/// written again here from the SPEC's words. `t_i` is the moment contribution `i` was added, its
/// event's evaluation time (docs/model.md, "Evaluation time and late events").
struct ClosedFormReference {
    /// One bucket change as the SPEC defines it.
    struct Step: Equatable, CustomStringConvertible {
        var from: Bucket?
        var to: Bucket
        /// The evaluation moment (ms): the event's, or for decay the first whole second in the
        /// lower bucket.
        var at: Int64
        var decay: Bool

        var description: String {
            "\(from?.name ?? "null")->\(to.name)@\(at)\(decay ? " decay" : "")"
        }
    }

    struct Contribution {
        /// When it was added (ms): its event's evaluation time, which for a late event is later
        /// than its `occurred_at` (docs/model.md: a late event counts in full at the lead's
        /// evaluation time).
        var time: Int64
        var weight: Double
        /// Half-life in ms.
        var halfLife: Double
    }

    struct Lead {
        var id: String
        var account: String?
        /// Last evaluation moment (ms).
        var clock: Int64
        var bucket: Bucket?
        var history: [Contribution] = []
        var hasProfile = false
        var industry: String?
        var employees: Int?
        var seats: Int?
        var deal: Double?
        var technographics: [String] = []
        var crmDisqualified = false
        var domainDisqualified = false
        /// Per capped signal: the latest UTC day seen and the points counted on it.
        var capDays: [Signal: (day: Int64, points: Double)] = [:]
        var steps: [Step] = []
    }

    struct Account {
        /// Latest `occurred_at` of the account's intent events (ms), nil before the first.
        var lastUpdate: Int64?
        var history: [Contribution] = []
        /// Known leads, kept in lead id order.
        var leads: [String] = []
    }

    let config: ScoringConfig
    var leads: [Lead] = []
    var index: [String: Int] = [:]
    /// Per lead: its next decay moment (ms), `Int64.max` for none; recomputed whenever the lead
    /// changes.
    var drops: [Int64] = []
    var accounts: [String: Account] = [:]
    /// Latest `occurred_at` seen.
    var streamTime = Int64.min

    /// Decay moments further ahead than this are not looked for (the engine's horizon, 100 years).
    static let horizonSeconds: Int64 = 3_155_760_000

    init(config: ScoringConfig) {
        self.config = config
    }

    // MARK: The SPEC's functions

    /// Every contribution toward the lead: its own, then its account's.
    func contributions(_ lead: Lead) -> [Contribution] {
        var all = lead.history
        if let a = lead.account, let account = accounts[a] { all += account.history }
        return all
    }

    /// The uncapped sum at `t` (ms).
    func rawSum(_ lead: Lead, at t: Int64) -> Double {
        var sum = 0.0
        for c in contributions(lead) { sum += c.weight * exp2(-(Double(t - c.time) / c.halfLife)) }
        return sum
    }

    /// Closed form at `t`, capped to 0...max, from the full history of the lead and its account.
    func intent(_ lead: Lead, at t: Int64) -> Double {
        min(config.intent.maxIntent, max(0, rawSum(lead, at: t)))
    }

    /// Quality points and the floor rule.
    func quality(_ lead: Lead) -> (points: Double, selfServe: Bool) {
        guard lead.hasProfile else { return (0, false) }
        let q = config.quality
        var points = 0.0
        var selfServe = false
        let deal = lead.deal ?? lead.seats.map { Double($0) * q.pricePerSeatUSD }
        if let deal {
            if deal < q.floorUSD {
                selfServe = true
            } else if deal >= q.goldMinUSD {
                points += q.goldPoints
            } else if deal >= q.premiumMinUSD {
                points += q.premiumPoints
            } else {
                points += q.basicPoints
            }
        }
        if let industry = lead.industry {
            if let own = q.industryPointsByName[industry] {
                points += own
            } else if q.targetIndustries.contains(industry) {
                points += q.industryPoints
            }
        }
        var technographic = lead.technographics.contains(where: { q.technographics.contains($0) }) ? q.technographicPoints : 0
        for name in q.technographicNamesInRules where lead.technographics.contains(name) {
            technographic += q.technologyPointsByName[name] ?? 0
        }
        points += technographic
        if let employees = lead.employees {
            var band = 0.0
            for b in q.employeeBands where employees >= b.minEmployees { band = b.points }
            points += band
        }
        return (min(q.maxPoints, max(0, points)), selfServe)
    }

    func bucket(_ lead: Lead, at t: Int64) -> Bucket {
        bucket(lead, raw: rawSum(lead, at: t))
    }

    /// The bucket of the lead if its uncapped sum were `raw`.
    func bucket(_ lead: Lead, raw: Double) -> Bucket {
        if lead.crmDisqualified || lead.domainDisqualified { return .disqualified }
        let (points, selfServe) = quality(lead)
        if selfServe { return .selfServe }
        let b = config.buckets
        let i = min(config.intent.maxIntent, max(0, raw))
        let score = b.qualityWeight * points + b.intentWeight * i
        var bucket: Bucket = score >= b.thresholdA ? .a : score >= b.thresholdB ? .b : score >= b.thresholdC ? .c : .nurture
        if i >= b.liftIntent && bucket < .b { bucket = .b }
        return bucket
    }

    /// First whole second at or after the lead's clock at which its bucket differs, `Int64.max`
    /// for none within the horizon.
    func nextChange(_ lead: Lead) -> Int64 {
        if contributions(lead).allSatisfy({ $0.weight > 0 }) { return nextDrop(lead) }
        guard let current = lead.bucket, current <= .a else { return Int64.max }
        return nextChangeByBounds(lead, current: current)
    }

    /// With negative terms: branch and bound over whole seconds. On `[a, b]` each term
    /// `w 2^(-(t - t_i) / h)` moves monotonically, by `|w| x (its value factor at a - at b)`, so
    /// the sum stays within `S(a) +- V` with V the sum of those moves; when the buckets of both
    /// ends of that band are the current one, no second of `[a, b]` changes bucket. Otherwise
    /// the interval is halved, left half first, down to single seconds evaluated directly.
    func nextChangeByBounds(_ lead: Lead, current: Bucket) -> Int64 {
        let first = lead.clock >= 0 ? (lead.clock + 999) / 1000 : -((-lead.clock) / 1000)
        if bucket(lead, at: first * 1000) != current { return first * 1000 }
        let terms = contributions(lead)
        let margin = 1e-9 * (1 + terms.reduce(0) { $0 + abs($1.weight) })
        func factor(_ c: Contribution, _ second: Int64) -> Double { exp2(-(Double(second * 1000 - c.time) / c.halfLife)) }
        /// First second in (a, b] in another bucket; `a` is known to be in `current`.
        func search(_ a: Int64, _ b: Int64) -> Int64? {
            guard b > a else { return nil }
            if b - a == 1 { return bucket(lead, at: b * 1000) != current ? b : nil }
            var s = 0.0
            var v = margin
            for c in terms {
                let fa = factor(c, a)
                s += c.weight * fa
                v += abs(c.weight) * abs(fa - factor(c, b))
            }
            if bucket(lead, raw: s - v) == current && bucket(lead, raw: s + v) == current { return nil }
            let mid = a + (b - a) / 2
            if let found = search(a, mid) { return found }
            return search(mid, b)
        }
        return search(first, first + ClosedFormReference.horizonSeconds).map { $0 * 1000 } ?? Int64.max
    }

    /// First whole second at or after the lead's clock at which it is in a lower bucket, by
    /// bisection over whole seconds (the bucket only falls as intent decays); `Int64.max` for none.
    func nextDrop(_ lead: Lead) -> Int64 {
        guard let current = lead.bucket, current == .a || current == .b || current == .c else { return Int64.max }
        let first = lead.clock >= 0 ? (lead.clock + 999) / 1000 : -((-lead.clock) / 1000)
        func lower(_ second: Int64) -> Bool { bucket(lead, at: second * 1000) < current }
        var hi = first + ClosedFormReference.horizonSeconds
        guard lower(hi) else { return Int64.max }
        if lower(first) { return first * 1000 }
        var lo = first
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if lower(mid) { hi = mid } else { lo = mid }
        }
        return hi * 1000
    }

    // MARK: Driving it

    /// Applies one lead event: first every decay moment up to the new stream time, then the event
    /// at the lead's evaluation time.
    mutating func apply(_ event: InputEvent) {
        let time = event.occurredAt.millisecondsSinceEpoch
        streamTime = max(streamTime, time)
        fireDecay(upTo: streamTime)
        switch event {
        case .engagement(let e):
            let rule = config.intent.rule(for: e.signal)
            var weight = rule.weight * e.weightMultiplier
            let i = touch(e.leadID, account: e.accountID, at: time)
            let t = evaluationTime(i, event: time)
            if let cap = rule.maxPointsPerDay, weight != 0 {
                // Caps count per UTC day of occurred_at; a late event of an earlier day draws on
                // the latest day's allowance.
                let day = Int64((Double(time) / 86_400_000).rounded(.down))
                var state = leads[i].capDays[e.signal] ?? (day: Int64.min, points: 0)
                if day > state.day { state = (day, 0) }
                let allowed = max(0, min(abs(weight), cap - state.points))
                state.points += allowed
                leads[i].capDays[e.signal] = state
                weight = weight < 0 ? -allowed : allowed
            }
            if weight.isFinite && weight != 0 {
                leads[i].history.append(Contribution(time: time, weight: weight, halfLife: Double(rule.halfLife.milliseconds)))
            }
            evaluate(i, at: t)
        case .intent(let e):
            let weight = config.intent.thirdPartyMaxWeight * min(100, max(0, e.surge)) / 100
            let halfLife = Double(config.intent.thirdPartyHalfLife.milliseconds)
            if let leadID = e.leadID {
                let i = touch(leadID, account: e.accountID, at: time)
                let t = evaluationTime(i, event: time)
                if weight > 0 { leads[i].history.append(Contribution(time: time, weight: weight, halfLife: halfLife)) }
                evaluate(i, at: t)
            } else if let accountID = e.accountID {
                var account = accounts[accountID] ?? Account()
                let t = max(time, account.lastUpdate ?? time)
                account.lastUpdate = t
                if weight > 0 { account.history.append(Contribution(time: time, weight: weight, halfLife: halfLife)) }
                accounts[accountID] = account
                for leadID in account.leads {
                    let i = index[leadID]!
                    evaluate(i, at: max(t, leads[i].clock))
                }
            }
        case .profile(let e):
            let i = touch(e.leadID, account: e.accountID, at: time)
            let t = evaluationTime(i, event: time)
            var lead = leads[i]
            lead.hasProfile = true
            if let v = e.industry { lead.industry = v }
            if let v = e.employees { lead.employees = max(0, v) }
            if let v = e.seats { lead.seats = max(0, v) }
            if let v = e.dealValueUSD, v.isFinite, v >= 0 { lead.deal = v }
            if let v = e.technographics { lead.technographics = v }
            if let v = e.disqualified { lead.crmDisqualified = v }
            if let domain = e.emailDomain {
                var name = domain.lowercased()
                if name.hasSuffix(".") { name.removeLast() }
                let d = config.disqualifiers
                let lists = d.personalDomains + d.competitorDomains + d.studentDomains
                lead.domainDisqualified = lists.contains { entry in
                    let entry = entry.lowercased()
                    return name == entry || name.hasSuffix("." + entry)
                }
            }
            leads[i] = lead
            evaluate(i, at: t)
        default:
            break
        }
    }

    /// Fires every decay moment due by `now` (each lead on its own: a lead's steps do not depend
    /// on other leads).
    mutating func fireDecay(upTo now: Int64) {
        for i in drops.indices {
            while drops[i] <= now {
                let due = drops[i]
                var lead = leads[i]
                let to = bucket(lead, at: due)
                lead.steps.append(Step(from: lead.bucket, to: to, at: due, decay: true))
                lead.bucket = to
                lead.clock = max(lead.clock, due)
                drops[i] = nextChange(lead)
                leads[i] = lead
            }
        }
    }

    /// SPEC: the latest of the event's time, the lead's last evaluation and its account's last
    /// intent update.
    func evaluationTime(_ i: Int, event: Int64) -> Int64 {
        let lead = leads[i]
        var t = max(event, lead.clock)
        if let a = lead.account, let update = accounts[a]?.lastUpdate { t = max(t, update) }
        return t
    }

    /// The index of a lead, added when new (its clock starts at the event's time); a lead gets
    /// the account first given for it.
    mutating func touch(_ leadID: String, account accountID: String?, at time: Int64) -> Int {
        let i: Int
        if let known = index[leadID] {
            i = known
        } else {
            i = leads.count
            leads.append(Lead(id: leadID, account: nil, clock: time))
            drops.append(Int64.max)
            index[leadID] = i
        }
        if leads[i].account == nil, let accountID {
            leads[i].account = accountID
            var account = accounts[accountID] ?? Account()
            account.leads.append(leadID)
            account.leads.sort()
            accounts[accountID] = account
        }
        return i
    }

    mutating func evaluate(_ i: Int, at t: Int64) {
        var lead = leads[i]
        lead.clock = t
        let b = bucket(lead, at: t)
        if b != lead.bucket {
            lead.steps.append(Step(from: lead.bucket, to: b, at: t, decay: false))
            lead.bucket = b
        }
        drops[i] = nextChange(lead)
        leads[i] = lead
    }

    /// Each lead's steps, by lead id.
    var stepsByLead: [String: [Step]] {
        var result: [String: [Step]] = [:]
        for lead in leads { result[lead.id] = lead.steps }
        return result
    }
}
