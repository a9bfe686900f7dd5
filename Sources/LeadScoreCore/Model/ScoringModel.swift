#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The configuration flattened into the numbers the hot path needs (half-lives in milliseconds,
/// weights by slot), and the pure functions of SPEC section 2 over them.
struct ScoringModel: Sendable {
    let config: ScoringConfig
    let version: String
    /// Per slot (`Signal.slot`, then third-party): half-life in ms. Decay factors are
    /// `2^(-(dt / h))`: dividing (rather than multiplying by a reciprocal) makes a whole number of
    /// half-lives an exact power of two, as in the closed form.
    let halfLife: [Double]
    /// Per slot: weight (negative for the negative signals, 0 for the third-party slot).
    let weights: [Double]
    /// Per slot: the signal's `max_points_per_day`, `.infinity` when uncapped.
    let dailyCap: [Double]
    /// Normalized domain lists: competitor, personal, student (checked in that order).
    let disqualifyingDomains: [(reason: DisqualifierConfig.DomainReason, names: Set<String>)]
    let thirdPartyMaxWeight: Double
    /// Half-life of third-party intent in ms (the lead's own and its account's).
    let thirdPartyHalfLife: Double
    let maxIntent: Double
    let qualityWeight: Double
    let intentWeight: Double
    let thresholdA: Double
    let thresholdB: Double
    let thresholdC: Double
    let liftIntent: Double
    /// Industry name -> its points (the target list's, then the per-name points over them);
    /// an industry not here earns none.
    let industryPoints: [String: Double]
    /// What a lead's technographic bits are worth.
    let technographicPoints: TechnographicPoints
    /// Technographic name -> bit in a lead's mask.
    let technographicBits: [String: UInt32]
    /// Bit k's name at position k (a repeated name leaves its later position empty, `""`, which
    /// no profile's name maps to): what a snapshot records so bits can be re-derived by name.
    let technographicNames: [String]
    let holdoutThreshold: UInt64

    init(config: ScoringConfig) {
        self.config = config
        version = config.version
        var halfLife = [Double](repeating: 1, count: Signal.slotCount)
        var weights = [Double](repeating: 0, count: Signal.slotCount)
        var dailyCap = [Double](repeating: .infinity, count: Signal.slotCount)
        for signal in Signal.allCases {
            let rule = config.intent.rule(for: signal)
            halfLife[signal.slot] = Double(max(1, rule.halfLife.milliseconds))
            // Validation refuses a weight of the wrong sign; clamp anyway so the model's sign
            // structure (what `nextChange` relies on) holds for any configuration.
            weights[signal.slot] = signal.isNegative ? min(0, rule.weight) : max(0, rule.weight)
            if let cap = rule.maxPointsPerDay, cap.isFinite, cap >= 0 { dailyCap[signal.slot] = cap }
        }
        self.dailyCap = dailyCap
        let d = config.disqualifiers
        disqualifyingDomains = [
            (.competitor, Set(d.competitorDomains.map(DisqualifierConfig.normalized))),
            (.personal, Set(d.personalDomains.map(DisqualifierConfig.normalized))),
            (.student, Set(d.studentDomains.map(DisqualifierConfig.normalized))),
        ]
        thirdPartyHalfLife = Double(max(1, config.intent.thirdPartyHalfLife.milliseconds))
        halfLife[Signal.thirdPartySlot] = thirdPartyHalfLife
        self.halfLife = halfLife
        self.weights = weights
        thirdPartyMaxWeight = config.intent.thirdPartyMaxWeight
        maxIntent = config.intent.maxIntent
        qualityWeight = config.buckets.qualityWeight
        intentWeight = config.buckets.intentWeight
        thresholdA = config.buckets.thresholdA
        thresholdB = config.buckets.thresholdB
        thresholdC = config.buckets.thresholdC
        liftIntent = config.buckets.liftIntent
        let q = config.quality
        var industryPoints: [String: Double] = [:]
        for name in q.targetIndustries { industryPoints[name] = q.industryPoints }
        for (name, points) in q.industryPointsByName { industryPoints[name] = points }
        self.industryPoints = industryPoints
        // Bits: the any-of list's positions first (as before per-name points existed, so a
        // snapshot's bits mean the same), then the per-name points' other names.
        let names = Array(q.technographicNamesInRules.prefix(32))
        var bits: [String: UInt32] = [:]
        for (i, name) in names.enumerated() where bits[name] == nil {
            bits[name] = 1 << UInt32(i)
        }
        technographicBits = bits
        technographicNames = names.enumerated().map { i, name in
            bits[name] == 1 << UInt32(i) ? name : ""
        }
        var anyOf: UInt32 = 0
        for name in q.technographics { anyOf |= bits[name] ?? 0 }
        var each = [Double](repeating: 0, count: 32)
        var eachMask: UInt32 = 0
        for (name, points) in q.technologyPointsByName {
            guard let bit = bits[name] else { continue }
            each[bit.trailingZeroBitCount] = points
            eachMask |= bit
        }
        technographicPoints = TechnographicPoints(anyOfMask: anyOf, anyOfPoints: q.technographicPoints, eachMask: eachMask, each: each)
        let share = min(1, max(0, config.routing.holdoutShare))
        holdoutThreshold = share >= 1 ? UInt64.max : UInt64(share * 1_000_000)
    }

    /// SPEC: `score = qw x quality + iw x intent`; A/B/C by threshold, intent at or above the lift
    /// threshold lifts to at least B; self_serve below the floor; disqualified before all else.
    @inline(__always)
    func bucket(disqualified: Bool = false, selfServe: Bool, quality: Double, intent: Double) -> Bucket {
        if disqualified { return .disqualified }
        if selfServe { return .selfServe }
        let score = qualityWeight * quality + intentWeight * intent
        var bucket: Bucket = score >= thresholdA ? .a : score >= thresholdB ? .b : score >= thresholdC ? .c : .nurture
        if intent >= liftIntent && bucket < .b { bucket = .b }
        return bucket
    }

    /// `min(maxIntent, max(0, raw))`: negative signals can take the sum below zero, intent never.
    @inline(__always)
    func cappedIntent(_ raw: Double) -> Double { raw < maxIntent ? (raw > 0 ? raw : 0) : maxIntent }

    /// Why an email domain disqualifies a lead, nil when it does not: the domain and each of its
    /// parent domains (at label boundaries) are looked up in the competitor, personal and student
    /// lists, in that order of lists.
    func domainReason(_ domain: String) -> DisqualifierConfig.DomainReason? {
        let name = DisqualifierConfig.normalized(domain)
        for (reason, names) in disqualifyingDomains where !names.isEmpty {
            var rest = Substring(name)
            while !rest.isEmpty {
                if names.contains(String(rest)) { return reason }
                guard let dot = rest.firstIndex(of: ".") else { break }
                rest = rest[rest.index(after: dot)...]
            }
        }
        return nil
    }

    /// Stable holdout membership: FNV-1a 64 of the lead id, mod 10^6, below share x 10^6.
    func isHoldout(_ leadID: String) -> Bool {
        holdoutThreshold == UInt64.max || FNV1a64.hash(leadID) % 1_000_000 < holdoutThreshold
    }
}

/// The technographic rules over a lead's bits: the any-of points once if any any-of bit is set,
/// plus each set bit's own points.
struct TechnographicPoints: Sendable {
    let anyOfMask: UInt32
    let anyOfPoints: Double
    let eachMask: UInt32
    /// Per bit position (32 entries).
    let each: [Double]

    @inline(__always)
    func points(_ mask: UInt32) -> Double {
        var points = mask & anyOfMask != 0 ? anyOfPoints : 0
        var rest = mask & eachMask
        while rest != 0 {
            points += each[rest.trailingZeroBitCount]
            rest &= rest &- 1
        }
        return points
    }
}

/// 2^x (Glibc/Darwin `exp2`; the only libm function the model needs).
@inline(__always)
func power2(_ x: Double) -> Double { exp2(x) }

/// What a value decays to over `dt` ms with half-life `halfLife` ms: `2^(-(dt / halfLife))`,
/// exactly 1 for `dt == 0`.
@inline(__always)
func decayFactor(_ dt: Int64, halfLife: Double) -> Double {
    dt == 0 ? 1 : exp2(-(Double(dt) / halfLife))
}
