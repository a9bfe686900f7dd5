/// Why a scoring configuration was refused. Validation collects every problem before failing, so
/// one run of `config check` shows everything that needs fixing.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem: the dotted path of the field (e.g. `scoring.buckets.A`) and what is wrong.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// Dotted field path, e.g. `scoring.intent.signals.demo_request.half_life`.
        public var path: String
        /// What is wrong with it, e.g. `must be positive, got -3d`.
        public var reason: String

        /// Creates a problem for a field.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        /// `path: reason`.
        public var description: String { "\(path): \(reason)" }
    }

    /// Every problem found, in document order.
    public var problems: [Problem]

    /// Creates an error from the problems found.
    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// One problem per line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
