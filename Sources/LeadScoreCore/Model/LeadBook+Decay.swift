#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension LeadBook {
    /// Drops further than this many seconds ahead (about 100 years) are not scheduled.
    static let horizonSeconds: Int64 = 3_155_760_000

    /// The exact moment (ms, a whole second) of the lead's next bucket change with no new event:
    /// the first whole second at or after its clock at which the lead, evaluated with no new
    /// event, is in another bucket; `Int64.max` for none within the horizon. `self_serve` and
    /// `disqualified` never change by decay.
    ///
    /// A lead whose terms are all positive (no negative signal ever) takes `nextDrop`, the fast
    /// path: its intent only falls. A lead with a negative term takes `nextCrossing`.
    func nextChange(_ i: Int) -> Int64 {
        guard let current = leads[i].currentBucket, current <= .a else { return Int64.max }
        if leads[i].intentSlots & Signal.negativeSlots == 0 { return nextDrop(i) }
        let q = quality(i)
        if q.selfServe || q.disqualified { return Int64.max }
        return nextCrossing(i, current: current, quality: q)
    }

    /// `nextChange` for a lead with negative terms, whose intent can fall and rise.
    ///
    /// With s the time after the lead's first whole second, the uncapped sum is
    /// `S(s) = sum_j c_j e^(-r_j s)` (terms merged by rate) and the bucket is a non-decreasing
    /// step function of S (intent = min(max, max(0, S)) is non-decreasing in S, the bucket in
    /// intent). So on any interval where S is monotone the bucket is monotone too, and "bucket
    /// differs from the bucket at the interval's start" holds on a suffix of its whole seconds:
    /// one bisection finds its first second. S is monotone between consecutive roots of S'
    /// (where S' changes sign), and `ExponentialSum.signChangingRoots` finds all of them; their
    /// number is at most the number of sign changes of the c_j ordered by rate (Descartes' rule
    /// for exponential sums, proved there), so there are at most that many + 1 pieces.
    ///
    /// The pieces are cut at whole seconds (piece k ends at the last second before the k-th root,
    /// the next starts one second later), each piece's ends are evaluated with the very function
    /// the engine scores with, and the search stops at the first second in another bucket: the
    /// answer is exact by construction, and a root found a hair off (bisected to well below a
    /// millisecond) can only misplace seconds where S is flat at its extreme.
    func nextCrossing(_ i: Int, current: Bucket, quality q: (points: Double, selfServe: Bool, disqualified: Bool)) -> Int64 {
        let clock = leads[i].clock
        let firstSecond = floorDiv(clock + 999, 1000)
        func differs(_ second: Int64) -> Bool { bucketAt(i, second * 1000, quality: q) != current }
        if differs(firstSecond) { return firstSecond * 1000 }

        // Terms at the first second, rates per second.
        let origin = firstSecond * 1000
        var terms: [ExponentialSum.Term] = []
        let sinceAdded = origin - leads[i].intentClock
        forEachIntentTerm(i) { slot, value in
            let h = model.halfLife[slot]
            terms.append(.init(coefficient: value * decayFactor(sinceAdded, halfLife: h), rate: 1000 * M_LN2 / h))
        }
        let a = leads[i].account
        if a >= 0 && accounts[Int(a)].intent != 0 {
            let account = accounts[Int(a)]
            let h = model.thirdPartyHalfLife
            terms.append(.init(coefficient: account.intent * decayFactor(origin - account.clock, halfLife: h),
                               rate: 1000 * M_LN2 / h))
        }
        let horizon = Double(LeadBook.horizonSeconds)
        // S' = sum_j (-r_j c_j) e^(-r_j s): its sign-changing roots bound the monotone pieces.
        let slopes = ExponentialSum(terms.map { .init(coefficient: -$0.rate * $0.coefficient, rate: $0.rate) })
        var ends = slopes.signChangingRoots(in: 0, horizon).map { Int64($0.rounded(.down)) }
        ends.append(LeadBook.horizonSeconds)

        var start: Int64 = 0  // seconds after firstSecond; `start` is known to be in `current`
        for end in ends where end >= start {
            if differs(firstSecond + end) {
                var lo = start
                var hi = end
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if differs(firstSecond + mid) { hi = mid } else { lo = mid }
                }
                return (firstSecond + hi) * 1000
            }
            start = end + 1
            if start > LeadBook.horizonSeconds { break }
            if differs(firstSecond + start) { return (firstSecond + start) * 1000 }
        }
        return Int64.max
    }

    /// The exact moment (ms, a whole second) of the lead's next bucket drop with no new event, or
    /// `Int64.max` when it never drops (nurture, self_serve, or a bucket its quality alone holds).
    /// Only for leads whose intent terms are all positive.
    ///
    /// Intent is a sum of decaying exponentials, so the bucket is a monotone function of time.
    /// Newton's method on the sum (convex and decreasing, so iterates from the left never
    /// overshoot) estimates the crossing of the intent the bucket needs; the answer is then
    /// bracketed and bisected over whole seconds with the very function the engine scores with,
    /// so the emitted second is exact by construction whatever the rounding of the estimate.
    func nextDrop(_ i: Int) -> Int64 {
        guard let current = leads[i].currentBucket, current.isRepBucket else { return Int64.max }
        let q = quality(i)
        if q.selfServe { return Int64.max }
        // With intent gone the lead keeps its bucket forever: no drop.
        if model.bucket(selfServe: false, quality: q.points, intent: 0) >= current { return Int64.max }
        let clock = leads[i].clock
        // The least intent that keeps the current bucket.
        let threshold: Double = switch current {
        case .a: model.thresholdA
        case .b: model.thresholdB
        default: model.thresholdC
        }
        var needed = (threshold - model.qualityWeight * q.points) / model.intentWeight
        if current <= .b { needed = Swift.min(needed, model.liftIntent) }

        let horizonMS = Double(LeadBook.horizonSeconds) * 1000
        let dt = newtonEstimate(i, needed: needed, horizonMS: horizonMS)
        if !(dt <= horizonMS) { return Int64.max }

        let firstSecond = floorDiv(clock + 999, 1000)
        func lower(_ second: Int64) -> Bool { bucketAt(i, second * 1000, quality: q) < current }
        var hi = Swift.max(firstSecond, floorDiv(clock + Int64(dt.rounded(.up)) + 999, 1000))
        var lo: Int64
        if lower(hi) {
            // Walk down until a second still in the bucket (or before the clock) is found.
            var step: Int64 = 1
            lo = hi - 1
            while lo >= firstSecond && lower(lo) {
                hi = lo
                lo = hi - step
                step &*= 2
            }
            if lo < firstSecond { lo = firstSecond - 1 }
        } else {
            var step: Int64 = 1
            lo = hi
            hi = lo + 1
            while !lower(hi) {
                lo = hi
                step &*= 2
                hi = lo + step
                if hi - firstSecond > LeadBook.horizonSeconds { return Int64.max }
            }
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if lower(mid) { hi = mid } else { lo = mid }
        }
        return hi * 1000
    }

    /// Newton's estimate (ms after the lead's clock) of when its intent falls to `needed`; the
    /// terms (coefficient at the clock, decay rate per ms) kept on the stack: at most one per
    /// signal class plus the account's.
    private func newtonEstimate(_ i: Int, needed: Double, horizonMS: Double) -> Double {
        let clock = leads[i].clock
        let sinceAdded = clock - leads[i].intentClock
        return withUnsafeTemporaryAllocation(of: (c: Double, rate: Double).self,
                                              capacity: UInt16.bitWidth + 1) { coefficients in
            var n = 0
            forEachIntentTerm(i) { slot, value in
                let h = model.halfLife[slot]
                coefficients.initializeElement(at: n, to: (value * decayFactor(sinceAdded, halfLife: h), M_LN2 / h))
                n += 1
            }
            let a = leads[i].account
            if a >= 0 && accounts[Int(a)].intent != 0 {
                let account = accounts[Int(a)]
                let c = account.intent * decayFactor(clock - account.clock, halfLife: model.thirdPartyHalfLife)
                coefficients.initializeElement(at: n, to: (c, M_LN2 / model.thirdPartyHalfLife))
                n += 1
            }
            var dt = 0.0
            for _ in 0..<100 {
                var f = -needed
                var slope = 0.0
                for k in 0..<n {
                    let v = coefficients[k].c * exp(-coefficients[k].rate * dt)
                    f += v
                    slope -= coefficients[k].rate * v
                }
                guard f > 0, slope < 0 else { break }
                let step = -f / slope
                dt += step
                if step < 0.5 || dt > horizonMS { break }
            }
            return dt
        }
    }
}
