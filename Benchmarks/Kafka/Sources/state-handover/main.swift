// State hand-over benchmark driver (see ../../handover.sh and ../../../README.md, "State hand-over
// (issue 15)"). One lead-events partition, one broker, everything one after the other:
//
// 1. Produces the synthetic generator's rep roster to rep-events, then EVENTS lines of the SPEC
//    synthetic stream (LEADS leads, 90 days of event time; its lead events only) to lead-events,
//    then one profile event (stamped at the stream's end) for every lead the stream never named
//    in an engagement, intent or profile event, so the partition holds about LEADS leads.
// 2. Daemon A (`leadscore run`, release build, a snapshot directory of its own, snapshots.interval
//    INTERVAL) from an empty disk and an empty state topic: it rebuilds the partition from offset 0.
//    Wall time from its start to caught up (/summary next_offset = end of lead-events) is the
//    rebuild time. SIGTERM: its shutdown writes a final checkpoint to leadscore-state.
// 3. Daemon B, same group, `snapshots.dir: none`: it restores the partition from leadscore-state.
//    Its `partition restored` log line (leads, restore_bytes, load_seconds) and the time from its
//    start to /readyz 200, with B's and the broker's CPU over that window.
// 4. One event to B (its first checkpoint after a take-over is a base: measured too), then, right
//    after that base, one engagement event for each of CHANGED distinct existing leads (stamped
//    after the stream's end): the delta checkpoint that follows, from B's /metrics
//    (leadscore_checkpoint_duration_seconds and leadscore_checkpoint_bytes_total, kind="delta").
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
    var work = "/tmp"
    var leads = 1_000_000
    var events = 0 // 0: 2 x leads
    var changed = 10_000
    var reps = 20
    var interval = 5
    var brokerPID: Int32?

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
            case "--work": work = value()
            case "--leads": leads = Int(value()) ?? leads
            case "--events": events = Int(value()) ?? events
            case "--changed": changed = Int(value()) ?? changed
            case "--reps": reps = Int(value()) ?? reps
            case "--interval": interval = Int(value()) ?? interval
            case "--broker-pid": brokerPID = Int32(value())
            default: fail("unknown argument \(args[i])")
            }
            i += 1
        }
        if events <= 0 { events = 2 * leads }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("state-handover: \(message)\n".utf8))
    exit(1)
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func get(_ url: String, status: UnsafeMutablePointer<Int>? = nil) -> Data? {
    guard let url = URL(string: url) else { return nil }
    let result = Mutex<(Data?, Int)>((nil, 0))
    let done = DispatchSemaphore(value: 0)
    var request = URLRequest(url: url)
    request.timeoutInterval = 2
    URLSession.shared.dataTask(with: request) { data, response, _ in
        result.withLock { $0 = (data, (response as? HTTPURLResponse)?.statusCode ?? 0) }
        done.signal()
    }.resume()
    done.wait()
    let (data, code) = result.withLock { $0 }
    status?.pointee = code
    return data
}

/// Sum of the daemon's next offsets over its partitions (/summary), nil when it does not answer.
func summaryProgress(port: Int) -> Int64? {
    guard let data = get("http://127.0.0.1:\(port)/summary"),
          let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let partitions = json["partitions"] as? [[String: Any]], !partitions.isEmpty else { return nil }
    return partitions.reduce(Int64(0)) { $0 + Int64(($1["next_offset"] as? Int) ?? 0) }
}

/// The value of every /metrics line that starts with `name` and carries `label` (summed).
struct Metrics {
    var lines: [Substring] = []
    init(port: Int) {
        if let data = get("http://127.0.0.1:\(port)/metrics") {
            lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        }
    }
    func value(_ name: String, _ label: String = "") -> Double {
        var total = 0.0
        for line in lines where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            guard label.isEmpty || line.contains(label), let v = line.split(separator: " ").last, let n = Double(v) else { continue }
            total += n
        }
        return total
    }
    /// count, seconds and bytes of the checkpoints of one kind so far.
    func checkpoints(_ kind: String) -> (count: Double, seconds: Double, bytes: Double) {
        let label = "kind=\"\(kind)\""
        return (value("leadscore_checkpoint_duration_seconds_count", label), value("leadscore_checkpoint_duration_seconds_sum", label),
                value("leadscore_checkpoint_bytes_total", label))
    }
}

/// User + system CPU seconds of a process, all threads (/proc/PID/stat fields 14 and 15).
func processCPUSeconds(_ pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
    return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// A /proc/PID/status field in MB (VmRSS, VmHWM).
func statusMB(_ pid: Int32, _ field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        if let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) { return kb / 1024 }
    }
    return .nan
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

func rfc3339(_ millis: Int64) -> String {
    var out: [UInt8] = []
    Timestamp(millisecondsSinceEpoch: millis).appendRFC3339(to: &out)
    return String(decoding: out, as: UTF8.self)
}

func leadNumber(_ id: String?) -> Int? {
    guard let id, id.hasPrefix("L-") else { return nil }
    return Int(id.dropFirst(2))
}

/// A lead event of the generator's shape for lead `n` (account `n / 4`, none for every fifth
/// lead), checked with the daemon's decoder; with its Kafka key.
func leadEvent(_ n: Int, type: String, id: String, at millis: Int64, body: String) -> (key: [UInt8], value: [UInt8]) {
    let account = n % 5 == 0 ? nil : "A-\(n / 4)"
    let json = "{\"event_id\":\"\(id)\",\"type\":\"\(type)\",\"occurred_at\":\"\(rfc3339(millis))\",\"lead_id\":\"L-\(n)\""
        + (account.map { ",\"account_id\":\"\($0)\"" } ?? "") + body + "}"
    guard let event = try? EventDecoder().decode(Array(json.utf8)), let key = event.partitionKey else { fail("bad event \(json)") }
    return (Array(key.utf8), Array(json.utf8))
}

func daemonConfig(_ options: Options, snapshotDir: String) -> String {
    """
    kafka:
      brokers: \(options.bootstrap)
      group: handover
      partitions: 1
      session_timeout: 6s
      fetch_wait_max: 10ms
    snapshots:
      dir: \(snapshotDir)
      interval: \(options.interval)s
    stream:
      idle_clock: false

    """
}

final class Daemon {
    let process = Process()
    let port = freePort()
    let log: String
    var started = ContinuousClock.now

    init(_ options: Options, name: String, snapshotDir: String) throws {
        let config = "\(options.work)/\(name).yaml"
        try daemonConfig(options, snapshotDir: snapshotDir).write(toFile: config, atomically: true, encoding: .utf8)
        log = "\(options.work)/\(name).log"
        process.executableURL = URL(fileURLWithPath: options.leadscore)
        process.arguments = ["run", "--config", config, "--http", "127.0.0.1:\(port)", "--log-level", "info"]
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
    }

    func start() throws {
        started = .now
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func check() {
        guard process.isRunning else { fail("the daemon exited with \(process.terminationStatus); see \(log)") }
    }

    /// SIGTERM, then the seconds until it exited (its shutdown writes the final checkpoint).
    func stop() -> Double {
        let at = ContinuousClock.now
        process.terminate()
        process.waitUntilExit()
        return seconds(ContinuousClock.now - at)
    }

    func logLines(containing text: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.contains(text) }.map(String.init)
    }
}

/// `name=value` (value up to the next space) in a log line, metadata keys as logged.
func logField(_ line: String, _ name: String) -> String? {
    guard let r = line.range(of: "\(name)=") else { return nil }
    return String(line[r.upperBound...].prefix { $0 != " " && $0 != "," && $0 != "]" }).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
}

func waitUntil(_ what: String, timeout: Double, _ daemon: Daemon?, poll: UInt32 = 50_000, _ done: () -> Bool) {
    let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(timeout * 1000)))
    while !done() {
        daemon?.check()
        guard ContinuousClock.now < deadline else { fail("timed out after \(timeout) s waiting for \(what)") }
        usleep(poll)
    }
}

func runBenchmark(_ options: Options) throws {
    var logger = Logger(label: "state-handover")
    logger.logLevel = .error
    let span: Int64 = 90 * 86_400_000
    let streamOptions = SyntheticStream.Options(events: options.events, leads: options.leads, reps: options.reps, seed: 1,
                                                spanMilliseconds: span)
    let streamEnd = streamOptions.start.millisecondsSinceEpoch + span

    // 1. Input.
    var producerConfig = KafkaConfiguration(bootstrap: options.bootstrap, clientID: "handover-input")
    producerConfig.linger = .milliseconds(5)
    producerConfig.messageTimeout = .seconds(300)
    let producer = try KafkaProducer(configuration: producerConfig, logger: logger)
    var stream = SyntheticStream(streamOptions)
    let decoder = EventDecoder()
    var line: [UInt8] = []
    var seen = [Bool](repeating: false, count: options.leads)
    var leadEvents: Int64 = 0
    var repEvents = 0
    let fillStart = ContinuousClock.now
    while stream.next(into: &line) {
        defer { line.removeAll(keepingCapacity: true) }
        let value = Array(line.dropLast())
        guard let event = try? decoder.decode(value), let key = event.partitionKey else { continue }
        if event.isRepEvent {
            // The roster only (the reps the lead events and routing refer to), as end-to-end does.
            if case .repRoster = event, stream.written <= options.reps {
                try producer.produce(topic: "rep-events", key: Array(key.utf8), value: value)
                repEvents += 1
            }
            continue
        }
        switch event {
        case .engagement(let e): if let n = leadNumber(e.leadID) { seen[n] = true }
        case .profile(let e): if let n = leadNumber(e.leadID) { seen[n] = true }
        case .intent(let e): if let n = leadNumber(e.leadID) { seen[n] = true }
        default: break
        }
        try producer.produce(topic: "lead-events", key: Array(key.utf8), value: value)
        leadEvents += 1
    }
    let streamLeads = seen.reduce(0) { $0 + ($1 ? 1 : 0) }
    var topUps = 0
    for n in 0..<options.leads where !seen[n] {
        let e = leadEvent(n, type: "profile", id: "handover-profile-\(n)", at: streamEnd,
                          body: ",\"company\":{\"industry\":\"software\",\"employees\":120,\"country\":\"US\",\"region\":\"NA\"},\"seats\":10,\"technographics\":[]")
        try producer.produce(topic: "lead-events", key: e.key, value: e.value)
        topUps += 1
    }
    leadEvents += Int64(topUps)
    try producer.flush(timeout: .seconds(600))
    let fillSeconds = seconds(ContinuousClock.now - fillStart)
    print(String(format: "input lead_events=%lld (stream lines=%d, leads named by the stream=%d, top-up profiles=%d) rep_roster=%d "
                 + "event_time=90d fill_seconds=%.1f msgs_per_sec=%.0f",
                 leadEvents, options.events, streamLeads, topUps, repEvents, fillSeconds, Double(leadEvents) / fillSeconds))
    let broker = options.brokerPID

    // 2. Daemon A: rebuild from the beginning of lead-events.
    let a = try Daemon(options, name: "daemon-a", snapshotDir: "\(options.work)/snapshots-a")
    let brokerCPUA0 = broker.flatMap { processCPUSeconds($0) } ?? .nan
    try a.start()
    var firstEventAt: ContinuousClock.Instant?
    waitUntil("daemon A to catch up", timeout: 1_800, a) {
        let done = summaryProgress(port: a.port) ?? 0
        if firstEventAt == nil && done > 0 { firstEventAt = .now }
        return done >= leadEvents
    }
    let rebuildSeconds = seconds(ContinuousClock.now - a.started)
    let aCPU = processCPUSeconds(a.pid) ?? .nan
    let brokerCPUA = (broker.flatMap { processCPUSeconds($0) } ?? .nan) - brokerCPUA0
    let aRSS = statusMB(a.pid, "VmRSS")
    let aMetrics = Metrics(port: a.port)
    let aBase = aMetrics.checkpoints("base")
    let aDelta = aMetrics.checkpoints("delta")
    let aLeads = aMetrics.value("leadscore_leads")
    print(String(format: "rebuild (daemon A, empty disk, empty state topic) seconds=%.2f (first event processed after %.2f s) "
                 + "events_per_sec=%.0f cpu_seconds=%.1f broker_cpu_seconds=%.1f rss_mb=%.0f leads=%.0f",
                 rebuildSeconds, firstEventAt.map { seconds($0 - a.started) } ?? .nan, Double(leadEvents) / rebuildSeconds, aCPU,
                 brokerCPUA, aRSS, aLeads))
    print(String(format: "daemon A checkpoints while rebuilding: base count=%.0f mean_seconds=%.3f bytes=%.0f; delta count=%.0f mean_seconds=%.3f bytes=%.0f",
                 aBase.count, aBase.seconds / max(1, aBase.count), aBase.bytes, aDelta.count, aDelta.seconds / max(1, aDelta.count), aDelta.bytes))
    let aStop = a.stop()
    print(String(format: "daemon A SIGTERM: exited %d after %.2f s (final checkpoint included)", a.process.terminationStatus, aStop))

    // 3. Daemon B: empty disk, restore from the state topic.
    let b = try Daemon(options, name: "daemon-b", snapshotDir: "none")
    let brokerCPUB0 = broker.flatMap { processCPUSeconds($0) } ?? .nan
    try b.start()
    var restoredAt: ContinuousClock.Instant?
    var bCPUAtRestore = Double.nan
    var brokerCPUAtRestore = Double.nan
    waitUntil("daemon B to be ready", timeout: 300, b, poll: 20_000) {
        if restoredAt == nil && !b.logLines(containing: "partition restored").isEmpty {
            restoredAt = .now
            bCPUAtRestore = processCPUSeconds(b.pid) ?? .nan
            brokerCPUAtRestore = (broker.flatMap { processCPUSeconds($0) } ?? .nan) - brokerCPUB0
        }
        var status = 0
        _ = get("http://127.0.0.1:\(b.port)/readyz", status: &status)
        return status == 200
    }
    let readySeconds = seconds(ContinuousClock.now - b.started)
    let bCPUReady = processCPUSeconds(b.pid) ?? .nan
    let brokerCPUReady = (broker.flatMap { processCPUSeconds($0) } ?? .nan) - brokerCPUB0
    guard let restoredLine = b.logLines(containing: "partition restored").first else { fail("no partition restored line in \(b.log)") }
    print("daemon B log: \(restoredLine)")
    let source = logField(restoredLine, "leadscore.restore_source") ?? "?"
    let restoredLeads = Double(logField(restoredLine, "leadscore.leads") ?? "") ?? .nan
    let restoreBytes = Double(logField(restoredLine, "leadscore.restore_bytes") ?? "") ?? .nan
    let loadSeconds = Double(logField(restoredLine, "leadscore.load_seconds") ?? "") ?? .nan
    let bNext = summaryProgress(port: b.port) ?? -1
    print(String(format: "restore (daemon B, snapshots.dir none) source=%@ leads=%.0f restore_bytes=%.0f (%.1f bytes/lead) load_seconds=%.3f "
                 + "start_to_restored_line=%.2f s start_to_ready=%.2f s cpu_seconds_to_ready=%.2f (%.2f at the restored line) "
                 + "broker_cpu_seconds_to_ready=%.2f (%.2f at the restored line) next_offset=%lld of %lld rss_mb=%.0f",
                 source, restoredLeads, restoreBytes, restoreBytes / restoredLeads, loadSeconds,
                 restoredAt.map { seconds($0 - b.started) } ?? .nan, readySeconds, bCPUReady, bCPUAtRestore,
                 brokerCPUReady, brokerCPUAtRestore, bNext, leadEvents, statusMB(b.pid, "VmRSS")))
    print(String(format: "ratio restore/rebuild: load_seconds %.3f / %.2f = %.3f; start_to_ready %.2f / %.2f = %.3f",
                 loadSeconds, rebuildSeconds, loadSeconds / rebuildSeconds, readySeconds, rebuildSeconds, readySeconds / rebuildSeconds))
    let perMillion = loadSeconds * 1_000_000 / restoredLeads
    print(String(format: "target restore 1M leads <= 3 s: load_seconds=%.3f for %.0f leads (%.3f s per 1M leads)%@: %@; start_to_ready=%.2f s: %@",
                 loadSeconds, restoredLeads, perMillion, abs(restoredLeads - 1_000_000) > 10_000 ? " (scaled to 1M)" : "",
                 perMillion <= 3 ? "met" : "NOT met", readySeconds, readySeconds * 1_000_000 / restoredLeads <= 3 ? "met" : "NOT met"))

    // 4. Checkpoints of B: the take-over base, then a delta of CHANGED leads.
    var m0 = Metrics(port: b.port)
    let warm = leadEvent(0, type: "engagement", id: "handover-warm", at: streamEnd + 1_000, body: ",\"signal\":\"web_visit\"")
    try producer.produce(topic: "lead-events", key: warm.key, value: warm.value)
    try producer.flush(timeout: .seconds(30))
    var m1 = m0
    waitUntil("daemon B's first checkpoint", timeout: Double(options.interval) * 3 + 30, b) {
        m1 = Metrics(port: b.port)
        return m1.checkpoints("base").count + m1.checkpoints("delta").count > m0.checkpoints("base").count + m0.checkpoints("delta").count
    }
    let firstBase = (m1.checkpoints("base").count - m0.checkpoints("base").count, m1.checkpoints("base").seconds - m0.checkpoints("base").seconds,
                     m1.checkpoints("base").bytes - m0.checkpoints("base").bytes)
    print(String(format: "daemon B first checkpoint after the take-over: base count=%.0f seconds=%.3f bytes=%.0f%@",
                 firstBase.0, firstBase.1, firstBase.2, firstBase.0 == 0 ? " (it was a delta)" : ""))

    m0 = m1
    let touchStart = ContinuousClock.now
    let stride = max(1, options.leads / max(1, options.changed))
    var touched = 0
    for i in 0..<options.changed {
        let n = (i * stride + 1) % options.leads
        let e = leadEvent(n, type: "engagement", id: "handover-touch-\(i)", at: streamEnd + 2_000 + Int64(i), body: ",\"signal\":\"web_visit\"")
        try producer.produce(topic: "lead-events", key: e.key, value: e.value)
        touched += 1
    }
    try producer.flush(timeout: .seconds(60))
    let end = leadEvents + 1 + Int64(touched)
    waitUntil("daemon B to process the \(touched) touches", timeout: 120, b, poll: 10_000) { (summaryProgress(port: b.port) ?? 0) >= end }
    let processedAfter = seconds(ContinuousClock.now - touchStart)
    var m2 = m0
    waitUntil("daemon B's delta checkpoint", timeout: Double(options.interval) * 3 + 30, b) {
        m2 = Metrics(port: b.port)
        return m2.checkpoints("delta").count + m2.checkpoints("base").count > m0.checkpoints("delta").count + m0.checkpoints("base").count
    }
    // Another interval: a delta split in two by the interval would show here.
    usleep(UInt32(options.interval) * 1_000_000 + 1_000_000)
    let m3 = Metrics(port: b.port)
    let d = (m3.checkpoints("delta").count - m0.checkpoints("delta").count, m3.checkpoints("delta").seconds - m0.checkpoints("delta").seconds,
             m3.checkpoints("delta").bytes - m0.checkpoints("delta").bytes)
    let extraBases = m3.checkpoints("base").count - m0.checkpoints("base").count
    print(String(format: "delta checkpoint of daemon B: changed_leads=%d (one engagement each, produced and processed in %.2f s) "
                 + "delta count=%.0f seconds=%.4f bytes=%.0f bytes_per_changed_lead=%.1f%@",
                 touched, processedAfter, d.0, d.1, d.2, d.2 / Double(touched),
                 extraBases > 0 ? String(format: " (and %.0f base(s) in the same window)", extraBases) : ""))
    print(String(format: "target checkpoint of 10k changed leads <= 50 ms: %.1f ms for %d leads (%.1f ms per 10k)%@: %@ "
                 + "(the writer's time: delta serialization + the state topic's produce and flush; the worker's share is not in /metrics)",
                 d.1 * 1000, touched, d.1 * 1000 * 10_000 / Double(touched), d.0 > 1 ? ", summed over the deltas" : "",
                 d.1 * 1000 * 10_000 / Double(touched) <= 50 ? "met" : "NOT met"))
    print(String(format: "checkpoint bytes: take-over base %.0f bytes (%.1f per lead); delta %.0f bytes for %d changed leads (%.1f per lead); delta/base %.4f",
                 firstBase.2, firstBase.2 / restoredLeads, d.2, touched, d.2 / Double(touched), d.2 / firstBase.2))
    let bStop = b.stop()
    print(String(format: "daemon B SIGTERM: exited %d after %.2f s", b.process.terminationStatus, bStop))
    try? producer.flush(timeout: .seconds(10))
}

try runBenchmark(Options(CommandLine.arguments))
