import Foundation
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// Issue 15, deliverable 6: once the input's retention has deleted records that a checkpoint
/// covers, a restore from the state topic still gives exactly the outputs of an uninterrupted run
/// (a rebuild from the first retained record could not). Tansu does not delete records (it drops
/// the connection on DeleteRecords), so this runs on librdkafka's mock cluster, which keeps only
/// about the newest 5 MiB of each partition: the test hosts the cluster, the daemons reach it over
/// TCP like any broker.
extension DaemonIntegrationTests {
    @Test("a restore from the state topic after retention deleted the input's first records gives exactly the uninterrupted run's outputs",
          .timeLimit(.minutes(5)))
    func restoreAfterRetention() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: DaemonHarness.logger)
        let harness = try DaemonHarness.make(mock: cluster, partitions: 2)
        let config = try harness.writeConfig(name: "retention", snapshotInterval: "1s", snapshotDirectory: "none")
        // ~2 KB per event (an unknown field the decoder skips), so the input outgrows what the mock
        // keeps while the outputs and the state topic stay far below it.
        let padding = String(repeating: "p", count: 1_800)
        let events = DaemonHarness.leadEvents(count: 7_000, leads: 600, seed: 1_515).map { event in
            (key: event.key, value: Array(event.value.dropLast()) + Array(#","padding":"\#(padding)"}"#.utf8))
        }
        let producer = try harness.producer()
        try DaemonHarness.produceRepEvents([DaemonHarness.soloRoster], with: producer)
        let port = try LoopbackPort.free()

        // A works through the first 4,000 events (about 4 MB a partition, all retained), writes
        // its checkpoints to the state topic, and is killed.
        try DaemonHarness.produce(events[..<4_000], with: producer)
        let firstHalf = try harness.readAll([DaemonHarness.leadTopic])
        try #require(firstHalf.count == 4_000, "the mock cluster dropped input before the test meant it to")
        let a = try harness.startDaemon(config: config, name: "retention-a", httpPort: port)
        try await DaemonHarness.waitCaughtUp(port: port, ends: try harness.inputEnds(), seconds: 120, a)
        try await Task.sleep(for: .seconds(3))
        a.kill(SIGKILL)
        #expect(await a.wait(timeout: .seconds(10)))

        // 3,000 more: each partition now holds more than the mock keeps, and its first records go.
        try DaemonHarness.produce(events[4_000...], with: producer)
        let retained = try harness.readAll([DaemonHarness.leadTopic])
        let firstRetained = Dictionary(grouping: retained, by: \.partition).mapValues { $0.map(\.offset).min() ?? 0 }
        let firstEnds = Dictionary(grouping: firstHalf, by: \.partition).mapValues { ($0.map(\.offset).max() ?? -1) + 1 }
        for (partition, low) in firstRetained {
            try #require(low > 0, "partition \(partition): nothing deleted, the test proves nothing")
            try #require(low < firstEnds[partition] ?? 0, "partition \(partition): deleted past what A read (\(low))")
        }
        var ends: [Int32: Int64] = [:]
        for m in retained { ends[m.partition] = max(ends[m.partition] ?? 0, m.offset + 1) }

        // B has no disk: it restores from the state topic and reads only what retention kept.
        let b = try harness.startDaemon(config: config, name: "retention-b", httpPort: port)
        try await DaemonHarness.waitCaughtUp(port: port, ends: ends, seconds: 120, b)
        let metrics = String(decoding: await DaemonHarness.get(port: port, "/metrics")?.body ?? Data(), as: UTF8.self)
        b.kill(SIGTERM)
        #expect(await b.wait(timeout: .seconds(20)), "SIGTERM did not stop B within 20 s")
        #expect(b.terminationStatus == 0, "B: \(b.output().suffix(2_000))")
        #expect(!metrics.contains("leadscore_input_gap_records_total"), "B reports an input gap")
        let restores = b.output().split(separator: "\n").filter { $0.contains("partition restored") }
        #expect(restores.count == 2, "B restored \(restores.count) partitions:\n\(b.output().suffix(3_000))")
        for line in restores { #expect(line.contains("leadscore.restore_source=kafka"), "not restored from the state topic: \(line)") }

        // The uninterrupted run is computed from the whole input: what A read, then what is left.
        var input: [String: KafkaMessage] = [:]
        for m in firstHalf + retained { input["\(m.partition)@\(m.offset)"] = m }
        #expect(input.count == events.count)
        let (problems, records) = try harness.verifyExactlyOnce(expected: try harness.expectedOutputs(
            repEvents: [try EventDecoder().decode(DaemonHarness.soloRoster)], input: Array(input.values)))
        #expect(records > 1_000)
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10).joined(separator: "\n"))")
        withExtendedLifetime(cluster) {}
    }
}
