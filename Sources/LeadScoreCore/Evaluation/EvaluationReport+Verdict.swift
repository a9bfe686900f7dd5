extension EvaluationReport {
    /// The short answers as sentences, the same in the text, JSON and HTML renderings:
    /// `A > B > C: yes (...)`, whether model routing beats the holdout, and the drift reading.
    public var verdictLines: [String] {
        var lines: [String] = []
        let rates = buckets.prefix(3).map { "\($0.bucket.name) \(Self.percent($0.rate))" }.joined(separator: ", ")
        switch verdict.ordered {
        case true?: lines.append("A > B > C: yes (\(rates))")
        case false?: lines.append("A > B > C: no (\(rates))")
        case nil:
            let why = population.conversions == 0 ? "no conversions among the evaluated leads"
                : "no evaluated leads in " + buckets.prefix(3).filter { $0.leads == 0 }.map(\.bucket.name).joined(separator: ", ")
            lines.append("A > B > C: n/a (\(why))")
        }
        if let d = uplift.overall.difference {
            let detail = "\(Self.points(d.difference)) pts, 95% CI \(Self.points(d.lower)) to \(Self.points(d.upper))"
            switch verdict.upliftPositive {
            case true?: lines.append("model routing beats the holdout: yes (\(detail))")
            case false?: lines.append("model routing beats the holdout: no, it does worse (\(detail))")
            case nil: lines.append("model routing beats the holdout: inconclusive (\(detail); the interval includes 0)")
            }
        } else {
            let missing = uplift.overall.holdout.leads == 0 ? "no holdout leads routed to reps" : "no model-routed leads"
            lines.append("model routing beats the holdout: not measurable (\(missing))")
        }
        if let psi = drift.bucketPSI {
            let against = drift.mode == .baseline ? "against the baseline" : "second half against first half"
            var line = "bucket mix drift (\(against)): PSI \(Self.fixed(psi, 3)), \(Statistics.stabilityReading(psi))"
            if let s = drift.scorePSI { line += "; score PSI \(Self.fixed(s, 3)), \(Statistics.stabilityReading(s))" }
            lines.append(line)
        } else {
            lines.append("bucket mix drift: not measurable (a population is empty)")
        }
        return lines
    }

    /// `12.3%`, or `-` for nil.
    public static func percent(_ rate: Double?, decimals: Int = 1) -> String {
        guard let rate else { return "-" }
        return fixed(rate * 100, decimals) + "%"
    }

    /// A difference of rates in percentage points with its sign: `+3.2`, `-0.5`.
    public static func points(_ difference: Double, decimals: Int = 1) -> String {
        let text = fixed(difference * 100, decimals)
        return text.hasPrefix("-") ? text : "+" + text
    }

    /// `value` rounded half away from zero to `decimals` places, trailing zeros kept (`4.50`);
    /// the same text on every platform (no printf). `-` for a non-finite value.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
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
