import LeadScoreCore

extension OutcomeEvaluation {
    /// Output types the evaluation does not read (counted as ignored, not skipped).
    static let ignoredOutputTypes = ["enrichment_requested", "dead_letter", "lead_sla_breached", "lead_escalated"]

    /// Reads one JSON line: a `lead_rescored` or `lead_routed` (as `leadscore replay` and the
    /// daemon write them), a `lead_outcome` input (decoded as strictly as the daemon does), or any
    /// other known input or output type (ignored). Blank lines are not counted. A `lead_rescored`
    /// with a non-null `model` is the challenger's: it is counted in `challengerRescored`, not in
    /// the input's lines (a line that cannot be read is counted as skipped, whoever wrote it).
    ///
    /// - Returns: why the line was skipped (not JSON, unknown type, a field missing or unusable),
    ///   nil when it was used or ignored. Skipped lines are counted, never fatal.
    @discardableResult
    public mutating func feed(line: UnsafeRawBufferPointer) -> EventDecodingError? {
        feed(line, asChallenger: false)
    }

    /// Reads one line of the challenger's output, as `leadscore replay --config CHALLENGER`
    /// writes it (no `model` field): its `lead_rescored` is the challenger's; every other line
    /// (the routing a full replay also makes) is left out without being counted, so the
    /// champion's report stays as it was. A line that cannot be read is counted as skipped.
    @discardableResult
    public mutating func feed(challengerLine line: UnsafeRawBufferPointer) -> EventDecodingError? {
        feed(line, asChallenger: true)
    }

    private mutating func feed(_ line: UnsafeRawBufferPointer, asChallenger: Bool) -> EventDecodingError? {
        if ReplayRunner.isBlank(line) { return nil }
        do {
            if try !read(line, asChallenger: asChallenger) { counts.lines += 1 }
            return nil
        } catch {
            counts.lines += 1
            counts.skipped += 1
            counts.skippedByCode[error.code.name, default: 0] += 1
            return error
        }
    }

    /// The longest line the evaluation reads: 16 MiB. Larger than one input event's limit, since
    /// a `lead_routed` with `routing.candidates_in_event: all` lists every known rep among its
    /// candidates (about 100 bytes each).
    public static let maxLineBytes = 16 << 20

    /// Counts a line that was not read because it is longer than `maxLineBytes` (the reader that
    /// split the lines saw it), as a skipped line with the splitter's error.
    public mutating func countTooLongLine(_ error: EventDecodingError) {
        counts.lines += 1
        counts.skipped += 1
        counts.skippedByCode[error.code.name, default: 0] += 1
    }

    /// Feeds every line of a JSON Lines buffer (see `feed(line:)`); returns the number skipped.
    @discardableResult
    public mutating func feed(lines bytes: [UInt8]) -> Int {
        var skipped = 0
        var splitter = LineSplitter(maxLineBytes: Self.maxLineBytes)
        let tooLong = splitter.tooLongError
        bytes.withUnsafeBytes { raw in
            splitter.feed(raw) { line, _ in if feed(line: line) != nil { skipped += 1 } } tooLong: { _ in
                countTooLongLine(tooLong)
                skipped += 1
            }
        }
        splitter.finish { line, _ in if feed(line: line) != nil { skipped += 1 } } tooLong: { _ in
            countTooLongLine(tooLong)
            skipped += 1
        }
        return skipped
    }

    /// The top-level fields the evaluation reads; the rest are validated and skipped.
    private struct Fields {
        var type: JSONScanner.Value?
        var leadID: JSONScanner.Value?
        var seq: JSONScanner.Value?
        var newBucket: JSONScanner.Value?
        var occurredAt: JSONScanner.Value?
        var score: JSONScanner.Value?
        var repID: JSONScanner.Value?
        var holdout: JSONScanner.Value?
        var candidates: JSONScanner.Value?
        var model: JSONScanner.Value?
    }

    /// Reads one line; true when it was the challenger's (and so not counted among the lines).
    private mutating func read(_ line: UnsafeRawBufferPointer, asChallenger: Bool) throws(EventDecodingError) -> Bool {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self), line.count > 0 else {
            throw EventDecodingError(code: .syntax, message: "empty line", offset: 0)
        }
        var s = JSONScanner(base: base, count: line.count, maxDepth: 64)
        var f = Fields()
        if try !s.beginObject() {
            repeat {
                let key = try s.readKey()
                let value = try s.scanValue(depth: 1)
                if s.equals(key, "type") { f.type = value }
                else if s.equals(key, "lead_id") { f.leadID = value }
                else if s.equals(key, "seq") { f.seq = value }
                else if s.equals(key, "new_bucket") { f.newBucket = value }
                else if s.equals(key, "occurred_at") { f.occurredAt = value }
                else if s.equals(key, "score") { f.score = value }
                else if s.equals(key, "rep_id") { f.repID = value }
                else if s.equals(key, "holdout") { f.holdout = value }
                else if s.equals(key, "candidates") { f.candidates = value }
                else if s.equals(key, "model") { f.model = value }
            } while try s.nextMember()
        }
        try s.expectEnd()
        guard let type = f.type else { throw missing("type") }
        guard type.kind == .string else { throw wrongType("type", "a string") }
        if s.equals(type, "lead_rescored") {
            let leadID = try Self.leadID(f, s)
            let seq = try Self.seq(f, s)
            let at = try Self.time(f, s)
            guard let b = f.newBucket else { throw missing("new_bucket") }
            guard b.kind == .string, let bucket = s.withBytes(b, { bytes in Bucket.allCases.first { $0.name.utf8.elementsEqual(bytes) } }) else {
                throw EventDecodingError(code: .invalidValue, field: "new_bucket", message: "expected A, B, C, nurture, self_serve or disqualified")
            }
            guard let v = f.score else { throw missing("score") }
            guard v.kind == .number else { throw wrongType("score", "a number") }
            let score = s.double(v)
            guard score.isFinite else { throw EventDecodingError(code: .nonFinite, field: "score", message: "score is not finite") }
            if asChallenger || f.model.map({ $0.kind != .null }) == true {
                addChallengerRescored(leadID: leadID, seq: seq, bucket: bucket, score: score, at: at)
                return true
            }
            addRescored(leadID: leadID, seq: seq, bucket: bucket, score: score, at: at)
        } else if asChallenger {
            return true
        } else if s.equals(type, "lead_routed") {
            let leadID = try Self.leadID(f, s)
            let seq = try Self.seq(f, s)
            let at = try Self.time(f, s)
            guard let h = f.holdout else { throw missing("holdout") }
            guard h.kind == .bool else { throw wrongType("holdout", "true or false") }
            var hasRep = false
            if let r = f.repID {
                guard r.kind == .string || r.kind == .null else { throw wrongType("rep_id", "a string or null") }
                hasRep = r.kind == .string && !s.equals(r, "self_serve")
            }
            let tier = f.candidates.flatMap { Self.chosenTier(in: $0, base: base) }
            addRouted(leadID: leadID, seq: seq, holdout: h.flag, hasRep: hasRep, tier: tier, at: at)
        } else if s.equals(type, "lead_forgotten") || s.equals(type, "lead_erased") {
            addForgotten(leadID: try Self.leadID(f, s), at: try Self.time(f, s))
        } else if s.equals(type, "lead_outcome") {
            let event = try decoder.decode(line)
            add(event)
        } else {
            let name = s.string(type)
            guard InputEvent.typeNames.contains(name) || OutcomeEvaluation.ignoredOutputTypes.contains(name) else {
                throw EventDecodingError(code: .unknownType, field: "type",
                                         message: "\"\(name.prefix(64))\" is neither an input nor an output event type")
            }
            counts.ignore(name)
        }
        return false
    }

    private static func leadID(_ f: Fields, _ s: JSONScanner) throws(EventDecodingError) -> String {
        guard let v = f.leadID else { throw missing("lead_id") }
        guard v.kind == .string else { throw wrongType("lead_id", "a string") }
        guard s.byteLength(v) > 0 else { throw EventDecodingError(code: .invalidValue, field: "lead_id", message: "lead_id is empty") }
        return s.string(v)
    }

    private static func seq(_ f: Fields, _ s: JSONScanner) throws(EventDecodingError) -> UInt32 {
        guard let v = f.seq else { throw missing("seq") }
        guard v.kind == .number else { throw wrongType("seq", "an integer") }
        guard let n = s.plainInteger(v), n >= 1, n <= Int(UInt32.max) else {
            throw EventDecodingError(code: .outOfRange, field: "seq", message: "seq must be an integer >= 1")
        }
        return UInt32(n)
    }

    private static func time(_ f: Fields, _ s: JSONScanner) throws(EventDecodingError) -> Timestamp {
        guard let v = f.occurredAt else { throw missing("occurred_at") }
        guard v.kind == .string else { throw wrongType("occurred_at", "an RFC 3339 string") }
        let parsed: Timestamp? = s.withBytes(v) { bytes in
            guard let p = bytes.baseAddress else { return nil }
            return try? Timestamp.parseRFC3339(p, count: bytes.count)
        }
        guard let parsed else {
            throw EventDecodingError(code: .invalidTimestamp, field: "occurred_at", message: "expected RFC 3339 like 2026-11-24T10:15:00Z")
        }
        return parsed
    }

    /// The `tier` of the candidate whose `status` is `chosen`, if any. The array was validated
    /// when the line was scanned, so a second pass over it cannot fail on syntax.
    private static func chosenTier(in array: JSONScanner.Value, base: UnsafePointer<UInt8>) -> Int? {
        guard array.kind == .array else { return nil }
        var s = JSONScanner(base: base, count: array.end, start: array.start, maxDepth: 64)
        do throws(EventDecodingError) {
            if try s.beginArray() { return nil }
            repeat {
                guard s.peek() == UInt8(ascii: "{") else {
                    _ = try s.scanValue(depth: 2)
                    continue
                }
                var chosen = false
                var tier: Int?
                if try !s.beginObject() {
                    repeat {
                        let key = try s.readKey()
                        let value = try s.scanValue(depth: 3)
                        if s.equals(key, "status") { chosen = value.kind == .string && s.equals(value, "chosen") }
                        else if s.equals(key, "tier"), value.kind == .number { tier = s.plainInteger(value) }
                    } while try s.nextMember()
                }
                if chosen { return tier }
            } while try s.nextElement()
        } catch {
            return nil
        }
        return nil
    }

    private static func missing(_ field: String) -> EventDecodingError {
        EventDecodingError(code: .missingField, field: field, message: "\(field) is required")
    }

    private static func wrongType(_ field: String, _ expected: String) -> EventDecodingError {
        EventDecodingError(code: .wrongType, field: field, message: "\(field) must be \(expected)")
    }

    private func missing(_ field: String) -> EventDecodingError { Self.missing(field) }
    private func wrongType(_ field: String, _ expected: String) -> EventDecodingError { Self.wrongType(field, expected) }
}
