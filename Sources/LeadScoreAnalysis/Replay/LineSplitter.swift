import LeadScoreCore

/// Splits a byte stream that arrives in arbitrary chunks into lines, without a `String` per line,
/// and never holds more than one line's worth of bytes.
///
/// `leadscore replay` reads files in large chunks; a line may straddle two chunks, so the tail of
/// one chunk is carried into the next. Lines end at `\n`; a `\r` before it is dropped (files
/// written on Windows). A final line without a newline is delivered by `finish`.
///
/// Lines are bounded by `maxLineBytes`: a line that grows past it is reported to `tooLong` as soon
/// as it does (not when, if ever, its newline comes: `/dev/zero` has none), and its bytes are
/// dropped up to its newline; the lines after it are delivered as usual. So memory stays within
/// one line of `maxLineBytes` whatever the input, and a bad line costs only itself.
public struct LineSplitter: Sendable {
    /// The longest line delivered, in bytes (without its `\n` and a `\r` before it).
    public let maxLineBytes: Int
    private var carry: [UInt8] = []
    /// Inside a line already reported too long: its bytes are dropped up to its newline.
    private var discarding = false
    /// Number of the next line to be delivered, from 1.
    public private(set) var lineNumber = 1

    /// A splitter at line 1. The default bound is the decoder's payload limit (one event a line).
    public init(maxLineBytes: Int = EventDecoder.Limits().maxPayloadBytes) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// What a too-long line is, for callers that report it as a bad line (`too_large`).
    public var tooLongError: EventDecodingError {
        EventDecodingError(code: .tooLarge, message: "line is longer than \(maxLineBytes) bytes; skipped up to its end")
    }

    /// Calls `body(line, number)` for every complete line in `chunk` (plus the carried tail), and
    /// `tooLong(number)` once for each line longer than `maxLineBytes`. The buffer passed to
    /// `body` is only valid during the call.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void,
                              tooLong: (Int) -> Void) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var start = 0
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        while start < chunk.count {
            // memchr is much faster than a byte loop over large chunks.
            let hit = memchrNewline(bytes + start, chunk.count - start)
            if discarding {
                guard let hit else { return }
                discarding = false
                lineNumber += 1
                start += hit + 1
                continue
            }
            guard let hit else {
                let tail = chunk.count - start
                // One byte of slack: a `\r` that the newline, when it comes, would strip.
                if carry.count + tail > maxLineBytes + 1 {
                    tooLong(lineNumber)
                    carry.removeAll()
                    discarding = true
                } else {
                    carry.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: tail))
                }
                return
            }
            let end = start + hit
            if carry.isEmpty {
                deliver(UnsafeRawBufferPointer(start: base + start, count: end - start), body, tooLong)
            } else if carry.count + (end - start) > maxLineBytes + 1 {
                carry.removeAll()
                tooLong(lineNumber)
                lineNumber += 1
            } else {
                carry.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: end - start))
                let line = carry
                carry.removeAll(keepingCapacity: true)
                line.withUnsafeBytes { deliver($0, body, tooLong) }
            }
            start = end + 1
        }
    }

    /// Delivers a last line that had no newline, if any.
    public mutating func finish(_ body: (UnsafeRawBufferPointer, Int) -> Void, tooLong: (Int) -> Void) {
        if discarding {
            // Already reported when it outgrew the bound.
            discarding = false
            lineNumber += 1
            return
        }
        guard !carry.isEmpty else { return }
        let line = carry
        carry.removeAll()
        line.withUnsafeBytes { deliver($0, body, tooLong) }
    }

    private mutating func deliver(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void,
                                  _ tooLong: (Int) -> Void) {
        var count = line.count
        if count > 0, line[count - 1] == UInt8(ascii: "\r") { count -= 1 }
        if count > maxLineBytes {
            tooLong(lineNumber)
        } else {
            body(UnsafeRawBufferPointer(start: line.baseAddress, count: count), lineNumber)
        }
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
