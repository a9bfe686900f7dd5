import Crdkafka
import Logging

/// The librdkafka the process is running with (not the one it was compiled against).
public struct LibrdkafkaVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Major version.
    public var major: Int
    /// Minor version.
    public var minor: Int
    /// Patch version.
    public var patch: Int
    /// librdkafka's own version string (for example `2.8.0`).
    public var text: String

    /// Creates a version (tests use this to exercise `problems`).
    public init(major: Int, minor: Int, patch: Int, text: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.text = text ?? "\(major).\(minor).\(patch)"
    }

    /// The loaded library's version, from `rd_kafka_version()` (hex `MMmmrrpp`).
    public static var current: LibrdkafkaVersion {
        let raw = Int(rd_kafka_version())
        return LibrdkafkaVersion(
            major: (raw >> 24) & 0xff, minor: (raw >> 16) & 0xff, patch: (raw >> 8) & 0xff,
            text: String(cString: rd_kafka_version_str()))
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { text }

    /// The oldest version that can talk to brokers with flexible ApiVersions (such as Tansu).
    public static let minimumForFlexibleBrokers = LibrdkafkaVersion(major: 2, minor: 2, patch: 0)
    /// The oldest version with the known duplicate-consumption fixes (2.1.1 and 2.4.0).
    public static let recommended = LibrdkafkaVersion(major: 2, minor: 4, patch: 0)

    /// How serious a version problem is.
    public enum Severity: Sendable, Hashable {
        /// The client will not work with some brokers.
        case error
        /// It works, with known bugs.
        case warning
    }

    /// What is wrong with this version, if anything, as messages for operators.
    public var problems: [(severity: Severity, message: String)] {
        if self < Self.minimumForFlexibleBrokers {
            return [(.error, "librdkafka \(text) is older than 2.2.0: brokers with flexible ApiVersions (Tansu and others) reject every connection with \"ApiVersionRequest failed: Local: Read underflow\". Install 2.2.0 or newer; scripts/ensure-librdkafka.sh builds and installs 2.8.0.")]
        }
        if self < Self.recommended {
            return [(.warning, "librdkafka \(text) is older than 2.4.0, which fixed cases of duplicate consumption after rebalances and offset resets; upgrade (scripts/ensure-librdkafka.sh installs 2.8.0).")]
        }
        return []
    }

    /// Logs the version found and any problem with it; returns false when it is too old to work
    /// with flexible-version brokers.
    @discardableResult
    public static func check(logger: Logger) -> Bool {
        let version = current
        logger.info("librdkafka version", metadata: ["kafka.librdkafka_version": .string(version.text)])
        var usable = true
        for problem in version.problems {
            switch problem.severity {
            case .error:
                usable = false
                logger.error("\(problem.message)", metadata: ["kafka.librdkafka_version": .string(version.text)])
            case .warning:
                logger.warning("\(problem.message)", metadata: ["kafka.librdkafka_version": .string(version.text)])
            }
        }
        return usable
    }
}
