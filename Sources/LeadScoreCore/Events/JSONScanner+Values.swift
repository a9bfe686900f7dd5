extension JSONScanner {
    /// The bytes of a scanned (hence already valid) string value, unescaped.
    package func string(_ v: Value) -> String {
        if !v.flag {
            return String(decoding: UnsafeBufferPointer(start: base + v.start, count: v.end &- v.start), as: UTF8.self)
        }
        return String(decoding: unescaped(v), as: UTF8.self)
    }

    /// Byte length of a string value after unescaping, without building it when it has no escapes.
    package func byteLength(_ v: Value) -> Int {
        v.flag ? unescaped(v).count : v.end &- v.start
    }

    /// Number of characters (Unicode scalars) of a string value once unescaped: its UTF-8 bytes
    /// that do not continue a sequence. What JSON Schema's `maxLength` counts.
    func characterCount(_ v: Value) -> Int {
        withBytes(v) { bytes in
            var n = 0
            for b in bytes where b & 0xC0 != 0x80 { n &+= 1 }
            return n
        }
    }

    /// Calls `body` with the unescaped UTF-8 bytes of a string value (no copy when it has no escapes).
    @inline(__always)
    package func withBytes<R>(_ v: Value, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if !v.flag {
            return body(UnsafeBufferPointer(start: base + v.start, count: v.end &- v.start))
        }
        let bytes = unescaped(v)
        return bytes.withUnsafeBufferPointer { body($0) }
    }

    /// Unescapes a string the scanner has validated, so every escape here is well-formed.
    func unescaped(_ v: Value) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(v.end &- v.start)
        var i = v.start
        while i < v.end {
            let c = base[i]
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i &+= 1
                continue
            }
            let e = base[i &+ 1]
            i &+= 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hexValue(at: i)
                i &+= 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let low = hexValue(at: i &+ 2)
                    i &+= 6
                    scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                }
                appendUTF8(scalar, to: &out)
            default: out.append(e) // \" \\ \/
            }
        }
        return out
    }

    private func hexValue(at i: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = base[i &+ k]
            let d: UInt32 = switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c &- UInt8(ascii: "a") &+ 10)
            default: UInt32(c &- UInt8(ascii: "A") &+ 10)
            }
            v = v << 4 | d
        }
        return v
    }

    private func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80:
            out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (s >> 6)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (s >> 12)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (s >> 18)))
            out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    /// True when a string value equals `literal` byte for byte (after unescaping).
    @inline(__always)
    package func equals(_ v: Value, _ literal: StaticString) -> Bool {
        withBytes(v) { bytes in
            let n = literal.utf8CodeUnitCount
            guard bytes.count == n else { return false }
            let l = literal.utf8Start
            for i in 0..<n where bytes[i] != l[i] { return false }
            return true
        }
    }

    /// The value of a scanned number, correctly rounded. Overflow gives an infinity, which the
    /// decoder rejects as non-finite.
    package func double(_ v: Value) -> Double {
        // Clinger's fast path: a mantissa below 2^53 and a power of ten up to 10^22 are both exact
        // doubles, so one IEEE division (or multiplication) is correctly rounded.
        var i = v.start
        var negative = false
        if base[i] == UInt8(ascii: "-") {
            negative = true
            i &+= 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var inFraction = false
        var fast = true
        while i < v.end {
            let c = base[i]
            if c == UInt8(ascii: ".") {
                inFraction = true
            } else if c &- UInt8(ascii: "0") < 10 {
                if digits >= 15 { fast = false; break }
                mantissa = mantissa &* 10 &+ UInt64(c &- UInt8(ascii: "0"))
                if mantissa != 0 { digits &+= 1 }
                if inFraction { fractionDigits &+= 1 }
            } else {
                fast = false // exponent
                break
            }
            i &+= 1
        }
        if fast && fractionDigits <= 22 {
            let magnitude = Double(mantissa) / JSONScanner.powerOfTen(fractionDigits)
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + v.start, count: v.end &- v.start), as: UTF8.self)
        // The scanner validated the JSON number grammar, which Swift's parser accepts; a nil here
        // would only mean a grammar mismatch, reported as NaN and then rejected as non-finite.
        return Double(text) ?? .nan
    }

    /// The value of a number literal without fraction or exponent, when it fits 18 digits.
    package func plainInteger(_ v: Value) -> Int? {
        guard !v.flag else { return nil }
        var i = v.start
        var negative = false
        if base[i] == UInt8(ascii: "-") {
            negative = true
            i &+= 1
        }
        guard v.end &- i <= 18 else { return nil }
        var n = 0
        while i < v.end {
            n = n &* 10 &+ Int(base[i] &- UInt8(ascii: "0"))
            i &+= 1
        }
        return negative ? -n : n
    }

    static func powerOfTen(_ n: Int) -> Double {
        switch n {
        case 0: 1
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }
}
