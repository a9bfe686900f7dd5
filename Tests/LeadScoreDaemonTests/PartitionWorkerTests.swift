import Foundation
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import Logging
import Prometheus
import Synchronization
import Testing

/// A partition worker driven in process: its state machine fed work items directly, its outputs
/// produced for real (librdkafka's in-process mock cluster) and read back.
@Suite("Partition worker, in process", .serialized, .timeLimit(.minutes(3)))
struct PartitionWorkerTests {
    enum Scenario: String, CaseIterable, CustomStringConvertible {
        /// Fresh partition, all events: the outputs of an uninterrupted run, once each.
        case fresh
        /// The same records delivered twice (a rebalance re-fetch): processed once.
        case redelivered
        /// Restored with half of the outputs already in the topics: only the rest is written.
        case duplicatesSuppressed
        /// Revoked halfway (snapshot), restored from that snapshot by a new worker: exactly once.
        case revokeThenRestore
        /// Malformed records and a tombstone in between: dead letters, nothing else disturbed.
        case badInput
        /// Restored with outputs of the second half already written by records the scan names as
        /// early ones (as when a replay under other rep state makes an SLA chain later than the
        /// first run did): each is still recognised when the replay makes it, and written once.
        case derivedLater
        /// Malformed records first, last and in between, in batches of 1, 2, 3 and 7 records:
        /// runs shorter than the worker's look-ahead (`PartitionWorkerCore.LookAhead`) and bad
        /// records at its edges change nothing either.
        case smallBatches
        var description: String { rawValue }
    }

    @Test("worker scenarios: outputs exactly once, as an uninterrupted run", arguments: Scenario.allCases)
    func scenario(_ scenario: Scenario) throws {
        let fixture = try WorkerFixture()
        defer { fixture.stop() }
        let events = fixture.records(count: 3_000)
        let expectedEvents = WorkerFixture.expectedOutputs(events)
        let expected = expectedEvents.mapValues(\.json)
        var worker = fixture.core()
        var deadLetters = 0
        switch scenario {
        case .fresh:
            try worker.handle(.assign([fixture.fresh()]))
            try worker.handle(.records(MessageArrayBatch(messages: events), indexes: Array(events.indices)))
        case .redelivered:
            try worker.handle(.assign([fixture.fresh()]))
            try worker.handle(.records(MessageArrayBatch(messages: Array(events[..<2_000])), indexes: Array(0..<2_000)))
            try worker.handle(.records(MessageArrayBatch(messages: events), indexes: Array(events.indices)))
        case .duplicatesSuppressed:
            let already = expected.keys.sorted { $0.dedupe < $1.dedupe }.prefix(expected.count / 2)
            var restored = fixture.fresh()
            restored.found.written = Set(already)
            try fixture.preload(already.compactMap { key in expectedEvents[key].map { (key, $0.json, $0.event) } })
            try worker.handle(.assign([restored]))
            try worker.handle(.records(MessageArrayBatch(messages: events), indexes: Array(events.indices)))
            #expect(worker.partitions[0]?.written.isEmpty == true, "each recovered output leaves the dedupe set when the replay meets it")
        case .derivedLater:
            let already = expected.keys.sorted { $0.dedupe < $1.dedupe }.suffix(expected.count / 3)
            var restored = fixture.fresh()
            restored.found.written = Set(already)
            // Keys of the run's last third: under the old rule (the set dropped once the replay
            // passed the input offset that first made them) a replay that made them later wrote
            // them again; now each leaves the set only when the replay meets it.
            try fixture.preload(already.compactMap { key in expectedEvents[key].map { (key, $0.json, $0.event) } })
            try worker.handle(.assign([restored]))
            try worker.handle(.records(MessageArrayBatch(messages: events), indexes: Array(events.indices)))
        case .revokeThenRestore:
            try worker.handle(.assign([fixture.fresh()]))
            try worker.handle(.records(MessageArrayBatch(messages: Array(events[..<1_234])), indexes: Array(0..<1_234)))
            let done = WorkDone()
            try worker.handle(.revoke([0], done, deadline: .now + .seconds(30)))
            #expect(done.wait(timeout: .seconds(30)) && done.failure == nil)
            #expect(worker.partitions.isEmpty)
            var next = fixture.core()
            let loaded = try #require(fixture.store.loadNewest(topic: "lead-events", partition: 0) {
                try LeadBook(deserializing: $0.state, config: ScoringConfig())
            })
            #expect(loaded.snapshot.nextOffset == 1_234)
            try next.handle(.assign([RestoredPartition(partition: 0, book: loaded.value, snapshot: loaded.snapshot, found: .init())]))
            // The new owner is fed from the start of the batch; what the snapshot holds is skipped.
            try next.handle(.records(MessageArrayBatch(messages: events), indexes: Array(events.indices)))
            #expect(next.partitions[0]?.nextOffset == Int64(events.count))
        case .badInput:
            try worker.handle(.assign([fixture.fresh()]))
            let mixed = WorkerFixture.withBadRecords(events, every: 500, firstAndLast: false)
            deadLetters = mixed.deadLetters
            try worker.handle(.records(MessageArrayBatch(messages: mixed.records), indexes: Array(mixed.records.indices)))
        case .smallBatches:
            try worker.handle(.assign([fixture.fresh()]))
            let mixed = WorkerFixture.withBadRecords(events, every: 97, firstAndLast: true)
            deadLetters = mixed.deadLetters
            let sizes = [1, 2, 3, 7]
            var start = 0
            var n = 0
            while start < mixed.records.count {
                let batch = Array(mixed.records[start..<min(mixed.records.count, start + sizes[n % sizes.count])])
                try worker.handle(.records(MessageArrayBatch(messages: batch), indexes: Array(batch.indices)))
                start += batch.count
                n += 1
            }
        }
        try fixture.publisher.flush(timeout: .seconds(30))
        let (outputs, letters) = try fixture.readOutputs()
        #expect(letters == deadLetters)
        var problems: [String] = []
        for (key, value) in expected {
            let written = outputs[key] ?? []
            if written.count != 1 { problems.append("\(key.dedupe) written \(written.count) times") }
            if let first = written.first, first != value { problems.append("\(key.dedupe) differs from an uninterrupted run") }
        }
        for key in outputs.keys where expected[key] == nil { problems.append("unexpected \(key.dedupe)") }
        #expect(expected.count > 500)
        #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(5))")
    }

    @Test("a stop does not wait for a backlog: queued records stay for the next owner, the snapshot says where")
    func stopLeavesBacklog() throws {
        let fixture = try WorkerFixture()
        defer { fixture.stop() }
        let events = fixture.records(count: 1_000)
        var worker = fixture.core()
        try worker.handle(.assign([fixture.fresh()]))
        try worker.handle(.records(MessageArrayBatch(messages: Array(events[..<400])), indexes: Array(0..<400)))
        let done = WorkDone()
        try worker.handle(round: [.records(MessageArrayBatch(messages: events), indexes: Array(events.indices)),
                                  .stop(done, snapshot: true, deadline: .now + .seconds(30))])
        #expect(done.wait(timeout: .seconds(30)) && done.failure == nil)
        #expect(worker.stopped)
        let loaded = try #require(fixture.store.loadNewest(topic: "lead-events", partition: 0) { $0 })
        #expect(loaded.snapshot.nextOffset == 400)
    }

    @Test("engagements cut by a daily cap are applied and counted by signal")
    func cappedEventsAreCounted() throws {
        let fixture = try WorkerFixture()
        defer { fixture.stop() }
        // The default model caps email_open at 3 points a day (weight 1): the 4th and 5th open
        // of the day are cut.
        let opens = (0..<5).map { k in
            KafkaMessage(topic: "lead-events", partition: 0, offset: Int64(k), key: Array("L-cap".utf8), value: Array(
                #"{"event_id":"o\#(k)","type":"engagement","occurred_at":"2026-11-02T10:0\#(k):00Z","lead_id":"L-cap","signal":"email_open"}"#.utf8))
        }
        var worker = fixture.core()
        try worker.handle(.assign([fixture.fresh()]))
        try worker.handle(.records(MessageArrayBatch(messages: opens), indexes: Array(opens.indices)))
        var text: [UInt8] = []
        fixture.registry.emit(into: &text)
        let metrics = String(decoding: text, as: UTF8.self)
        #expect(metrics.contains(#"leadscore_capped_events_total{signal="email_open"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"leadscore_events_in_total{type="engagement"} 5"#))
    }

    @Test("a lead lookup is answered by its owner; bucket counts follow transitions")
    func queryAndCounts() throws {
        let fixture = try WorkerFixture()
        defer { fixture.stop() }
        let events = fixture.records(count: 1_000)
        var worker = fixture.core()
        try worker.handle(.assign([fixture.fresh()]))
        try worker.handle(.records(MessageArrayBatch(messages: events), indexes: Array(events.indices)))
        let book = try #require(worker.partitions[0]?.book)
        let someLead = try #require(book.view(leadID: "L-1") != nil ? "L-1" : WorkerFixture.firstLead(events))
        let answers = Mutex<[String: LeadView?]>([:])
        for id in [someLead, "no-such-lead"] {
            try worker.handle(.query(LeadQuery(leadID: id) { view in answers.withLock { $0[id] = .some(view) } }))
        }
        let replies = answers.withLock { $0 }
        #expect(replies[someLead]??.leadID == someLead, "the owner answers at once, on its own thread")
        #expect(replies.keys.contains("no-such-lead") && replies["no-such-lead"]! == nil)
        let summary = try #require(worker.summaries()[0])
        var scanned = [Int](repeating: 0, count: Bucket.allCases.count)
        for (bucket, n) in book.bucketCounts { scanned[Int(bucket.rawValue)] = n }
        #expect(summary.buckets == scanned, "incremental counts equal a scan")
        #expect(summary.nextOffset == Int64(events.count))
    }
}

/// A mock cluster with the daemon's topics, a real publisher on it, a snapshot directory and a
/// running snapshot writer.
final class WorkerFixture: Sendable {
    let cluster: KafkaMockCluster
    let publisher: OutputPublisher
    let store: SnapshotStore
    let writer: SnapshotWriter
    let environment: WorkerEnvironment
    let topics = DaemonConfiguration.Topics()
    /// The metrics the worker reports, read back by tests.
    let registry = PrometheusCollectorRegistry()

    init() throws {
        let logger = Logger(label: "worker-test")
        cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        for topic in topics.all { try cluster.createTopic(topic, partitions: topic == topics.leadEvents ? 1 : 2) }
        var configuration = DaemonConfiguration()
        configuration.stream.idleClock = false
        let metrics = DaemonMetrics(factory: PrometheusMetricsFactory(registry: registry))
        publisher = try OutputPublisher(producerConfiguration: KafkaConfiguration(bootstrap: cluster.bootstrap), topics: topics,
                                        instanceID: "test", logger: logger, metrics: metrics)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString.prefix(8))").path
        store = SnapshotStore(directory: dir, keep: 3, logger: logger)
        try store.prepare()
        let fence = MembershipFence(sessionTimeout: .seconds(10))
        writer = SnapshotWriter(store: store, state: nil, publisher: publisher, topic: topics.leadEvents, fence: fence, metrics: metrics, logger: logger,
                                commit: { _ in }, onFatal: { Issue.record("fatal: \($0)") })
        writer.start()
        environment = WorkerEnvironment(
            configuration: configuration, publisher: publisher, reps: RepState(RepBook(config: ScoringConfig())), snapshots: writer,
            recent: RecentRouting(), fence: fence, metrics: metrics, logger: logger, outputPositions: { [] }, sendOffsets: { _ in },
            onFatal: { Issue.record("fatal: \($0)") })
    }

    func stop() {
        writer.stop(until: .now + .seconds(30))
        publisher.producer.close()
    }

    func core() -> PartitionWorkerCore { PartitionWorkerCore(scoring: ScoringConfig(), environment: environment) }

    func fresh() -> RestoredPartition {
        RestoredPartition(partition: 0, book: LeadBook(config: ScoringConfig()), snapshot: nil, found: .init())
    }

    /// Lead events of one partition, offsets from 0.
    func records(count: Int) -> [KafkaMessage] {
        DaemonHarness.leadEvents(count: count, leads: 300, seed: 5).enumerated().map { i, e in
            KafkaMessage(topic: topics.leadEvents, partition: 0, offset: Int64(i), key: e.key, value: e.value)
        }
    }

    /// `events` renumbered with a malformed record (every other one a tombstone) after every
    /// `every`th from the 8th, and with `firstAndLast` one before the first and after the last.
    static func withBadRecords(_ events: [KafkaMessage], every: Int, firstAndLast: Bool) -> (records: [KafkaMessage], deadLetters: Int) {
        var mixed: [KafkaMessage] = []
        var letters = 0
        func bad(_ e: KafkaMessage) {
            let value: [UInt8]? = letters % 2 == 1 ? nil : Array(#"{"type":"engagement","lead_id":""#.utf8)
            mixed.append(KafkaMessage(topic: e.topic, partition: 0, offset: Int64(mixed.count), key: e.key, value: value))
            letters += 1
        }
        if firstAndLast, let first = events.first { bad(first) }
        for (i, e) in events.enumerated() {
            mixed.append(KafkaMessage(topic: e.topic, partition: 0, offset: Int64(mixed.count), key: e.key, value: e.value))
            if i % every == 7 { bad(e) }
        }
        if firstAndLast, let last = events.last { bad(last) }
        return (mixed, letters)
    }

    /// The lead of the first engagement or profile record.
    static func firstLead(_ records: [KafkaMessage]) -> String? {
        for r in records {
            switch try? EventDecoder().decode(r.value ?? []) {
            case .engagement(let e)?: return e.leadID
            case .profile(let e)?: return e.leadID
            default: continue
            }
        }
        return nil
    }

    /// What an uninterrupted run writes, by output key.
    static func expectedOutputs(_ records: [KafkaMessage]) -> [OutputKey: (json: [UInt8], event: OutputEvent)] {
        var book = LeadBook(config: ScoringConfig())
        var reps = RepBook(config: ScoringConfig())
        var outputs: [OutputEvent] = []
        var expected: [OutputKey: (json: [UInt8], event: OutputEvent)] = [:]
        for r in records {
            guard let value = r.value, let event = try? EventDecoder().decode(value) else { continue }
            outputs.removeAll()
            book.apply(event, reps: &reps, into: &outputs)
            for output in outputs {
                if case .leadErased(let erased) = output {
                    // Tombstones: a null value on each topic the lead had records on.
                    for topic in erased.topics { expected[OutputKey(topic: OutputTopic(topic), dedupe: erased.idempotencyKey)] = ([], output) }
                    continue
                }
                var json: [UInt8] = []
                output.appendJSON(to: &json)
                expected[OutputKey(topic: OutputTopic(output.kind), dedupe: OutputPublisher.dedupeKey(output))] = (json, output)
            }
        }
        return expected
    }

    /// Writes outputs as if an earlier run had (with the daemon's headers), for suppression tests.
    func preload(_ outputs: [(key: OutputKey, json: [UInt8], event: OutputEvent)]) throws {
        for output in outputs {
            if case .leadErased(let erased) = output.event {
                try publisher.publishTombstone(erased, topic: output.key.topic, source: .init(topic: topics.leadEvents, partition: 0),
                                               sourceOffset: 0)
                continue
            }
            var json = JSONWriter()
            try publisher.publish(output.event, source: .init(topic: topics.leadEvents, partition: 0), sourceOffset: 0, inputTimestamp: nil,
                                  json: &json)
            #expect(json.bytes == output.json)
        }
    }

    /// Every output record (by topic and dedupe header) and the number of dead letters.
    func readOutputs() throws -> (outputs: [OutputKey: [[UInt8]]], deadLetters: Int) {
        let reader = try KafkaPartitionReader(configuration: KafkaConfiguration(bootstrap: cluster.bootstrap), topics: topics.all.filter {
            $0 != topics.leadEvents && $0 != topics.repEvents
        }, defaultStart: .beginning, logger: Logger(label: "worker-test"))
        defer { try? reader.close() }
        var outputs: [OutputKey: [[UInt8]]] = [:]
        var letters = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while !reader.isAtEnd && ContinuousClock.now < deadline {
            for m in try reader.poll(maxMessages: 10_000, timeout: .milliseconds(100)) {
                guard let topic = OutputTopic(name: m.topic, in: topics) else { continue }
                if topic == .deadLetter { letters += 1; continue }
                let dedupe = m.headers.first { $0.name == "leadscore-dedupe" }?.value.map { String(decoding: $0, as: UTF8.self) } ?? ""
                outputs[OutputKey(topic: topic, dedupe: dedupe), default: []].append(m.value ?? [])
            }
        }
        return (outputs, letters)
    }
}
