import ArgumentParser
import LeadScoreCore

/// `leadscore config check FILE`: loads a configuration file the way the daemon would and prints
/// every problem with its field path, or `ok` and the config version.
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration file: print every problem with its field path, or 'ok' and the config version."
    )

    @Argument(help: "The YAML configuration file.")
    var path: String?

    @Option(name: .long, help: "The YAML configuration file (same as the argument, as `run` spells it).")
    var config: String?

    func validate() throws {
        guard (path == nil) != (config == nil) else {
            throw ValidationError("give the configuration file once: leadscore config check FILE")
        }
    }

    private var file: String { path ?? config ?? "" }

    /// One section's check over the whole document text: the problems found, and a line to print
    /// when it passes. The scoring model and routing policy are checked here; other sections (the
    /// daemon's Kafka, HTTP and snapshot settings) add their own entry to `checks`.
    struct SectionCheck {
        var name: String
        var run: (String) -> (problems: [ConfigError.Problem], okLine: String?)
    }

    static var checks: [SectionCheck] {
        [
            SectionCheck(name: "scoring") { text in
                do {
                    let config = try ScoringConfig(yaml: text)
                    let problems = config.validate()
                    return (problems, problems.isEmpty ? "config version \(config.version)" : nil)
                } catch let error as ConfigError {
                    return (error.problems, nil)
                } catch {
                    return ([.init(path: "(document)", reason: "\(error)")], nil)
                }
            },
        ]
    }

    func run() throws {
        let text: String
        do {
            text = try FileInput.readText(path: file)
        } catch {
            printError("leadscore config check: \(error)")
            throw ExitCode(2)
        }
        var problems: [ConfigError.Problem] = []
        var okLines: [String] = []
        for check in ConfigCheckCommand.checks {
            let result = check.run(text)
            for p in result.problems where !problems.contains(p) { problems.append(p) }
            if let line = result.okLine { okLines.append(line) }
        }
        if !problems.isEmpty {
            for p in problems { printError("\(file): \(p)") }
            printError("\(problems.count) problem\(problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
        print("ok")
        for line in okLines { print(line) }
    }
}
