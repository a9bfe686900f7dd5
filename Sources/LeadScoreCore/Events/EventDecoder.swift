/// Strict, fast decoding of input events (SPEC section 3) from JSON bytes.
///
/// One pass over the bytes validates the whole payload (JSON grammar, UTF-8, escapes, nesting
/// depth, trailing bytes) and notes where each known field is; then only the fields the event's
/// `type` needs are converted. There is no intermediate JSON tree and no Foundation.
///
/// Rules beyond plain JSON, all reported as `EventDecodingError` naming the field:
/// - Required fields must be present and not `null`; `null` for an optional field means absent.
/// - A known field that appears twice in one object is rejected (`duplicate_field`) rather than
///   resolved by first- or last-wins: parsers disagree on that, and an event that means different
///   things to different readers is worse than a dead letter. Duplicated unknown fields are
///   ignored like any unknown field.
/// - Unknown fields are ignored, but must be well-formed and within the depth limit.
/// - Ids (`event_id`, `lead_id`, `account_id`, `rep_id`) are non-empty and at most
///   `Limits.maxIDLength` characters (Unicode scalars, as JSON Schema's `maxLength` counts them,
///   so the schemas in `schemas/` and the decoder accept the same ids).
/// - Numbers must be finite (`1e400` is rejected) and inside each field's range; integer fields
///   accept only integral values (`12`, `12.0`, `1.2e1`; not `12.5`).
/// - Times are RFC 3339 with seconds and a zone; milliseconds are kept, finer digits truncated.
public struct EventDecoder: Sendable {
    /// Bounds that keep a hostile or broken producer from costing memory or time.
    public struct Limits: Sendable, Hashable {
        /// Largest accepted payload. Default 64 KiB.
        public var maxPayloadBytes: Int
        /// Deepest accepted nesting of objects and arrays; the event object itself is level 1.
        /// Default 16.
        public var maxDepth: Int
        /// Longest accepted id, in characters (Unicode scalars, as JSON Schema's `maxLength`
        /// counts them; at most four UTF-8 bytes each). Default 256.
        public var maxIDLength: Int

        /// Creates limits; the defaults suit every event of SPEC section 3 with room to spare.
        public init(maxPayloadBytes: Int = 64 * 1024, maxDepth: Int = 16, maxIDLength: Int = 256) {
            self.maxPayloadBytes = maxPayloadBytes
            self.maxDepth = maxDepth
            self.maxIDLength = maxIDLength
        }
    }

    /// The limits this decoder enforces.
    public var limits: Limits

    /// Creates a decoder with the given limits.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Decodes one event from the bytes of one Kafka message or one JSONL line.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(EventDecodingError) -> InputEvent {
        guard bytes.count <= limits.maxPayloadBytes else {
            throw EventDecodingError(code: .tooLarge, message: "payload is \(bytes.count) bytes; the limit is \(limits.maxPayloadBytes)")
        }
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw EventDecodingError(code: .syntax, message: "empty payload", offset: 0)
        }
        let limits = self.limits
        // The slots live in this frame and the event goes straight to the caller: through a
        // temporary allocation's closure it went by way of a Result (the standard library's),
        // ~180 bytes copied at each step.
        var storage = EventSlots()
        return try withUnsafeMutableBytes(of: &storage.slots) { raw throws(EventDecodingError) -> InputEvent in
            let first = raw.baseAddress!.bindMemory(to: JSONScanner.Value.self, capacity: EventSlots.count)
            let slots = UnsafeMutableBufferPointer(start: first, count: EventSlots.count)
            var builder = EventBuilder(scanner: JSONScanner(base: base, count: bytes.count, maxDepth: limits.maxDepth), slots: slots, limits: limits)
            try builder.scanTopLevel()
            return try builder.build()
        }
    }

    /// Decodes one event from a byte array.
    public func decode(_ bytes: [UInt8]) throws(EventDecodingError) -> InputEvent {
        // `withUnsafeBytes` rethrows untyped; only `decode` can throw inside, so the second catch
        // never runs, but the compiler needs it.
        do {
            return try bytes.withUnsafeBytes { raw in try decode(raw) }
        } catch let error as EventDecodingError {
            throw error
        } catch {
            throw EventDecodingError(code: .syntax, message: "\(error)")
        }
    }

    /// Decodes one event from a string's UTF-8 bytes.
    public func decode(_ text: String) throws(EventDecodingError) -> InputEvent {
        var copy = text
        let outcome: Result<InputEvent, EventDecodingError> = copy.withUTF8 { buffer in
            do throws(EventDecodingError) { return .success(try decode(UnsafeRawBufferPointer(buffer))) } catch { return .failure(error) }
        }
        return try outcome.get()
    }
}
