/// Little-endian binary writer of the core's state bytes (`LeadBook.serialize`, `RepBook.serialize`),
/// the counterpart of `SnapshotReader`. Named apart from the daemon's `SnapshotWriter`, which writes
/// whole snapshot files (header, checksum, atomic rename) around these bytes.
struct SnapshotBytesWriter {
    var bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func tag(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func u8(_ v: UInt8) { bytes.append(v) }

    @inline(__always)
    mutating func u16(_ v: UInt16) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }

    @inline(__always)
    mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    @inline(__always)
    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { buffer in
            u32(UInt32(buffer.count))
            bytes.append(contentsOf: buffer)
        }
    }

    mutating func strings(_ list: [String]) {
        u32(UInt32(list.count))
        for s in list { string(s) }
    }

    /// Raw little-endian floats in one copy (the bulk of a lead snapshot).
    mutating func floats(_ values: [Float]) {
        u64(UInt64(values.count))
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in values { u32(v.bitPattern) }
        #endif
    }
}
