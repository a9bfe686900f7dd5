#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file could not be opened, read or written; says which file and why.
struct FileError: Error, CustomStringConvertible {
    var path: String
    var operation: String
    var code: Int32

    var description: String {
        let reason = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return "cannot \(operation) \(path == "-" ? "stdin" : path): \(reason)"
    }
}
