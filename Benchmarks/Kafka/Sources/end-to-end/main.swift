// End-to-end benchmark driver (see ../../end-to-end.sh and ../../../README.md, "Daemon end to end").
//
// 1. Produces EVENTS synthetic lead events (keyed like production traffic) to lead-events.
// 2. Reads the topic with the bare librdkafka consumer: the baseline rate.
// 3. Starts `leadscore run` (release build) on the same topic and measures its processing rate
//    from its first processed event to the end of the topic (via /summary).
// 4. With the daemon caught up, produces RATE events/s for LATENCY_SECONDS and measures, per
//    routing event, the time from producing its input to reading it from lead-routing.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

struct Options {
    var bootstrap = "127.0.0.1:9092"
    var leadscore = ".build/release/leadscore"
    var bareConsumer = "bare_consumer"
    var work = "/tmp"
    var events = 1_000_000
    var rate = 5_000
    var latencySeconds = 30

    init(_ args: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            return i < args.count ? args[i] : ""
        }
        while i < args.count {
            switch args[i] {
            case "--bootstrap": bootstrap = value()
            case "--leadscore": leadscore = value()
            case "--bare-consumer": bareConsumer = value()
            case "--work": work = value()
            case "--events": events = Int(value()) ?? events
            case "--rate": rate = Int(value()) ?? rate
            case "--latency-seconds": latencySeconds = Int(value()) ?? latencySeconds
            default: fail("unknown argument \(args[i])")
            }
            i += 1
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("end-to-end: \(message)\n".utf8))
    exit(1)
}

/// Lead events from the synthetic generator with their Kafka keys, generated on demand.
struct LeadEventSource {
    private var stream: SyntheticStream
    private let decoder = EventDecoder()
    private var line: [UInt8] = []

    init(events: Int) {
        stream = SyntheticStream(.init(events: events * 3, leads: max(1_000, events / 20), reps: 5, seed: 1))
    }

    mutating func next() -> (key: [UInt8], value: [UInt8])? {
        while true {
            line.removeAll(keepingCapacity: true)
            guard stream.next(into: &line) else { return nil }
            let value = Array(line.dropLast())
            guard let event = try? decoder.decode(value), !event.isRepEvent, let key = event.partitionKey else { continue }
            return (Array(key.utf8), value)
        }
    }
}

func get(_ url: String) -> Data? {
    guard let url = URL(string: url) else { return nil }
    let result = Mutex<Data?>(nil)
    let done = DispatchSemaphore(value: 0)
    var request = URLRequest(url: url)
    request.timeoutInterval = 2
    URLSession.shared.dataTask(with: request) { data, _, _ in
        result.withLock { $0 = data }
        done.signal()
    }.resume()
    done.wait()
    return result.withLock { $0 }
}

/// Sum of the daemon's next offsets over all partitions, nil when it does not answer.
func daemonProgress(port: Int) -> Int64? {
    guard let data = get("http://127.0.0.1:\(port)/summary"),
          let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let partitions = json["partitions"] as? [[String: Any]], !partitions.isEmpty else { return nil }
    return partitions.reduce(Int64(0)) { $0 + Int64(($1["next_offset"] as? Int) ?? 0) }
}

func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// The generator, shared by the filling phase and the feeder thread.
final class SourceBox: Sendable {
    private let source: Mutex<LeadEventSource>
    init(_ source: LeadEventSource) { self.source = Mutex(source) }
    func next() -> (key: [UInt8], value: [UInt8])? { source.withLock { $0.next() } }
}

func runBenchmark(_ options: Options) throws {
    var logger = Logger(label: "end-to-end")
    logger.logLevel = .error

    // 1. Fill the topic.
    var producerConfig = KafkaConfiguration(bootstrap: options.bootstrap, clientID: "e2e-input")
    producerConfig.linger = .zero
    producerConfig.messageTimeout = .seconds(120)
    let producer = try KafkaProducer(configuration: producerConfig, logger: logger)
    let source = SourceBox(LeadEventSource(events: options.events + options.rate * options.latencySeconds + 10_000))
    for _ in 0..<options.events {
        guard let e = source.next() else { fail("the generator ran dry") }
        try producer.produce(topic: "lead-events", key: e.key, value: e.value)
    }
    try producer.flush(timeout: .seconds(300))

    // 2. The bare librdkafka consumer on the same topic.
    let bare = Process()
    bare.executableURL = URL(fileURLWithPath: options.bareConsumer)
    bare.arguments = ["-b", options.bootstrap, "-t", "lead-events"]
    let barePipe = Pipe()
    bare.standardOutput = barePipe
    try bare.run()
    bare.waitUntilExit()
    let bareOutput = String(decoding: barePipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let bareRate = bareOutput.split(separator: " ").first { $0.hasPrefix("msgs_per_sec=") }
        .flatMap { Double($0.dropFirst("msgs_per_sec=".count).trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .nan
    print("bare_consumer \(bareOutput.trimmingCharacters(in: .whitespacesAndNewlines))")

    // 3. The daemon on the same topic.
    let port = freePort()
    let config = "\(options.work)/e2e.yaml"
    try """
    kafka:
      brokers: \(options.bootstrap)
      group: e2e
      create_topics: false
      session_timeout: 6s
      librdkafka: {\(ProcessInfo.processInfo.environment["E2E_LIBRDKAFKA"] ?? "")}
    snapshots:
      dir: \(options.work)/snapshots
      interval: 30s
    stream:
      idle_clock: false
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let daemon = Process()
    daemon.executableURL = URL(fileURLWithPath: options.leadscore)
    daemon.arguments = ["run", "--config", config, "--http", "127.0.0.1:\(port)", "--log-level", "warning"]
    FileManager.default.createFile(atPath: "\(options.work)/daemon.log", contents: nil)
    let daemonLog = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(options.work)/daemon.log"))
    daemon.standardOutput = daemonLog
    daemon.standardError = daemonLog
    try daemon.run()
    defer { if daemon.isRunning { daemon.terminate() } }

    var first: (instant: ContinuousClock.Instant, done: Int64)?
    let startDeadline = ContinuousClock.now.advanced(by: .seconds(120))
    while true {
        guard ContinuousClock.now < startDeadline else { fail("the daemon did not catch up within 120 s; see \(options.work)/daemon.log") }
        if let done = daemonProgress(port: port) {
            if first == nil && done > 0 { first = (.now, done) }
            if done >= Int64(options.events) { break }
        }
        usleep(20_000)
    }
    let elapsed = ContinuousClock.now - first!.instant
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let daemonRate = Double(Int64(options.events) - first!.done) / seconds
    print(String(format: "daemon messages=%d seconds=%.3f msgs_per_sec=%.0f", Int64(options.events) - first!.done, seconds, daemonRate))
    print(String(format: "daemon_vs_bare %.1f%% (target >= 80%%)", 100 * daemonRate / bareRate))

    // 4. Latency at a steady input rate.
    var readerConfig = KafkaConfiguration(bootstrap: options.bootstrap, clientID: "e2e-routing-reader")
    readerConfig.librdkafka = ["fetch.wait.max.ms": "5"]
    let reader = try KafkaPartitionReader(configuration: readerConfig, topics: ["lead-routing"], defaultStart: .end, logger: logger)
    let sent = Mutex<[String: ContinuousClock.Instant]>([:])
    let producing = Atomic<Bool>(true)
    let feeder = Thread {
        let perTick = max(1, options.rate / 100)
        let start = ContinuousClock.now
        var tick = 0
        while ContinuousClock.now - start < .seconds(options.latencySeconds) {
            for _ in 0..<perTick {
                guard let e = source.next() else { break }
                let at = ContinuousClock.now
                try? producer.produce(topic: "lead-events", key: e.key, value: e.value) { result in
                    if case .success(let report) = result, let offset = report.offset {
                        sent.withLock { $0["lead-events/\(report.partition)/\(offset)"] = at }
                    }
                }
            }
            tick += 1
            let next = start.advanced(by: .milliseconds(10 * tick))
            let wait = next - ContinuousClock.now
            if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
        }
        producing.store(false, ordering: .releasing)
    }
    feeder.start()
    var received: [(key: String, at: ContinuousClock.Instant)] = []
    var drainUntil: ContinuousClock.Instant?
    while true {
        if drainUntil == nil && !producing.load(ordering: .acquiring) { drainUntil = .now.advanced(by: .seconds(3)) }
        if let drainUntil, ContinuousClock.now > drainUntil { break }
        for m in try reader.poll(maxMessages: 1_000, timeout: .milliseconds(5)) {
            let at = ContinuousClock.now
            var src: String?
            var off: String?
            for h in m.headers {
                if h.name == "leadscore-source" { src = h.value.map { String(decoding: $0, as: UTF8.self) } }
                if h.name == "leadscore-source-offset" { off = h.value.map { String(decoding: $0, as: UTF8.self) } }
            }
            if let src, let off { received.append(("\(src)/\(off)", at)) }
        }
    }
    let sentTimes = sent.withLock { $0 }
    var latencies: [Double] = []
    for r in received {
        guard let s = sentTimes[r.key] else { continue }
        let d = r.at - s
        latencies.append((Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) * 1000)
    }
    latencies.sort()
    print(String(format: "latency input_rate=%d/s routed=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f (target p99 <= 20 ms)",
                 options.rate, latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.last ?? .nan))
    daemon.terminate()
    daemon.waitUntilExit()
}

try runBenchmark(Options(CommandLine.arguments))
