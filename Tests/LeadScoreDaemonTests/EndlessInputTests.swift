import Foundation
import Testing

/// `leadscore replay /dev/zero` and `evaluate /dev/zero` used to grow to gigabytes: the line
/// limit was applied once a whole line had been read, and `/dev/zero` has no newline. Now the
/// line is reported (`too_large`) as soon as it outgrows the limit, and memory stays flat.
@Suite("leadscore on endless input (the binary)")
struct EndlessInputTests {
    /// Resident memory of a process in KiB (Linux), nil when unknown.
    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    @Test("replay and evaluate report the endless line at once and stay small", arguments: [
        ["replay", "--quiet", "/dev/zero"], ["evaluate", "/dev/zero"],
    ])
    func devZero(_ arguments: [String]) throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/status") else { return }  // Linux only
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DaemonHarness.binary())
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        // Reads stderr on another thread; the first line is the report of line 1.
        let firstLine = LockedLine()
        Thread.detachNewThread {
            var collected = Data()
            // `availableData` returns what a read gives (`read(upToCount:)` waits for the count).
            while case let chunk = errors.fileHandleForReading.availableData, !chunk.isEmpty {
                collected.append(chunk)
                if let newline = collected.firstIndex(of: 0x0A) {
                    firstLine.set(String(decoding: collected[..<newline], as: UTF8.self))
                    return
                }
            }
        }
        var peakKiB = 0
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            peakKiB = max(peakKiB, Self.residentKiB(process.processIdentifier) ?? 0)
            if firstLine.get() != nil { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        // A few more samples once it reported: it must not be growing.
        for _ in 0..<10 {
            Thread.sleep(forTimeInterval: 0.1)
            peakKiB = max(peakKiB, Self.residentKiB(process.processIdentifier) ?? 0)
        }
        let line = try #require(firstLine.get(), "no error reported within 20 s (resident \(peakKiB) KiB)")
        #expect(line.contains("/dev/zero:1:"), "\(line)")
        #expect(line.contains("too_large"), "\(line)")
        #expect(peakKiB < 200 * 1024, "resident \(peakKiB) KiB")
    }
}

/// One line, written by the stderr reader and read by the test.
private final class LockedLine: @unchecked Sendable {
    // Safe: every access to `value` holds `lock`.
    private let lock = NSLock()
    private var value: String?

    func set(_ line: String) { lock.withLock { value = line } }
    func get() -> String? { lock.withLock { value } }
}
