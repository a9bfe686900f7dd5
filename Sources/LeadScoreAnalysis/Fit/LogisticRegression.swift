#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// L2-regularized logistic regression by Newton's method (iteratively reweighted least squares),
/// deterministic: the same rows in the same order give the same coefficients, bit for bit.
///
/// Columns are standardized before the fit (so one penalty suits counts and 0/1 rules alike) and
/// the coefficients returned in the columns' own units. Sign constraints are kept by an active
/// set: a coefficient that comes out with the forbidden sign is fixed at 0 and the rest refitted,
/// until none does. Columns that never vary are left out (coefficient 0, `supported` false).
struct LogisticRegression {
    struct Result {
        var intercept: Double
        /// Per column, in the column's own units.
        var coefficients: [Double]
        /// Per column: it varied in the data (so the data says something about it).
        var supported: [Bool]
        var iterations: Int
    }

    /// `sign[k]`: +1 the coefficient must be >= 0, -1 <= 0, 0 free.
    static func fit(rows: [Double], width: Int, labels: [Bool], sign: [Int], l2: Double,
                    maxIterations: Int = 100) -> Result {
        let n = labels.count
        var mean = [Double](repeating: 0, count: width)
        var scale = [Double](repeating: 0, count: width)
        for i in 0..<n { for k in 0..<width { mean[k] += rows[i * width + k] } }
        for k in 0..<width { mean[k] /= Double(max(1, n)) }
        for i in 0..<n {
            for k in 0..<width {
                let d = rows[i * width + k] - mean[k]
                scale[k] += d * d
            }
        }
        var supported = [Bool](repeating: false, count: width)
        for k in 0..<width {
            scale[k] = (scale[k] / Double(max(1, n))).squareRoot()
            supported[k] = scale[k] > 1e-12
        }
        var free = (0..<width).filter { supported[$0] }
        var beta = [Double](repeating: 0, count: width)
        var intercept = 0.0
        var iterations = 0
        while true {
            (intercept, beta, iterations) = newton(rows: rows, width: width, labels: labels, mean: mean, scale: scale,
                                                   free: free, l2: l2, maxIterations: maxIterations)
            let violating = free.filter { sign[$0] * (beta[$0] < 0 ? -1 : beta[$0] > 0 ? 1 : 0) < 0 }
            if violating.isEmpty { break }
            free.removeAll { violating.contains($0) }
        }
        // Back to the columns' own units: x_std = (x - mean) / scale.
        var coefficients = [Double](repeating: 0, count: width)
        var b0 = intercept
        for k in free {
            coefficients[k] = beta[k] / scale[k]
            b0 -= beta[k] * mean[k] / scale[k]
        }
        return Result(intercept: b0, coefficients: coefficients, supported: supported, iterations: iterations)
    }

    /// Newton iterations over the standardized free columns; returns the intercept and the
    /// standardized coefficients (0 outside `free`).
    private static func newton(rows: [Double], width: Int, labels: [Bool], mean: [Double], scale: [Double],
                               free: [Int], l2: Double, maxIterations: Int) -> (Double, [Double], Int) {
        let n = labels.count
        let m = free.count + 1  // intercept first
        var w = [Double](repeating: 0, count: m)
        var x = [Double](repeating: 0, count: m)
        var iterations = 0
        for iteration in 1...maxIterations {
            iterations = iteration
            var gradient = [Double](repeating: 0, count: m)
            var hessian = [Double](repeating: 0, count: m * m)
            for i in 0..<n {
                x[0] = 1
                for (j, k) in free.enumerated() { x[j + 1] = (rows[i * width + k] - mean[k]) / scale[k] }
                var z = 0.0
                for j in 0..<m { z += w[j] * x[j] }
                let p = 1 / (1 + exp(-z))
                let r = (labels[i] ? 1 : 0) - p
                let v = max(p * (1 - p), 1e-12)
                for a in 0..<m {
                    gradient[a] += r * x[a]
                    let va = v * x[a]
                    for b in a..<m { hessian[a * m + b] += va * x[b] }
                }
            }
            for a in 0..<m { for b in 0..<a { hessian[a * m + b] = hessian[b * m + a] } }
            for a in 1..<max(1, m) {
                gradient[a] -= l2 * w[a]
                hessian[a * m + a] += l2
            }
            guard let step = solve(hessian, gradient, m) else { break }
            var largest = 0.0
            for j in 0..<m {
                w[j] += step[j]
                largest = max(largest, abs(step[j]))
            }
            if largest < 1e-9 { break }
        }
        var beta = [Double](repeating: 0, count: width)
        for (j, k) in free.enumerated() { beta[k] = w[j + 1] }
        return (w[0], beta, iterations)
    }

    /// Solves A x = b for a symmetric positive definite A (Cholesky); nil when it is not.
    static func solve(_ a: [Double], _ b: [Double], _ m: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0...i {
                var sum = a[i * m + j]
                for k in 0..<j { sum -= l[i * m + k] * l[j * m + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * m + i] = sum.squareRoot()
                } else {
                    l[i * m + j] = sum / l[j * m + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: m)
        for i in 0..<m {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * m + k] * y[k] }
            y[i] = sum / l[i * m + i]
        }
        var x = [Double](repeating: 0, count: m)
        for i in stride(from: m - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<m { sum -= l[k * m + i] * x[k] }
            x[i] = sum / l[i * m + i]
        }
        return x
    }

    /// Platt scaling: probability = 1 / (1 + exp(-(a + b x))) fitted to one score column.
    static func platt(scores: [Double], labels: [Bool]) -> (a: Double, b: Double) {
        let r = fit(rows: scores, width: 1, labels: labels, sign: [1], l2: 1e-6)
        return (r.intercept, r.coefficients[0])
    }
}
