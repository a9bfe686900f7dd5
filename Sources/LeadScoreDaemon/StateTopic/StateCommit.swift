/// A complete checkpoint of one lead partition in the state topic: the commit marker.
///
/// The state topic has as many partitions as the input, and partition p holds the checkpoints of
/// input partition p. A checkpoint is one or more chunk records (its serialized state, cut into
/// pieces of at most `StateTopic.chunkBytes`) followed by this marker. The marker lists the chain
/// the state is rebuilt from: a full base and the deltas written after it, each with the offsets of
/// its chunks, their count, size and checksum. A reader takes the newest marker and reads exactly
/// the chunks it names, so chunks whose marker was never written (a crash between the two) are
/// never used, and no transaction is needed for a checkpoint to be all or nothing.
///
/// Layout (little endian): `"LSSTATE\n"` magic, `UInt16` format version, the fields below,
/// `UInt64` XXH64 of everything before it.
struct StateCommit: Equatable, Sendable {
    /// What one link of the chain holds.
    enum Kind: UInt8, Sendable {
        /// `LeadBook.serialize(into:)`: the whole state.
        case base = 0
        /// `LeadBook.serializeDelta(into:)`: what changed since the previous link.
        case delta = 1

        /// The metric and log label.
        var name: String { self == .base ? "base" : "delta" }
    }

    /// One link of the chain: a checkpoint's chunks.
    struct Link: Equatable, Sendable {
        /// Unique per checkpoint (chunks carry it in a header).
        var id: UInt64
        var kind: Kind
        /// Offsets of its first and last chunk in the state partition.
        var firstOffset: Int64
        var lastOffset: Int64
        var chunks: UInt32
        var bytes: UInt64
        /// XXH64 of the link's bytes, chunks concatenated.
        var checksum: UInt64
    }

    /// The input partition the state belongs to.
    var topic: String
    var partition: Int32
    /// The next input offset to read: everything below it is in the state.
    var nextOffset: Int64
    /// Where a recovery scan of the output topics starts (as in a snapshot file).
    var outputPositions: [Snapshot.OutputPosition]
    var configVersion: String
    var writtenAtMillis: Int64
    /// Base first, then its deltas in order; the last link is this checkpoint's own.
    var chain: [Link]

    static let magic: [UInt8] = Array("LSSTATE\n".utf8)
    static let formatVersion: UInt16 = 1

    /// The offset from which a reader must read to see every chunk of the chain.
    var firstChunkOffset: Int64 { chain.map(\.firstOffset).min() ?? 0 }

    /// Bytes of the chain's deltas (a writer starts a new base when they outweigh the base).
    var deltaBytes: UInt64 { chain.dropFirst().reduce(0) { $0 + $1.bytes } }

    func encode() -> [UInt8] {
        var out = ByteWriter(capacity: 128 + 48 * chain.count + 32 * outputPositions.count)
        out.raw(Self.magic)
        out.uint16(Self.formatVersion)
        out.string(topic)
        out.int32(partition)
        out.int64(nextOffset)
        out.string(configVersion)
        out.int64(writtenAtMillis)
        out.positions(outputPositions)
        out.uint32(UInt32(chain.count))
        for link in chain {
            out.uint64(link.id)
            out.raw([link.kind.rawValue])
            out.int64(link.firstOffset)
            out.int64(link.lastOffset)
            out.uint32(link.chunks)
            out.uint64(link.bytes)
            out.uint64(link.checksum)
        }
        out.uint64(Checksum64.hash(out.bytes))
        return out.bytes
    }

    /// Parses and verifies a marker; damaged bytes are an error, never a trap.
    static func decode(_ bytes: [UInt8]) throws(SnapshotFileError) -> StateCommit {
        guard bytes.count >= magic.count + 2 + 8, Array(bytes[0..<magic.count]) == magic else {
            throw SnapshotFileError(.corrupt, "not a leadscore state commit")
        }
        let bodyCount = bytes.count - 8
        let (expected, actual) = bytes.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: bodyCount, as: UInt64.self).littleEndian,
             Checksum64.hash(UnsafeRawBufferPointer(rebasing: raw[0..<bodyCount])))
        }
        guard expected == actual else { throw SnapshotFileError(.corrupt, "state commit checksum mismatch") }
        var r = ByteReader(bytes, from: magic.count, to: bodyCount)
        let version = try r.uint16()
        guard version == formatVersion else {
            throw SnapshotFileError(.unsupportedVersion, "state commit format \(version), this build reads \(formatVersion)")
        }
        var commit = StateCommit(topic: try r.string(), partition: try r.int32(), nextOffset: try r.int64(), outputPositions: [],
                                 configVersion: "", writtenAtMillis: 0, chain: [])
        commit.configVersion = try r.string()
        commit.writtenAtMillis = try r.int64()
        commit.outputPositions = try r.positions()
        let links = Int(try r.uint32())
        guard links >= 1, links <= r.remaining / 45 else { throw SnapshotFileError(.corrupt, "a chain of \(links) links in a short commit") }
        for position in 0..<links {
            let id = try r.uint64()
            guard let kind = Kind(rawValue: try r.bytes(1)[0]), (kind == .base) == (position == 0) else {
                throw SnapshotFileError(.corrupt, "link \(position) of the chain has the wrong kind")
            }
            commit.chain.append(Link(id: id, kind: kind, firstOffset: try r.int64(), lastOffset: try r.int64(), chunks: try r.uint32(),
                                     bytes: try r.uint64(), checksum: try r.uint64()))
        }
        guard r.remaining == 0 else { throw SnapshotFileError(.corrupt, "\(r.remaining) unexpected bytes after the chain") }
        return commit
    }
}
