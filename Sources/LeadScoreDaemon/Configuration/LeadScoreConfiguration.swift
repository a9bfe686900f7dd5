import Foundation
import LeadScoreCore
import LeadScoreKafka
import Yams

/// The whole configuration file: the scoring model (`scoring:`, `routing:`) and the daemon's own
/// sections, loaded and validated together so one `config check` shows every problem in the file.
public struct LeadScoreConfiguration: Sendable {
    /// Kafka, snapshots, HTTP and stream-time settings.
    public var daemon: DaemonConfiguration
    /// The scoring model and routing policy.
    public var scoring: ScoringConfig
    /// The challenger's model, read from `challenger.config` (nil: none).
    public var challenger: ScoringConfig?
    /// The file it was read from (`challenger.config` resolved against the main file's folder),
    /// watched like the main file: writing a new candidate there reloads it.
    public var challengerFile: String?

    public init(daemon: DaemonConfiguration = DaemonConfiguration(), scoring: ScoringConfig = ScoringConfig(),
                challenger: ScoringConfig? = nil) {
        self.daemon = daemon
        self.scoring = scoring
        self.challenger = challenger
    }

    /// The models the daemon scores with.
    public var models: ScoringModels { ScoringModels(live: scoring, challenger: challenger) }

    /// Parses YAML text, applies environment overrides, and validates everything. A relative
    /// `challenger.config` is taken from `directory` (nil: the working directory).
    public static func parse(yaml: String, environment: [String: String] = [:],
                             directory: String? = nil) throws(ConfigError) -> LeadScoreConfiguration {
        let root = try ConfigError.composeYAML(yaml)
        var problems: [ConfigError.Problem] = []
        var daemon = DaemonConfiguration()
        do {
            daemon = try DaemonConfiguration(yaml: root)
        } catch {
            problems += error.problems
        }
        daemon.applyEnvironment(environment)
        problems += daemon.kafka.librdkafkaProblems()
        var scoring = ScoringConfig()
        var scoringNode: Node?
        var routingNode: Node?
        if case .mapping(let top)? = root {
            scoringNode = top["scoring"]
            routingNode = top["routing"]
        }
        do {
            scoring = try ScoringConfig(scoring: scoringNode, routing: routingNode)
        } catch {
            problems += error.problems
        }
        var challenger: ScoringConfig?
        let challengerFile = daemon.challenger.config.map { challengerPath($0, directory: directory) }
        if let challengerFile {
            do {
                challenger = try loadChallenger(challengerFile)
            } catch {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw ConfigError(problems: problems) }
        var loaded = LeadScoreConfiguration(daemon: daemon, scoring: scoring, challenger: challenger)
        loaded.challengerFile = challengerFile
        return loaded
    }

    /// `file` as written in `challenger.config`, taken from `directory` when relative.
    static func challengerPath(_ file: String, directory: String?) -> String {
        guard !file.hasPrefix("/"), let directory, !directory.isEmpty else { return file }
        return (directory as NSString).appendingPathComponent(file)
    }

    /// Reads the challenger's file: its `scoring:` and `routing:` sections, validated like the
    /// main ones; each problem names the file.
    static func loadChallenger(_ path: String) throws(ConfigError) -> ScoringConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(problems: [.init(path: "challenger.config", reason: "cannot read \(path): \(error.localizedDescription)")])
        }
        do {
            return try ScoringConfig(yaml: text)
        } catch {
            throw ConfigError(problems: error.problems.map { .init(path: "challenger.config (\(path)): \($0.path)", reason: $0.reason) })
        }
    }

    /// Reads and validates a configuration file.
    public static func load(file: String, environment: [String: String] = [:]) throws(ConfigError) -> LeadScoreConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigError(problems: [.init(path: file, reason: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(yaml: text, environment: environment, directory: (file as NSString).deletingLastPathComponent)
    }
}
