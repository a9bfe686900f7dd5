import Foundation
import LeadScoreKafka
import LeadScoreTestSupport
import Testing

/// SPEC section 4 "scale out": two instances in one group split the lead partitions and hand them
/// over (on join and on graceful leave) with nothing lost or duplicated.
@Suite("Two instances (Tansu, real daemon processes)", .serialized)
struct TwoInstanceTests {
    @Test("a second instance joins and the first leaves: partitions move, outputs exactly once", .timeLimit(.minutes(6)))
    func splitAndHandOver() async throws {
        try await TansuBroker.withBroker { broker in
            let harness = try await DaemonHarness.make(broker: broker, partitions: 8)
            let config = try harness.writeConfig(name: "pair", snapshotInterval: "30s")
            let events = DaemonHarness.leadEvents(count: 60_000, leads: 8_000, seed: 7)
            let producer = try harness.producer()
            let portA = try LoopbackPort.free()
            let portB = try LoopbackPort.free()

            let a = try harness.startDaemon(config: config, name: "pair-a", httpPort: portA)
            try DaemonHarness.produce(events[0..<20_000], with: producer)
            try await waitUntil(seconds: 60) { await DaemonHarness.progress(port: portA)?.count == 8 }

            let b = try harness.startDaemon(config: config, name: "pair-b", httpPort: portB)
            try DaemonHarness.produce(events[20_000..<40_000], with: producer)
            // Both end up with part of the 8 partitions.
            try await waitUntil(seconds: 60) {
                guard let pa = await DaemonHarness.progress(port: portA), let pb = await DaemonHarness.progress(port: portB) else { return false }
                return !pa.isEmpty && !pb.isEmpty && pa.count + pb.count == 8 && Set(pa.keys).isDisjoint(with: pb.keys)
            }

            // A leaves gracefully; B takes everything over while the rest of the input arrives.
            a.kill(SIGTERM)
            #expect(await a.wait(timeout: .seconds(10)), "SIGTERM did not stop instance A within 10 s")
            #expect(a.terminationStatus == 0, "A: \(a.output().suffix(2_000))")
            try DaemonHarness.produce(events[40_000...], with: producer)
            let ends = try harness.inputEnds()
            try await waitUntil(seconds: 120) {
                guard let pb = await DaemonHarness.progress(port: portB) else { return false }
                return pb.count == ends.count && ends.allSatisfy { pb[$0.key] == $0.value }
            }
            b.kill(SIGTERM)
            #expect(await b.wait(timeout: .seconds(10)), "SIGTERM did not stop instance B within 10 s")
            #expect(b.terminationStatus == 0, "B: \(b.output().suffix(2_000))")

            let (problems, records) = try harness.verifyExactlyOnce(expected: try harness.expectedOutputs())
            #expect(records > 5_000)
            #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10).joined(separator: "\n"))")
        }
    }

    private func waitUntil(seconds: Int, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("condition not met within \(seconds) s")
    }
}
