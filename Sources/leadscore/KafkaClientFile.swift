import ArgumentParser
import Foundation
import LeadScoreCore
import LeadScoreDaemon
import LeadScoreKafka

/// The Kafka client settings the commands that read topics (`fit --brokers`, `evaluate
/// --brokers`) connect with: those of a daemon configuration file's `kafka:` section (SASL, TLS
/// through `librdkafka:`) and the `LEADSCORE_RDKAFKA_*` environment, as `leadscore run` reads
/// them, so a job reaches a secured cluster like the daemon whose file it is given.
enum KafkaClientFile {
    /// From `file` (nil: defaults and the environment); a file with problems prints them and
    /// exits 2.
    static func settings(_ file: String?, command: String) throws -> KafkaConfiguration {
        let environment = ProcessInfo.processInfo.environment
        guard let file else {
            var settings = DaemonConfiguration()
            settings.applyEnvironment(environment)
            return settings.kafka.clientConfiguration()
        }
        do throws(ConfigError) {
            return try LeadScoreConfiguration.load(file: file, environment: environment).daemon.kafka.clientConfiguration()
        } catch {
            for problem in error.problems { printError("leadscore \(command): \(file): \(problem)") }
            throw ExitCode(2)
        }
    }
}
