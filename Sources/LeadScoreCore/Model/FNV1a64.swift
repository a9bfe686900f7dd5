/// FNV-1a, 64 bits: a tiny, stable, seedless hash. Used for the configuration version and the
/// holdout choice, which must be the same in every process and every release (Swift's `Hasher`
/// is seeded per process).
public struct FNV1a64: Sendable {
    /// The running hash.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Starts a hash.
    public init() {}

    /// Mixes in the UTF-8 bytes of a string.
    public mutating func combine(_ text: String) {
        combine(bytes: text.utf8)
    }

    /// Mixes in bytes (a file's, a snapshot's).
    public mutating func combine<Bytes: Sequence<UInt8>>(bytes: Bytes) {
        var h = value
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        value = h
    }

    /// The hash as 16 lower-case hex digits.
    public var hexDigest: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 {
            out[i] = digits[Int((value >> UInt64(60 - 4 * i)) & 0xf)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hash of one string.
    public static func hash(_ text: String) -> UInt64 {
        var h = FNV1a64()
        h.combine(text)
        return h.value
    }
}
