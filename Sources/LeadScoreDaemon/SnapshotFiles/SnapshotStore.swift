#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// Writes and reads partition snapshots in one directory.
///
/// Each write is atomic and durable: the bytes go to a temporary file that is fsynced, renamed over
/// its final name, and the directory is fsynced, so a crash at any moment leaves either the old set
/// of snapshots or the new one, never a half-written file under a snapshot's name. The newest
/// `keep` snapshots of each partition are kept, so a damaged newest file still leaves a fallback.
/// Files are named after the input topic and partition only (never the instance), so instances that
/// share the directory hand partitions over through it.
///
/// Files found damaged while loading are remembered and pruned first, so after a fallback the
/// valid older snapshots are kept and the damaged one goes.
final class SnapshotStore: Sendable {
    /// The directory holding the snapshots.
    let directory: String
    /// How many snapshots of each partition are kept.
    let keep: Int
    private let logger: Logger
    /// File names found damaged (not merely refused) since start.
    private let damaged = Mutex<Set<String>>([])

    init(directory: String, keep: Int = 3, logger: Logger) {
        self.directory = directory
        self.keep = max(1, keep)
        self.logger = logger
    }

    /// Creates the directory (and its parents) when missing.
    func prepare() throws(SnapshotFileError) {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw SnapshotFileError(.io, "cannot create \(path): \(Self.errnoText())")
            }
        }
    }

    /// Writes a snapshot atomically and prunes older ones of the same partition.
    /// Returns the file name written.
    @discardableResult
    func write(_ snapshot: Snapshot) throws(SnapshotFileError) -> String {
        let existing = files(topic: snapshot.topic, partition: snapshot.partition)
        let generation = (existing.last?.generation ?? 0) + 1
        let name = Self.fileName(topic: snapshot.topic, partition: snapshot.partition, generation: generation)
        let bytes = SnapshotCodec.encode(snapshot)
        let temp = "\(directory)/.\(name).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SnapshotFileError(.io, "cannot create \(temp): \(Self.errnoText())") }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return true
        }
        guard ok, fsync(fd) == 0 else {
            let text = Self.errnoText()
            close(fd)
            unlink(temp)
            throw SnapshotFileError(.io, "cannot write \(temp): \(text)")
        }
        close(fd)
        guard rename(temp, "\(directory)/\(name)") == 0 else {
            let text = Self.errnoText()
            unlink(temp)
            throw SnapshotFileError(.io, "cannot rename \(temp): \(text)")
        }
        try syncDirectory()
        for old in Self.pruned(existing.map(\.name) + [name], keep: keep, damaged: damaged.withLock { $0 }) {
            unlink("\(directory)/\(old)")
            damaged.withLock { _ = $0.remove(old) }
        }
        return name
    }

    /// Which of a partition's files (oldest first, the newest just written and valid) to delete
    /// to keep `keep`: damaged ones first, then the oldest; never the newest.
    static func pruned(_ names: [String], keep: Int, damaged: Set<String>) -> [String] {
        guard names.count > keep, let newest = names.last else { return [] }
        let excess = names.count - keep
        let order = names.filter { damaged.contains($0) && $0 != newest } + names.filter { !damaged.contains($0) && $0 != newest }
        return Array(order.prefix(excess))
    }

    /// Reads and checks one snapshot file: intact (magic, checksum, header) and naming the
    /// partition its file name says. The daemon and `snapshot inspect` both use this.
    func readSnapshot(_ path: String, topic: String, partition: Int32) throws(SnapshotFileError) -> Snapshot {
        let snapshot = try SnapshotCodec.decode(try readFile(path))
        guard snapshot.topic == topic, snapshot.partition == partition else {
            throw SnapshotFileError(.corrupt, "holds \(snapshot.topic)/\(snapshot.partition), but its file name says \(topic)/\(partition)")
        }
        return snapshot
    }

    /// The newest snapshot of a partition that reads back intact and that `open` accepts (it
    /// turns the snapshot's state into the caller's value, e.g. deserializes the lead book).
    /// Damaged or refused files are skipped with a log line naming the file and the reason, so an
    /// older snapshot is used; nil when none is usable.
    func loadNewest<T>(topic: String, partition: Int32, _ open: (Snapshot) throws -> T) -> (snapshot: Snapshot, value: T)? {
        for file in files(topic: topic, partition: partition).reversed() {
            let path = "\(directory)/\(file.name)"
            do {
                let read = Result { () throws(SnapshotFileError) in try readSnapshot(path, topic: topic, partition: partition) }
                if case .failure(let error) = read, error.code == .corrupt {
                    damaged.withLock { _ = $0.insert(file.name) }
                }
                let snapshot = try read.get()
                return (snapshot, try open(snapshot))
            } catch {
                logger.warning("skipping unusable snapshot", metadata: [
                    "snapshot.file": "\(path)", "snapshot.error": "\(error)",
                ])
            }
        }
        return nil
    }

    /// Sets every snapshot of a partition aside (renamed to `*.snap.stale`, which nothing loads),
    /// for snapshots found to belong to another broker or an earlier incarnation of the topic.
    /// Kept rather than deleted so an operator can still inspect them. Returns the new names.
    @discardableResult
    func retire(topic: String, partition: Int32) -> [String] {
        var retired: [String] = []
        for file in files(topic: topic, partition: partition) {
            let stale = file.name + ".stale"
            if rename("\(directory)/\(file.name)", "\(directory)/\(stale)") == 0 { retired.append(stale) }
        }
        return retired
    }

    /// The topic and partition a snapshot file name says, nil for another kind of name.
    static func parseFileName(_ name: String) -> (topic: String, partition: Int32)? {
        guard name.hasSuffix(".snap") else { return nil }
        let parts = name.dropLast(".snap".count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, Int(parts[parts.count - 1]) != nil, parts[parts.count - 2].hasPrefix("p"),
              let partition = Int32(parts[parts.count - 2].dropFirst()) else { return nil }
        return (parts[..<(parts.count - 2)].joined(separator: "."), partition)
    }

    /// Snapshot files of one partition, oldest first.
    func files(topic: String, partition: Int32) -> [(generation: Int, name: String)] {
        let prefix = Self.filePrefix(topic: topic, partition: partition)
        return listDirectory().compactMap { name -> (Int, String)? in
            guard name.hasPrefix(prefix), name.hasSuffix(".snap") else { return nil }
            let middle = name.dropFirst(prefix.count).dropLast(".snap".count)
            guard let generation = Int(middle) else { return nil }
            return (generation, name)
        }.sorted { $0.0 < $1.0 }
    }

    /// All snapshot files in the directory, for `leadscore snapshot inspect`.
    func allFiles() -> [String] {
        listDirectory().filter { $0.hasSuffix(".snap") && !$0.hasPrefix(".") }.sorted()
    }

    /// Reads one file whole.
    func readFile(_ path: String) throws(SnapshotFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SnapshotFileError(.io, "cannot open \(path): \(Self.errnoText())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SnapshotFileError(.io, "cannot stat \(path): \(Self.errnoText())") }
        let size = Int(st.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        let failed: Bool = bytes.withUnsafeMutableBytes { raw in
            while done < size {
                let n = read(fd, raw.baseAddress! + done, size - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                if n == 0 { break }
                done += n
            }
            return false
        }
        if failed { throw SnapshotFileError(.io, "cannot read \(path): \(Self.errnoText())") }
        return done == size ? bytes : Array(bytes[0..<done])
    }

    static func filePrefix(topic: String, partition: Int32) -> String {
        // Topic names are [a-zA-Z0-9._-]; keep them readable in the file name.
        "\(topic).p\(partition)."
    }

    static func fileName(topic: String, partition: Int32, generation: Int) -> String {
        let digits = String(generation)
        return filePrefix(topic: topic, partition: partition)
            + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".snap"
    }

    private func listDirectory() -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private func syncDirectory() throws(SnapshotFileError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SnapshotFileError(.io, "cannot open \(directory): \(Self.errnoText())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw SnapshotFileError(.io, "cannot fsync \(directory): \(Self.errnoText())") }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
