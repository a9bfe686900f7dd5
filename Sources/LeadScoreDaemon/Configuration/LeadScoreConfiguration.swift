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

    public init(daemon: DaemonConfiguration = DaemonConfiguration(), scoring: ScoringConfig = ScoringConfig()) {
        self.daemon = daemon
        self.scoring = scoring
    }

    /// Parses YAML text, applies environment overrides, and validates everything.
    public static func parse(yaml: String, environment: [String: String] = [:]) throws(ConfigError) -> LeadScoreConfiguration {
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
        if !problems.isEmpty { throw ConfigError(problems: problems) }
        return LeadScoreConfiguration(daemon: daemon, scoring: scoring)
    }

    /// Reads and validates a configuration file.
    public static func load(file: String, environment: [String: String] = [:]) throws(ConfigError) -> LeadScoreConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigError(problems: [.init(path: file, reason: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(yaml: text, environment: environment)
    }
}
