import Foundation
import Hummingbird
import LeadScoreCore
import LeadScoreKafka
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The assembled daemon: configuration, Kafka clients, pipeline, HTTP, and their lifecycle.
///
/// `build` does everything that can fail fast (configuration, librdkafka version, topics), so a
/// misconfigured daemon exits with a clear message before it joins the group; `run` then runs the
/// service group until SIGTERM/SIGINT, reloading the configuration on SIGHUP.
public struct Daemon: Sendable, CustomStringConvertible {
    /// The configuration it started with.
    public let configuration: LeadScoreConfiguration
    let pipeline: Pipeline
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    let configPath: String?
    let environment: [String: String]
    let arguments: any DaemonArguments

    /// Loads and validates everything, creates missing topics, and wires the services.
    public static func build(_ arguments: some DaemonArguments, environment: [String: String], logger: Logger) throws -> Daemon {
        let configuration = try arguments.configuration(environment: environment)
        let settings = configuration.daemon
        guard LibrdkafkaVersion.check(logger: logger) else {
            throw DaemonError(.librdkafka, "librdkafka \(LibrdkafkaVersion.current) is too old: run scripts/ensure-librdkafka.sh (installs 2.8.0)")
        }
        logger.info("starting leadscore", metadata: [
            "leadscore.config_version": "\(configuration.scoring.version)",
            "leadscore.challenger_version": "\(configuration.challenger?.version ?? "none")",
            "kafka.brokers": "\(settings.kafka.brokers)", "kafka.group": "\(settings.kafka.group)",
            "snapshot.dir": "\(settings.snapshots.directory ?? "none (state topic only)")", "http.listen": "\(settings.http.listen)",
            "kafka.librdkafka": "\(settings.kafka.redactedLibrdkafka)",
        ])

        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        let metrics = DaemonMetrics(factory: factory)

        let kafka = settings.kafka.clientConfiguration()
        if settings.kafka.createTopics {
            try ensureTopics(settings.kafka, kafka: kafka, logger: logger)
        }
        try checkStateTopic(settings.kafka.topics, kafka: kafka, logger: logger)
        if settings.kafka.topics.hasChallenger && !settings.kafka.createTopics {
            try checkChallengerTopic(settings.kafka.topics, kafka: kafka, logger: logger)
        }
        var producerConfig = kafka
        if settings.kafka.transactions {
            producerConfig.transactionalID = settings.kafka.transactionalID
                ?? "\(settings.kafka.clientID)-\(ProcessInfo.processInfo.hostName)"
            // librdkafka requires message.timeout.ms <= transaction.timeout.ms (60 s by default).
            producerConfig.messageTimeout = min(producerConfig.messageTimeout, .seconds(60))
        }
        let instanceID = UUID().uuidString
        let publisher = try OutputPublisher(producerConfiguration: producerConfig, topics: settings.kafka.topics, instanceID: instanceID,
                                            maxRecordBytes: settings.kafka.maxRecordBytes, logger: logger, metrics: metrics)
        if settings.kafka.transactions {
            do {
                try publisher.producer.initTransactions()
            } catch {
                throw DaemonError(.kafka, "kafka.transactions: the broker refused to start transactions for transactional.id "
                    + "\(producerConfig.transactionalID ?? "")", underlying: error)
            }
            logger.info("transactional outputs", metadata: ["kafka.transactional_id": "\(producerConfig.transactionalID ?? "")"])
        }
        // Checkpoints go to the state topic through their own producer, outside the outputs'
        // transactions, so waiting for one never waits for outputs.
        let stateProducer = try KafkaProducer(configuration: kafka, logger: logger)
        let state = StateTopicWriter(topic: settings.kafka.topics.state, producer: stateProducer)
        // Rep state starts from its newest checkpoint: the feed reads the rep events and routing
        // topics from there on, not from their beginning.
        let restoredReps = RepCheckpoint.newest(configuration: kafka, stateTopic: settings.kafka.topics.state,
                                                repTopic: settings.kafka.topics.repEvents, routingTopic: settings.kafka.topics.routing,
                                                config: configuration.scoring,
                                                upliftMaxLeads: settings.uplift.maxLeads, logger: logger)
        let reps = RepState(restoredReps?.book ?? RepBook(config: configuration.scoring))
        let repCheckpoints = StateTopicWriter(topic: settings.kafka.topics.state, producer: stateProducer)
        if let commit = restoredReps?.commit { repCheckpoints.adopt(commit) }
        let repFeed = try RepFeed(configuration: kafka, repTopic: settings.kafka.topics.repEvents, routingTopic: settings.kafka.topics.routing,
                                  instanceID: instanceID, reps: reps, maxFutureSkew: settings.stream.maxFutureSkew,
                                  upliftMaxLeads: settings.uplift.maxLeads, restored: restoredReps,
                                  checkpoints: repCheckpoints,
                                  checkpointInterval: settings.snapshots.interval, logger: logger, metrics: metrics)
        let pipeline = Pipeline(configuration: settings, scoring: configuration.models, kafka: kafka, publisher: publisher,
                                repFeed: repFeed, reps: reps, state: state, logger: logger, metrics: metrics)
        logger.info("pipeline", metadata: ["leadscore.workers": "\(pipeline.workers.count)"])
        return Daemon(configuration: configuration, pipeline: pipeline, registry: registry, logger: logger,
                      configPath: arguments.configPath, environment: environment, arguments: arguments)
    }

    /// Names the daemon only: its configuration and environment hold secrets.
    public var description: String { "Daemon(config_version: \(configuration.scoring.version))" }

    /// The HTTP surface over this daemon's live state.
    public var liveState: some LiveState { DaemonLiveState(pipeline: pipeline, registry: registry) }

    /// Runs until SIGTERM or SIGINT (graceful: snapshot, flush, commit, exit) or a fatal error.
    public func run() async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: PipelineService(pipeline: pipeline, logger: logger)),
        ]
        let listen = configuration.daemon.http.listen
        if let hostPort = HostPort(listen) {
            let app = Application(
                router: HTTPEndpoints.router(state: liveState),
                configuration: .init(address: .hostname(hostPort.host, port: hostPort.port), serverName: "leadscore"),
                logger: logger)
            services.append(.init(service: app, successTerminationBehavior: .gracefullyShutdownGroup,
                                  failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(.init(service: ReloadService(daemon: self), successTerminationBehavior: .ignore,
                              failureTerminationBehavior: .ignore))
        var group = ServiceGroupConfiguration(services: services, logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        // The pipeline bounds its own stop by pipeline.stop_deadline; the group's limit is a
        // second behind it, as a backstop.
        group.maximumGracefulShutdownDuration = configuration.daemon.pipeline.stopDeadline + .seconds(1)
        try await ServiceGroup(configuration: group).run()
    }

    /// Re-reads the configuration (SIGHUP, or the file changed). A valid file takes effect and is
    /// logged with its version; an invalid one is rejected with every problem and the running one
    /// stays.
    func reload(cause: String) {
        do {
            let fresh = try arguments.configuration(environment: environment)
            if fresh.daemon != configuration.daemon {
                logger.warning("reload: kafka/snapshots/http/stream settings changed; they take effect at the next restart")
            }
            // The pipeline logs the outcome ("configuration reloaded" or "reload rejected"): the
            // running state may still refuse a valid file (e.g. a changed rep window).
            // A challenger's topic is set up at start: one added by a reload waits for a restart
            // (a changed or removed one takes effect now).
            if configuration.challenger == nil && fresh.challenger != nil {
                logger.warning("reload: a challenger added to a daemon started without one takes effect at the next restart")
            }
            pipeline.reload(ScoringModels(live: fresh.scoring, challenger: configuration.challenger == nil ? nil : fresh.challenger))
            logger.info("reload: file valid, handed to the pipeline", metadata: [
                "leadscore.config_version": "\(fresh.scoring.version)", "leadscore.reload_cause": "\(cause)",
            ])
        } catch {
            logger.error("reload: configuration file rejected, keeping the running one", metadata: [
                "leadscore.error": "\(error)", "leadscore.reload_cause": "\(cause)",
            ])
        }
    }

    /// Checkpoints of `lead-events` partition p go to partition p of the state topic, so it needs
    /// at least as many partitions; without them every checkpoint would fail, interval after
    /// interval, so the start stops here with what to do. (A missing `lead-events` is left to the
    /// consumer to report, as before.)
    private static func checkStateTopic(_ topics: DaemonConfiguration.Topics, kafka: KafkaConfiguration, logger: Logger) throws {
        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        let leads: Int
        do throws(KafkaError) { leads = try admin.partitionCount(topic: topics.leadEvents) } catch { return }
        let state: Int
        do throws(KafkaError) { state = try admin.partitionCount(topic: topics.state) } catch {
            throw DaemonError(.topics, "the state topic \(topics.state) does not exist: create it with \(leads) partitions, as many as "
                + "\(topics.leadEvents) has (or set kafka.create_topics: true)", underlying: error)
        }
        guard state >= leads else {
            throw DaemonError(.topics, "the state topic \(topics.state) has \(state) partitions but \(topics.leadEvents) has \(leads): "
                + "checkpoints of partition p go to partition p; give \(topics.state) at least \(leads) partitions")
        }
    }

    /// A challenger's outputs need their topic; with `create_topics: false` a missing one would
    /// only show as failed restores, so the start stops here with what to do.
    private static func checkChallengerTopic(_ topics: DaemonConfiguration.Topics, kafka: KafkaConfiguration, logger: Logger) throws {
        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        do throws(KafkaError) { _ = try admin.partitionCount(topic: topics.challenger) } catch {
            throw DaemonError(.topics, "challenger.config is set but the challenger topic \(topics.challenger) does not exist: create it "
                + "(like \(topics.scores)), or set kafka.create_topics: true", underlying: error)
        }
    }

    private static func ensureTopics(_ settings: DaemonConfiguration.KafkaSettings, kafka: KafkaConfiguration, logger: Logger) throws {
        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        // The state topic is compacted where the broker compacts: its keys and tombstones are made
        // so that compaction keeps each partition's newest chain (see `StateTopic.chunkKey`).
        let specs = settings.topics.all.map {
            KafkaTopicSpecification(name: $0, partitions: settings.partitions, replicationFactor: settings.replicationFactor,
                                    configs: $0 == settings.topics.state ? ["retention.ms": "-1", "cleanup.policy": "compact"] : ["retention.ms": "-1"])
        }
        do {
            try admin.createTopics(specs, ignoreExisting: true)
        } catch {
            throw DaemonError(.topics, "cannot create topics \(settings.topics.all.joined(separator: ", ")) "
                + "(create them yourself, or check kafka.brokers and the client's permissions)", underlying: error)
        }
    }
}

/// Reloads the configuration on SIGHUP, and when the file changes (looked at every
/// `watchInterval`), for as long as the daemon runs.
struct ReloadService: Service, CustomStringConvertible {
    let daemon: Daemon
    var watchInterval: Duration = .seconds(2)

    /// The service group logs each service's description: a name only, never the configuration
    /// or the environment the daemon holds.
    var description: String { "ReloadService" }

    func run() async throws {
        let daemon = self.daemon, interval = watchInterval
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
                    daemon.reload(cause: "SIGHUP")
                }
            }
            // The main file and the challenger's (a retraining job writes its candidate there).
            let paths = [daemon.configPath, daemon.configuration.challengerFile].compactMap { $0 }
            if !paths.isEmpty {
                group.addTask {
                    var watchers = paths.map(ConfigFileWatcher.init(path:))
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { return }
                        // Every watcher looks each time, so one edit is one reload.
                        let changed = watchers.indices.map { watchers[$0].changed() }
                        if changed.contains(true) { daemon.reload(cause: "file changed") }
                    }
                }
            }
        }
    }
}
