#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LeadScoreCore

/// Tells when the configuration file changed, so a daemon reloads on an edit as well as on
/// SIGHUP (SPEC section 4). Polled (every few seconds) rather than watched with inotify: it works
/// on every file system, including the symlinked files a Kubernetes ConfigMap mounts, whose
/// update swaps a directory link rather than writing the file.
///
/// A change is a different size, modification time or content hash of what the path resolves to
/// now; an unreadable or missing file is not a change (the running configuration stays, and the
/// file is looked at again next time).
struct ConfigFileWatcher {
    /// What the file looked like.
    struct Fingerprint: Equatable {
        var size: Int64
        var modified: Int64
        var hash: UInt64
    }

    let path: String
    private(set) var last: Fingerprint?

    init(path: String) {
        self.path = path
        last = Self.fingerprint(path)
    }

    /// True once the file differs from when it was last looked at (then remembered as seen).
    mutating func changed() -> Bool {
        guard let now = Self.fingerprint(path) else { return false }
        defer { last = now }
        return last != nil && now != last
    }

    /// The file's fingerprint, nil when it cannot be read. Reads at most 4 MiB: a configuration
    /// file is a few kilobytes, and a runaway file must not be read whole every few seconds.
    static func fingerprint(_ path: String) -> Fingerprint? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        var hash = FNV1a64()  // enough to tell an edit from none
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while total < 4 << 20 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            hash.combine(bytes: buffer[0..<n])
            total += n
        }
        let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        return Fingerprint(size: Int64(st.st_size), modified: modified, hash: hash.value)
    }
}
