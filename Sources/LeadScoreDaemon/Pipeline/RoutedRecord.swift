import LeadScoreCore

/// The few fields of a routing-topic record the rep feed and the recovery scan need (lead, rep,
/// bucket, holdout, time), read in place with the core's JSON scanner, without building a tree:
/// the routing topic carries a record per routed transition of every instance, each with its list
/// of candidates, and the feed reads all of them: the fields it needs are scanned and validated,
/// the others only skipped (`JSONScanner.skipValue`). A record the scanner rejects yields nil.
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
    /// A bucket change that kept the lead's rep: not counted on the rep's load (as the router
    /// does not count it either).
    var sticky = false

    /// Reads a record; nil when it is not a `lead_routed` or `lead_sla_breached` object with a lead
    /// id and a bucket (escalations and erasure tombstones carry nothing for rep state).
    static func parse(_ bytes: UnsafeRawBufferPointer) -> RoutedRecord? {
        guard let base = bytes.bindMemory(to: UInt8.self).baseAddress else { return nil }
        var s = JSONScanner(base: base, count: bytes.count, maxDepth: 64)
        var leadID: String?, repID: String?, bucket: Bucket?, holdout = false, occurredAt: Timestamp?, kind: Kind? = .routed
        var sticky = false
        do throws(EventDecodingError) {
            guard try !s.beginObject() else { return nil }
            repeat {
                let field = Field(try s.readKey(), in: s)
                // The fields read are scanned in full; the rest (the candidate list above all,
                // every rep with `candidates_in_event: all`) only skipped.
                if field == .other {
                    try s.skipValue()
                    continue
                }
                let value = try s.scanValue(depth: 1)
                switch field {
                case .type:
                    guard value.kind == .string else { return nil }
                    kind = s.equals(value, "lead_routed") ? .routed : s.equals(value, "lead_sla_breached") ? .breached : nil
                case .leadID:
                    leadID = value.kind == .string ? s.string(value) : nil
                case .repID:
                    repID = value.kind == .string ? s.string(value) : nil
                case .bucket:
                    bucket = value.kind == .string ? bucketNames.first { name in s.withBytes(value) { $0.elementsEqual(name.bytes) } }?.bucket : nil
                case .holdout:
                    holdout = value.kind == .bool && value.flag
                case .sticky:
                    sticky = value.kind == .bool && value.flag
                case .occurredAt:
                    // deliberate: a record without a readable time still counts for uplift; the
                    // feed skips load and breaches that have no time.
                    occurredAt = value.kind == .string ? try? Timestamp(rfc3339: s.string(value)) : nil
                case .other:
                    break
                }
            } while try s.nextMember()
        } catch {
            return nil
        }
        guard let kind, let leadID, let bucket else { return nil }
        return RoutedRecord(kind: kind, leadID: leadID, repID: repID, bucket: bucket, holdout: holdout, occurredAt: occurredAt, sticky: sticky)
    }

    /// The `rep_id` of a `lead_routed` record's bytes (nil when null, absent or unreadable).
    static func repID(of value: [UInt8]) -> String? {
        value.withUnsafeBytes { parse($0)?.repID }
    }

    /// Bucket names as bytes, matched without building a string per record.
    private static let bucketNames = Bucket.allCases.map { (bucket: $0, bytes: Array($0.name.utf8)) }

    private enum Field {
        case type, leadID, repID, bucket, holdout, occurredAt, sticky, other

        /// Dispatches on the key's length and first byte, so each of a record's ~20 keys costs
        /// at most one comparison with a literal.
        init(_ key: JSONScanner.Value, in s: JSONScanner) {
            self = s.withBytes(key) { k in
                switch (k.count, k.first) {
                case (4, UInt8(ascii: "t")): k.equals("type") ? .type : .other
                case (6, UInt8(ascii: "r")): k.equals("rep_id") ? .repID : .other
                case (6, UInt8(ascii: "b")): k.equals("bucket") ? .bucket : .other
                case (6, UInt8(ascii: "s")): k.equals("sticky") ? .sticky : .other
                case (7, UInt8(ascii: "l")): k.equals("lead_id") ? .leadID : .other
                case (7, UInt8(ascii: "h")): k.equals("holdout") ? .holdout : .other
                case (11, UInt8(ascii: "o")): k.equals("occurred_at") ? .occurredAt : .other
                default: .other
                }
            }
        }
    }
}
