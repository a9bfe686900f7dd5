/// A minimal JSON writer over a byte buffer of its own: correct string escaping and number text
/// that is the same on every run and platform (Foundation's encoder is too slow for the output
/// path).
///
/// The buffer is raw memory the writer owns (noncopyable, freed in `deinit`), not an array: every
/// value is laid out in place after one capacity check, with no uniqueness check, no count kept
/// by an array and no closure per append (an `Array`'s per-value bookkeeping was the largest part
/// of rendering). Read the result in place (`withUnsafeBytes`), copy it out (`bytes`), or append
/// it to an array (`append(to:)`); `removeAll()` reuses the buffer for the next document.
public struct JSONWriter: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// How many bytes are written.
    public private(set) var count = 0
    /// One bit per open object or array (innermost lowest): a value was written at that level.
    /// 64 levels are plenty for the outputs (they nest four deep); no array per writer.
    private var commaBits: UInt64 = 0
    private var depth = 0
    /// A program-spelled key not yet written: it goes out with its value, in one piece
    /// (`value(capacity:_:)`), instead of an append of its own (half of an output's appends).
    private var pendingKey: StaticString?

    /// An empty writer with room for `capacity` bytes (it grows as needed; an output event is
    /// usually well under the default).
    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        base = .allocate(byteCount: self.capacity, alignment: 1)
    }

    deinit { base.deallocate() }

    /// A copy of the bytes written.
    public var bytes: [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Lends the bytes written (valid only inside `body`).
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Appends the bytes written to `out`.
    public func append(to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Forgets what was written (keeping the buffer) for the next document.
    public mutating func removeAll() {
        precondition(pendingKey == nil && depth == 0, "JSON document left open")
        count = 0
        commaBits = 0
    }

    /// A line break between top-level documents (JSON Lines); only outside every object and array.
    public mutating func lineBreak() {
        precondition(pendingKey == nil && depth == 0, "line break inside a JSON document")
        reserve(1).storeBytes(of: UInt8(ascii: "\n"), as: UInt8.self)
        count += 1
    }

    /// Room for `n` more bytes at the end, growing the buffer when it is short; the caller
    /// counts in what it writes.
    @inline(__always)
    private mutating func reserve(_ n: Int) -> UnsafeMutableRawPointer {
        if _slowPath(capacity - count < n) { grow(toAtLeast: count + n) }
        return base + count
    }

    @inline(never)
    private mutating func grow(toAtLeast minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < minimum { newCapacity *= 2 }
        let new = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 1)
        new.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = new
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func appendByte(_ byte: UInt8) {
        reserve(1).storeBytes(of: byte, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    private mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// `{`
    public mutating func beginObject() {
        literal("{")
        push()
    }

    /// `}`
    public mutating func endObject() {
        precondition(pendingKey == nil, "JSON key without a value")
        appendByte(UInt8(ascii: "}"))
        pop()
    }

    /// `[`
    public mutating func beginArray() {
        literal("[")
        push()
    }

    /// `]`
    public mutating func endArray() {
        precondition(pendingKey == nil, "JSON key without a value")
        appendByte(UInt8(ascii: "]"))
        pop()
    }

    @inline(__always)
    private mutating func push() {
        commaBits <<= 1
        depth += 1
    }

    @inline(__always)
    private mutating func pop() {
        commaBits >>= 1
        depth -= 1
    }

    /// `"name":` inside an object for a key that comes from data (escaped as needed); the value
    /// follows.
    public mutating func key(string name: String) {
        precondition(pendingKey == nil, "JSON key without a value")
        separate()
        quoted(name)
        appendByte(UInt8(ascii: ":"))
        commaBits &= ~1
    }

    /// `"name":` for a key the program spells (never needs escaping). Held until its value comes,
    /// then laid out with the value (and the comma) in one piece at the buffer's end
    /// (`value(capacity:_:)`).
    public mutating func key(_ name: StaticString) {
        precondition(pendingKey == nil, "JSON key without a value")
        pendingKey = name
    }

    /// A string value. One that needs no escaping and is not long is laid out with its quotes
    /// (and comma) in one piece at the buffer's end.
    public mutating func string(_ value: String) {
        // Read in place (a small string from the stack, a native one from its storage): no copy
        // of the String, so no retain and release.
        let laidOut = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard utf8.count <= JSONWriter.shortString, JSONWriter.needsNoEscaping(utf8) else { return false }
            self.value(capacity: utf8.count + 2) { b in
                var n = JSONWriter.layOutLiteral("\"", at: 0, in: b)
                n = JSONWriter.layOutBytes(utf8, at: n, in: b)
                return JSONWriter.layOutLiteral("\"", at: n, in: b)
            }
            return true
        }
        if laidOut == true { return }
        separate()
        quoted(value)
    }

    /// Strings up to this many UTF-8 bytes are laid out in one piece in `string(_:)`.
    static let shortString = 125

    /// A string value or `null`.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// An integer value.
    public mutating func integer<T: BinaryInteger>(_ value: T) {
        self.value(capacity: 20) { JSONWriter.layOutDecimal(Int64(clamping: value), at: 0, in: $0) }
    }

    /// A number rounded to `decimals` places, trailing zeros dropped (`74.2`, `75`); non-finite
    /// numbers (which the engine never produces) are written as `null` to keep the JSON valid.
    public mutating func number(_ value: Double, decimals: Int = 2) {
        self.value(capacity: JSONWriter.maxNumberBytes) { JSONWriter.layOutNumber(value, decimals: decimals, at: 0, in: $0) }
    }

    /// `true`/`false`.
    public mutating func bool(_ value: Bool) {
        literal(value ? "true" : "false")
    }

    /// `null`.
    public mutating func null() {
        literal("null")
    }

    /// A value or opening bracket the program spells.
    @inline(__always)
    private mutating func literal(_ text: StaticString) {
        value(capacity: text.utf8CodeUnitCount) { JSONWriter.layOutLiteral(text, at: 0, in: $0) }
    }

    /// An RFC 3339 timestamp string, or `null`.
    public mutating func timestamp(_ value: Timestamp?) {
        guard let value else {
            null()
            return
        }
        self.value(capacity: Timestamp.maxRFC3339Bytes + 2) { b in
            b[0] = UInt8(ascii: "\"")
            let n = value.layOutRFC3339(at: 1, in: b)
            b[n] = UInt8(ascii: "\"")
            return n + 1
        }
    }

    /// Before a value appended piece by piece: its comma and its pending key, if any.
    @inline(__always)
    private mutating func separate() {
        if pendingKey != nil {
            value(capacity: 0) { _ in 0 }
        } else if needsComma() {
            appendByte(UInt8(ascii: ","))
        }
    }

    /// Whether the next value needs a comma before it (a value was already written at this
    /// level); marks the level as having one. The caller writes the comma.
    @inline(__always)
    private mutating func needsComma() -> Bool {
        guard depth > 0 else { return false }
        if commaBits & 1 != 0 { return true }
        commaBits |= 1
        return false
    }

    /// A value the caller lays out itself in at most `capacity` bytes, written in place at the
    /// buffer's end with its comma and pending key: no append per piece, no copy (the routing
    /// candidates, several per decision, and every short value). `layOut` returns how many
    /// bytes it wrote.
    @inline(__always)
    public mutating func value(capacity: Int, _ layOut: (UnsafeMutableRawBufferPointer) -> Int) {
        let comma = needsComma()
        let key = pendingKey
        pendingKey = nil
        let keyBytes = key.map { $0.utf8CodeUnitCount + 3 } ?? 0
        let room = capacity + keyBytes + 1
        let buffer = UnsafeMutableRawBufferPointer(start: reserve(room), count: room)
        var n = 0
        if comma { buffer[n] = UInt8(ascii: ","); n += 1 }
        if let key {
            n = JSONWriter.layOutLiteral("\"", at: n, in: buffer)
            n = JSONWriter.layOutLiteral(key, at: n, in: buffer)
            n = JSONWriter.layOutLiteral("\":", at: n, in: buffer)
        }
        n += layOut(UnsafeMutableRawBufferPointer(rebasing: buffer[n...]))
        count += n
    }

    /// An idempotency key `<leadID>:<seq>`, then `tag` and `number` when given (`L-1:4:r2`,
    /// `L-1:4:erased`), as a string value, without building it as a String first: the same
    /// bytes as `string(event.idempotencyKey)` (only the lead id can need escaping). `tag` is at
    /// most 16 bytes (`:r`, `:b`, `:erased`, `:escalated`).
    public mutating func idempotencyKey(leadID: String, seq: UInt32, tag: StaticString = "", number: Int? = nil) {
        precondition(tag.utf8CodeUnitCount <= 16, "idempotency key tag too long")
        // A lead id that needs no escaping (all but a few) goes out with the rest in one piece.
        let laidOut = leadID.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard utf8.count <= JSONWriter.shortString, JSONWriter.needsNoEscaping(utf8) else { return false }
            value(capacity: utf8.count + 1 + JSONWriter.maxKeyTailBytes) { b in
                var n = JSONWriter.layOutLiteral("\"", at: 0, in: b)
                n = JSONWriter.layOutBytes(utf8, at: n, in: b)
                return JSONWriter.layOutKeyTail(seq: seq, tag: tag, number: number, at: n, in: b)
            }
            return true
        }
        if laidOut == true { return }
        separate()
        appendByte(UInt8(ascii: "\""))
        stringContents(leadID)
        let tail = UnsafeMutableRawBufferPointer(start: reserve(JSONWriter.maxKeyTailBytes), count: JSONWriter.maxKeyTailBytes)
        count += JSONWriter.layOutKeyTail(seq: seq, tag: tag, number: number, at: 0, in: tail)
    }

    /// `:` + 10 digits + tag + 20 digits + `"`: the most bytes `layOutKeyTail` writes.
    static let maxKeyTailBytes = 48

    /// An idempotency key's end after the lead id: `:<seq>`, `tag`, `number`, the closing quote.
    @inline(__always)
    static func layOutKeyTail(seq: UInt32, tag: StaticString, number: Int?, at start: Int,
                              in buffer: UnsafeMutableRawBufferPointer) -> Int {
        var n = start
        buffer[n] = UInt8(ascii: ":"); n += 1
        n = layOutDecimal(Int64(seq), at: n, in: buffer)
        n = layOutLiteral(tag, at: n, in: buffer)
        if let number { n = layOutDecimal(Int64(number), at: n, in: buffer) }
        buffer[n] = UInt8(ascii: "\"")
        return n + 1
    }

    /// Writes the decimal text of `value` at `start` (room for 20 bytes needed); returns the end.
    @inline(__always)
    static func layOutDecimal(_ value: Int64, at start: Int, in buffer: UnsafeMutableRawBufferPointer) -> Int {
        var n = start
        if value < 0 { buffer[n] = UInt8(ascii: "-"); n += 1 }
        var v = value.magnitude
        var count = 1
        var rest = v / 10
        while rest > 0 { count += 1; rest /= 10 }
        var i = n + count - 1
        repeat {
            buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        } while v > 0
        return n + count
    }

    /// A JSON string literal: `"`, `\` and control characters escaped, the rest as UTF-8.
    private mutating func quoted(_ value: String) {
        appendByte(UInt8(ascii: "\""))
        stringContents(value)
        appendByte(UInt8(ascii: "\""))
    }

    /// A string literal's contents, escaped, without the quotes.
    private mutating func stringContents(_ value: String) {
        // Ids and names almost never need escaping: copy the contiguous UTF-8 in one go.
        let plain = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard JSONWriter.needsNoEscaping(utf8) else { return false }
            appendBytes(utf8)
            return true
        }
        if plain == true { return }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): appendByte(UInt8(ascii: "\\")); appendByte(byte)
            case UInt8(ascii: "\\"): appendByte(UInt8(ascii: "\\")); appendByte(byte)
            case 0x0A: appendByte(UInt8(ascii: "\\")); appendByte(UInt8(ascii: "n"))
            case 0x0D: appendByte(UInt8(ascii: "\\")); appendByte(UInt8(ascii: "r"))
            case 0x09: appendByte(UInt8(ascii: "\\")); appendByte(UInt8(ascii: "t"))
            case 0..<0x20:
                appendByte(UInt8(ascii: "\\")); appendByte(UInt8(ascii: "u"))
                appendByte(UInt8(ascii: "0")); appendByte(UInt8(ascii: "0"))
                appendByte(JSONWriter.hexDigit(byte >> 4)); appendByte(JSONWriter.hexDigit(byte & 0xf))
            default: appendByte(byte)
            }
        }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// The most bytes `layOutNumber` writes: a sign, 19 digits, a point and 9 decimals.
    static let maxNumberBytes = 32

    /// Writes `value` rounded half away from zero to `decimals` places (at most 9), without
    /// trailing zeros, at `start` (room for `maxNumberBytes` needed); returns the end. Works on
    /// integers so the text never depends on the platform's printf.
    static func layOutNumber(_ value: Double, decimals: Int, at start: Int, in buffer: UnsafeMutableRawBufferPointer) -> Int {
        let places = max(0, min(9, decimals))
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard value.isFinite, abs(scaled) < 9.0e18 else { return layOutLiteral("null", at: start, in: buffer) }
        var n = start
        var units = Int64(scaled)
        if units < 0 {
            buffer[n] = UInt8(ascii: "-"); n += 1
            units = -units
        }
        n = layOutDecimal(units / scale, at: n, in: buffer)
        var fraction = units % scale
        guard fraction != 0 else { return n }
        var width = places
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        buffer[n] = UInt8(ascii: "."); n += 1
        // `width` digits, zero padded on the left (0.05 at 4 places is "05").
        for i in stride(from: n + width - 1, through: n, by: -1) {
            buffer[i] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
        }
        return n + width
    }

    /// Copies `text` to `start`; returns the end.
    @inline(__always)
    static func layOutLiteral(_ text: StaticString, at start: Int, in buffer: UnsafeMutableRawBufferPointer) -> Int {
        text.withUTF8Buffer { t in
            UnsafeMutableRawBufferPointer(rebasing: buffer[start...]).copyMemory(from: UnsafeRawBufferPointer(t))
            return start + t.count
        }
    }

    /// Copies bytes to `start`; returns the end.
    @inline(__always)
    static func layOutBytes(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, in buffer: UnsafeMutableRawBufferPointer) -> Int {
        UnsafeMutableRawBufferPointer(rebasing: buffer[start...]).copyMemory(from: UnsafeRawBufferPointer(bytes))
        return start + bytes.count
    }

    /// Whether a string's UTF-8 goes into a JSON string as is (no quote, backslash or control byte).
    @inline(__always)
    static func needsNoEscaping(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
        return true
    }
}
