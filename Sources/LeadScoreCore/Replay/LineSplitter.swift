/// Splits a byte stream that arrives in arbitrary chunks into lines, without a `String` per line.
///
/// `leadscore replay` reads files in large chunks; a line may straddle two chunks, so the tail of
/// one chunk is carried into the next. Lines end at `\n`; a `\r` before it is dropped (files
/// written on Windows). A final line without a newline is delivered by `finish`.
public struct LineSplitter: Sendable {
    private var carry: [UInt8] = []
    /// Number of the next line to be delivered, from 1.
    public private(set) var lineNumber = 1

    /// A splitter at line 1.
    public init() {}

    /// Calls `body(line, number)` for every complete line in `chunk` (plus the carried tail).
    /// The buffer passed to `body` is only valid during the call.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var start = 0
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        while start < chunk.count {
            // memchr is much faster than a byte loop over large chunks.
            guard let hit = memchrNewline(bytes + start, chunk.count - start) else {
                carry.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: chunk.count - start))
                return
            }
            let end = start + hit
            if carry.isEmpty {
                deliver(UnsafeRawBufferPointer(start: base + start, count: end - start), body)
            } else {
                carry.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: end - start))
                let line = carry
                carry.removeAll(keepingCapacity: true)
                line.withUnsafeBytes { deliver($0, body) }
            }
            start = end + 1
        }
    }

    /// Delivers a last line that had no newline, if any.
    public mutating func finish(_ body: (UnsafeRawBufferPointer, Int) -> Void) {
        guard !carry.isEmpty else { return }
        let line = carry
        carry.removeAll()
        line.withUnsafeBytes { deliver($0, body) }
    }

    private mutating func deliver(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        var count = line.count
        if count > 0, line[count - 1] == UInt8(ascii: "\r") { count -= 1 }
        body(UnsafeRawBufferPointer(start: line.baseAddress, count: count), lineNumber)
        lineNumber += 1
    }

    /// Offset (relative to `p`) of the first `\n` in `p[0..<n]`.
    @inline(__always)
    private func memchrNewline(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        // Eight bytes at a time: a zero byte in (word ^ 0x0A0A...) marks a newline.
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < n {
            if p[i] == 0x0A { return i }
            i += 1
        }
        return nil
    }
}
