#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LeadScoreAnalysis
import LeadScoreCore

/// Reading files (or stdin) in large chunks with `read(2)`: no `String` per line, no Foundation.
enum FileInput {
    /// Calls `body` with successive chunks of the file (`-` is stdin) until its end, or until
    /// `body` returns false. Only one chunk is held: what bounds memory is the caller's.
    static func forEachChunk(path: String, chunkSize: Int = 4 << 20,
                             _ body: (UnsafeRawBufferPointer) -> Bool) throws(FileError) {
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        defer { if fd != 0 { _ = closeFile(fd) } }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", code: errno)
            }
            if n == 0 { return }
            if !body(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) { return }
        }
    }

    /// Calls `body(line, number)` for each line of the file (`-` is stdin), at most `maxLineBytes`
    /// each: a longer line is reported to `tooLong` as soon as it outgrows the bound and skipped,
    /// so an endless line (`/dev/zero`) costs no memory and the lines after it are read.
    static func forEachLine(path: String, maxLineBytes: Int = EventDecoder.Limits().maxPayloadBytes,
                            _ body: (UnsafeRawBufferPointer, Int) -> Void,
                            tooLong: (EventDecodingError, Int) -> Void) throws(FileError) {
        var splitter = LineSplitter(maxLineBytes: maxLineBytes)
        let error = splitter.tooLongError
        try forEachChunk(path: path) { chunk in
            splitter.feed(chunk, body) { tooLong(error, $0) }
            return true
        }
        splitter.finish(body) { tooLong(error, $0) }
    }

    /// The longest text file read whole (configuration files): 16 MiB, far beyond any real one.
    static let maxTextBytes = 16 << 20

    /// The whole file as UTF-8 text (for configuration files); a file longer than `maxTextBytes`
    /// (`/dev/zero`, a mistyped path to a data file) is refused with `EFBIG` once that much is read.
    static func readText(path: String) throws(FileError) -> String {
        var bytes: [UInt8] = []
        var tooLarge = false
        try forEachChunk(path: path, chunkSize: 1 << 16) { chunk in
            guard bytes.count + chunk.count <= maxTextBytes else {
                tooLarge = true
                return false
            }
            bytes.append(contentsOf: chunk)
            return true
        }
        if tooLarge { throw FileError(path: path, operation: "read more than \(maxTextBytes >> 20) MiB of", code: EFBIG) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

@inline(__always)
private func closeFile(_ fd: Int32) -> Int32 {
    #if canImport(Darwin)
    Darwin.close(fd)
    #elseif canImport(Musl)
    Musl.close(fd)
    #else
    Glibc.close(fd)
    #endif
}
