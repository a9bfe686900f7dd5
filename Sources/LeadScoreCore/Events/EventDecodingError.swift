/// Why an input event could not be decoded, and where.
///
/// The description goes to stderr in `leadscore replay` and into dead-letter records in the daemon,
/// so it names the field (as a dotted path such as `company.employees`) and says what was expected.
public struct EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is. Extensible: new codes can be added without breaking callers that
    /// switch over the known ones with a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable snake_case name used in dead-letter records and metrics labels.
        public let name: String

        /// Creates a code; only the static members below are produced by the decoder.
        public init(_ name: String) { self.name = name }

        /// Same as `name`.
        public var description: String { name }

        /// Not well-formed JSON (the error carries the byte offset).
        public static let syntax = Code("syntax")
        /// The payload is larger than `EventDecoder.Limits.maxPayloadBytes`.
        public static let tooLarge = Code("too_large")
        /// Objects or arrays nested deeper than `EventDecoder.Limits.maxDepth`.
        public static let tooDeep = Code("too_deep")
        /// A string with invalid UTF-8, a raw control character, or a bad escape.
        public static let invalidString = Code("invalid_string")
        /// The same known field appears twice in one object.
        public static let duplicateField = Code("duplicate_field")
        /// A required field is absent or `null`.
        public static let missingField = Code("missing_field")
        /// A field has the wrong JSON type (e.g. a string where a number belongs).
        public static let wrongType = Code("wrong_type")
        /// A field has the right type but an unusable value (empty or oversized id, ...).
        public static let invalidValue = Code("invalid_value")
        /// `type` is not one of the input event types.
        public static let unknownType = Code("unknown_type")
        /// `signal` is not one of the engagement signals.
        public static let unknownSignal = Code("unknown_signal")
        /// `outcome` is not one of `converted`, `disqualified`, `no_response`.
        public static let unknownOutcome = Code("unknown_outcome")
        /// `time_zone` is not a known IANA zone name.
        public static let unknownTimeZone = Code("unknown_time_zone")
        /// A time that is not RFC 3339 with seconds and a zone (`2026-11-24T10:15:00Z`).
        public static let invalidTimestamp = Code("invalid_timestamp")
        /// A number too large to be represented (JSON itself has no NaN or Infinity).
        public static let nonFinite = Code("non_finite")
        /// A number outside the field's allowed range, or a fraction where an integer belongs.
        public static let outOfRange = Code("out_of_range")
    }

    /// What kind of problem it is.
    public var code: Code
    /// The dotted path of the offending field (`company.employees`, `technographics[2]`), or nil
    /// when the problem concerns the whole payload (syntax, size).
    public var field: String?
    /// A human sentence saying what is wrong and what was expected.
    public var message: String
    /// Byte offset into the payload for syntax-level problems.
    public var offset: Int?

    /// Creates an error.
    public init(code: Code, field: String? = nil, message: String, offset: Int? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.offset = offset
    }

    /// E.g. `out_of_range at company.employees: 20000000 is outside 0...10000000` or
    /// `syntax at byte 17: expected ':' after an object key`.
    public var description: String {
        var text = code.name
        if let field {
            text += " at \(field)"
            if let offset { text += " (byte \(offset))" }
        } else if let offset {
            text += " at byte \(offset)"
        }
        text += ": " + message
        return text
    }
}
