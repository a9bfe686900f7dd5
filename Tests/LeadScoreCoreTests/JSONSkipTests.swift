import Testing
@testable import LeadScoreCore

/// `JSONScanner.skipValue` passes over a value without validating it: on well-formed JSON it
/// must end exactly where `scanValue` ends, and on input that ends inside the value it throws.
@Suite("JSON scanner: skipping a value")
struct JSONSkipTests {
    static let values = [
        #""""#, #""plain""#, #""with \"escaped\" quotes \\ and \u00e9""#, #""brackets ] } [ { inside""#, "\"é 日本\"",
        "0", "-12.5e+3", "true", "false", "null", "{}", "[]", "[ ]", "{ }",
        #"{"a":1,"b":[true,false,null],"c":{"d":"}]"}}"#,
        #"[{"rep_id":"R-\"x\"","status":"lower_score","rep_score":0.2,"tier":1,"load_today":3},{"rep_id":"R-1"}]"#,
        "[[[[[[1]]]]]]", " \n\t [ 1 , { \"k\" : [ ] } ] ",
    ]

    @Test("ends where scanValue ends, followed by each delimiter", arguments: values)
    func endsWhereScanEnds(value: String) throws {
        for follower in [",", "}", "]", " ,", ""] {
            let bytes = Array((value + follower).utf8)
            try bytes.withUnsafeBufferPointer { buffer in
                let base = try #require(buffer.baseAddress)
                var scanned = JSONScanner(base: base, count: buffer.count, maxDepth: 64)
                _ = try scanned.scanValue(depth: 0)
                var skipped = JSONScanner(base: base, count: buffer.count, maxDepth: 64)
                try skipped.skipValue()
                #expect(skipped.pos == scanned.pos, "\(value)\(follower)")
            }
        }
    }

    @Test("input that ends inside the value, or closes what is not open, or nests too deep, throws", arguments: [
        "", "   ", #""open"#, #""ends in an escape \"#, "[1, 2", #"{"a":"b""#, "]", "}", "[[[[1]]]]",
    ])
    func throwsWhereThePositionWouldBeUndefined(text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                // Empty input: nothing to point at; a scanner over zero bytes of a dummy.
                var dummy: UInt8 = 0
                var s = JSONScanner(base: &dummy, count: 0, maxDepth: 3)
                #expect(throws: EventDecodingError.self) { try s.skipValue() }
                return
            }
            var s = JSONScanner(base: base, count: buffer.count, maxDepth: 3)
            #expect(throws: EventDecodingError.self, "\(text)") { try s.skipValue() }
        }
    }
}
