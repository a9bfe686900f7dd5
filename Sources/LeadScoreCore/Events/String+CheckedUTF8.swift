extension String {
    /// The string of `bytes`, or nil when they are not valid UTF-8: `String(validating:as:)` with
    /// ASCII, the common case of ids, taken as it is. The standard library's validating
    /// initializer is a generic call (metadata lookups and all) per string, which showed in
    /// snapshot loads (a string per lead) and in the rep feed (two per routing record).
    @inline(__always)
    package init?(checkedUTF8 bytes: UnsafeRawBufferPointer) {
        if !bytes.contains(where: { $0 >= 0x80 }) {
            self = String(decoding: bytes, as: UTF8.self)
            return
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        self = text
    }
}
