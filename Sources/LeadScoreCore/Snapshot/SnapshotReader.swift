/// Bounds-checked little-endian reader over snapshot bytes; every read names the field it is
/// reading so a bad snapshot says where it went wrong.
struct SnapshotReader {
    let buffer: UnsafeRawBufferPointer
    var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
    }

    mutating func expectTag(_ text: StaticString, version: UInt32, field: String) throws(SnapshotError) {
        _ = try expectTag(text, versions: version...version, field: field)
    }

    /// Checks the tag and returns the format version, which must lie in `versions` (a reader that
    /// still understands older layouts).
    mutating func expectTag(_ text: StaticString, versions: ClosedRange<UInt32>, field: String) throws(SnapshotError) -> UInt32 {
        let count = text.utf8CodeUnitCount
        guard offset + count <= buffer.count else { throw SnapshotError(code: .truncated, field: field) }
        let matches = text.withUTF8Buffer { tag in
            (0..<count).allSatisfy { buffer[offset + $0] == tag[$0] }
        }
        guard matches else { throw SnapshotError(code: .wrongTag, field: field) }
        offset += count
        let found = try u32(field)
        guard versions.contains(found) else { throw SnapshotError(code: .unsupportedVersion, field: field) }
        return found
    }

    @inline(__always)
    mutating func need(_ n: Int, _ field: String) throws(SnapshotError) {
        guard n >= 0, buffer.count - offset >= n else { throw SnapshotError(code: .truncated, field: field) }
    }

    @inline(__always)
    mutating func u8(_ field: String) throws(SnapshotError) -> UInt8 {
        try need(1, field)
        defer { offset += 1 }
        return buffer[offset]
    }

    @inline(__always)
    mutating func u16(_ field: String) throws(SnapshotError) -> UInt16 {
        try need(2, field)
        defer { offset += 2 }
        return UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    mutating func u32(_ field: String) throws(SnapshotError) -> UInt32 {
        try need(4, field)
        defer { offset += 4 }
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    mutating func i32(_ field: String) throws(SnapshotError) -> Int32 { Int32(bitPattern: try u32(field)) }

    @inline(__always)
    mutating func u64(_ field: String) throws(SnapshotError) -> UInt64 {
        try need(8, field)
        defer { offset += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    mutating func i64(_ field: String) throws(SnapshotError) -> Int64 { Int64(bitPattern: try u64(field)) }

    @inline(__always)
    mutating func f64(_ field: String) throws(SnapshotError) -> Double { Double(bitPattern: try u64(field)) }

    /// A count that must fit in the remaining bytes at `minBytesEach` per item.
    mutating func count(_ field: String, minBytesEach: Int) throws(SnapshotError) -> Int {
        let n = Int(try u32(field))
        guard n * max(1, minBytesEach) <= buffer.count - offset else { throw SnapshotError(code: .corrupt, field: field) }
        return n
    }

    mutating func string(_ field: String) throws(SnapshotError) -> String {
        let n = Int(try u32(field))
        try need(n, field)
        let slice = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + n)])
        offset += n
        guard let text = String(checkedUTF8: slice) else { throw SnapshotError(code: .corrupt, field: field) }
        return text
    }

    mutating func strings(_ field: String) throws(SnapshotError) -> [String] {
        let n = try count(field, minBytesEach: 4)
        var list: [String] = []
        list.reserveCapacity(n)
        for _ in 0..<n { list.append(try string(field)) }
        return list
    }

    mutating func floats(_ field: String) throws(SnapshotError) -> [Float] {
        let n64 = try u64(field)
        guard n64 <= UInt64((buffer.count - offset) / 4) else { throw SnapshotError(code: .truncated, field: field) }
        let n = Int(n64)
        let start = offset
        offset += n * 4
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            for k in 0..<n {
                out[k] = Float(bitPattern: UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: start + 4 * k, as: UInt32.self)))
            }
            initialized = n
        }
    }
}
