#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock, read where the daemon needs real time (future-skew checks, the idle clock,
/// latency): at most once per batch or per delivery report, never per input record.
enum WallClock {
    /// Milliseconds since the epoch.
    static func millis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
