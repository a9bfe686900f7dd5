#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few statistics the evaluation and the drift gauge share, as pure functions so the report,
/// the daemon and the tests compute them the same way.
public enum Statistics {
    /// The two-sided 95% normal quantile.
    public static let z95 = 1.959963984540054

    /// A proportion `successes / trials` (nil when there are no trials).
    public static func rate(_ successes: Int, _ trials: Int) -> Double? {
        trials > 0 ? Double(successes) / Double(trials) : nil
    }

    /// The difference of two proportions `a - b` with its 95% confidence interval (Wald,
    /// unpooled: `z * sqrt(pa(1-pa)/na + pb(1-pb)/nb)`), the usual reading for an A/B uplift.
    public struct ProportionDifference: Sendable, Equatable {
        /// `rate(a) - rate(b)`.
        public var difference: Double
        /// Lower end of the 95% interval.
        public var lower: Double
        /// Upper end of the 95% interval.
        public var upper: Double
        /// Standard error of the difference.
        public var standardError: Double

        /// True when the interval excludes zero.
        public var isSignificant: Bool { lower > 0 || upper < 0 }
    }

    /// `a - b` for `a = successesA / trialsA`, `b = successesB / trialsB`; nil when either side
    /// has no trials.
    public static func proportionDifference(successesA: Int, trialsA: Int, successesB: Int, trialsB: Int) -> ProportionDifference? {
        guard let pa = rate(successesA, trialsA), let pb = rate(successesB, trialsB) else { return nil }
        let se = (pa * (1 - pa) / Double(trialsA) + pb * (1 - pb) / Double(trialsB)).squareRoot()
        let d = pa - pb
        return ProportionDifference(difference: d, lower: d - z95 * se, upper: d + z95 * se, standardError: se)
    }

    /// Share given to an empty bin in `populationStability`, so a bin that appears or vanishes
    /// counts heavily instead of dividing by zero.
    public static let emptyBinShare = 0.0001

    /// The population stability index of `actual` against `expected`, two histograms over the same
    /// bins (counts or shares): `sum((a_i - e_i) * ln(a_i / e_i))` over shares, empty bins at
    /// `emptyBinShare`. Below 0.1: stable; 0.1-0.25: some shift; above 0.25: a major shift.
    /// Nil when either histogram is empty or the bins differ in number.
    public static func populationStability(expected: [Double], actual: [Double]) -> Double? {
        guard expected.count == actual.count, !expected.isEmpty else { return nil }
        let te = expected.reduce(0, +)
        let ta = actual.reduce(0, +)
        guard te > 0, ta > 0 else { return nil }
        var psi = 0.0
        for i in expected.indices {
            let e = max(expected[i] / te, emptyBinShare)
            let a = max(actual[i] / ta, emptyBinShare)
            psi += (a - e) * log(a / e)
        }
        return psi
    }

    /// The reading of a PSI value.
    public static func stabilityReading(_ psi: Double) -> String {
        psi < 0.1 ? "stable" : psi < 0.25 ? "moderate shift" : "major shift"
    }
}
