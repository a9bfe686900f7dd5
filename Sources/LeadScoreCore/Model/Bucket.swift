/// Where a lead stands. `A` to `nurture` are ordered by raw value; `self_serve` (below the
/// deal-value floor) and `disqualified` (a hard disqualifier) are apart: never routed to a rep,
/// and decay cannot move a lead into or out of them. Raw values are stored in snapshots and never
/// change.
public enum Bucket: UInt8, Sendable, CaseIterable, Hashable, Codable, Comparable {
    /// Below C: no rep, no routing event.
    case nurture = 0
    /// `C`: 3 calls + 1 email over 30 days by default.
    case c = 1
    /// `B`: 5 calls + 2 emails over 30 days by default.
    case b = 2
    /// `A`: 7 calls + 4 emails over 30 days by default.
    case a = 3
    /// Known deal value below the floor: routed to `self_serve`, never to a rep.
    case selfServe = 4
    /// A hard disqualifier (the CRM's flag, or a personal, competitor or student email domain):
    /// never routed, whatever the score; takes precedence over every other rule.
    case disqualified = 5

    /// The name used in outputs and configuration: `A`, `B`, `C`, `nurture`, `self_serve`,
    /// `disqualified`.
    public var name: String {
        switch self {
        case .a: "A"
        case .b: "B"
        case .c: "C"
        case .nurture: "nurture"
        case .selfServe: "self_serve"
        case .disqualified: "disqualified"
        }
    }

    /// The bucket's position in `allCases` (declared in raw-value order), for counting by bucket
    /// without searching the list.
    public var position: Int { Int(rawValue) }

    /// True for the buckets that get a rep (`A`, `B`, `C`).
    public var isRepBucket: Bool { self == .a || self == .b || self == .c }

    /// Orders by raw value; only meaningful among `nurture`...`A`.
    public static func < (lhs: Bucket, rhs: Bucket) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Encodes as `name`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    /// Decodes from `name`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let bucket = Bucket.allCases.first(where: { $0.name == text }) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown bucket \(text)")
        }
        self = bucket
    }
}
