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
    ///
    /// The text is laid out in a fixed buffer on the stack and appended in one go: every output
    /// carries one to three timestamps, and an array per field (or an append per byte) was the
    /// largest single cost of rendering them.
    public func appendRFC3339(to out: inout [UInt8]) {
        // 40 bytes at most (`maxRFC3339Bytes`).
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { buffer in
            let count = layOutRFC3339(at: 0, in: buffer)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// The most bytes `layOutRFC3339` writes: a year of up to 20 characters, then 20.
    static let maxRFC3339Bytes = 40

    /// Writes the RFC 3339 form (see `rfc3339`) at `start` (room for `maxRFC3339Bytes` needed);
    /// returns the end. For writers that lay a whole value out in place (`JSONWriter`).
    func layOutRFC3339(at start: Int, in buffer: UnsafeMutableRawBufferPointer) -> Int {
        let (days, msOfDay) = millisecondsSinceEpoch.floorDividedAndModulo(86_400_000)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        var i = start
        if y >= 0 && y <= 9999 {
            Timestamp.putDigits(Int(y), width: 4, at: i, in: buffer)
            i += 4
        } else {
            // Outside RFC 3339's four-digit years: still print something unambiguous (the year's
            // decimal text, signed, as the JSON writer writes any integer).
            i = JSONWriter.layOutDecimal(y, at: i, in: buffer)
        }
        return Timestamp.layOutTail(month: m, day: d, msOfDay: msOfDay, at: i, in: buffer)
    }

    /// Writes `-MM-DDTHH:MM:SS[.mmm]Z` at `start` (at most 20 bytes); returns the end.
    @inline(__always)
    private static func layOutTail(month m: Int, day d: Int, msOfDay: Int64, at start: Int,
                                   in buffer: UnsafeMutableRawBufferPointer) -> Int {
        let secondsOfDay = Int(msOfDay / 1000)
        let millis = Int(msOfDay % 1000)
        var i = start
        buffer[i] = UInt8(ascii: "-"); putDigits(m, width: 2, at: i + 1, in: buffer); i += 3
        buffer[i] = UInt8(ascii: "-"); putDigits(d, width: 2, at: i + 1, in: buffer); i += 3
        buffer[i] = UInt8(ascii: "T"); putDigits(secondsOfDay / 3600, width: 2, at: i + 1, in: buffer); i += 3
        buffer[i] = UInt8(ascii: ":"); putDigits(secondsOfDay / 60 % 60, width: 2, at: i + 1, in: buffer); i += 3
        buffer[i] = UInt8(ascii: ":"); putDigits(secondsOfDay % 60, width: 2, at: i + 1, in: buffer); i += 3
        if millis != 0 {
            buffer[i] = UInt8(ascii: "."); putDigits(millis, width: 3, at: i + 1, in: buffer); i += 4
        }
        buffer[i] = UInt8(ascii: "Z")
        return i + 1
    }

    /// The last `width` decimal digits of a non-negative `value`, zero padded, at `start`.
    @inline(__always)
    private static func putDigits(_ value: Int, width: Int, at start: Int, in buffer: UnsafeMutableRawBufferPointer) {
        var v = value
        var i = start + width - 1
        while i >= start {
            buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
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
