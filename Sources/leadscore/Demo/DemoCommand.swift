import ArgumentParser
import Foundation
import LeadScoreAnalysis
import LeadScoreCore
import LeadScoreDaemon
import LeadScoreKafka
import Logging
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `leadscore demo`: everything in one process, nothing to configure. An embedded Kafka broker,
/// the real daemon on it, a ground-truth world played in as live traffic, and a live view of what
/// the daemon does with it, including whether the model works (conversion by bucket, holdout
/// uplift) as outcomes come in.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch leadscore score and route a live synthetic B2B world (embedded broker, no setup).",
        discussion: """
            Starts an in-process Kafka broker (librdkafka's mock cluster, on a loopback port that \
            kcat can join), the daemon on it with the built-in model, and the world of \
            `leadscore generate --world` as live traffic: leads engaging, reps converting them \
            with hidden skill. The view shows events/s, leads by bucket, the rep leaderboard, the \
            latest routing decisions with their reasons and SLA due times, and the evaluation so \
            far. World time runs fast (weeks in minutes), starting --days before now. Ctrl-C stops \
            everything and exits 0.
            """
    )

    @Option(help: "Events per second sent to the broker.")
    var rate: Int = 250

    @Option(help: "Leads in the world.")
    var leads: Int = 1_500

    @Option(help: "Reps on the roster.")
    var reps: Int = 12

    @Option(help: "World seed (the same seed plays the same world).")
    var seed: UInt64 = 1

    @Option(help: "Days of world time the traffic covers.")
    var days: Int = 30

    @Option(help: "Stop after this many seconds of running, counted from when the daemon is ready (default: run until Ctrl-C).")
    var duration: Int?

    @Option(help: "HOST:PORT for the dashboard and /metrics (empty: no HTTP).")
    var http: String = "127.0.0.1:8080"

    @Option(help: "Partitions of lead-events. With one (the default) the daemon routes exactly as the world's own engine, so reps touch the leads they own; with more, rep load is counted across partitions and some touches come from a rep the daemon did not choose (more SLA breaches).")
    var partitions: Int = 1

    @Option(name: .customLong("fit-after"), help: "World days after which a challenger is fitted from the outcomes so far and scored live beside the built-in model (default: half of --days; 0: no challenger).")
    var fitAfter: Int?

    @Flag(help: "Print plain text frames (the default when stdout is not a terminal).")
    var plain = false

    func validate() throws {
        guard rate >= 1 && rate <= 100_000 else { throw ValidationError("--rate must be in 1...100000") }
        guard leads >= 1 else { throw ValidationError("--leads must be >= 1") }
        guard reps >= 1 && reps <= 1_000 else { throw ValidationError("--reps must be in 1...1000") }
        guard days >= 1 && days <= 365 else { throw ValidationError("--days must be in 1...365") }
        guard partitions >= 1 && partitions <= 64 else { throw ValidationError("--partitions must be in 1...64") }
        if let duration { guard duration >= 1 else { throw ValidationError("--duration must be >= 1 second") } }
        if let fitAfter { guard fitAfter >= 0 && fitAfter < days else { throw ValidationError("--fit-after must be in 0..<--days") } }
        if !http.isEmpty {
            guard let hostPort = HostPort(http) else { throw ValidationError("--http must be HOST:PORT, got \(http)") }
            guard DemoCommand.canListen(host: hostPort.host, port: hostPort.port) else {
                throw ValidationError("--http \(http): the port is in use; pick another (--http 127.0.0.1:8081) or none (--http '')")
            }
        }
    }

    func run() async throws {
        let terminal = !plain && isatty(1) != 0
        let workDir = FileManager.default.temporaryDirectory.appendingPathComponent("leadscore-demo-\(getpid())").path
        try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: workDir) }
        // Beside the work folder, so it outlives it: the place to look when something went wrong.
        let logPath = workDir + ".log"
        if terminal {
            // Logs (and librdkafka's) go to a file while the view owns the terminal.
            let fd = open(logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd >= 0 { dup2(fd, 2); close(fd) }
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = terminal ? .info : .error
            return handler
        }
        let logger = Logger(label: "leadscore-demo")

        let broker: DemoBroker
        do {
            broker = try DemoBroker(partitions: partitions, logger: logger)
        } catch {
            printError("leadscore demo: cannot start the embedded broker: \(error)")
            throw ExitCode(1)
        }
        // Every client is created, run and released inside `play`, so the broker they talk to
        // outlives them all (a broker destroyed under its clients makes them log connection errors).
        let failure = await play(on: broker, workDir: workDir, terminal: terminal, logPath: logPath, logger: logger)
        withExtendedLifetime(broker) {}
        if let failure {
            printError("leadscore demo: \(failure)\(terminal ? " (see \(logPath))" : "")")
            throw ExitCode(1)
        }
        say("leadscore demo: stopped cleanly")
    }

    /// Starts the daemon, the traffic and the view on the broker and runs them until the daemon
    /// stops (Ctrl-C, SIGTERM or --duration); returns what went wrong, nil for a clean stop.
    private func play(on broker: DemoBroker, workDir: String, terminal: Bool, logPath: String, logger: Logger) async -> String? {
        let daemon: Daemon
        let traffic: DemoTraffic
        let observer: DemoObserver
        let worldStart: Int64
        let challenger: DemoChallenger?
        do {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            worldStart = (now - Int64(days) * 86_400_000 - 3_600_000) / 60_000 * 60_000
            let fitDay = fitAfter ?? days / 2
            challenger = fitDay > 0
                ? try DemoChallenger(path: workDir + "/challenger.yaml", start: ScoringConfig(), worldStart: worldStart, fitAfterDays: fitDay)
                : nil
            let configPath = workDir + "/leadscore.yaml"
            try daemonYAML(bootstrap: broker.bootstrap, snapshots: workDir + "/snapshots", challenger: challenger != nil)
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            daemon = try Daemon.build(DemoArguments(configPath: configPath), environment: [:], logger: logger)
            let kafka = KafkaConfiguration(bootstrap: broker.bootstrap, clientID: "leadscore-demo")
            // The world routes with the daemon's model (its holdout included), so outcomes are
            // drawn for the reps the daemon picks.
            var options = GroundTruthWorld.Options(leads: leads, reps: reps, seed: seed,
                                                   start: Timestamp(millisecondsSinceEpoch: worldStart), days: days,
                                                   config: daemon.configuration.scoring)
            // Reps touch the leads the daemon routed to them (below), not the world's own picks.
            options.touches = false
            traffic = DemoTraffic(producer: try KafkaProducer(configuration: kafka, logger: logger), topics: broker.topics,
                                  rate: rate, world: GroundTruthWorld(options)) { [challenger] event in challenger?.observe(event) }
            let touches = DemoTouches(seed: seed)
            observer = try DemoObserver(configuration: kafka, topics: broker.topics, logger: logger) { [traffic] decision in
                if let touch = touches.touch(for: decision) { traffic.touch(touch) }
            }
        } catch {
            return "cannot start: \(error)"
        }
        let dashboard = http.isEmpty ? nil : "http://\(http)/"
        say("leadscore demo: broker \(broker.bootstrap) (try: kcat -b \(broker.bootstrap) -C -t lead-routing -o end)")
        if let dashboard { say("leadscore demo: dashboard \(dashboard)") }
        if terminal { say("leadscore demo: logs in \(logPath)") }

        observer.start()
        let view = DemoView(terminal: terminal, broker: broker.bootstrap, dashboard: dashboard, rate: rate, days: days,
                            worldStart: worldStart, live: daemon.liveState, traffic: traffic, observer: observer, challenger: challenger,
                            executable: CommandLine.arguments.first ?? "leadscore")
        let stopAfter = duration
        // The daemon owns SIGINT/SIGTERM (graceful shutdown); when it returns, the rest stops.
        let outcome: Result<Void, any Error> = await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask { do { try await daemon.run(); return .success(()) } catch { return .failure(error) } }
            group.addTask { try? await traffic.run(); return nil }
            group.addTask { await view.run(); return nil }
            if let stopAfter {
                // Counted from readiness, not from start: startup (broker, group join, rep
                // catch-up) takes seconds on an idle machine and much longer on a loaded one,
                // and a run that stops before it has shown anything is no run at all.
                let live = daemon.liveState
                group.addTask {
                    while !Task.isCancelled && !live.isReady { try? await Task.sleep(for: .milliseconds(200)) }
                    try? await Task.sleep(for: .seconds(stopAfter))
                    if !Task.isCancelled { kill(getpid(), SIGINT) }
                    return nil
                }
            }
            // The daemon stops itself on the same signals; the demo's own traffic stops at once,
            // so the embedded broker serves the daemon's shutdown (snapshot, flush, commit, leave)
            // rather than more input. A shutdown that still hangs is reported, not waited out.
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                    traffic.stopped.store(true, ordering: .relaxed)
                    break
                }
                guard !Task.isCancelled else { return nil }
                try? await Task.sleep(for: .seconds(DemoCommand.shutdownLimitSeconds))
                guard !Task.isCancelled else { return nil }
                // The daemon's stop cannot be cancelled from here (it blocks on its own thread).
                printError("leadscore demo: the daemon did not stop within \(DemoCommand.shutdownLimitSeconds) s of the signal; "
                    + "exiting without it\(terminal ? " (see \(logPath))" : "")")
                Foundation.exit(1)
            }
            var daemonResult: Result<Void, any Error> = .success(())
            for await result in group {
                if let result {
                    daemonResult = result
                    group.cancelAll()
                }
            }
            return daemonResult
        }
        view.finish()
        observer.stopAndWait()
        traffic.close()
        if case .failure(let error) = outcome { return "the daemon stopped on an error: \(error)" }
        return nil
    }

    /// The demo's holdout: at 5% (the default) its ~1,500 leads give ~60 holdout leads and an
    /// interval of about +-10 pts, too wide to tell routing's effect (a few pts) from chance.
    static let holdoutShare = 0.5

    /// How long the demo waits for the daemon's graceful shutdown after Ctrl-C.
    static let shutdownLimitSeconds = 20

    private func daemonYAML(bootstrap: String, snapshots: String, challenger: Bool) -> String {
        """
        kafka:
          brokers: "\(bootstrap)"
          group: leadscore-demo
          create_topics: false
          partitions: \(partitions)
          session_timeout: 6s
          fetch_wait_max: 10ms
        snapshots:
          dir: "\(snapshots)"
          interval: 10s
        http:
          listen: "\(http)"
        stream:
          idle_clock: false
        routing:
          # Half the leads routed round-robin: a control group big enough for the holdout
          # comparison to conclude within the demo's minutes (5% in production; README, demo).
          holdout_share: \(Self.holdoutShare)
        drift:
          # World time runs weeks per minute: a short window shows the mix move.
          window: 1m
          sample_every: 2s
        """ + (challenger ? "\nchallenger:\n  # fitted from the world's first weeks by the demo (DemoChallenger)\n  config: challenger.yaml\n" : "")
    }

    /// Whether a TCP listener can bind `host:port` now (the daemon's HTTP server would fail later,
    /// after the broker and the daemon started, with a less helpful message).
    static func canListen(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &addr.sin_addr) == 1 else { return true }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// Writes a line to stdout at once (the view writes unbuffered too, so lines keep their order).
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The daemon's arguments in the demo: only the generated configuration file.
struct DemoArguments: DaemonArguments {
    var configPath: String?
    var brokers: String? { nil }
    var group: String? { nil }
    var snapshotDirectory: String? { nil }
    var http: String? { nil }
}
