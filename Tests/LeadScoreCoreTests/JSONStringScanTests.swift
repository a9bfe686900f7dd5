import Testing
@testable import LeadScoreCore

/// Strings are scanned eight bytes at a time up to the first byte that needs a look of its own;
/// every such byte, at every position inside and across those eight-byte words, must be seen.
@Suite("JSON scanner: strings scanned eight bytes at a time")
struct JSONStringScanTests {
    /// What a scan of `"` + bytes + `"` must give: the content's end, or an error code.
    enum Expected: Equatable {
        case end(Int, escaped: Bool)
        case error(EventDecodingError.Code)
    }

    /// Each special byte sequence, and what a string holding it is.
    static let specials: [(name: String, bytes: [UInt8], valid: Bool, escaped: Bool)] = [
        ("escaped quote", Array(#"\""#.utf8), true, true),
        ("escaped backslash", Array(#"\\"#.utf8), true, true),
        ("\\u escape", Array(#"\u00e9"#.utf8), true, true),
        ("two-byte UTF-8", [0xC3, 0xA9], true, false),
        ("three-byte UTF-8", [0xE6, 0x97, 0xA5], true, false),
        ("four-byte UTF-8", [0xF0, 0x9F, 0x98, 0x80], true, false),
        ("DEL (allowed)", [0x7F], true, false),
        ("space (allowed)", [0x20], true, false),
        ("control 0x1F", [0x1F], false, false),
        ("control 0x00", [0x00], false, false),
        ("tab", [0x09], false, false),
        ("invalid lead byte", [0xFF], false, false),
        ("lone continuation byte", [0x80], false, false),
        ("overlong", [0xC0, 0xAF], false, false),
        ("surrogate", [0xED, 0xA0, 0x80], false, false),
        ("invalid escape", Array(#"\x"#.utf8), false, true),
    ]

    @Test("a special byte at every position of a 24-byte string: found, same as a byte-by-byte scan")
    func everyPosition() throws {
        for special in Self.specials {
            for at in 0...24 {
                let content = Array(repeating: UInt8(ascii: "a"), count: at) + special.bytes
                    + Array(repeating: UInt8(ascii: "b"), count: 24 - at)
                let expected: Expected = special.valid ? .end(1 + content.count, escaped: special.escaped) : .error(.invalidString)
                let got = try Self.scan([UInt8(ascii: "\"")] + content + [UInt8(ascii: "\""), UInt8(ascii: ",")])
                #expect(got == expected, "\(special.name) at \(at)")
                // The error is reported at the special byte itself (after the opening quote and `at` bytes).
                if !special.valid, case .error = got {
                    #expect(try Self.errorOffset([UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]) == 1 + at, "\(special.name) at \(at)")
                }
            }
        }
    }

    @Test("the closing quote at every position, including the last byte of the input")
    func closingQuote() throws {
        for length in 0...24 {
            let content = Array(repeating: UInt8(ascii: "x"), count: length)
            #expect(try Self.scan([UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]) == .end(1 + length, escaped: false))
            // No closing quote: unterminated, whatever the length.
            #expect(try Self.scan([UInt8(ascii: "\"")] + content) == .error(.syntax))
        }
    }

    @Test("skipValue steps over escaped quotes at every position and stops at the closing one")
    func skipAtEveryPosition() throws {
        for at in 0...24 {
            let content = Array(repeating: UInt8(ascii: "a"), count: at) + Array(#"\"\\"#.utf8) + Array(repeating: UInt8(ascii: "b"), count: 24 - at)
            let bytes = [UInt8(ascii: "\"")] + content + Array(#"","#.utf8)
            try bytes.withUnsafeBufferPointer { buffer in
                var s = JSONScanner(base: try #require(buffer.baseAddress), count: buffer.count, maxDepth: 4)
                try s.skipValue()
                #expect(s.pos == content.count + 2, "escapes at \(at)")
            }
        }
    }

    @Test("the word helpers flag exactly the lowest special byte of each word")
    func wordHelpers() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var bytes = (0..<8).map { UInt8(truncatingIfNeeded: (state >> (UInt64($0) * 8)) % 0x7F + 0x20) }
            // Sprinkle specials (and near misses) in random places.
            let picks: [UInt8] = [0x22, 0x5C, 0x1F, 0x00, 0x80, 0xFF, 0x21, 0x5B, 0x5D, 0x7F, 0x20]
            for k in 0..<Int(state >> 61) {
                bytes[Int((state >> (UInt64(k) * 3 + 20)) & 7)] = picks[Int((state >> (UInt64(k) * 4 + 40)) % UInt64(picks.count))]
            }
            let word = bytes.withUnsafeBufferPointer { JSONScanner.word($0.baseAddress!) }
            let firstSpecial = bytes.firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 || $0 >= 0x80 }
            let flagged = JSONScanner.stringSpecials(word)
            #expect((flagged == 0 ? nil : flagged.trailingZeroBitCount / 8) == firstSpecial, "\(bytes)")
            let firstQuote = bytes.firstIndex { $0 == 0x22 || $0 == 0x5C }
            let quotes = JSONScanner.quotesAndBackslashes(word)
            #expect((quotes == 0 ? nil : quotes.trailingZeroBitCount / 8) == firstQuote, "\(bytes)")
        }
    }

    static func scan(_ bytes: [UInt8]) throws -> Expected {
        switch try result(bytes) {
        case .success(let v):
            #expect(v.kind == .string && v.start == 1)
            return .end(v.end, escaped: v.flag)
        case .failure(let error):
            return .error(error.code)
        }
    }

    static func errorOffset(_ bytes: [UInt8]) throws -> Int? {
        switch try result(bytes) {
        case .success: nil
        case .failure(let error): error.offset
        }
    }

    static func result(_ bytes: [UInt8]) throws -> Result<JSONScanner.Value, EventDecodingError> {
        try bytes.withUnsafeBufferPointer { buffer in
            var s = JSONScanner(base: try #require(buffer.baseAddress), count: buffer.count, maxDepth: 4)
            return Result { () throws(EventDecodingError) in try s.scanValue(depth: 0) }
        }
    }
}
