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

    /// The exact moment (ms, a whole second) of the lead's next bucket drop with no new event, or
    /// `Int64.max` when it never drops (nurture, self_serve, or a bucket its quality alone holds).
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

        // Coefficients at the lead's clock and decay rates (per ms, natural log).
        var coefficients: [(c: Double, rate: Double)] = []
        let sinceAdded = clock - leads[i].intentClock
        for term in intentTerms(i) {
            let h = model.halfLife[term.slot]
            coefficients.append((term.value * decayFactor(sinceAdded, halfLife: h), M_LN2 / h))
        }
        let a = leads[i].account
        if a >= 0 && accounts[Int(a)].intent != 0 {
            let account = accounts[Int(a)]
            let c = account.intent * decayFactor(clock - account.clock, halfLife: model.thirdPartyHalfLife)
            coefficients.append((c, M_LN2 / model.thirdPartyHalfLife))
        }
        var dt = 0.0
        let horizonMS = Double(LeadBook.horizonSeconds) * 1000
        for _ in 0..<100 {
            var f = -needed
            var slope = 0.0
            for term in coefficients {
                let v = term.c * exp(-term.rate * dt)
                f += v
                slope -= term.rate * v
            }
            guard f > 0, slope < 0 else { break }
            let step = -f / slope
            dt += step
            if step < 0.5 || dt > horizonMS { break }
        }
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
}
