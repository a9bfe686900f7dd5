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
    mutating func u16(_ v: UInt16) { fields(2) { $0.u16(v) } }

    @inline(__always)
    mutating func u32(_ v: UInt32) { fields(4) { $0.u32(v) } }

    @inline(__always)
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }

    @inline(__always)
    mutating func u64(_ v: UInt64) { fields(8) { $0.u64(v) } }

    @inline(__always)
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    @inline(__always)
    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    /// `size` bytes of fields stored in place at the buffer's end: one capacity check for a
    /// whole record (a lead's 82 bytes were 18 appends, each a generic copy). `layOut` must
    /// write exactly `size` bytes.
    @inline(__always)
    mutating func fields(_ size: Int, _ layOut: (inout SnapshotFields) -> Void) {
        bytes.append(addingCapacity: size) { span in
            span.withUnsafeMutableBufferPointer { spare, written in
                var fields = SnapshotFields(base: UnsafeMutableRawPointer(spare.baseAddress!))
                layOut(&fields)
                precondition(fields.offset == size, "snapshot record of \(fields.offset) bytes, \(size) declared")
                written = size
            }
        }
    }

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

/// Little-endian fields stored one after another from `base` (see `SnapshotBytesWriter.fields`).
struct SnapshotFields {
    let base: UnsafeMutableRawPointer
    private(set) var offset = 0

    init(base: UnsafeMutableRawPointer) {
        self.base = base
    }

    @inline(__always) mutating func u8(_ v: UInt8) { put(v) }
    @inline(__always) mutating func u16(_ v: UInt16) { put(v) }
    @inline(__always) mutating func u32(_ v: UInt32) { put(v) }
    @inline(__always) mutating func i32(_ v: Int32) { put(v) }
    @inline(__always) mutating func u64(_ v: UInt64) { put(v) }
    @inline(__always) mutating func i64(_ v: Int64) { put(v) }
    @inline(__always) mutating func f64(_ v: Double) { put(v.bitPattern) }

    @inline(__always)
    private mutating func put<T: FixedWidthInteger>(_ v: T) {
        base.storeBytes(of: v.littleEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }
}
