/// How the reports and the daemon's pages print a number (`12.3%`, `+3.2`, `4.50`), in one place
/// so the evaluation report, the replay report and the live dashboard agree to the digit, and the
/// same on every platform (no printf, no locale).
package enum NumberText {
    /// `12.3%`, or `-` for nil.
    package static func percent(_ rate: Double?, decimals: Int = 1) -> String {
        guard let rate else { return "-" }
        return fixed(rate * 100, decimals) + "%"
    }

    /// A difference of rates in percentage points with its sign: `+3.2`, `-0.5`.
    package static func points(_ difference: Double, decimals: Int = 1) -> String {
        let text = fixed(difference * 100, decimals)
        return text.hasPrefix("-") ? text : "+" + text
    }

    /// `value` rounded half away from zero to `decimals` places, trailing zeros kept (`4.50`);
    /// the same text on every platform (no printf). `-` for a non-finite value.
    package static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        let places = max(0, min(9, decimals))
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9.0e18 else { return "-" }
        let units = Int64(scaled)
        let sign = units < 0 ? "-" : ""
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(scale)
        guard places > 0 else { return sign + String(whole) }
        let fraction = String(magnitude % UInt64(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
