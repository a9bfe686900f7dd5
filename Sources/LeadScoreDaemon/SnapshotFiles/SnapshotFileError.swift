/// Why a snapshot could not be written or read.
struct SnapshotFileError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    enum Code: String, Sendable {
        /// The file is damaged, truncated or not a snapshot; recovery skips it.
        case corrupt
        /// Written by a newer build with a format this one does not read.
        case unsupportedVersion
        /// The file system refused an operation (the message carries `errno`'s text).
        case io
    }

    var code: Code
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(code.rawValue): \(message)" }
}
