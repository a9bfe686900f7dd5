/// A single-pass, validating JSON byte scanner specialised for flat event objects.
///
/// It never builds a generic JSON tree: the decoder asks it for the next key and the extent of the
/// next value, and turns only the values it needs into Swift values. Everything it skips is still
/// fully validated (grammar, UTF-8, escapes, nesting depth), so an event with a malformed unknown
/// field is rejected just like one with a malformed known field.
///
/// The scanner works on borrowed memory: it must not outlive the buffer it was created over.
package struct JSONScanner {
    /// The kind of a scanned value.
    package enum Kind: UInt8 {
        case string, number, bool, null, object, array
    }

    /// Where a value is and what it is. For strings `start..<end` is the content between the quotes;
    /// for everything else the whole value.
    package struct Value {
        package var kind: Kind
        package var start: Int
        package var end: Int
        /// Strings: contains at least one escape. Numbers: has a fraction or exponent.
        /// Booleans: the value.
        package var flag: Bool
    }

    package let base: UnsafePointer<UInt8>
    package let count: Int
    package var pos: Int
    let maxDepth: Int

    package init(base: UnsafePointer<UInt8>, count: Int, start: Int = 0, maxDepth: Int) {
        self.base = base
        self.count = count
        self.pos = start
        self.maxDepth = maxDepth
    }

    @inline(__always)
    func syntax(_ message: String, at offset: Int? = nil) -> EventDecodingError {
        EventDecodingError(code: .syntax, message: message, offset: offset ?? pos)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < count {
            let c = base[pos]
            // space, \t, \n, \r
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                pos &+= 1
            } else {
                return
            }
        }
    }

    /// The byte at `pos` after whitespace, or nil at the end.
    @inline(__always)
    package mutating func peek() -> UInt8? {
        skipWhitespace()
        return pos < count ? base[pos] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws(EventDecodingError) {
        skipWhitespace()
        guard pos < count else { throw syntax("unexpected end of input, expected \(what)") }
        guard base[pos] == byte else { throw syntax("expected \(what), found \(describe(base[pos]))") }
        pos &+= 1
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16)
    }

    // MARK: Objects

    /// Consumes `{` and reports whether the object is empty (then `}` is consumed as well).
    package mutating func beginObject() throws(EventDecodingError) -> Bool {
        try expect(UInt8(ascii: "{"), "'{'")
        if peek() == UInt8(ascii: "}") {
            pos &+= 1
            return true
        }
        return false
    }

    /// Reads `"key" :` and returns the key's content range and whether it has escapes.
    @inline(__always)
    package mutating func readKey() throws(EventDecodingError) -> Value {
        skipWhitespace()
        guard pos < count, base[pos] == UInt8(ascii: "\"") else {
            throw pos < count ? syntax("expected a string key, found \(describe(base[pos]))")
                : syntax("unexpected end of input, expected an object key")
        }
        let key = try scanString()
        try expect(UInt8(ascii: ":"), "':' after an object key")
        return key
    }

    /// After a member: consumes `,` (returns true: another member follows) or `}` (returns false).
    @inline(__always)
    package mutating func nextMember() throws(EventDecodingError) -> Bool {
        skipWhitespace()
        guard pos < count else { throw syntax("unexpected end of input, expected ',' or '}'") }
        let c = base[pos]
        pos &+= 1
        if c == UInt8(ascii: ",") { return true }
        if c == UInt8(ascii: "}") { return false }
        pos &-= 1
        throw syntax("expected ',' or '}' after an object member, found \(describe(c))")
    }

    /// Consumes `[` and reports whether the array is empty (then `]` is consumed as well).
    package mutating func beginArray() throws(EventDecodingError) -> Bool {
        try expect(UInt8(ascii: "["), "'['")
        if peek() == UInt8(ascii: "]") {
            pos &+= 1
            return true
        }
        return false
    }

    /// After an element: consumes `,` (returns true) or `]` (returns false).
    package mutating func nextElement() throws(EventDecodingError) -> Bool {
        skipWhitespace()
        guard pos < count else { throw syntax("unexpected end of input, expected ',' or ']'") }
        let c = base[pos]
        pos &+= 1
        if c == UInt8(ascii: ",") { return true }
        if c == UInt8(ascii: "]") { return false }
        pos &-= 1
        throw syntax("expected ',' or ']' after an array element, found \(describe(c))")
    }

    /// Fails unless only whitespace remains.
    package mutating func expectEnd() throws(EventDecodingError) {
        skipWhitespace()
        if pos < count { throw syntax("unexpected \(describe(base[pos])) after the end of the event object") }
    }

    // MARK: Values

    /// Scans one value at `depth` (the depth of the container holding it; the top-level object is
    /// depth 1, so its members' objects are depth 2).
    package mutating func scanValue(depth: Int) throws(EventDecodingError) -> Value {
        skipWhitespace()
        guard pos < count else { throw syntax("unexpected end of input, expected a value") }
        let c = base[pos]
        switch c {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanNumber()
        case UInt8(ascii: "t"):
            try literal("true")
            return Value(kind: .bool, start: pos &- 4, end: pos, flag: true)
        case UInt8(ascii: "f"):
            try literal("false")
            return Value(kind: .bool, start: pos &- 5, end: pos, flag: false)
        case UInt8(ascii: "n"):
            try literal("null")
            return Value(kind: .null, start: pos &- 4, end: pos, flag: false)
        case UInt8(ascii: "{"):
            let start = pos
            guard depth < maxDepth else {
                throw EventDecodingError(code: .tooDeep, message: "objects and arrays nest deeper than \(maxDepth) levels", offset: pos)
            }
            if try !beginObject() {
                repeat {
                    _ = try readKey()
                    _ = try scanValue(depth: depth &+ 1)
                } while try nextMember()
            }
            return Value(kind: .object, start: start, end: pos, flag: false)
        case UInt8(ascii: "["):
            let start = pos
            guard depth < maxDepth else {
                throw EventDecodingError(code: .tooDeep, message: "objects and arrays nest deeper than \(maxDepth) levels", offset: pos)
            }
            if try !beginArray() {
                repeat {
                    _ = try scanValue(depth: depth &+ 1)
                } while try nextElement()
            }
            return Value(kind: .array, start: start, end: pos, flag: false)
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw syntax("NaN and Infinity are not JSON values")
        default:
            throw syntax("expected a value, found \(describe(c))")
        }
    }

    /// Moves past one value without validating what it passes over: a string to its closing
    /// quote (escapes stepped over, UTF-8 not checked), an object or array to its matching
    /// bracket (strings inside taken whole, nesting bounded by `maxDepth`), a number or literal to
    /// the next delimiter. For records this program wrote itself, whose other fields a reader
    /// ignores (the routing records' candidate lists): about a third of `scanValue`'s work.
    /// Throws only on what would leave the position undefined: the input ending inside the
    /// value, a closing bracket with none open, nesting past `maxDepth`.
    package mutating func skipValue() throws(EventDecodingError) {
        skipWhitespace()
        guard pos < count else { throw syntax("unexpected end of input, expected a value") }
        var depth = 0
        repeat {
            guard pos < count else { throw syntax("unexpected end of input inside a value") }
            switch base[pos] {
            case UInt8(ascii: "\""):
                let start = pos
                pos &+= 1
                while true {
                    skipWords(flagging: Self.quotesAndBackslashes)
                    guard pos < count else { throw syntax("unterminated string", at: start) }
                    let c = base[pos]
                    if c == UInt8(ascii: "\"") { break }
                    pos &+= c == UInt8(ascii: "\\") ? 2 : 1
                }
                pos &+= 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth &+= 1
                guard depth <= maxDepth else {
                    throw EventDecodingError(code: .tooDeep, message: "objects and arrays nest deeper than \(maxDepth) levels", offset: pos)
                }
                pos &+= 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { throw syntax("expected a value, found \(describe(base[pos]))") }
                depth &-= 1
                pos &+= 1
            default:
                // A number, a literal, or (inside an object or array) punctuation and whitespace.
                if depth == 0 {
                    while pos < count {
                        let c = base[pos]
                        if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]")
                            || c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { break }
                        pos &+= 1
                    }
                } else {
                    pos &+= 1
                }
            }
        } while depth > 0
    }

    mutating func literal(_ word: StaticString) throws(EventDecodingError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        guard count &- pos >= n else { throw syntax("expected '\(word)'") }
        var i = 0
        while i < n {
            guard base[pos &+ i] == w[i] else { throw syntax("expected '\(word)'") }
            i &+= 1
        }
        pos &+= n
    }

    /// Scans a number per the JSON grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func scanNumber() throws(EventDecodingError) -> Value {
        let start = pos
        var fractional = false
        if base[pos] == UInt8(ascii: "-") { pos &+= 1 }
        guard pos < count, isDigit(base[pos]) else { throw syntax("expected a digit in a number") }
        if base[pos] == UInt8(ascii: "0") {
            pos &+= 1
            if pos < count, isDigit(base[pos]) { throw syntax("numbers must not have leading zeros") }
        } else {
            while pos < count, isDigit(base[pos]) { pos &+= 1 }
        }
        if pos < count, base[pos] == UInt8(ascii: ".") {
            fractional = true
            pos &+= 1
            guard pos < count, isDigit(base[pos]) else { throw syntax("expected a digit after the decimal point") }
            while pos < count, isDigit(base[pos]) { pos &+= 1 }
        }
        if pos < count, base[pos] | 0x20 == UInt8(ascii: "e") {
            fractional = true
            pos &+= 1
            if pos < count, base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") { pos &+= 1 }
            guard pos < count, isDigit(base[pos]) else { throw syntax("expected a digit in the exponent") }
            while pos < count, isDigit(base[pos]) { pos &+= 1 }
        }
        return Value(kind: .number, start: start, end: pos, flag: fractional)
    }

    @inline(__always)
    func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// Scans a string starting at its opening quote, validating UTF-8 and escapes.
    @inline(__always)
    mutating func scanString() throws(EventDecodingError) -> Value {
        pos &+= 1 // opening quote
        let start = pos
        var escaped = false
        while pos < count {
            // Eight plain bytes at a time, up to the first byte that needs a look of its own.
            skipWords(flagging: Self.stringSpecials)
            guard pos < count else { break }
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                let end = pos
                pos &+= 1
                return Value(kind: .string, start: start, end: end, flag: escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                try scanEscape()
            } else if c < 0x20 {
                throw EventDecodingError(code: .invalidString, message: "raw control character 0x\(String(c, radix: 16)) in a string (must be escaped)", offset: pos)
            } else if c < 0x80 {
                pos &+= 1
            } else {
                try scanUTF8Sequence(lead: c)
            }
        }
        throw syntax("unterminated string", at: start &- 1)
    }

    // MARK: Eight bytes at a time

    /// Moves past whole words of eight bytes in which `special` flags no byte, then to the first
    /// flagged byte of the word that has one; stops short of the last seven bytes of the input
    /// (the caller goes on byte by byte).
    @inline(__always)
    mutating func skipWords(flagging special: (UInt64) -> UInt64) {
        while pos &+ 8 <= count {
            let flagged = special(Self.word(base + pos))
            if flagged != 0 {
                pos &+= flagged.trailingZeroBitCount &>> 3
                return
            }
            pos &+= 8
        }
    }

    /// Eight bytes at `p`, the first in the lowest bits (on any byte order).
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of every byte of `w` that is zero. Exact up to the lowest such byte (a borrow
    /// can only flag bytes above a zero byte), which is all `trailingZeroBitCount` reads.
    @inline(__always)
    static func zeroBytes(_ w: UInt64) -> UInt64 { (w &- ones) & ~w & highBits }

    /// Flags the bytes of `w` a string scan must look at one by one: `"`, `\`, control bytes
    /// (below 0x20) and every byte of a multi-byte UTF-8 sequence (0x80 and above). Exact up to
    /// the lowest flagged byte.
    @inline(__always)
    static func stringSpecials(_ w: UInt64) -> UInt64 {
        zeroBytes(w ^ (ones &* 0x22)) | zeroBytes(w ^ (ones &* 0x5C)) | ((w &- ones &* 0x20) & ~w & highBits) | (w & highBits)
    }

    /// Flags the `"` and `\` bytes of `w`; exact up to the lowest flagged byte.
    @inline(__always)
    static func quotesAndBackslashes(_ w: UInt64) -> UInt64 {
        zeroBytes(w ^ (ones &* 0x22)) | zeroBytes(w ^ (ones &* 0x5C))
    }

    mutating func scanEscape() throws(EventDecodingError) {
        let at = pos
        guard pos &+ 1 < count else { throw syntax("unterminated string") }
        switch base[pos &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            pos &+= 2
        case UInt8(ascii: "u"):
            pos &+= 2
            let unit = try hex4()
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate must be followed by an escaped low surrogate.
                guard count &- pos >= 6, base[pos] == UInt8(ascii: "\\"), base[pos &+ 1] == UInt8(ascii: "u") else {
                    throw EventDecodingError(code: .invalidString, message: "unpaired UTF-16 surrogate in \\u escape", offset: at)
                }
                pos &+= 2
                let low = try hex4()
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw EventDecodingError(code: .invalidString, message: "unpaired UTF-16 surrogate in \\u escape", offset: at)
                }
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw EventDecodingError(code: .invalidString, message: "unpaired UTF-16 surrogate in \\u escape", offset: at)
            }
        default:
            throw EventDecodingError(code: .invalidString, message: "invalid escape \\\(describe(base[pos &+ 1]))", offset: at)
        }
    }

    mutating func hex4() throws(EventDecodingError) -> UInt32 {
        guard count &- pos >= 4 else {
            throw EventDecodingError(code: .invalidString, message: "\\u escape needs four hex digits", offset: pos)
        }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c &- UInt8(ascii: "a") &+ 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c &- UInt8(ascii: "A") &+ 10)
            default:
                throw EventDecodingError(code: .invalidString, message: "\\u escape needs four hex digits", offset: pos)
            }
            v = v << 4 | d
            pos &+= 1
        }
        return v
    }

    /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
    mutating func scanUTF8Sequence(lead: UInt8) throws(EventDecodingError) {
        let at = pos
        var need: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default:
            throw EventDecodingError(code: .invalidString, message: "invalid UTF-8 in a string", offset: at)
        }
        pos &+= 1
        guard count &- pos >= need else {
            throw EventDecodingError(code: .invalidString, message: "truncated UTF-8 sequence in a string", offset: at)
        }
        let first = base[pos]
        guard first >= lo && first <= hi else {
            throw EventDecodingError(code: .invalidString, message: "invalid UTF-8 in a string", offset: at)
        }
        pos &+= 1
        need &-= 1
        while need > 0 {
            guard base[pos] & 0xC0 == 0x80 else {
                throw EventDecodingError(code: .invalidString, message: "invalid UTF-8 in a string", offset: at)
            }
            pos &+= 1
            need &-= 1
        }
    }
}
