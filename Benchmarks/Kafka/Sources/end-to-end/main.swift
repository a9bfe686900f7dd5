// End-to-end benchmark driver (see ../../end-to-end.sh and ../../../README.md, "Daemon end to end").
// Everything runs one after the other on one broker, so no two subjects share it at once:
//
// 1. Produces a 20-rep roster plus lead_outcome events (so reps have scores and routing does real
//    work) to rep-events, then EVENTS synthetic lead events (keyed like production traffic) to
//    lead-events.
// 2. bare_consumer reads lead-events to its end: the broker's read rate.
// 3. bare_relay (own group, own output topic relay-out) consumes lead-events and produces one
//    output per input with the same bytes and the daemon's headers: the floor of any
//    consume-and-produce processor. Rate and CPU per event.
// 4. `leadscore run` (release build) on lead-events: its rate from its first processed event to the
//    end of the topic (via /metrics), its process CPU (utime + stime from /proc/PID/stat) over the
//    same window, so start-up is excluded; optionally profiled with perf over that window. Then,
//    caught up, input at 100, 500 and 1000 events/s (LATENCY_SECONDS each): latency from producing
//    an input to reading the lead_routed event it caused (matched through the leadscore-source /
//    leadscore-source-offset headers). The daemon is then stopped.
// 5. bare_relay again (new group, from the end of lead-events, into relay-latency-out, which starts
//    empty) at the same rates: latency from producing an input to reading its copy back, matched
//    the same way.
// Every phase also reports others=N%: the share of the machine that processes outside the
// benchmark took while it ran.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

struct Options {
    var bootstrap = "127.0.0.1:9092"
    var leadscore = ".build/release/leadscore"
    var bareConsumer = "bare_consumer"
    var bareRelay = "bare_relay"
    var work = "/tmp"
    var events = 1_000_000
    var leads = 50_000
    var reps = 20
    var outcomes = 2_000
    var rates = [100, 500, 1_000]
    var latencySeconds = 15
    var fetchWaitMs = 10
    var readerFetchWaitMs = 5
    var perf: String?
    var brokerPID: Int32?
    var relayLatencyOutputs = ["relay-latency-out"]
    var quietWait = 0
    /// A challenger's scoring configuration for the daemon (`challenger.config`), or "builtin" for
    /// `challengerYAML` written into the work folder; nil: no challenger.
    var challenger: String?

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
            case "--bare-relay": bareRelay = value()
            case "--work": work = value()
            case "--events": events = Int(value()) ?? events
            case "--leads": leads = Int(value()) ?? leads
            case "--reps": reps = Int(value()) ?? reps
            case "--outcomes": outcomes = Int(value()) ?? outcomes
            case "--rates": rates = value().split(separator: ",").compactMap { Int($0) }
            case "--latency-seconds": latencySeconds = Int(value()) ?? latencySeconds
            case "--fetch-wait-ms": fetchWaitMs = Int(value()) ?? fetchWaitMs
            case "--perf": perf = value()
            case "--broker-pid": brokerPID = Int32(value())
            case "--quiet-wait": quietWait = Int(value()) ?? quietWait
            case "--challenger": challenger = value()
            case "--relay-latency-outputs": relayLatencyOutputs = value().split(separator: ",").map(String.init)
            default: fail("unknown argument \(args[i])")
            }
            i += 1
        }
    }
}

/// The daemon and its profiler while they run: `fail` stops them, since `exit` runs no `defer` and
/// they would outlive the broker the script stops.
let liveChildren = Mutex<[Int32]>([])

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("end-to-end: \(message)\n".utf8))
    for pid in liveChildren.withLock({ $0 }).reversed() { kill(pid, SIGINT) }
    exit(1)
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Lead events from the synthetic generator with their Kafka keys, generated on demand. The
/// generator's own rep events are skipped (the roster and outcomes go to rep-events up front).
struct LeadEventSource {
    private var stream: SyntheticStream
    private let decoder = EventDecoder()
    private var line: [UInt8] = []

    init(events: Int, leads: Int, reps: Int) {
        // About 90% of the generator's lines are lead events; the margin keeps it from running dry
        // while the event time still spans most of the generator's 60 days.
        stream = SyntheticStream(.init(events: events + events / 6 + 1_000, leads: leads, reps: reps, seed: 1))
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

/// The rep-events the run starts with: the generator's roster (its first `reps` lines, the same
/// reps its lead events and routing refer to), then `outcomes` lead_outcome events spread over the
/// 60 days before the lead stream starts, with a different conversion rate per rep, so reps have
/// scores and tiers. Keyed by rep id.
func repEvents(reps: Int, outcomes: Int, leads: Int) -> [(key: [UInt8], value: [UInt8])] {
    var result: [(key: [UInt8], value: [UInt8])] = []
    var stream = SyntheticStream(.init(events: reps, leads: leads, reps: reps, seed: 1))
    var line: [UInt8] = []
    let decoder = EventDecoder()
    while stream.next(into: &line) {
        let value = Array(line.dropLast())
        line.removeAll(keepingCapacity: true)
        guard let event = try? decoder.decode(value), case .repRoster(let roster) = event else { fail("roster line expected") }
        result.append((Array(roster.repID.utf8), value))
    }
    let start = SyntheticStream.Options(events: 1, leads: 1).start.millisecondsSinceEpoch
    let span: Int64 = 60 * 86_400_000
    var rng: UInt64 = 0x5EED
    for i in 0..<outcomes {
        rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let u = Double(rng >> 11) / Double(1 << 53)
        let rep = i % reps
        let convertRate = 0.05 + 0.03 * Double(rep % 10)
        let outcome = u < convertRate ? "converted" : u < 0.6 ? "disqualified" : "no_response"
        var at: [UInt8] = []
        Timestamp(millisecondsSinceEpoch: start - span + span * Int64(i) / Int64(max(1, outcomes))).appendRFC3339(to: &at)
        let json = "{\"event_id\":\"e2e-outcome-\(i)\",\"type\":\"lead_outcome\",\"occurred_at\":\"\(String(decoding: at, as: UTF8.self))\","
            + "\"lead_id\":\"L-\((i * 7_919) % max(1, leads))\",\"rep_id\":\"R-\(rep)\",\"outcome\":\"\(outcome)\"}"
        guard (try? decoder.decode(Array(json.utf8))) != nil else { fail("bad outcome event \(json)") }
        result.append((Array("R-\(rep)".utf8), Array(json.utf8)))
    }
    return result
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

/// Lead events the daemon has processed: the sum of `leadscore_events_in_total` over the lead-events
/// types from /metrics (which takes no pipeline lock), else the sum of the partitions' next offsets
/// from /summary (the lead-events partitions start at offset 0 here). nil when it does not answer.
func daemonProgress(port: Int) -> Int64? {
    if let data = get("http://127.0.0.1:\(port)/metrics") {
        var total: Int64 = 0
        var found = false
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("leadscore_events_in_total{") {
            // Every type but the rep feed's (rep_roster, lead_outcome on rep-events): lead-events also
            // carries lead_touched and lead_forgotten, and counting only three types never reached
            // the end of the topic.
            guard !line.contains("type=\"rep_roster\""), !line.contains("type=\"lead_outcome\""),
                  let value = line.split(separator: " ").last, let n = Double(value) else { continue }
            total += Int64(n)
            found = true
        }
        if found { return total }
    }
    return summaryProgress(port: port)
}

/// The daemon's `leadscore_outputs_total` by type, from /metrics.
func daemonOutputs(port: Int) -> [(String, Int64)] {
    guard let data = get("http://127.0.0.1:\(port)/metrics") else { return [] }
    var result: [(String, Int64)] = []
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("leadscore_outputs_total{") {
        guard let open = line.range(of: "type=\""), let close = line[open.upperBound...].firstIndex(of: "\""),
              let value = line.split(separator: " ").last, let n = Double(value) else { continue }
        result.append((String(line[open.upperBound..<close]), Int64(n)))
    }
    return result.sorted { $0.0 < $1.0 }
}

/// Sum of the daemon's next offsets over all partitions (/summary), nil when it does not answer.
func summaryProgress(port: Int) -> Int64? {
    guard let data = get("http://127.0.0.1:\(port)/summary"),
          let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let partitions = json["partitions"] as? [[String: Any]], !partitions.isEmpty else { return nil }
    return partitions.reduce(Int64(0)) { $0 + Int64(($1["next_offset"] as? Int) ?? 0) }
}

/// User + system CPU seconds of a process, all threads (/proc/PID/stat fields 14 and 15).
func processCPUSeconds(_ pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
    guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
    return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Machine busy time and this benchmark's own CPU at one moment, to tell how much of the machine
/// other processes took during a phase (the machine has 2 cores and may be shared).
struct CPUSnapshot {
    var machine: Double
    var ours: Double
    var at: ContinuousClock.Instant

    /// `live`: processes of this run that are not reaped children of the driver (the broker, and
    /// the daemon, relay or perf while they run); reaped children count through RUSAGE_CHILDREN.
    init(live: [Int32]) {
        at = .now
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpu = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8))?.split(separator: "\n").first?
            .split(separator: " ").dropFirst().compactMap { Double($0) } ?? []
        // user nice system idle iowait irq softirq steal ...: busy = user + nice + system + irq + softirq
        machine = cpu.count >= 7 ? (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6]) / ticks : .nan
        func seconds(_ who: Int32) -> Double {
            var usage = rusage()
            getrusage(who, &usage)
            return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        }
        ours = seconds(RUSAGE_SELF.rawValue) + seconds(RUSAGE_CHILDREN.rawValue)
            + live.reduce(0) { $0 + (processCPUSeconds($1) ?? 0) }
    }

    /// The share of the whole machine that other processes took since `start` (0...1).
    func othersShare(since start: CPUSnapshot) -> Double {
        let wall = Double((at - start.at).components.seconds) + Double((at - start.at).components.attoseconds) / 1e18
        return max(0, ((machine - start.machine) - (ours - start.ours)) / (wall * Double(ProcessInfo.processInfo.activeProcessorCount)))
    }

    /// "others=N%": `othersShare` for the output lines.
    func others(since start: CPUSnapshot) -> String {
        String(format: "others=%.0f%%", othersShare(since: start) * 100)
    }
}

/// Waits (up to `limit` seconds) until other processes take less than 10% of the machine over 2 s,
/// so a phase does not start in the middle of someone else's build. Says so when it waited.
func waitForQuiet(live: [Int32], limit: Int, phase: String) {
    guard limit > 0 else { return }
    let start = ContinuousClock.now
    while true {
        let a = CPUSnapshot(live: live)
        usleep(2_000_000)
        let share = CPUSnapshot(live: live).othersShare(since: a)
        let waited = ContinuousClock.now - start
        if share < 0.10 || waited > .seconds(limit) {
            if waited > .seconds(3) { print(String(format: "# waited %.0f s before %@ (others %.0f%% over the last 2 s)", Double(waited.components.seconds), phase, share * 100)) }
            return
        }
    }
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

/// The value of `name=` in a bare tool's output line.
func field(_ line: String, _ name: String) -> Double {
    line.split(separator: " ").first { $0.hasPrefix("\(name)=") }
        .flatMap { Double($0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .nan
}

/// Runs a bare tool to completion and returns its one output line.
func runTool(_ path: String, _ arguments: [String], log: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let line = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0 else { fail("\(path) exited with \(process.terminationStatus): \(line); see \(log)") }
    return line
}

/// The challenger of `--challenger builtin`: other weights, a shorter half-life, a third-party
/// weight and industry points than the built-in model (the daemon's challenger test's model).
let challengerYAML = """
scoring:
  intent:
    signals:
      demo_request: {weight: 10}
      pricing_page_visit: {weight: 25, half_life: 3d}
    third_party: {max_weight: 40}
  quality:
    target_industries: {points: 5}

"""

/// The daemon's configuration file for this run (topics are created by the script).
func daemonConfig(bootstrap: String, work: String, extraKafkaLine: String, librdkafka: String, challenger: String? = nil) -> String {
    """
    kafka:
      brokers: \(bootstrap)
      group: e2e
      create_topics: false
      session_timeout: 6s\(extraKafkaLine.isEmpty ? "" : "\n  \(extraKafkaLine)")
      librdkafka: {\(librdkafka)}
    snapshots:
      dir: \(work)/snapshots
      interval: 30s
    stream:
      idle_clock: false
    \(challenger.map { "challenger:\n  config: \($0)\n" } ?? "")
    """
}

/// Resident and peak resident memory of a process in bytes (/proc/PID/status VmRSS, VmHWM).
func residentMemory(_ pid: Int32) -> (rss: Int, peak: Int)? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    func kB(_ name: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }
    guard let rss = kB("VmRSS"), let peak = kB("VmHWM") else { return nil }
    return (rss, peak)
}

/// Whether `leadscore config check` accepts the run's configuration with one more kafka: line.
func configCheckAccepts(leadscore: String, work: String, kafkaLine: String) -> Bool {
    let path = "\(work)/probe.yaml"
    guard (try? daemonConfig(bootstrap: "127.0.0.1:9092", work: work, extraKafkaLine: kafkaLine, librdkafka: "")
        .write(toFile: path, atomically: true, encoding: .utf8)) != nil else { return false }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: leadscore)
    process.arguments = ["config", "check", path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}

struct LatencyResult {
    var rate: Int
    var sent: Int
    var matched: Int
    var p50: Double
    var p99: Double
    var max: Double
    var others: String
    /// p50 of the inputs produced in each third of the phase (shows a queue building up).
    var p50ByThird: [Double]
    /// The broker's CPU over the phase, in % of one core.
    var brokerCPU: Double
}

/// Produces `rate` lead events/s to lead-events for `duration` seconds and, for every record read
/// back from `outputTopic` whose leadscore-source/leadscore-source-offset headers name one of
/// those inputs, the time from producing the input to reading the output.
func measureLatency(producer: KafkaProducer, source: SourceBox, bootstrap: String, outputTopic: String, rate: Int,
                    duration: Int, readerFetchWaitMs: Int, brokerPID: Int32?, live: [Int32], quietWait: Int,
                    logger: Logger) throws -> LatencyResult {
    var readerConfig = KafkaConfiguration(bootstrap: bootstrap, clientID: "e2e-latency-reader")
    readerConfig.librdkafka = ["fetch.wait.max.ms": String(readerFetchWaitMs)]
    let reader = try KafkaPartitionReader(configuration: readerConfig, topics: [outputTopic], defaultStart: .end, logger: logger)
    // Settle at the end of the topic before the first input (start offsets resolve asynchronously).
    let settle = ContinuousClock.now.advanced(by: .milliseconds(500))
    while ContinuousClock.now < settle { _ = try reader.poll(maxMessages: 10_000, timeout: .milliseconds(20)) }

    let sent = Mutex<[String: ContinuousClock.Instant]>([:])
    let sentCount = Atomic<Int>(0)
    let producing = Atomic<Bool>(true)
    let feeder = Thread {
        let perTick = max(1, rate / 100)
        let start = ContinuousClock.now
        var tick = 0
        while ContinuousClock.now - start < .seconds(duration) {
            for _ in 0..<perTick {
                guard let e = source.next() else { break }
                let at = ContinuousClock.now
                do {
                    try producer.produce(topic: "lead-events", key: e.key, value: e.value) { result in
                        if case .success(let report) = result, let offset = report.offset {
                            sent.withLock { $0["lead-events/\(report.partition)/\(offset)"] = at }
                        }
                    }
                    sentCount.add(1, ordering: .relaxed)
                } catch {}
            }
            tick += 1
            let wait = start.advanced(by: .milliseconds(10 * tick)) - ContinuousClock.now
            if wait > .zero { Thread.sleep(forTimeInterval: seconds(wait)) }
        }
        producing.store(false, ordering: .releasing)
    }
    waitForQuiet(live: live, limit: quietWait, phase: "the \(rate)/s phase into \(outputTopic)")
    let cpuStart = CPUSnapshot(live: live)
    let brokerStart = brokerPID.flatMap { processCPUSeconds($0) }
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
    let cpuEnd = CPUSnapshot(live: live)
    let others = cpuEnd.others(since: cpuStart)
    let brokerEnd = brokerPID.flatMap { processCPUSeconds($0) }
    let brokerCPU = brokerStart.flatMap { a in brokerEnd.map { b in 100 * (b - a) / seconds(cpuEnd.at - cpuStart.at) } } ?? .nan
    try? reader.close()
    let sentTimes = sent.withLock { $0 }
    var latencies: [Double] = []
    var thirds: [[Double]] = [[], [], []]
    for r in received {
        guard let s = sentTimes[r.key] else { continue }
        let ms = seconds(r.at - s) * 1000
        latencies.append(ms)
        thirds[min(2, max(0, Int(3 * seconds(s - cpuStart.at) / Double(duration))))].append(ms)
    }
    latencies.sort()
    return LatencyResult(rate: rate, sent: sentCount.load(ordering: .relaxed), matched: latencies.count,
                         p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.last ?? .nan,
                         others: others, p50ByThird: thirds.map { percentile($0.sorted(), 0.5) }, brokerCPU: brokerCPU)
}

func report(_ who: String, _ r: LatencyResult) {
    print(String(format: "latency %@ input_rate=%d/s sent=%d matched=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f p50_by_third=%.0f/%.0f/%.0f broker_cpu=%.0f%% %@",
                 who, r.rate, r.sent, r.matched, r.p50, r.p99, r.max, r.p50ByThird[0], r.p50ByThird[1], r.p50ByThird[2], r.brokerCPU, r.others))
}

func runBenchmark(_ options: Options) throws {
    var logger = Logger(label: "end-to-end")
    logger.logLevel = .error
    let fetchWait = "fetch.wait.max.ms=\(options.fetchWaitMs)"

    // 1. Rep roster and outcomes first, then the lead events.
    var producerConfig = KafkaConfiguration(bootstrap: options.bootstrap, clientID: "e2e-input")
    producerConfig.linger = .zero
    producerConfig.messageTimeout = .seconds(120)
    let producer = try KafkaProducer(configuration: producerConfig, logger: logger)
    let reps = repEvents(reps: options.reps, outcomes: options.outcomes, leads: options.leads)
    for e in reps { try producer.produce(topic: "rep-events", key: e.key, value: e.value) }
    try producer.flush(timeout: .seconds(60))
    print("rep_events roster=\(options.reps) lead_outcome=\(options.outcomes) (rep-events)")
    let latencyEvents = options.rates.reduce(0, +) * options.latencySeconds * 2
    let source = SourceBox(LeadEventSource(events: options.events + latencyEvents + 10_000, leads: options.leads, reps: options.reps))
    let fillStart = ContinuousClock.now
    for _ in 0..<options.events {
        guard let e = source.next() else { fail("the generator ran dry") }
        try producer.produce(topic: "lead-events", key: e.key, value: e.value)
    }
    try producer.flush(timeout: .seconds(300))
    let fillSeconds = seconds(ContinuousClock.now - fillStart)
    print(String(format: "fill messages=%d seconds=%.3f msgs_per_sec=%.0f (Swift producer, generating as it goes)",
                 options.events, fillSeconds, Double(options.events) / fillSeconds))

    // 2. The bare librdkafka consumer: the broker's read rate.
    let broker = options.brokerPID.map { [$0] } ?? []
    waitForQuiet(live: broker, limit: options.quietWait, phase: "bare_consumer")
    var cpuStart = CPUSnapshot(live: broker)
    let bareLine = try runTool(options.bareConsumer, ["-b", options.bootstrap, "-t", "lead-events"], log: "\(options.work)/bare_consumer.log")
    let bareRate = field(bareLine, "msgs_per_sec")
    print("bare_consumer \(bareLine) \(CPUSnapshot(live: broker).others(since: cpuStart))")

    // 3. The bare relay: the floor of consume-and-produce.
    waitForQuiet(live: broker, limit: options.quietWait, phase: "bare_relay")
    cpuStart = CPUSnapshot(live: broker)
    // E2E_PERF_RELAY=FILE: the relay's throughput phase under perf record (cpu-clock, frame
    // pointers; librdkafka's own frames end at their leaf), to set beside the daemon's profile.
    let relayArguments = [
        "-b", options.bootstrap, "-t", "lead-events", "-o", "relay-out", "-g", "e2e-relay", "-n", String(options.events),
        "-T", "300", "-X", "session.timeout.ms=6000", "-X", fetchWait,
    ]
    let relayPerf = ProcessInfo.processInfo.environment["E2E_PERF_RELAY"].flatMap { $0.isEmpty ? nil : $0 }
    let (relayTool, relayPrefix) = relayPerf.map {
        ("/usr/bin/env", ["perf", "record", "-q", "-e", "cpu-clock", "-g", "-o", $0, "--", options.bareRelay])
    } ?? (options.bareRelay, [])
    let relayLine = try runTool(relayTool, relayPrefix + relayArguments, log: "\(options.work)/bare_relay.log")
    let relayRate = field(relayLine, "msgs_per_sec")
    let relayCPU = field(relayLine, "cpu_us_per_msg")
    print("bare_relay \(relayLine) \(CPUSnapshot(live: broker).others(since: cpuStart))"
          + (relayPerf != nil ? " (under perf record: slower and costlier than without the profiler)" : ""))

    // 4. The daemon on the same topic.
    let port = freePort()
    let config = "\(options.work)/e2e.yaml"
    // The fetch wait: the typed kafka.fetch_wait_max where this leadscore knows it, else (older
    // builds) the librdkafka passthrough; an explicit fetch.wait.max.ms in E2E_LIBRDKAFKA wins.
    var librdkafka = ProcessInfo.processInfo.environment["E2E_LIBRDKAFKA"] ?? ""
    var fetchWaitLine = ""
    if !librdkafka.contains("fetch.wait.max.ms") {
        if configCheckAccepts(leadscore: options.leadscore, work: options.work, kafkaLine: "fetch_wait_max: \(options.fetchWaitMs)ms") {
            fetchWaitLine = "fetch_wait_max: \(options.fetchWaitMs)ms"
        } else {
            librdkafka = "\"fetch.wait.max.ms\": \"\(options.fetchWaitMs)\"" + (librdkafka.isEmpty ? "" : ", \(librdkafka)")
        }
    }
    var challenger = options.challenger
    if challenger == "builtin" {
        challenger = "\(options.work)/challenger.yaml"
        try challengerYAML.write(toFile: challenger!, atomically: true, encoding: .utf8)
    }
    try daemonConfig(bootstrap: options.bootstrap, work: options.work, extraKafkaLine: fetchWaitLine, librdkafka: librdkafka,
                     challenger: challenger)
        .write(toFile: config, atomically: true, encoding: .utf8)
    print("daemon config: kafka.\(fetchWaitLine.isEmpty ? "" : "\(fetchWaitLine), kafka.")librdkafka: {\(librdkafka)}"
        + (challenger.map { "; challenger.config: \($0)" } ?? "; no challenger"))
    waitForQuiet(live: broker, limit: options.quietWait, phase: "the daemon")
    let daemon = Process()
    daemon.executableURL = URL(fileURLWithPath: options.leadscore)
    daemon.arguments = ["run", "--config", config, "--http", "127.0.0.1:\(port)", "--log-level", "warning"]
    _ = FileManager.default.createFile(atPath: "\(options.work)/daemon.log", contents: nil)
    let daemonLog = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(options.work)/daemon.log"))
    daemon.standardOutput = daemonLog
    daemon.standardError = daemonLog
    try daemon.run()
    defer { if daemon.isRunning { daemon.terminate() } }
    let pid = daemon.processIdentifier
    liveChildren.withLock { $0.append(pid) }

    var first: (instant: ContinuousClock.Instant, done: Int64, cpu: Double, machine: CPUSnapshot)?
    var others = ""
    var perf: Process?
    let startDeadline = ContinuousClock.now.advanced(by: .seconds(180))
    var last: (instant: ContinuousClock.Instant, cpu: Double)
    var memory: (rss: Int, peak: Int)?
    while true {
        guard daemon.isRunning else { fail("the daemon exited with \(daemon.terminationStatus); see \(options.work)/daemon.log") }
        guard ContinuousClock.now < startDeadline else { fail("the daemon did not catch up within 180 s; see \(options.work)/daemon.log") }
        if let done = daemonProgress(port: port) {
            if first == nil && done > 0 {
                first = (.now, done, processCPUSeconds(pid) ?? .nan, CPUSnapshot(live: broker + [pid]))
                if let path = options.perf {
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    // E2E_PERF_CALLGRAPH=dwarf unwinds through libraries built without frame pointers
                    // (glibc's malloc, librdkafka) at a much higher cost per sample; "fp" is -g.
                    let callGraph = ProcessInfo.processInfo.environment["E2E_PERF_CALLGRAPH"] ?? "fp"
                    let graphArguments = callGraph == "fp" ? ["-g"] : ["--call-graph", callGraph, "-F", "499"]
                    p.arguments = ["perf", "record", "-q", "-e", "cpu-clock"] + graphArguments + ["-p", String(pid), "-o", path]
                    p.standardOutput = FileHandle.nullDevice
                    p.standardError = FileHandle.nullDevice
                    try p.run()
                    perf = p
                    liveChildren.withLock { $0.append(p.processIdentifier) }
                }
            }
            if done >= Int64(options.events) {
                last = (.now, processCPUSeconds(pid) ?? .nan)
                memory = residentMemory(pid)
                others = CPUSnapshot(live: broker + [pid] + (perf.map { [$0.processIdentifier] } ?? [])).others(since: first!.machine)
                break
            }
        }
        usleep(50_000)
    }
    if let perf {
        kill(perf.processIdentifier, SIGINT)
        perf.waitUntilExit()
    }
    let processed = Int64(options.events) - first!.done
    let daemonSeconds = seconds(last.instant - first!.instant)
    let daemonRate = Double(processed) / daemonSeconds
    let daemonCPU = last.cpu - first!.cpu
    let daemonCPUPerEvent = daemonCPU * 1e6 / Double(processed)
    print(String(format: "daemon messages=%d seconds=%.3f msgs_per_sec=%.0f cpu_seconds=%.2f cpu_us_per_event=%.2f %@%@",
                 processed, daemonSeconds, daemonRate, daemonCPU, daemonCPUPerEvent, others,
                 options.perf != nil ? " (under perf record: slower and costlier than without the profiler)" : ""))
    // Every lead is in the daemon's books by now (the partitions' books and, with a challenger,
    // its books): its memory after the whole topic, next to the leads the stream named.
    print(String(format: "daemon_memory challenger=%@ rss_mb=%.1f peak_rss_mb=%.1f (after %d events over %d leads)",
                 challenger == nil ? "no" : "yes", Double(memory?.rss ?? 0) / 1e6, Double(memory?.peak ?? 0) / 1e6,
                 options.events, options.leads))
    let outputs = daemonOutputs(port: port)
    print("daemon outputs per input event: " + outputs.map { String(format: "%@=%.3f", $0.0, Double($0.1) / Double(options.events)) }
        .joined(separator: " ") + String(format: " (all: %.3f; the relay writes 1.000)", Double(outputs.reduce(0) { $0 + $1.1 }) / Double(options.events)))
    print(String(format: "daemon_vs_relay %.2fx (target >= 0.8x); daemon_vs_bare_consumer %.2fx", daemonRate / relayRate, daemonRate / bareRate))
    print(String(format: "cpu_us_per_event daemon=%.2f (target <= 3) relay=%.2f; cpu_s_per_million_events daemon=%.1f relay=%.1f",
                 daemonCPUPerEvent, relayCPU, daemonCPUPerEvent, relayCPU))

    guard options.latencySeconds > 0, !options.rates.isEmpty else {
        daemon.terminate()
        daemon.waitUntilExit()
        return
    }
    print("latency: \(options.latencySeconds) s per rate, input produced with linger.ms 0, \(fetchWait) for daemon and relay, "
          + "\(options.readerFetchWaitMs) ms for the reader")
    var daemonLatency: [LatencyResult] = []
    for rate in options.rates {
        let r = try measureLatency(producer: producer, source: source, bootstrap: options.bootstrap, outputTopic: "lead-routing",
                                   rate: rate, duration: options.latencySeconds, readerFetchWaitMs: options.readerFetchWaitMs,
                                   brokerPID: broker.first, live: broker + [pid],
                                   quietWait: options.quietWait, logger: logger)
        report("daemon", r)
        daemonLatency.append(r)
    }
    daemon.terminate()
    daemon.waitUntilExit()

    // 5. The relay at the same rates, from the end of lead-events, into a topic of its own that
    //    starts empty (Tansu's latency grows with the size of the topics it serves, and the
    //    daemon's lead-routing holds only its routing decisions).
    var firstRelayLatency: [LatencyResult] = []
    for (n, output) in options.relayLatencyOutputs.enumerated() {
        let results = try relayLatency(options, output: output, group: "e2e-relay-latency-\(n)", producer: producer, source: source,
                                       broker: broker, logger: logger)
        if n == 0 { firstRelayLatency = results }
    }
    for (d, r) in zip(daemonLatency, firstRelayLatency) {
        print(String(format: "latency_vs_relay input_rate=%d/s p50 %+.2f ms p99 %+.2f ms (daemon %.2f/%.2f, relay %.2f/%.2f; target within 2 ms at <= 500/s)",
                     d.rate, d.p50 - r.p50, d.p99 - r.p99, d.p50, d.p99, r.p50, r.p99))
    }
    try producer.flush(timeout: .seconds(30))
}

/// Starts bare_relay in follow mode from the end of lead-events into `output`, measures the latency
/// phases through it, stops it.
func relayLatency(_ options: Options, output: String, group: String, producer: KafkaProducer, source: SourceBox,
                  broker: [Int32], logger: Logger) throws -> [LatencyResult] {
    let relay = Process()
    relay.executableURL = URL(fileURLWithPath: options.bareRelay)
    relay.arguments = ["-b", options.bootstrap, "-t", "lead-events", "-o", output, "-g", group, "-e", "-f",
                       "-T", "3600", "-X", "session.timeout.ms=6000", "-X", "fetch.wait.max.ms=\(options.fetchWaitMs)"]
    let relayOut = Pipe()
    let relayErr = Pipe()
    relay.standardOutput = relayOut
    relay.standardError = relayErr
    try relay.run()
    defer { if relay.isRunning { relay.terminate() } }
    let relayStderr = Mutex<String>("")
    let errReader = Thread {
        while true {
            let data = relayErr.fileHandleForReading.availableData
            if data.isEmpty { break }
            relayStderr.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
    }
    errReader.start()
    let joinDeadline = ContinuousClock.now.advanced(by: .seconds(30))
    while !relayStderr.withLock({ $0.contains("assigned") }) {
        guard relay.isRunning, ContinuousClock.now < joinDeadline else { fail("bare_relay did not join: \(relayStderr.withLock { $0 })") }
        usleep(20_000)
    }
    usleep(1_000_000) // the start offsets (latest) resolve after the assignment
    var results: [LatencyResult] = []
    for rate in options.rates {
        let r = try measureLatency(producer: producer, source: source, bootstrap: options.bootstrap, outputTopic: output,
                                   rate: rate, duration: options.latencySeconds, readerFetchWaitMs: options.readerFetchWaitMs,
                                   brokerPID: broker.first, live: broker + [relay.processIdentifier],
                                   quietWait: options.quietWait, logger: logger)
        report(output == "relay-latency-out" ? "relay" : "relay(\(output))", r)
        results.append(r)
    }
    relay.terminate()
    relay.waitUntilExit()
    let line = String(decoding: relayOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    print("bare_relay(latency phases, \(output)) \(line.trimmingCharacters(in: .whitespacesAndNewlines))")
    return results
}

try runBenchmark(Options(CommandLine.arguments))
