import LeadScoreCore

/// The `leadscore-routing` header (`OutputPublisher.Header.routing`): a routing-topic record's
/// `RoutedRecord` in a few bytes beside its JSON, written by the publisher on every `lead_routed`
/// and `lead_sla_breached` record, so the rep feed of every instance reads a decision without
/// scanning its JSON (candidate lists and all).
/// A record without the header (written before it existed) or with one the feed cannot read is
/// scanned as before (`RoutedRecord.parse`): the header only spares work, the JSON stays the record.
///
/// Layout (version 1), all integers little-endian:
///
/// | bytes | field |
/// |---|---|
/// | 0 | version, 1 |
/// | 1 | kind: 0 `lead_routed`, 1 `lead_sla_breached` |
/// | 2 | bucket (`Bucket.rawValue`) |
/// | 3 | flags: 1 holdout, 2 sticky, 4 a rep id is present, 8 a time is present |
/// | 4..<12 | `occurred_at`, epoch milliseconds (0 when absent) |
/// | 12 | rep id length in bytes, n (0 when absent) |
/// | 13..<13+n | rep id, UTF-8 |
/// | 13+n..< | lead id, UTF-8 (the rest) |
extension RoutedRecord {
    /// The layout this build writes and reads.
    static let headerVersion: UInt8 = 1
    /// Bytes before the rep id.
    static let headerFixedBytes = 13

    private static let holdoutFlag: UInt8 = 1
    private static let stickyFlag: UInt8 = 2
    private static let repFlag: UInt8 = 4
    private static let timeFlag: UInt8 = 8

    /// What the feed reads of `output` on the routing topic; nil for outputs it does not read
    /// (escalations and every other kind).
    init?(_ output: OutputEvent) {
        switch output {
        case .leadRouted(let e):
            self.init(kind: .routed, leadID: e.leadID, repID: e.repID, bucket: e.bucket, holdout: e.holdout,
                      occurredAt: e.occurredAt, sticky: e.sticky)
        case .leadSLABreached(let e):
            self.init(kind: .breached, leadID: e.leadID, repID: e.repID, bucket: e.bucket, holdout: false,
                      occurredAt: e.slaDueAt, sticky: false)
        default:
            return nil
        }
    }

    /// Calls `body` with the header's bytes, laid out on the stack; nil when the rep id is longer
    /// than the layout's 255 bytes (the record then goes without the header, and is scanned).
    func withHeaderBytes<R>(_ body: (UnsafeRawBufferPointer?) -> R) -> R {
        var lead = leadID
        var rep = repID ?? ""
        return lead.withUTF8 { leadBytes in
            rep.withUTF8 { repBytes in
                guard repBytes.count <= Int(UInt8.max) else { return body(nil) }
                let size = Self.headerFixedBytes + repBytes.count + leadBytes.count
                return withUnsafeTemporaryAllocation(byteCount: size, alignment: 1) { out in
                    var flags: UInt8 = 0
                    if holdout { flags |= Self.holdoutFlag }
                    if sticky { flags |= Self.stickyFlag }
                    if repID != nil { flags |= Self.repFlag }
                    if occurredAt != nil { flags |= Self.timeFlag }
                    out[0] = Self.headerVersion
                    out[1] = kind == .routed ? 0 : 1
                    out[2] = bucket.rawValue
                    out[3] = flags
                    out.storeBytes(of: (occurredAt?.millisecondsSinceEpoch ?? 0).littleEndian, toByteOffset: 4, as: Int64.self)
                    out[12] = UInt8(repBytes.count)
                    let leadStart = Self.headerFixedBytes + repBytes.count
                    UnsafeMutableRawBufferPointer(rebasing: out[Self.headerFixedBytes..<leadStart]).copyMemory(from: UnsafeRawBufferPointer(repBytes))
                    UnsafeMutableRawBufferPointer(rebasing: out[leadStart...]).copyMemory(from: UnsafeRawBufferPointer(leadBytes))
                    return body(UnsafeRawBufferPointer(out))
                }
            }
        }
    }

    /// Reads a header; nil when it is not one this build can read (another version, a size that
    /// does not add up, an unknown kind or bucket, an empty lead id, ids that are not UTF-8).
    init?(header bytes: UnsafeRawBufferPointer) {
        guard bytes.count > Self.headerFixedBytes, bytes[0] == Self.headerVersion else { return nil }
        let kind: Kind
        switch bytes[1] {
        case 0: kind = .routed
        case 1: kind = .breached
        default: return nil
        }
        guard let bucket = Bucket(rawValue: bytes[2]) else { return nil }
        let flags = bytes[3]
        let repCount = Int(bytes[12])
        let leadStart = Self.headerFixedBytes + repCount
        guard leadStart < bytes.count, flags & Self.repFlag != 0 || repCount == 0,
              let leadID = String(checkedUTF8: UnsafeRawBufferPointer(rebasing: bytes[leadStart...])) else { return nil }
        var repID: String?
        if flags & Self.repFlag != 0 {
            guard let rep = String(checkedUTF8: UnsafeRawBufferPointer(rebasing: bytes[Self.headerFixedBytes..<leadStart])) else { return nil }
            repID = rep
        }
        let millis = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: Int64.self))
        self.init(kind: kind, leadID: leadID, repID: repID, bucket: bucket, holdout: flags & Self.holdoutFlag != 0,
                  occurredAt: flags & Self.timeFlag != 0 ? Timestamp(millisecondsSinceEpoch: millis) : nil,
                  sticky: flags & Self.stickyFlag != 0)
    }
}
