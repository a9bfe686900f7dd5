import Foundation
import LeadScoreCore

/// The few fields of a `lead_routed` record the rep feed needs (lead, rep, bucket, holdout, time),
/// read in place in one pass without building a JSON tree: the routing topic carries a record per
/// routed transition of every instance, each with its list of candidates, and the feed reads all
/// of them. Nested values (cadence, candidates) are skipped by depth without being looked at, so
/// this is a reader of well-formed records (the daemon's own and its peers'), not a validator: a
/// record it cannot follow yields nil.
struct RoutedRecord: Sendable, Equatable {
    /// The record types of the routing topic the feed reads.
    enum Kind: Sendable, Equatable {
        /// `lead_routed`: a decision (a bucket change's or a re-route's).
        case routed
        /// `lead_sla_breached`: `repID` missed a first-touch deadline (`occurredAt`); its
        /// bucket is the lead's, `holdout` is false.
        case breached
    }

    var kind: Kind = .routed
    var leadID: String
    /// nil when no rep was eligible; `self_serve` for self-serve leads.
    var repID: String?
    var bucket: Bucket
    var holdout: Bool
    var occurredAt: Timestamp?

    /// Reads a record; nil when it is not a `lead_routed` or `lead_sla_breached` object with a lead
    /// id and a bucket (escalations and erasure tombstones carry nothing for rep state).
    /// Without `repAndTime`, reading stops once lead, bucket and holdout are known (they come
    /// before the candidates in the daemon's own records), and `repID`/`occurredAt` may be nil.
    static func parse(_ bytes: UnsafeRawBufferPointer, repAndTime: Bool = true) -> RoutedRecord? {
        var r = Reader(bytes: bytes)
        guard r.skipSpace(), r.byte == UInt8(ascii: "{") else { return nil }
        r.i += 1
        var leadID: String?, repID: String?, bucket: Bucket?, holdout = false, occurredAt: Timestamp?, kind: Kind? = .routed
        var sawHoldout = false
        guard r.skipSpace() else { return nil }
        if r.byte == UInt8(ascii: "}") { return nil }
        while true {
            guard r.skipSpace(), let key = r.string(), r.skipSpace(), r.byte == UInt8(ascii: ":") else { return nil }
            r.i += 1
            guard r.skipSpace() else { return nil }
            let field = Field(key, bytes)
            if r.byte == UInt8(ascii: "\"") {
                guard let value = r.string() else { return nil }
                switch field {
                case .type:
                    let type = bytes[value.range]
                    kind = value.escaped ? nil : type.elementsEqual("lead_routed".utf8) ? .routed
                        : type.elementsEqual("lead_sla_breached".utf8) ? .breached : nil
                case .leadID: leadID = r.text(value)
                case .repID: repID = r.text(value)
                case .bucket: bucket = value.escaped ? nil : bucketNames.first { bytes[value.range].elementsEqual($0.name) }?.bucket
                case .occurredAt: occurredAt = r.text(value).flatMap { try? Timestamp(rfc3339: $0) }
                case .holdout, .other: break
                }
            } else if r.byte == UInt8(ascii: "{") || r.byte == UInt8(ascii: "[") {
                guard r.skipNested() else { return nil }
            } else {
                let start = r.i
                while r.i < bytes.count, !r.isDelimiter(bytes[r.i]) { r.i += 1 }
                if field == .holdout {
                    holdout = bytes[start..<r.i].elementsEqual("true".utf8)
                    sawHoldout = true
                }
            }
            if !repAndTime && sawHoldout && leadID != nil && bucket != nil { break }
            guard r.skipSpace() else { return nil }
            if r.byte == UInt8(ascii: ",") { r.i += 1; continue }
            if r.byte == UInt8(ascii: "}") { break }
            return nil
        }
        guard let kind, let leadID, let bucket else { return nil }
        return RoutedRecord(kind: kind, leadID: leadID, repID: repID, bucket: bucket, holdout: holdout, occurredAt: occurredAt)
    }

    /// Bucket names as bytes, matched without building a string per record.
    private static let bucketNames = Bucket.allCases.map { (bucket: $0, name: Array($0.name.utf8)) }

    private enum Field {
        case type, leadID, repID, bucket, holdout, occurredAt, other

        init(_ key: (range: Range<Int>, escaped: Bool), _ bytes: UnsafeRawBufferPointer) {
            let k = bytes[key.range]
            self = k.elementsEqual("lead_id".utf8) ? .leadID : k.elementsEqual("rep_id".utf8) ? .repID
                : k.elementsEqual("bucket".utf8) ? .bucket : k.elementsEqual("holdout".utf8) ? .holdout
                : k.elementsEqual("occurred_at".utf8) ? .occurredAt : k.elementsEqual("type".utf8) ? .type : .other
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        var byte: UInt8 { bytes[i] }

        /// Skips white space; false at the end of the input.
        mutating func skipSpace() -> Bool {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            return i < bytes.count
        }

        func isDelimiter(_ c: UInt8) -> Bool {
            c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
        }

        /// A string at `i`: the range of its content and whether it holds escapes.
        mutating func string() -> (range: Range<Int>, escaped: Bool)? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            var escaped = false
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    defer { i += 1 }
                    return (start..<i, escaped)
                case UInt8(ascii: "\\"):
                    escaped = true
                    i += 2
                default:
                    i += 1
                }
            }
            return nil
        }

        /// A string's text; escaped strings (rare: ids are plain) go through Foundation's parser.
        func text(_ s: (range: Range<Int>, escaped: Bool)) -> String? {
            guard s.escaped else { return String(decoding: bytes[s.range], as: UTF8.self) }
            let quoted = Data(bytes[(s.range.lowerBound - 1)..<(s.range.upperBound + 1)])
            return (try? JSONSerialization.jsonObject(with: quoted, options: .fragmentsAllowed)) as? String
        }

        /// Skips an object or array at `i`, strings inside included.
        mutating func skipNested() -> Bool {
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return true }
                default:
                    break
                }
                i += 1
            }
            return false
        }
    }
}
