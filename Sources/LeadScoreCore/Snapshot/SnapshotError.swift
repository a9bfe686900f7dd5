/// Why snapshot bytes could not be read back.
public struct SnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Equatable {
        /// The bytes do not start with the expected tag (not a snapshot of this kind).
        case wrongTag = "wrong_tag"
        /// A format version this build cannot read.
        case unsupportedVersion = "unsupported_version"
        /// The bytes end before the data they announce.
        case truncated
        /// A value is out of range (a count, an index, a string that is not UTF-8).
        case corrupt
    }

    /// The kind of failure.
    public var code: Code
    /// Which part of the snapshot, e.g. `lead_ids`.
    public var field: String

    /// Creates an error.
    public init(code: Code, field: String) {
        self.code = code
        self.field = field
    }

    /// What went wrong in words, with the code and the field for searching logs.
    public var description: String {
        let what = switch code {
        case .wrongTag: "the state is not of the expected kind (another program's data, or damaged)"
        case .unsupportedVersion: "the state was written in a format version this build does not read"
        case .truncated: "the state ends before the data it announces"
        case .corrupt: "a value in the state is out of range"
        }
        return "\(what) (\(code.rawValue) at \(field))"
    }
}
