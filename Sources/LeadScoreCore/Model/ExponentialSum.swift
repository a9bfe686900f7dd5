#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `f(s) = sum_j c_j e^(-r_j s)`: a lead's uncapped intent (or its slope) as a function of the
/// time s after a reference moment, with the roots `nextCrossing` needs to cut time into pieces
/// where intent is monotone.
///
/// **Descartes' rule for exponential sums.** With the terms ordered by rate `r_1 < ... < r_m`
/// and no zero coefficient, f has at most V real roots (counted with multiplicity), V being the
/// number of sign changes of `c_1, ..., c_m`.
///
/// Proof, by induction on m. One term never vanishes (V = 0). For m > 1 let
/// `g(s) = e^(r_1 s) f(s) = c_1 + sum_(j>=2) c_j e^(-(r_j - r_1) s)`: same roots as f.
/// `g'(s) = sum_(j>=2) -(r_j - r_1) c_j e^(-(r_j - r_1) s)` has m - 1 terms whose coefficients
/// are `c_2, ..., c_m` times negative factors, so its sign changes are those of `c_2, ..., c_m`,
/// and by induction it has at most V(c_2..c_m) roots. Let g's roots be `z_1 < ... < z_k`.
/// Rolle puts a root of g' in each `(z_i, z_(i+1))`: k - 1 roots. If `c_1` and `c_2` differ in
/// sign, V(c_2..c_m) = V - 1, so k - 1 <= V - 1. If they agree, say both positive: past `z_k`, g
/// climbs from 0 towards its limit `c_1 > 0`, so g' > 0 somewhere after `z_k`; yet for large s,
/// g' has the sign of its slowest term, `-(r_2 - r_1) c_2 < 0`. So g' has one more root after
/// `z_k`: k <= V(c_2..c_m) = V. (Multiple roots count through the same argument with
/// multiplicities.) QED.
///
/// **The algorithm** is the proof run forwards: the sign-changing roots of g' (found the same
/// way, one term fewer) cut the line into intervals on which g is monotone; each holds at most
/// one root of g, present exactly when g's sign differs at its ends, and bisection finds it.
/// Recursion depth is at most the number of terms, and it stops early at a sum whose
/// coefficients never change sign (no roots: the common case). g is evaluated, not f:
/// `e^(-(r_j - r_1) s) <= 1` for s >= 0, so nothing overflows, and g keeps its sign far beyond
/// where f underflows to 0.
struct ExponentialSum {
    /// One term `c e^(-r s)`.
    struct Term {
        var coefficient: Double
        var rate: Double
    }

    /// Terms in increasing order of rate, rates distinct, coefficients finite and non-zero.
    let terms: [Term]

    /// The sum of `raw`: sorted by rate, equal rates merged, zero terms dropped.
    init(_ raw: [Term]) {
        var merged: [Term] = []
        for term in raw.sorted(by: { $0.rate < $1.rate }) where term.coefficient.isFinite && term.rate.isFinite {
            if let last = merged.last, last.rate == term.rate {
                merged[merged.count - 1].coefficient += term.coefficient
            } else {
                merged.append(term)
            }
        }
        terms = merged.filter { $0.coefficient != 0 }
    }

    /// Sign changes of the coefficients in rate order: the bound on the number of roots.
    var signChanges: Int {
        var changes = 0
        for k in terms.indices.dropFirst() where (terms[k].coefficient < 0) != (terms[k - 1].coefficient < 0) { changes += 1 }
        return changes
    }

    /// `e^(r_1 s) f(s)`: f's sign, computable where f underflows.
    func scaled(at s: Double) -> Double {
        guard let first = terms.first else { return 0 }
        var sum = 0.0
        for term in terms { sum += term.coefficient * exp(-(term.rate - first.rate) * s) }
        return sum
    }

    /// The roots in `(lo, hi)` where f changes sign, in increasing order, each to within 0.1 ms
    /// (s in seconds). A point where f is exactly 0 between two monotone pieces is returned too,
    /// sign change or not: an extra cut is harmless to `nextCrossing`, a missing one would not be.
    func signChangingRoots(in lo: Double, _ hi: Double) -> [Double] {
        guard signChanges > 0, lo < hi, let first = terms.first else { return [] }
        let slope = ExponentialSum(terms.dropFirst().map {
            Term(coefficient: -($0.rate - first.rate) * $0.coefficient, rate: $0.rate - first.rate)
        })
        let cuts = [lo] + slope.signChangingRoots(in: lo, hi) + [hi]
        var roots: [Double] = []
        var left = scaled(at: lo)
        for k in 1..<cuts.count {
            var a = cuts[k - 1]
            var b = cuts[k]
            let right = scaled(at: b)
            defer { left = right }
            if right == 0 && k < cuts.count - 1 {
                roots.append(b)
                continue
            }
            guard left != 0, right != 0, (left < 0) != (right < 0) else { continue }
            let negativeAtA = left < 0
            for _ in 0..<200 {
                let mid = a + (b - a) / 2
                guard b - a > 1e-4, mid > a, mid < b else { break }
                let value = scaled(at: mid)
                if value == 0 {
                    a = mid
                    b = mid
                    break
                }
                if (value < 0) == negativeAtA { a = mid } else { b = mid }
            }
            roots.append(a + (b - a) / 2)
        }
        return roots
    }
}
