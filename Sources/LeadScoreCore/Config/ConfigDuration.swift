/// Parsing and printing of the configuration's durations (`21d`, `36h`, `90m`, `30s`, `1500ms`).
///
/// Durations are kept as whole milliseconds because event times have millisecond resolution;
/// a finer duration in a scoring model would be meaningless.
package enum ConfigDuration {
    /// Parses `<integer><unit>` with unit `d`, `h`, `m`, `s` or `ms`; a leading `-` is accepted so
    /// that validation can say "must be positive, got -3d" instead of "not a duration".
    package static func parse(_ text: String) -> Duration? {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        let units: [(String, Int64)] = [("ms", 1), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        for (suffix, factor) in units where digits.hasSuffix(suffix) {
            let number = digits.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int64(number) else { return nil }
            let (ms, overflow) = value.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            return .milliseconds(negative ? -ms : ms)
        }
        return nil
    }

    /// The longest duration any setting accepts: 100 years. Durations are added to event times,
    /// and an unbounded one would carry a due moment past the years RFC 3339 can write, or wrap
    /// it around (`106751991167d` is just under `Int64.max` milliseconds).
    package static let maximum: Duration = .seconds(36_500 * 86_400)

    /// The largest exact unit: `21d`, `36h`, `1500ms`.
    package static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        if ms == 0 { return "0s" }
        for (suffix, factor) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
            where ms % factor == 0 {
            return "\(ms / factor)\(suffix)"
        }
        return "\(ms)ms"
    }
}

extension Duration {
    /// Whole milliseconds (truncated toward zero); configuration durations are whole milliseconds.
    package var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000
    }
}
