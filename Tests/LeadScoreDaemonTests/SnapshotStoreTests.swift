import Foundation
import LeadScoreCore
@testable import LeadScoreDaemon
import Logging
import Testing

@Suite("Snapshot files")
struct SnapshotStoreTests {
    private func temporaryStore(keep: Int = 3) throws -> SnapshotStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snap-\(UUID().uuidString.prefix(8))/nested").path
        let store = SnapshotStore(directory: dir, keep: keep, logger: Logger(label: "test"))
        try store.prepare()
        return store
    }

    private func snapshot(offset: Int64, state: [UInt8] = Array(repeating: 7, count: 1000)) -> Snapshot {
        Snapshot(topic: "lead-events", partition: 3, nextOffset: offset,
                 outputPositions: [.init(topic: "lead-scores", partition: 1, offset: 42)],
                 configVersion: "abc", writtenAtMillis: 1_700_000_000_000, state: state)
    }

    @Test("round trip through the file format")
    func roundTrip() throws {
        let s = snapshot(offset: 99, state: (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(try SnapshotCodec.decode(SnapshotCodec.encode(s)) == s)
    }

    @Test("every truncation and every flipped byte is detected", arguments: [0, 1, 7, 8, 12, 40, 500, 1040])
    func damageDetected(position: Int) throws {
        let bytes = SnapshotCodec.encode(snapshot(offset: 5))
        #expect(throws: SnapshotFileError.self) { try SnapshotCodec.decode(Array(bytes.prefix(position))) }
        var flipped = bytes
        flipped[min(position, bytes.count - 1)] ^= 0x40
        #expect(throws: SnapshotFileError.self) { try SnapshotCodec.decode(flipped) }
    }

    @Test("keeps the newest three, and a damaged newest falls back to the previous")
    func keepsAndFallsBack() throws {
        let store = try temporaryStore()
        for offset in 1...5 { try store.write(snapshot(offset: Int64(offset))) }
        let files = store.files(topic: "lead-events", partition: 3)
        #expect(files.count == 3)
        #expect(store.loadNewest(topic: "lead-events", partition: 3) { $0 }?.snapshot.nextOffset == 5)

        // Truncate the newest: the one before is used.
        let newest = "\(store.directory)/\(files.last!.name)"
        let bytes = try store.readFile(newest)
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: newest))
        #expect(store.loadNewest(topic: "lead-events", partition: 3) { $0 }?.snapshot.nextOffset == 4)

        // A snapshot whose state the caller refuses is skipped too.
        struct Refused: Error {}
        let loaded = store.loadNewest(topic: "lead-events", partition: 3) { s -> Int64 in
            if s.nextOffset == 4 { throw Refused() }
            return s.nextOffset
        }
        #expect(loaded?.value == 3)
        #expect(store.loadNewest(topic: "lead-events", partition: 9) { $0 } == nil)
        #expect(!FileManager.default.fileExists(atPath: "\(store.directory)/.\(files.last!.name).tmp"))
    }

    @Test("the checksum matches the published XXH64 test vectors")
    func checksumVectors() {
        #expect(Checksum64.hash([]) == 0xEF46_DB37_51D8_E999)
        #expect(Checksum64.hash(Array("a".utf8)) == 0xD24E_C4F1_A98C_6E5B)
        #expect(Checksum64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
    }
}

extension SnapshotStoreTests {
    @Test("after a fallback, retention prunes the damaged newest file and keeps the valid older ones")
    func damagedPrunedFirst() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snap-\(UUID().uuidString.prefix(8))").path
        let store = SnapshotStore(directory: dir, keep: 3, logger: Logger(label: "test"))
        try store.prepare()
        let make = { (offset: Int64) in
            Snapshot(topic: "lead-events", partition: 3, nextOffset: offset, outputPositions: [], configVersion: "abc",
                     writtenAtMillis: 1, state: [1, 2, 3])
        }
        for offset in 1...3 { try store.write(make(Int64(offset))) }
        let damagedName = try #require(store.files(topic: "lead-events", partition: 3).last?.name)
        try Data([0, 1, 2]).write(to: URL(fileURLWithPath: "\(dir)/\(damagedName)"))
        #expect(store.loadNewest(topic: "lead-events", partition: 3) { $0 }?.snapshot.nextOffset == 2)

        try store.write(make(4))
        let names = store.files(topic: "lead-events", partition: 3).map(\.name)
        #expect(!names.contains(damagedName), "the damaged file was kept: \(names)")
        #expect(names.count == 3)
        let offsets = names.compactMap { try? store.readSnapshot("\(dir)/\($0)", topic: "lead-events", partition: 3).nextOffset }
        #expect(offsets == [1, 2, 4], "valid older snapshots were pruned: \(offsets)")
    }

    @Test("pruning order: damaged first, then oldest, never the newest", arguments: [
        (["a", "b", "c", "d"], 3, Set<String>(), ["a"]),
        (["a", "b", "c", "d"], 3, Set(["c"]), ["c"]),
        (["a", "b", "c", "d"], 1, Set(["b", "c"]), ["b", "c", "a"]),
        (["a", "b"], 3, Set(["a"]), []),
    ])
    func pruneOrder(names: [String], keep: Int, damaged: Set<String>, expected: [String]) {
        #expect(SnapshotStore.pruned(names, keep: keep, damaged: damaged) == expected)
    }

    @Test("snapshot inspect runs the daemon's checks: partition in the name, state that opens")
    func inspectValidates() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snap-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var state: [UInt8] = []
        LeadBook(config: ScoringConfig()).serialize(into: &state)
        let good = Snapshot(topic: "lead-events", partition: 1, nextOffset: 9, outputPositions: [], configVersion: "v",
                            writtenAtMillis: 1, state: state)
        let goodFile = "\(dir)/\(SnapshotStore.fileName(topic: "lead-events", partition: 1, generation: 1))"
        try Data(SnapshotCodec.encode(good)).write(to: URL(fileURLWithPath: goodFile))
        #expect(SnapshotInspector.inspect(path: goodFile).allValid)

        // Intact file, but its header names partition 1 while its name says partition 4.
        let misnamed = "\(dir)/\(SnapshotStore.fileName(topic: "lead-events", partition: 4, generation: 1))"
        try Data(SnapshotCodec.encode(good)).write(to: URL(fileURLWithPath: misnamed))
        let (lines, valid) = SnapshotInspector.inspect(path: misnamed)
        #expect(!valid)
        #expect(lines.joined().contains("file name says lead-events/4"), "\(lines)")

        // Checksum holds, state does not open.
        var bad = good
        bad.state = Array("not a lead book".utf8)
        let badFile = "\(dir)/\(SnapshotStore.fileName(topic: "lead-events", partition: 1, generation: 2))"
        try Data(SnapshotCodec.encode(bad)).write(to: URL(fileURLWithPath: badFile))
        let (badLines, badValid) = SnapshotInspector.inspect(path: badFile)
        #expect(!badValid)
        #expect(badLines.joined().contains("state does not open"), "\(badLines)")
        #expect(!badLines.joined().contains("wrong_tag at header)") || badLines.joined().contains("not of the expected kind"))
        #expect(SnapshotStore.parseFileName("lead.events.p12.000000000003.snap")! == ("lead.events", 12))
    }
}
