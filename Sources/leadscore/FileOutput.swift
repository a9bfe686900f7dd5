#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writing of bytes to a file descriptor with `write(2)`, so a replay of millions of
/// events makes a few hundred system calls instead of one per line.
struct FileOutput {
    /// Where the bytes go.
    let descriptor: Int32
    /// Accumulated bytes; callers append to it and call `flushIfFull()`.
    var buffer: [UInt8] = []
    /// Flush threshold.
    let capacity: Int

    /// Stderr, unbuffered use (`writeAll`).
    static let standardError = FileOutput(descriptor: 2, capacity: 0)

    init(descriptor: Int32, capacity: Int = 1 << 20) {
        self.descriptor = descriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity + 64 * 1024)
    }

    /// Opens (creating or truncating) a file for writing.
    static func create(path: String) throws(FileError) -> FileOutput {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, operation: "open for writing", code: errno) }
        return FileOutput(descriptor: fd)
    }

    mutating func flushIfFull() {
        if buffer.count >= capacity { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBufferPointer { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes every byte, retrying short writes and EINTR. Other errors (a closed pipe) end the
    /// attempt silently: there is nowhere left to report them.
    func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = write(descriptor, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            p += n
            left -= n
        }
    }

    func close() {
        if descriptor > 2 { _ = closeDescriptor(descriptor) }
    }
}

@inline(__always)
private func closeDescriptor(_ fd: Int32) -> Int32 {
    #if canImport(Darwin)
    Darwin.close(fd)
    #elseif canImport(Musl)
    Musl.close(fd)
    #else
    Glibc.close(fd)
    #endif
}
