import ArgumentParser
import LeadScoreCore

/// Loads a scoring configuration for the commands that take `--config FILE` without running the
/// daemon (replay, generate --world, demo): every problem is printed with the file name, and the
/// command exits 2.
enum ScoringConfigFile {
    /// The configuration in `path`, or the built-in defaults when `path` is nil.
    static func load(_ path: String?, command: String) throws -> ScoringConfig {
        guard let path else { return ScoringConfig() }
        let text: String
        do { text = try FileInput.readText(path: path) } catch {
            printError("leadscore \(command): \(error)")
            throw ExitCode(2)
        }
        let config: ScoringConfig
        var problems: [ConfigError.Problem]
        do throws(ConfigError) {
            config = try ScoringConfig(yaml: text)
            problems = config.validate()
        } catch {
            problems = error.problems
            config = ScoringConfig()
        }
        guard problems.isEmpty else {
            for p in problems { printError("\(path): \(p)") }
            throw ExitCode(2)
        }
        return config
    }
}
