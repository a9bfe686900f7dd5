/// The on-disk format of a `Snapshot`, versioned and checksummed.
///
/// Layout (little endian):
/// `"LSSNAP\r\n"` magic, `UInt16` format version, `UInt32` header length, header, `UInt64` state
/// length, state bytes, `UInt64` XXH64 of everything before it. The trailing checksum makes a
/// truncated or bit-flipped file detectable without trusting any length field first.
enum SnapshotCodec {
    static let magic: [UInt8] = Array("LSSNAP\r\n".utf8)
    static let formatVersion: UInt16 = 1

    /// Serializes a snapshot into the file format.
    static func encode(_ snapshot: Snapshot) -> [UInt8] {
        var header = ByteWriter()
        header.string(snapshot.topic)
        header.int32(snapshot.partition)
        header.int64(snapshot.nextOffset)
        header.string(snapshot.configVersion)
        header.int64(snapshot.writtenAtMillis)
        header.positions(snapshot.outputPositions)

        var out = ByteWriter(capacity: magic.count + 22 + header.bytes.count + snapshot.state.count)
        out.raw(magic)
        out.uint16(formatVersion)
        out.uint32(UInt32(header.bytes.count))
        out.raw(header.bytes)
        out.uint64(UInt64(snapshot.state.count))
        out.raw(snapshot.state)
        let sum = Checksum64.hash(out.bytes)
        out.uint64(sum)
        return out.bytes
    }

    /// Parses and verifies a snapshot file's bytes.
    static func decode(_ bytes: [UInt8]) throws(SnapshotFileError) -> Snapshot {
        guard bytes.count >= magic.count + 2 + 4 + 8 + 8 else {
            throw SnapshotFileError(.corrupt, "file is \(bytes.count) bytes, too short to be a snapshot")
        }
        guard Array(bytes[0..<magic.count]) == magic else {
            throw SnapshotFileError(.corrupt, "not a leadscore snapshot (bad magic)")
        }
        let bodyCount = bytes.count - 8
        let (expected, actual) = bytes.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: bodyCount, as: UInt64.self).littleEndian,
             Checksum64.hash(UnsafeRawBufferPointer(rebasing: raw[0..<bodyCount])))
        }
        guard expected == actual else {
            throw SnapshotFileError(.corrupt, "checksum mismatch (truncated or damaged file)")
        }
        var reader = ByteReader(bytes, from: magic.count, to: bodyCount)
        do {
            let version = try reader.uint16()
            guard version == formatVersion else {
                throw SnapshotFileError(.unsupportedVersion, "format version \(version), this build reads \(formatVersion)")
            }
            let headerLength = Int(try reader.uint32())
            var header = try reader.sub(headerLength)
            let topic = try header.string()
            let partition = try header.int32()
            let nextOffset = try header.int64()
            let configVersion = try header.string()
            let writtenAt = try header.int64()
            let positions = try header.positions()
            let stateLength = try reader.uint64()
            guard stateLength <= UInt64(reader.remaining) else {
                throw SnapshotFileError(.corrupt, "state length \(stateLength) exceeds the file")
            }
            let state = try reader.bytes(Int(stateLength))
            guard reader.remaining == 0 else {
                throw SnapshotFileError(.corrupt, "\(reader.remaining) unexpected bytes after the state")
            }
            return Snapshot(topic: topic, partition: partition, nextOffset: nextOffset, outputPositions: positions,
                            configVersion: configVersion, writtenAtMillis: writtenAt, state: state)
        } catch let error as SnapshotFileError {
            throw error
        } catch {
            throw SnapshotFileError(.corrupt, "malformed header: \(error)")
        }
    }
}

/// Little-endian binary writer for snapshot headers.
struct ByteWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    mutating func uint16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func uint32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func uint64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func int32(_ v: Int32) { uint32(UInt32(bitPattern: v)) }
    mutating func int64(_ v: Int64) { uint64(UInt64(bitPattern: v)) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        uint32(UInt32(utf8.count))
        raw(utf8)
    }
    /// Output positions: a count, then topic, partition and offset of each (snapshot files and
    /// state commits share the form).
    mutating func positions(_ list: [Snapshot.OutputPosition]) {
        uint32(UInt32(list.count))
        for position in list {
            string(position.topic)
            int32(position.partition)
            int64(position.offset)
        }
    }
}

/// Bounds-checked little-endian reader; every read past the end is an error, never a trap.
struct ByteReader {
    private let storage: [UInt8]
    private var position: Int
    private let end: Int

    init(_ storage: [UInt8], from start: Int, to end: Int) {
        self.storage = storage
        self.position = start
        self.end = end
    }

    var remaining: Int { end - position }

    private mutating func take(_ n: Int) throws(SnapshotFileError) -> Range<Int> {
        guard n >= 0, n <= end - position else {
            throw SnapshotFileError(.corrupt, "needs \(n) bytes at offset \(position), \(end - position) left")
        }
        defer { position += n }
        return position..<(position + n)
    }

    private mutating func load<T: FixedWidthInteger>(_: T.Type) throws(SnapshotFileError) -> T {
        let range = try take(MemoryLayout<T>.size)
        return storage.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: range.lowerBound, as: T.self)) }
    }

    mutating func uint16() throws(SnapshotFileError) -> UInt16 { try load(UInt16.self) }
    mutating func uint32() throws(SnapshotFileError) -> UInt32 { try load(UInt32.self) }
    mutating func uint64() throws(SnapshotFileError) -> UInt64 { try load(UInt64.self) }
    mutating func int32() throws(SnapshotFileError) -> Int32 { Int32(bitPattern: try uint32()) }
    mutating func int64() throws(SnapshotFileError) -> Int64 { Int64(bitPattern: try uint64()) }
    mutating func bytes(_ n: Int) throws(SnapshotFileError) -> [UInt8] { Array(storage[try take(n)]) }
    mutating func sub(_ n: Int) throws(SnapshotFileError) -> ByteReader {
        let range = try take(n)
        return ByteReader(storage, from: range.lowerBound, to: range.upperBound)
    }
    /// Output positions as `ByteWriter.positions` writes them; a count the bytes cannot hold is
    /// an error before anything is allocated for it.
    mutating func positions() throws(SnapshotFileError) -> [Snapshot.OutputPosition] {
        let count = Int(try uint32())
        guard count <= remaining / 16 else { throw SnapshotFileError(.corrupt, "\(count) output positions in \(remaining) bytes") }
        var list: [Snapshot.OutputPosition] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            list.append(.init(topic: try string(), partition: try int32(), offset: try int64()))
        }
        return list
    }

    mutating func string() throws(SnapshotFileError) -> String {
        let n = Int(try uint32())
        let range = try take(n)
        guard let s = String(validating: storage[range], as: UTF8.self) else {
            throw SnapshotFileError(.corrupt, "invalid UTF-8 in a header string")
        }
        return s
    }
}
