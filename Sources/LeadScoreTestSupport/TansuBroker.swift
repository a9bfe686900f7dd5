import Foundation
import Logging

/// A real Kafka-compatible broker (Tansu, in-memory storage) started as a child process for
/// integration tests. Each instance gets its own free loopback port and its own empty cluster.
public final class TansuBroker: Sendable {
    /// Why the broker could not be started or used.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong.
        public var description: String
    }

    /// `127.0.0.1:PORT`, for clients' bootstrap servers.
    public let bootstrap: String
    /// The listening port.
    public let port: Int
    /// The `tansu` executable used.
    public let executable: String
    private let process: ChildProcess
    private let logger: Logger

    private init(bootstrap: String, port: Int, executable: String, process: ChildProcess, logger: Logger) {
        self.bootstrap = bootstrap
        self.port = port
        self.executable = executable
        self.process = process
        self.logger = logger
    }

    /// Finds the binary: `TANSU_BIN`, else `tansu` on `PATH`, else `/usr/local/bin/tansu`.
    public static func findExecutable() throws(Failure) -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let bin = environment["TANSU_BIN"], !bin.isEmpty { candidates.append(bin) }
        for dir in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/tansu") }
        candidates.append("/usr/local/bin/tansu")
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) { return path }
        throw Failure(description: "the Tansu broker binary was not found (TANSU_BIN, PATH, /usr/local/bin/tansu); run `make test` or scripts/ensure-tansu.sh to install it")
    }

    /// Starts a broker on a free loopback port (or on `port`: a fresh broker where an earlier one
    /// stood) and waits (bounded) until it accepts connections.
    public static func start(port fixedPort: Int? = nil, logger: Logger = Logger(label: "tansu"),
                             readyTimeout: Duration = .seconds(10)) async throws -> TansuBroker {
        let executable = try findExecutable()
        var lastError = "no attempt"
        // A port found free can be taken before the broker binds it; try a few.
        for _ in 0..<3 {
            let port = try fixedPort ?? LoopbackPort.free()
            let url = "tcp://127.0.0.1:\(port)"
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("tansu-\(port)-\(UUID().uuidString.prefix(8)).log")
            let process = try ChildProcess.start(
                executable,
                arguments: [
                    "broker", "--cluster-id", "leadscore-test-\(port)", "--listener-url", url,
                    "--advertised-listener-url", url, "--storage-engine", "memory://tansu/",
                ],
                environment: ["RUST_LOG": ProcessInfo.processInfo.environment["RUST_LOG"] ?? "warn"],
                outputFile: log)
            let deadline = ContinuousClock.now.advanced(by: readyTimeout)
            while ContinuousClock.now < deadline && process.isRunning {
                if LoopbackPort.accepts(port) {
                    logger.debug("tansu started", metadata: ["tansu.bootstrap": "127.0.0.1:\(port)", "tansu.log": .string(log.path)])
                    return TansuBroker(bootstrap: "127.0.0.1:\(port)", port: port, executable: executable, process: process, logger: logger)
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            lastError = process.isRunning ? "not accepting connections on port \(port) after \(readyTimeout)" : "exited: \(process.output().suffix(2000))"
            await process.stop(grace: .seconds(1))
        }
        throw Failure(description: "tansu broker did not start: \(lastError)")
    }

    /// Starts a broker, runs `body`, and stops the broker afterwards, also when `body` throws.
    public static func withBroker<T>(logger: Logger = Logger(label: "tansu"), _ body: (TansuBroker) async throws -> T) async throws -> T {
        let broker = try await start(logger: logger)
        do {
            let result = try await body(broker)
            await broker.stop()
            return result
        } catch {
            await broker.stop()
            throw error
        }
    }

    /// Creates a topic with `tansu topic create`, with an explicit `retention.ms` (Tansu only
    /// returns topic configs that were set at creation).
    public func createTopic(_ name: String, partitions: Int, retention: Duration = .seconds(7 * 24 * 3600)) async throws {
        let ms = retention.components.seconds * 1000
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tansu-topic-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: out) }
        let child = try ChildProcess.start(
            executable,
            arguments: ["topic", "create", "--broker", "tcp://\(bootstrap)", "--partitions", String(partitions), "--config", "retention.ms=\(ms)", name],
            outputFile: out)
        guard await child.wait(timeout: .seconds(20)) else {
            await child.stop()
            throw Failure(description: "tansu topic create \(name) did not finish within 20 s")
        }
        guard child.terminationStatus == 0 else {
            throw Failure(description: "tansu topic create \(name) failed (status \(child.terminationStatus ?? -1)): \(child.output())")
        }
    }

    /// Whether the broker process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Stops the broker (SIGTERM, then SIGKILL after a grace period). Its data is gone.
    public func stop() async {
        await process.stop(grace: .seconds(2))
    }

    /// Kills the broker at once with SIGKILL.
    public func kill() async {
        process.kill(SIGKILL)
        await process.wait(timeout: .seconds(5))
    }

    /// The broker's log so far (stdout and stderr).
    public func log() -> String { process.output() }
}
