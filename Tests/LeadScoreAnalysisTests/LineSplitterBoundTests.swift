import Testing
@testable import LeadScoreAnalysis
@testable import LeadScoreCore

/// Lines are bounded: a line longer than the bound is reported as soon as it outgrows it (an
/// endless one, `/dev/zero`, never ends), costs no more memory than the bound, and the lines after
/// it are delivered with their right numbers.
@Suite("Line splitting with a bound")
struct LineSplitterBoundTests {
    /// Feeds `input` in chunks of `chunk` bytes; returns the lines and the too-long line numbers.
    static func split(_ input: [UInt8], chunk: Int, max: Int) -> (lines: [(Int, String)], tooLong: [Int]) {
        var splitter = LineSplitter(maxLineBytes: max)
        var lines: [(Int, String)] = []
        var tooLong: [Int] = []
        input.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let end = Swift.min(all.count, start + chunk)
                splitter.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])) { line, n in
                    lines.append((n, String(decoding: line, as: UTF8.self)))
                } tooLong: { tooLong.append($0) }
                start = end
            }
        }
        splitter.finish { line, n in lines.append((n, String(decoding: line, as: UTF8.self))) } tooLong: { tooLong.append($0) }
        return (lines, tooLong)
    }

    @Test("a too-long line is reported once with its number; the good lines around it are kept", arguments: [1, 3, 7, 64, 4096])
    func goodLinesKept(chunk: Int) {
        let input = Array("ok1\n\(String(repeating: "x", count: 100))\nok3\r\n\(String(repeating: "y", count: 17))\nok5".utf8)
        let (lines, tooLong) = Self.split(input, chunk: chunk, max: 16)
        #expect(lines.map(\.0) == [1, 3, 5], "chunk \(chunk)")
        #expect(lines.map(\.1) == ["ok1", "ok3", "ok5"], "chunk \(chunk)")
        #expect(tooLong == [2, 4], "chunk \(chunk)")
    }

    @Test("the bound is exact: a line of max bytes (plus a CR) is delivered, one more byte is not", arguments: [1, 5, 100])
    func exactBound(chunk: Int) {
        let input = Array("\(String(repeating: "a", count: 8))\r\n\(String(repeating: "b", count: 9))\n\(String(repeating: "c", count: 9))".utf8)
        let (lines, tooLong) = Self.split(input, chunk: chunk, max: 8)
        #expect(lines.map(\.1) == [String(repeating: "a", count: 8)])
        #expect(tooLong == [2, 3])
    }

    @Test("an endless line is reported as soon as it outgrows the bound, not at its (absent) end")
    func endlessLineReportedEarly() {
        var splitter = LineSplitter()  // the decoder's 64 KiB
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var reportedAfter: Int?
        var fed = 0
        zeros.withUnsafeBytes { chunk in
            // 256 MiB of an endless line, the way `replay /dev/zero` reads it.
            for _ in 0..<256 {
                fed += chunk.count
                splitter.feed(chunk) { _, _ in Issue.record("a line delivered") } tooLong: { number in
                    #expect(number == 1)
                    if reportedAfter == nil { reportedAfter = fed }
                }
            }
        }
        #expect(reportedAfter == 1 << 20)
        #expect(splitter.tooLongError.code == .tooLarge)
        // And the next line is line 2.
        var next: [Int] = []
        Array("\n{}\n".utf8).withUnsafeBytes { splitter.feed($0) { _, n in next.append(n) } tooLong: { _ in Issue.record("too long") } }
        #expect(next == [2])
    }

    @Test("replay counts a too-long line as a bad line (too_large) and goes on")
    func replayCountsIt() {
        let good = #"{"event_id":"e1","type":"engagement","occurred_at":"2026-11-24T10:00:00Z","lead_id":"L","signal":"demo_request"}"#
        let input = Array("\(String(repeating: " ", count: 70_000))x\n\(good)\n".utf8)
        var runner = ReplayRunner(config: ScoringConfig())
        var splitter = LineSplitter()
        var output: [UInt8] = []
        var errors: [(Int, EventDecodingError)] = []
        let tooLong = splitter.tooLongError
        input.withUnsafeBytes { raw in
            splitter.feed(raw) { line, n in
                if let e = runner.feed(line: line, output: &output) { errors.append((n, e)) }
            } tooLong: { n in
                runner.countBadLine(tooLong)
                errors.append((n, tooLong))
            }
        }
        #expect(errors.map(\.0) == [1])
        #expect(errors.map(\.1.code) == [.tooLarge])
        #expect(runner.summary.badLinesByCode == ["too_large": 1])
        #expect(runner.summary.events == 1)
    }
}
