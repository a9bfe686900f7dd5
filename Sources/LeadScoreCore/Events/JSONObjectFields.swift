/// The members of one JSON object, read with the core's `JSONScanner`, for the tools that read
/// JSON the daemon wrote (the demo reading `lead_routed` back from the topic, `/summary` and
/// `/reps`): the tree's one JSON reader, with its validation (grammar, UTF-8, escapes, depth),
/// behind a small lookup API instead of a second parser.
///
/// Members are converted as they are scanned: strings, numbers, booleans, nested objects and
/// arrays of objects. Other arrays are validated and kept only as present. A key given twice
/// keeps its last value (these are documents we wrote, not input events, which the decoder
/// rejects for it).
package struct JSONObjectFields: Sendable {
    /// One member's value.
    package enum Member: Sendable {
        case string(String)
        case number(Double, integer: Int?)
        case bool(Bool)
        case null
        case object(JSONObjectFields)
        /// An array; its elements that are objects, in order.
        case array([JSONObjectFields])
    }

    /// Members by key.
    package private(set) var members: [String: Member] = [:]

    /// Reads one JSON object (the whole buffer, whitespace around it allowed).
    package init(_ bytes: [UInt8], maxDepth: Int = 64) throws(EventDecodingError) {
        guard !bytes.isEmpty else { throw EventDecodingError(code: .syntax, message: "empty document", offset: 0) }
        let result: Result<JSONObjectFields, EventDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .failure(EventDecodingError(code: .syntax, message: "empty document", offset: 0)) }
            var scanner = JSONScanner(base: base, count: buffer.count, maxDepth: maxDepth)
            do throws(EventDecodingError) {
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.syntax("expected an object") }
                let fields = try Self.readObject(&scanner, depth: 1)
                try scanner.expectEnd()
                return .success(fields)
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    private init(members: [String: Member]) {
        self.members = members
    }

    /// Reads the object at the scanner's position (its `{` next).
    private static func readObject(_ s: inout JSONScanner, depth: Int) throws(EventDecodingError) -> JSONObjectFields {
        var members: [String: Member] = [:]
        if try !s.beginObject() {
            repeat {
                let key = s.string(try s.readKey())
                members[key] = try readMember(&s, depth: depth)
            } while try s.nextMember()
        }
        return JSONObjectFields(members: members)
    }

    private static func readMember(_ s: inout JSONScanner, depth: Int) throws(EventDecodingError) -> Member {
        guard depth < s.maxDepth else {
            throw EventDecodingError(code: .tooDeep, message: "objects and arrays nest deeper than \(s.maxDepth) levels", offset: s.pos)
        }
        s.skipWhitespace()
        switch s.peek() {
        case UInt8(ascii: "{"):
            return .object(try readObject(&s, depth: depth + 1))
        case UInt8(ascii: "["):
            var elements: [JSONObjectFields] = []
            if try !s.beginArray() {
                repeat {
                    s.skipWhitespace()
                    if s.peek() == UInt8(ascii: "{") {
                        elements.append(try readObject(&s, depth: depth + 2))
                    } else {
                        _ = try s.scanValue(depth: depth + 1)
                    }
                } while try s.nextElement()
            }
            return .array(elements)
        default:
            let v = try s.scanValue(depth: depth)
            switch v.kind {
            case .string: return .string(s.string(v))
            case .number: return .number(s.double(v), integer: s.plainInteger(v))
            case .bool: return .bool(v.flag)
            case .null: return .null
            case .object, .array: return .null // not reached: handled above
            }
        }
    }

    /// A string member; nil when absent or not a string.
    package func string(_ key: String) -> String? {
        if case .string(let v) = members[key] { return v }
        return nil
    }

    /// An integral number member; nil when absent, not a number or not integral.
    package func int(_ key: String) -> Int? {
        guard case .number(let d, let i) = members[key] else { return nil }
        if let i { return i }
        return d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil
    }

    /// A number member; nil when absent or not a number.
    package func double(_ key: String) -> Double? {
        if case .number(let d, _) = members[key] { return d }
        return nil
    }

    /// A boolean member; nil when absent or not a boolean.
    package func bool(_ key: String) -> Bool? {
        if case .bool(let v) = members[key] { return v }
        return nil
    }

    /// A nested object; nil when absent or not an object.
    package func object(_ key: String) -> JSONObjectFields? {
        if case .object(let v) = members[key] { return v }
        return nil
    }

    /// The objects of an array member (other elements left out); empty when absent.
    package func objects(_ key: String) -> [JSONObjectFields] {
        if case .array(let v) = members[key] { return v }
        return []
    }
}
