import ArgumentParser
import Foundation
import LeadScoreCore
import LeadScoreDaemon
import Logging

/// `leadscore run`: the daemon.
struct RunCommand: AsyncParsableCommand, DaemonArguments {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: consume lead and rep events from Kafka, emit scores and routing decisions.",
        discussion: """
        Flags override the configuration file, which overrides the defaults; LEADSCORE_* environment \
        variables sit between the two (see the README). SIGTERM/SIGINT stop gracefully (snapshot, flush, \
        commit); SIGHUP reloads the configuration file.
        """
    )

    @Option(name: .customLong("config"), help: "The YAML configuration file.")
    var configPath: String?

    @Option(help: "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...].")
    var brokers: String?

    @Option(help: "Consumer group id shared by the instances that split the lead partitions.")
    var group: String?

    @Option(name: .customLong("snapshot-dir"), help: "Directory for partition snapshots.")
    var snapshotDirectory: String?

    @Option(help: "HOST:PORT for /metrics, /healthz, /readyz, /leads/{id}, /reps and the dashboard (empty: off).")
    var http: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "leadscore")
        let daemon: Daemon
        do {
            daemon = try Daemon.build(self, environment: ProcessInfo.processInfo.environment, logger: logger)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("leadscore: invalid configuration:\n\(error)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("leadscore: cannot start: \(error)\n".utf8))
            throw ExitCode(1)
        }
        do {
            try await daemon.run()
        } catch {
            logger.critical("stopped on a fatal error", metadata: ["leadscore.error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
