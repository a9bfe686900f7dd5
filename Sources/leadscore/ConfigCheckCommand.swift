import ArgumentParser
import Foundation
import LeadScoreCore
import LeadScoreDaemon

/// `leadscore config check FILE`: loads a configuration file the way the daemon would (scoring
/// model and daemon sections, environment overrides applied) and prints every problem with its
/// field path, or `ok`, the config version and the daemon settings (secrets redacted).
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

    func run() throws {
        let text: String
        do {
            text = try FileInput.readText(path: file)
        } catch {
            printError("leadscore config check: \(error)")
            throw ExitCode(2)
        }
        // The whole file, as `leadscore run` reads it: the scoring model and the daemon's
        // sections, with LEADSCORE_* environment overrides applied.
        let loaded: LeadScoreConfiguration
        do {
            loaded = try LeadScoreConfiguration.parse(yaml: text, environment: ProcessInfo.processInfo.environment,
                                                      directory: (file as NSString).deletingLastPathComponent)
        } catch {
            for p in error.problems { printError("\(file): \(p)") }
            printError("\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
        let d = loaded.daemon
        print("ok")
        print("config version \(loaded.scoring.version)")
        if let challenger = loaded.challenger, let path = loaded.challengerFile {
            print("challenger: config version \(challenger.version) from \(path), bucket changes to \(d.kafka.topics.challenger)")
        }
        print("kafka: brokers \(d.kafka.brokers), group \(d.kafka.group), transactions \(d.kafka.transactions), "
            + "topics \(d.kafka.topics.all.joined(separator: ", "))")
        if !d.kafka.librdkafka.isEmpty {
            print("librdkafka: " + d.kafka.redactedLibrdkafka.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        print("snapshots: \(d.snapshots.directory ?? "no local copy") every \(ConfigDuration.format(d.snapshots.interval)), keep \(d.snapshots.keep)")
        print("http: \(d.http.listen.isEmpty ? "off" : d.http.listen)")
    }
}
