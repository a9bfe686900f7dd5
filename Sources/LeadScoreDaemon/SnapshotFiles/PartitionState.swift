import LeadScoreCore

/// One partition's scoring state as a snapshot file or a state-topic link holds it: the live
/// model's book, and the challenger's beside it while one is configured.
///
/// Without a challenger the bytes are the live book's serialization alone, exactly what builds
/// without challengers wrote and read. With one they are framed: `"LSPAIR\r\n"`, then the live
/// book's bytes and the challenger's, each after its `UInt64` length (little endian). The same
/// frame holds a full state and a delta (each book's delta against its own previous checkpoint).
///
/// A challenger restored from a state without its part (added since, or a chain begun before it
/// was) starts from the live book read under the challenger's configuration, what a reload does:
/// from then on it scores every event itself.
struct PartitionState {
    var live: LeadBook
    var challenger: LeadBook?

    /// Empty books under `models`.
    init(_ models: ScoringModels) {
        live = LeadBook(config: models.live)
        challenger = models.challenger.map { config in
            var book = LeadBook(config: config)
            book.scoresOnly = true
            return book
        }
    }

    static let pairMagic: [UInt8] = Array("LSPAIR\r\n".utf8)

    /// The whole state.
    static func serialize(live: LeadBook, challenger: LeadBook?, into out: inout [UInt8]) {
        guard let challenger else {
            live.serialize(into: &out)
            return
        }
        out.append(contentsOf: pairMagic)
        framed(&out) { live.serialize(into: &$0) }
        framed(&out) { challenger.serialize(into: &$0) }
    }

    /// What changed since each book's previous checkpoint (`LeadBook.serializeDelta`).
    static func serializeDelta(live: inout LeadBook, challenger: inout LeadBook?, into out: inout [UInt8]) {
        guard challenger != nil else {
            live.serializeDelta(into: &out)
            return
        }
        out.append(contentsOf: pairMagic)
        framed(&out) { live.serializeDelta(into: &$0) }
        framed(&out) { challenger!.serializeDelta(into: &$0) }
    }

    /// Appends a length placeholder, what `body` appends, then patches the length.
    private static func framed(_ out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        let at = out.count
        out.append(contentsOf: repeatElement(0, count: 8))
        body(&out)
        let length = UInt64(out.count - at - 8).littleEndian
        withUnsafeBytes(of: length) { raw in
            for k in 0..<8 { out[at + k] = raw[k] }
        }
    }

    /// The live part and the challenger's (nil when the bytes hold the live book alone). The
    /// live part is `bytes` itself, uncopied, when there is no frame.
    static func split(_ bytes: [UInt8]) throws(SnapshotError) -> (live: [UInt8], challenger: [UInt8]?) {
        guard bytes.count >= pairMagic.count, bytes.starts(with: pairMagic) else { return (bytes, nil) }
        var at = pairMagic.count
        func part() throws(SnapshotError) -> [UInt8] {
            guard bytes.count - at >= 8 else { throw SnapshotError(code: .truncated, field: "model pair") }
            let length = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            guard length <= UInt64(bytes.count - at - 8) else { throw SnapshotError(code: .truncated, field: "model pair") }
            let start = at + 8, end = start + Int(length)
            at = end
            return Array(bytes[start..<end])
        }
        let live = try part()
        let challenger = try part()
        guard at == bytes.count else { throw SnapshotError(code: .corrupt, field: "model pair") }
        return (live, challenger)
    }

    /// Restores a full state under `models`.
    init(deserializing bytes: [UInt8], models: ScoringModels) throws(SnapshotError) {
        let parts = try Self.split(bytes)
        live = try LeadBook(deserializing: parts.live, config: models.live)
        challenger = try Self.challenger(models, part: parts.challenger.map { ($0, []) }, live: parts.live)
    }

    /// Restores a chain (a base and its deltas) under `models`. The challenger's part is used when
    /// every link has one; otherwise the challenger starts from the live book.
    init(deserializing base: [UInt8], deltas: [[UInt8]], models: ScoringModels) throws(SnapshotError) {
        let baseParts = try Self.split(base)
        var liveDeltas: [[UInt8]] = []
        var challengerDeltas: [[UInt8]]? = baseParts.challenger == nil ? nil : []
        for delta in deltas {
            let parts = try Self.split(delta)
            liveDeltas.append(parts.live)
            if let part = parts.challenger { challengerDeltas?.append(part) } else { challengerDeltas = nil }
        }
        live = try LeadBook(deserializing: baseParts.live, deltas: liveDeltas, config: models.live)
        guard models.challenger != nil else {
            challenger = nil
            return
        }
        if let part = baseParts.challenger, let challengerDeltas {
            challenger = try Self.challenger(models, part: (part, challengerDeltas), live: [])
        } else {
            var bytes: [UInt8] = []
            live.serialize(into: &bytes)
            challenger = try Self.challenger(models, part: nil, live: bytes)
        }
    }

    /// The challenger's book under `models.challenger`: from its own part when there is one, else
    /// from the live book's bytes. Nil when no challenger is configured.
    private static func challenger(_ models: ScoringModels, part: (base: [UInt8], deltas: [[UInt8]])?,
                                   live: [UInt8]) throws(SnapshotError) -> LeadBook? {
        guard let config = models.challenger else { return nil }
        var book = if let part {
            try LeadBook(deserializing: part.base, deltas: part.deltas, config: config)
        } else {
            try LeadBook(deserializing: live, config: config)
        }
        book.scoresOnly = true
        return book
    }
}
