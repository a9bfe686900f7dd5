import LeadScoreCore

/// What `leadscore run` takes from its command line, kept apart from argument parsing so tests
/// (and embedders) build the real daemon with `Daemon.build(_:)` without a command line.
public protocol DaemonArguments: Sendable {
    /// `--config FILE`; nil runs on defaults.
    var configPath: String? { get }
    /// `--brokers HOST:PORT[,...]`, overriding `kafka.brokers`.
    var brokers: String? { get }
    /// `--group ID`, overriding `kafka.group`.
    var group: String? { get }
    /// `--snapshot-dir DIR`, overriding `snapshots.dir`.
    var snapshotDirectory: String? { get }
    /// `--http HOST:PORT`, overriding `http.listen` (empty disables HTTP).
    var http: String? { get }
}

extension DaemonArguments {
    /// Loads the configuration file (or defaults), then the environment, then these flags, in
    /// increasing order of precedence, validating the result.
    public func configuration(environment: [String: String]) throws(ConfigError) -> LeadScoreConfiguration {
        var loaded: LeadScoreConfiguration
        if let configPath {
            loaded = try LeadScoreConfiguration.load(file: configPath, environment: environment)
        } else {
            loaded = try LeadScoreConfiguration.parse(yaml: "", environment: environment)
        }
        if let brokers { loaded.daemon.kafka.brokers = brokers }
        if let group { loaded.daemon.kafka.group = group }
        if let snapshotDirectory {
            loaded.daemon.snapshots.directory = DaemonConfiguration.SnapshotSettings.directory(from: snapshotDirectory)
        }
        if let http {
            guard http.isEmpty || HostPort(http) != nil else {
                throw ConfigError(problems: [.init(path: "--http", reason: "must be host:port, got \(http)")])
            }
            loaded.daemon.http.listen = http
        }
        return loaded
    }
}
