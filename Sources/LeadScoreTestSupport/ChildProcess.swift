import Foundation
import Synchronization

/// A child process for tests: start, signal, wait with a bound. Output goes to files (or is
/// discarded) so a chatty child can never block on a full pipe.
public final class ChildProcess: Sendable {
    /// Why a child process operation failed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong, naming the executable.
        public var description: String
    }

    private let process: Process
    /// The executable path.
    public let executable: String
    /// The arguments it was started with.
    public let arguments: [String]
    /// Where stdout and stderr go, when captured.
    public let outputFile: URL?

    private init(process: Process, executable: String, arguments: [String], outputFile: URL?) {
        self.process = process
        self.executable = executable
        self.arguments = arguments
        self.outputFile = outputFile
    }

    /// Starts `executable` with `arguments`. With `outputFile`, stdout and stderr are appended to
    /// it; otherwise they are discarded.
    public static func start(
        _ executable: String, arguments: [String], environment: [String: String]? = nil, outputFile: URL? = nil
    ) throws(Failure) -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        do {
            if let outputFile {
                FileManager.default.createFile(atPath: outputFile.path, contents: nil)
                let handle = try FileHandle(forWritingTo: outputFile)
                process.standardOutput = handle
                process.standardError = handle
            } else {
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
            }
            process.standardInput = FileHandle.nullDevice
            try process.run()
        } catch {
            throw Failure(description: "cannot start \(executable): \(error)")
        }
        return ChildProcess(process: process, executable: executable, arguments: arguments, outputFile: outputFile)
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Whether it is still running.
    public var isRunning: Bool { process.isRunning }

    /// The exit status (or terminating signal), nil while running.
    public var terminationStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Whether it ended by a signal rather than by exiting.
    public var wasSignalled: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    /// Sends a signal (SIGTERM by default). Does nothing once it has ended.
    public func kill(_ signal: Int32 = SIGTERM) {
        guard process.isRunning else { return }
        _ = Foundation.kill(process.processIdentifier, signal)
    }

    /// Waits until it ends or `timeout` passes; returns whether it ended.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace`; returns once it has ended (bounded).
    public func stop(grace: Duration = .seconds(3)) async {
        kill(SIGTERM)
        if await wait(timeout: grace) { return }
        kill(SIGKILL)
        await wait(timeout: .seconds(5))
    }

    /// What it wrote to its output file so far (empty without one).
    public func output() -> String {
        guard let outputFile, let data = try? Data(contentsOf: outputFile) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    deinit {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
