extension UnsafeBufferPointer<UInt8> {
    /// Byte-wise equality with a literal, without building a `String`: the decoder matches keys and
    /// enumeration values this way on its hot path.
    @inline(__always)
    package func equals(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard count == n, let base = baseAddress else { return n == 0 && count == 0 }
        let l = literal.utf8Start
        var i = 0
        while i < n {
            if base[i] != l[i] { return false }
            i &+= 1
        }
        return true
    }
}
