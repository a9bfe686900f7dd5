import Testing
@testable import LeadScoreCore

/// A reproducible lead-event stream built to corner the intent arithmetic: every signal class,
/// lead- and account-level third-party intent, profiles that change quality back and forth, late
/// events, timestamps at random milliseconds as well as whole seconds, minutes and days, and
/// "exact" leads whose score lands exactly on a threshold, at an event or after decaying by a whole
/// number of half-lives while other events evaluate them at odd moments in between.
struct ExactnessCorpus: Sendable, CustomTestStringConvertible {
    var name: String
    var seed: UInt64
    var steps: Int
    var accounts: Int
    var leadsPerAccount: Int
    var soloLeads: Int
    /// Share of events whose `occurred_at` is up to three days before the stream's latest.
    var lateShare: Double
    /// Share of steps that start a new exact lead.
    var exactShare: Double
    /// Engagements draw from every signal, negative ones included (else the ten positive ones, as
    /// the corpora before negative signals did, random draw for random draw).
    var negatives = false
    /// Profiles also carry email domains (personal, student, company) and the CRM's flag.
    var disqualifiers = false
    /// Negative signals with half-lives shorter than most positive ones (2d, 4d, 6d), so intent
    /// often rises by decay alone.
    var fastNegatives = false
    /// Points per industry and per technographic, some negative (a quality that sinks to the
    /// floor of 0 and comes back as profiles change).
    var perNamePoints = false

    /// The configuration the corpus is scored with.
    var config: ScoringConfig {
        var config = ScoringConfig()
        if fastNegatives {
            config.intent.signals[.bounce] = .init(weight: -10, halfLife: .seconds(2 * 86_400))
            config.intent.signals[.unsubscribe] = .init(weight: -20, halfLife: .seconds(4 * 86_400), maxPointsPerDay: 30)
            config.intent.signals[.spamComplaint] = .init(weight: -40, halfLife: .seconds(6 * 86_400))
        }
        if perNamePoints {
            // Software and salesforce keep their points: the exact leads' sums are built on them.
            config.quality.industryPointsByName = ["retail": -27.5, "healthcare": 9.75]
            config.quality.technologyPointsByName = ["excel": -31, "snowflake": 2.5]
        }
        return config
    }

    var testDescription: String { name }

    static let day: Int64 = 86_400_000

    /// Events in arrival order.
    func events() -> [InputEvent] {
        var random = SeededRandom(state: seed)
        var list = ArrivalList()
        func add(_ arrival: Int64, _ event: InputEvent) { list.add(arrival, event) }
        var leads: [(id: String, account: String?)] = []
        for a in 0..<accounts {
            for k in 0..<leadsPerAccount { leads.append(("L\(a)-\(k)", "A\(a)")) }
        }
        for k in 0..<soloLeads { leads.append(("S\(k)", nil)) }

        let span = 150 * ExactnessCorpus.day
        let meanGap = span / Int64(max(1, steps))
        var now = Fixture.t0.millisecondsSinceEpoch
        var exact = 0
        func aligned(_ t: Int64, _ random: inout SeededRandom) -> Int64 {
            switch Double.random(in: 0..<1, using: &random) {
            case ..<0.35: t
            case ..<0.75: t - t % 1000
            case ..<0.9: t - t % 60_000
            default: t - t % 3_600_000
            }
        }
        func surge(_ random: inout SeededRandom) -> Double {
            Bool.random(using: &random) ? Double(Int.random(in: 0...100, using: &random)) : Double.random(in: 0...100, using: &random)
        }
        func multiplier(_ random: inout SeededRandom) -> Double {
            switch Int.random(in: 0..<20, using: &random) {
            case 0..<12: 1
            case 12..<15: 1.5
            case 15..<17: 0.5
            default: Double.random(in: 0.25...3, using: &random)
            }
        }

        for step in 0..<steps {
            now += Int64.random(in: 0...(2 * meanGap), using: &random)
            var t = aligned(now, &random)
            if Double.random(in: 0..<1, using: &random) < lateShare {
                t = aligned(now - Int64.random(in: 1...(3 * ExactnessCorpus.day), using: &random), &random)
            }
            let at = Timestamp(millisecondsSinceEpoch: t)
            let (lead, account) = leads[Int.random(in: 0..<leads.count, using: &random)]
            if fastNegatives && Double.random(in: 0..<1, using: &random) < 0.2 {
                exact += 1
                addRise(number: exact, now: now, random: &random, into: &list)
                continue
            }
            let kind = Double.random(in: 0..<1, using: &random)
            if kind < exactShare {
                exact += 1
                addExact(number: exact, now: now, random: &random, into: &list)
                continue
            }
            let id = "c\(seed)-\(step)"
            switch (kind - exactShare) / (1 - exactShare) {
            case ..<0.55:
                var pool = negatives ? Signal.allCases : Signal.allCases.filter { !$0.isNegative }
                if fastNegatives {
                    // A third of the engagements negative, so that rises by decay are common.
                    let negative = Double.random(in: 0..<1, using: &random) < 0.33
                    pool = Signal.allCases.filter { $0.isNegative == negative }
                }
                let signal = pool[Int.random(in: 0..<pool.count, using: &random)]
                add(now, .engagement(EngagementEvent(eventID: id, occurredAt: at, leadID: lead, accountID: account,
                                                     signal: signal, weightMultiplier: multiplier(&random))))
            case ..<0.63:
                add(now, .intent(IntentEvent(eventID: id, occurredAt: at, leadID: lead, accountID: account,
                                             topic: "crm", surge: surge(&random), source: "g2")))
            case ..<0.78:
                let a = account ?? "A\(Int.random(in: 0..<max(1, accounts), using: &random))"
                add(now, .intent(IntentEvent(eventID: id, occurredAt: at, accountID: a, topic: "crm",
                                             surge: surge(&random), source: "bombora")))
            default:
                // Partial profiles: quality moves up and down (tiers, floor, industry, technographics, bands).
                let deals: [Double?] = [nil, nil, 2_000, 9_000, 20_000, 60_000, Double.random(in: 1_000...90_000, using: &random)]
                let seats: [Int?] = [nil, nil, 5, 30, 120]
                let industries: [String?] = [nil, "software", "retail", "healthcare"]
                let employees: [Int?] = [nil, 10, 200, 5_000]
                let techs: [[String]?] = [nil, [], ["salesforce"], ["excel"]]
                var domain: String?
                var disqualified: Bool?
                if disqualifiers {
                    let domains: [String?] = [nil, nil, nil, "acme.com", "gmail.com", "cs.mit.edu", "Example.ORG"]
                    domain = domains[Int.random(in: 0..<domains.count, using: &random)]
                    let flags: [Bool?] = [nil, nil, nil, nil, true, false, false]
                    disqualified = flags[Int.random(in: 0..<flags.count, using: &random)]
                }
                add(now, .profile(ProfileEvent(
                    eventID: id, occurredAt: at, leadID: lead, accountID: account,
                    industry: industries[Int.random(in: 0..<industries.count, using: &random)],
                    employees: employees[Int.random(in: 0..<employees.count, using: &random)],
                    country: "US", seats: seats[Int.random(in: 0..<seats.count, using: &random)],
                    dealValueUSD: deals[Int.random(in: 0..<deals.count, using: &random)],
                    technographics: techs[Int.random(in: 0..<techs.count, using: &random)],
                    emailDomain: domain, disqualified: disqualified)))
            }
        }
        return list.inArrivalOrder
    }

    /// Events with the moment they reach the engine (a late event arrives after its `occurred_at`).
    struct ArrivalList {
        var items: [(arrival: Int64, order: Int, event: InputEvent)] = []

        mutating func add(_ arrival: Int64, _ event: InputEvent) { items.append((arrival, items.count, event)) }

        var inArrivalOrder: [InputEvent] {
            items.sorted { $0.arrival != $1.arrival ? $0.arrival < $1.arrival : $0.order < $1.order }.map(\.event)
        }
    }

    /// A fresh lead whose score lands exactly on a threshold: at an event (several signals at one
    /// instant), or a whole number of half-lives after one (events at midnight, half-lives in
    /// days), with profile refreshes at odd moments in between that evaluate it without changing it.
    private func addExact(number: Int, now: Int64, random: inout SeededRandom, into list: inout ArrivalList) {
        let lead = "X\(seed)-\(number)"
        let second = now - now % 1000 + 1000
        let midnight = now - now % ExactnessCorpus.day + ExactnessCorpus.day
        func at(_ t: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: t) }
        func engagement(_ signal: Signal, _ t: Int64, _ k: Int, multiplier: Double = 1) {
            list.add(t, .engagement(EngagementEvent(eventID: "\(lead)-\(k)", occurredAt: at(t), leadID: lead,
                                               signal: signal, weightMultiplier: multiplier)))
        }
        func profile(_ t: Int64, _ k: String, deal: Double? = nil, industry: String? = nil, employees: Int? = nil,
                     techs: [String]? = nil) {
            list.add(t, .profile(ProfileEvent(eventID: "\(lead)-p\(k)", occurredAt: at(t), leadID: lead, industry: industry,
                                         employees: employees, country: "US", dealValueUSD: deal, technographics: techs)))
        }
        /// The lead's profile again (nothing changes), at random milliseconds before `end` and
        /// sometimes exactly at `end`.
        func refreshes(from start: Int64, to end: Int64, _ random: inout SeededRandom, _ again: (Int64, String) -> Void) {
            for k in 0..<Int.random(in: 1...3, using: &random) {
                again(Int64.random(in: (start + 1)..<end, using: &random), "r\(k)")
            }
            if Bool.random(using: &random) { again(end, "end") }
        }
        func best(_ t: Int64, _ k: String) {
            profile(t, k, deal: 60_000, industry: "software", employees: 1_000, techs: ["salesforce"])
        }
        switch number % 9 {
        case 0:
            // Quality 100 (60 points of score) + 15 + 8 + 2 intent = exactly 70: A.
            best(second, "0")
            engagement(.formFill, second, 1, multiplier: 0.5)
            engagement(.contentDownload, second, 2)
            engagement(.blogVisit, second, 3)
        case 1:
            // Quality 55 (33) + form fill 30 (12) = exactly 45: B.
            profile(second, "0", deal: 20_000, industry: "software", employees: 10)
            engagement(.formFill, second, 1)
        case 2:
            // No profile: intent exactly 70 lifts to B (demo 50 + 5 x email click 4).
            engagement(.demoRequest, second, 1)
            engagement(.emailClick, second, 2, multiplier: 5)
        case 3:
            // No profile: demo 50 = score exactly 20: C.
            engagement(.demoRequest, second, 1)
        case 4:
            // Quality 100 + demo 50 at midnight: A until exactly 25 intent 21 days later, so the
            // first second in B is 21 days and 1 second later.
            best(midnight, "0")
            engagement(.demoRequest, midnight, 1)
            refreshes(from: midnight, to: midnight + 21 * ExactnessCorpus.day, &random, best)
        case 5:
            // No profile, two demos: intent 100, B by lift, then C; exactly 50 (score 20) after 21 days.
            func empty(_ t: Int64, _ k: String) { profile(t, k) }
            engagement(.demoRequest, midnight, 1)
            engagement(.demoRequest, midnight, 2)
            refreshes(from: midnight, to: midnight + 21 * ExactnessCorpus.day, &random, empty)
        case 6:
            // Quality 100 + half a form fill (15): B. Exactly one half-life later 7.5 is left, and a
            // content download (8) with 2.375 email clicks (9.5) make exactly 25: score 70, A.
            best(midnight, "0")
            engagement(.formFill, midnight, 1, multiplier: 0.5)
            let later = midnight + 14 * ExactnessCorpus.day
            refreshes(from: midnight, to: later - 1, &random, best)
            engagement(.contentDownload, later, 2)
            engagement(.emailClick, later, 3, multiplier: 2.375)
        case 7:
            // No profile, two demos (100): B by lift, C below 70. After exactly one half-life, 50
            // are left and five email clicks (20) make exactly 70: lifted to B again.
            func empty(_ t: Int64, _ k: String) { profile(t, k) }
            engagement(.demoRequest, midnight, 1)
            engagement(.demoRequest, midnight, 2)
            let later = midnight + 21 * ExactnessCorpus.day
            refreshes(from: midnight, to: later - 1, &random, empty)
            engagement(.emailClick, later, 3, multiplier: 5)
        default:
            // Quality 65 (39) + form fill 30: B until exactly 15 intent (score 45) 14 days later.
            func good(_ t: Int64, _ k: String) { profile(t, k, deal: 60_000, industry: "retail", employees: 100) }
            good(midnight, "0")
            engagement(.formFill, midnight, 1)
            refreshes(from: midnight, to: midnight + 14 * ExactnessCorpus.day, &random, good)
        }
    }

    /// A fresh lead set up to rise by decay alone: quality near a threshold, a strong positive
    /// signal and a short-lived negative one at the same random moment (random multipliers), then
    /// profile refreshes at random moments that evaluate it without changing it.
    private func addRise(number: Int, now: Int64, random: inout SeededRandom, into list: inout ArrivalList) {
        let lead = "R\(seed)-\(number)"
        let at = Timestamp(millisecondsSinceEpoch: now)
        let deals: [(Double, String, Int)] = [(12_000, "software", 1_200), (20_000, "software", 10), (60_000, "retail", 100)]
        let (deal, industry, employees) = deals[Int.random(in: 0..<deals.count, using: &random)]
        func profile(_ t: Int64, _ k: String) {
            list.add(t, .profile(ProfileEvent(eventID: "\(lead)-p\(k)", occurredAt: Timestamp(millisecondsSinceEpoch: t), leadID: lead,
                                             industry: industry, employees: employees, country: "US", dealValueUSD: deal,
                                             technographics: ["salesforce"])))
        }
        profile(now, "0")
        let positives: [Signal] = [.rfpSubmitted, .demoRequest, .formFill, .webinarAttended]
        let negatives: [Signal] = [.bounce, .unsubscribe, .spamComplaint]
        let positive = positives[Int.random(in: 0..<positives.count, using: &random)]
        let negative = negatives[Int.random(in: 0..<negatives.count, using: &random)]
        list.add(now, .engagement(EngagementEvent(eventID: "\(lead)-n", occurredAt: at, leadID: lead, signal: negative,
                                                 weightMultiplier: Double.random(in: 0.5...3, using: &random))))
        list.add(now, .engagement(EngagementEvent(eventID: "\(lead)-p", occurredAt: at, leadID: lead, signal: positive,
                                                 weightMultiplier: Double.random(in: 0.3...2, using: &random))))
        for k in 0..<Int.random(in: 0...3, using: &random) {
            profile(now + Int64.random(in: 1...(20 * ExactnessCorpus.day), using: &random), "r\(k)")
        }
    }

    static let all: [ExactnessCorpus] = [
        ExactnessCorpus(name: "few late events", seed: 1, steps: 2500, accounts: 25, leadsPerAccount: 4, soloLeads: 20,
                        lateShare: 0, exactShare: 0.1),
        ExactnessCorpus(name: "late events", seed: 2, steps: 2500, accounts: 25, leadsPerAccount: 4, soloLeads: 20,
                        lateShare: 0.15, exactShare: 0.1),
        ExactnessCorpus(name: "busy accounts, late events", seed: 3, steps: 2500, accounts: 6, leadsPerAccount: 10,
                        soloLeads: 10, lateShare: 0.1, exactShare: 0.1),
        ExactnessCorpus(name: "negative signals, disqualifiers, late events", seed: 4, steps: 2500, accounts: 25,
                        leadsPerAccount: 4, soloLeads: 20, lateShare: 0.1, exactShare: 0.1, negatives: true, disqualifiers: true),
        ExactnessCorpus(name: "fast negative signals (rises by decay), busy accounts", seed: 5, steps: 2500, accounts: 6,
                        leadsPerAccount: 10, soloLeads: 10, lateShare: 0.1, exactShare: 0.1, negatives: true,
                        disqualifiers: true, fastNegatives: true),
        ExactnessCorpus(name: "fast negative signals, few late events", seed: 6, steps: 2500, accounts: 25, leadsPerAccount: 4,
                        soloLeads: 20, lateShare: 0.02, exactShare: 0.05, negatives: true, fastNegatives: true),
        ExactnessCorpus(name: "points per industry and technographic, negative ones", seed: 7, steps: 2500, accounts: 25,
                        leadsPerAccount: 4, soloLeads: 20, lateShare: 0.1, exactShare: 0.1, negatives: true,
                        disqualifiers: true, perNamePoints: true),
    ]
}

@Suite("Exact intent")
struct IntentExactnessTests {
    struct Comparison: CustomStringConvertible {
        var leads = 0
        var transitions = 0
        var decayTransitions = 0
        /// Decay transitions to a higher bucket (only negative signals make them).
        var decayRises = 0
        /// Transitions into `disqualified`.
        var disqualifications = 0
        var exactLeads = 0
        /// Leads whose bucket sequence differs.
        var differingSequences = 0
        /// Exact leads (threshold landings) with any difference.
        var differingExactLeads = 0
        /// Transitions (position by position) whose buckets, moment or cause differ, missing ones
        /// included.
        var differingTransitions = 0
        /// Of those, the same bucket change stamped at another moment.
        var stampsOnly = 0
        var firstDifferences: [String] = []

        var differences: Int { differingSequences + differingTransitions }

        var description: String {
            "\(leads) leads, \(transitions) transitions (\(decayTransitions) decay, \(decayRises) rises by decay, "
                + "\(disqualifications) disqualifications, \(exactLeads) exact leads): "
                + "\(differingSequences) bucket sequences and \(differingTransitions) transitions differ "
                + "(\(stampsOnly) only in their moment; \(differingExactLeads) exact leads differ)"
                + (firstDifferences.isEmpty ? "" : "; e.g. " + firstDifferences.joined(separator: "; "))
        }
    }

    /// Runs the engine and the closed-form reference over the same events and compares each lead's
    /// transitions: bucket sequence, moments (ms, decay at whole seconds) and causes.
    static func compare(_ events: [InputEvent], config: ScoringConfig = ScoringConfig()) -> Comparison {
        var engine = ScoringEngine(config: config)
        var reference = ClosedFormReference(config: config)
        var out: [OutputEvent] = []
        var engineSteps: [String: [ClosedFormReference.Step]] = [:]
        func collect() {
            for case .leadRescored(let r) in out {
                engineSteps[r.leadID, default: []].append(
                    .init(from: r.oldBucket, to: r.newBucket, at: r.occurredAt.millisecondsSinceEpoch, decay: r.cause == .decay))
            }
            out.removeAll(keepingCapacity: true)
        }
        for event in events {
            engine.apply(event, into: &out)
            collect()
            reference.apply(event)
        }
        let end = (events.map(\.occurredAt.millisecondsSinceEpoch).max() ?? 0) + 400 * ExactnessCorpus.day
        engine.advance(to: Timestamp(millisecondsSinceEpoch: end), into: &out)
        collect()
        reference.streamTime = max(reference.streamTime, end)
        reference.fireDecay(upTo: end)

        var result = Comparison()
        let expected = reference.stepsByLead
        let ids = Set(expected.keys).union(engineSteps.keys)
        result.leads = ids.count
        for id in ids.sorted() {
            let want = expected[id] ?? []
            let got = engineSteps[id] ?? []
            result.transitions += want.count
            result.decayTransitions += want.filter(\.decay).count
            result.decayRises += want.filter { step in step.decay && step.from.map { $0 < step.to } == true }.count
            result.disqualifications += want.filter { $0.to == .disqualified }.count
            if id.hasPrefix("X") { result.exactLeads += 1 }
            if want.map(\.to) != got.map(\.to) { result.differingSequences += 1 }
            if id.hasPrefix("X") && want != got { result.differingExactLeads += 1 }
            for k in 0..<max(want.count, got.count) {
                let w = k < want.count ? want[k] : nil
                let g = k < got.count ? got[k] : nil
                guard w != g else { continue }
                result.differingTransitions += 1
                if let w, let g, w.from == g.from, w.to == g.to { result.stampsOnly += 1 }
                if result.firstDifferences.count < 3 {
                    result.firstDifferences.append("\(id) #\(k + 1): engine \(g.map(\.description) ?? "none"), closed form \(w.map(\.description) ?? "none")")
                }
            }
        }
        return result
    }

    @Test("incremental engine = closed form over the full history, every lead", arguments: ExactnessCorpus.all)
    func engineMatchesClosedForm(corpus: ExactnessCorpus) {
        let result = IntentExactnessTests.compare(corpus.events(), config: corpus.config)
        // The corpus must exercise what it is for.
        #expect(result.leads > 300)
        #expect(result.decayTransitions > 300)
        #expect(result.exactLeads > (corpus.exactShare >= 0.1 ? 100 : 50))
        if corpus.fastNegatives { #expect(result.decayRises > 50, "\(result)") }
        if corpus.disqualifiers { #expect(result.disqualifications > 30, "\(result)") }
        #expect(result.differences == 0, "\(result)")
    }
}
