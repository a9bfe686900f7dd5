#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading files (or stdin) in large chunks with `read(2)`: no `String` per line, no Foundation.
enum FileInput {
    /// Calls `body` with successive chunks of the file (`-` is stdin) until its end.
    static func forEachChunk(path: String, chunkSize: Int = 4 << 20,
                             _ body: (UnsafeRawBufferPointer) -> Void) throws(FileError) {
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
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// The whole file as UTF-8 text (for configuration files).
    static func readText(path: String) throws(FileError) -> String {
        var bytes: [UInt8] = []
        try forEachChunk(path: path, chunkSize: 1 << 16) { bytes.append(contentsOf: $0) }
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
