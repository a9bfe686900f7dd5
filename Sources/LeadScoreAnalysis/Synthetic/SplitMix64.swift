/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same on every platform, which
/// `SystemRandomNumberGenerator` is not meant to be.
public struct SplitMix64: Sendable {
    /// The generator's state.
    public var state: UInt64

    /// A generator at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<n (n > 0).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}
