extension Timestamp {
    /// Parses a strict RFC 3339 date-time: `YYYY-MM-DD`, `T` (or `t`), `HH:MM:SS`, an optional
    /// fraction, and `Z` (or `z`) or a `±HH:MM` offset. Milliseconds are kept; finer digits are
    /// truncated. Leap seconds (`:60`) are rejected: event time has no representation for them.
    ///
    /// - Throws: `EventDecodingError` with code `invalidTimestamp` saying which part is wrong.
    public init(rfc3339 text: some StringProtocol) throws(EventDecodingError) {
        var copy = String(text)
        let result: Result<Timestamp, TimestampSyntaxError> = copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return .failure(TimestampSyntaxError(reason: "empty string")) }
            return Result { () throws(TimestampSyntaxError) in try Timestamp.parseRFC3339(base, count: buffer.count) }
        }
        switch result {
        case .success(let t): self = t
        case .failure(let e):
            throw EventDecodingError(code: .invalidTimestamp, message: "\(e.reason) in \"\(text)\"; expected RFC 3339 like 2026-11-24T10:15:00Z")
        }
    }

    /// Parses `count` bytes at `p` as RFC 3339 (see `init(rfc3339:)`).
    package static func parseRFC3339(_ p: UnsafePointer<UInt8>, count n: Int) throws(TimestampSyntaxError) -> Timestamp {
        @inline(__always) func digit(_ i: Int) -> Int? {
            guard i < n else { return nil }
            let d = p[i] &- UInt8(ascii: "0")
            return d < 10 ? Int(d) : nil
        }
        @inline(__always) func number(_ i: Int, _ width: Int) -> Int? {
            var v = 0
            for k in 0..<width {
                guard let d = digit(i &+ k) else { return nil }
                v = v &* 10 &+ d
            }
            return v
        }
        @inline(__always) func byte(_ i: Int, _ c: UInt8) -> Bool { i < n && p[i] == c }

        guard let year = number(0, 4) else { throw TimestampSyntaxError(reason: "expected a four-digit year") }
        guard byte(4, UInt8(ascii: "-")), let month = number(5, 2) else { throw TimestampSyntaxError(reason: "expected -MM month") }
        guard byte(7, UInt8(ascii: "-")), let day = number(8, 2) else { throw TimestampSyntaxError(reason: "expected -DD day") }
        guard (1...12).contains(month) else { throw TimestampSyntaxError(reason: "month \(month) is not in 1...12") }
        guard day >= 1 && day <= Timestamp.daysIn(month: month, year: year) else {
            throw TimestampSyntaxError(reason: "day \(day) does not exist in month \(month) of \(year)")
        }
        guard n > 10, p[10] | 0x20 == UInt8(ascii: "t") else { throw TimestampSyntaxError(reason: "expected 'T' between date and time") }
        guard let hour = number(11, 2), byte(13, UInt8(ascii: ":")), let minute = number(14, 2),
              byte(16, UInt8(ascii: ":")), let second = number(17, 2) else {
            throw TimestampSyntaxError(reason: "expected HH:MM:SS time with seconds")
        }
        guard hour < 24, minute < 60 else { throw TimestampSyntaxError(reason: "time \(hour):\(minute) is out of range") }
        guard second < 60 else { throw TimestampSyntaxError(reason: "second \(second) is out of range (leap seconds are not supported)") }
        var i = 19
        var millis = 0
        if byte(i, UInt8(ascii: ".")) {
            i &+= 1
            var fractionDigits = 0
            while let d = digit(i) {
                if fractionDigits < 3 { millis = millis &* 10 &+ d }
                fractionDigits &+= 1
                i &+= 1
            }
            guard fractionDigits > 0 else { throw TimestampSyntaxError(reason: "expected digits after '.'") }
            if fractionDigits == 1 { millis &*= 100 } else if fractionDigits == 2 { millis &*= 10 }
        }
        var offsetMinutes = 0
        guard i < n else { throw TimestampSyntaxError(reason: "expected a zone, 'Z' or ±HH:MM") }
        let zone = p[i]
        if zone | 0x20 == UInt8(ascii: "z") {
            i &+= 1
        } else if zone == UInt8(ascii: "+") || zone == UInt8(ascii: "-") {
            guard let oh = number(i &+ 1, 2), byte(i &+ 3, UInt8(ascii: ":")), let om = number(i &+ 4, 2) else {
                throw TimestampSyntaxError(reason: "expected a ±HH:MM zone offset")
            }
            guard oh < 24, om < 60 else { throw TimestampSyntaxError(reason: "zone offset out of range") }
            offsetMinutes = (oh &* 60 &+ om) * (zone == UInt8(ascii: "-") ? -1 : 1)
            i &+= 6
        } else {
            throw TimestampSyntaxError(reason: "expected a zone, 'Z' or ±HH:MM")
        }
        guard i == n else { throw TimestampSyntaxError(reason: "unexpected characters after the zone") }
        let days = Timestamp.days(fromCivilYear: Int64(year), month: month, day: day)
        let seconds = days &* 86_400 &+ Int64(hour &* 3600 &+ minute &* 60 &+ second) &- Int64(offsetMinutes &* 60)
        return Timestamp(millisecondsSinceEpoch: seconds &* 1000 &+ Int64(millis))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Why a byte string is not an RFC 3339 time; turned into an `EventDecodingError` by the caller,
/// which knows the field.
package struct TimestampSyntaxError: Error {
    var reason: String
}
