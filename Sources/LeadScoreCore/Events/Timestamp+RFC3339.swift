extension Timestamp {
    /// Formats as RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` before the `Z` when the
    /// milliseconds are not zero.
    public var rfc3339: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 form (see `rfc3339`) to a byte buffer, for allocation-free JSON output.
    public func appendRFC3339(to out: inout [UInt8]) {
        let ms = millisecondsSinceEpoch
        let (days, msOfDay) = ms.floorDividedAndModulo(86_400_000)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let secondsOfDay = msOfDay / 1000
        let millis = Int(msOfDay % 1000)
        func put(_ value: Int, width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var v = value
            var i = width - 1
            while i >= 0 {
                digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                i -= 1
            }
            out.append(contentsOf: digits)
        }
        if y < 0 || y > 9999 {
            // Outside RFC 3339's four-digit years: still print something unambiguous.
            out.append(contentsOf: Array(String(y).utf8))
        } else {
            put(Int(y), width: 4)
        }
        out.append(UInt8(ascii: "-")); put(m, width: 2)
        out.append(UInt8(ascii: "-")); put(d, width: 2)
        out.append(UInt8(ascii: "T")); put(Int(secondsOfDay / 3600), width: 2)
        out.append(UInt8(ascii: ":")); put(Int(secondsOfDay / 60 % 60), width: 2)
        out.append(UInt8(ascii: ":")); put(Int(secondsOfDay % 60), width: 2)
        if millis != 0 {
            out.append(UInt8(ascii: ".")); put(millis, width: 3)
        }
        out.append(UInt8(ascii: "Z"))
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    @usableFromInline
    static func days(fromCivilYear y0: Int64, month m: Int, day d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((m + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    @usableFromInline
    static func civil(fromDays z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

extension Int64 {
    /// Floor division and the matching non-negative remainder.
    @usableFromInline
    func floorDividedAndModulo(_ divisor: Int64) -> (Int64, Int64) {
        var q = self / divisor
        var r = self % divisor
        if r < 0 {
            q -= 1
            r += divisor
        }
        return (q, r)
    }
}
