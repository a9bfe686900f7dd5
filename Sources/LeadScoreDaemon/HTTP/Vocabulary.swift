import LeadScoreCore

/// The words, colours and number formats a person reads in the demo's terminal view, the live
/// dashboard and the `evaluate` report, kept in one place so the three say the same thing the
/// same way (a sales-ops reader moves between them and should not have to translate).
public enum Vocabulary {
    /// A rep tier's name: `0` top, `1` middle, `2` bottom (the thirds of the reps by rep score).
    /// The JSON outputs keep the number; people read the name.
    public static func tierName(_ tier: Int) -> String {
        switch tier {
        case 0: "top"
        case 1: "middle"
        case 2: "bottom"
        default: "tier \(tier)"
        }
    }

    /// A tier's name, or a dash for a rep with none (not active on the roster: ranked with no one).
    public static func tierName(_ tier: Int?) -> String {
        tier.map { tierName($0) } ?? "–"
    }

    /// The colour of a rep tier in charts (the bucket colours of A, B, C: the tiers those buckets
    /// go to first).
    public static func tierColor(_ tier: Int) -> String {
        switch tier {
        case 0: bucketColor("A")
        case 1: bucketColor("B")
        case 2: bucketColor("C")
        default: bucketColor("nurture")
        }
    }

    /// Buckets in the order every view lists them.
    public static let bucketNames = [Bucket.a, .b, .c, .nurture, .selfServe, .disqualified].map(\.name)

    /// A bucket's colour in every chart and label (dashboard, report); `all` is the pooled row.
    public static func bucketColor(_ bucket: String) -> String {
        switch bucket {
        case "A": "#0a7c3a"
        case "B": "#2563eb"
        case "C": "#a16207"
        case "nurture": "#6b7482"
        case "self_serve": "#9ca3af"
        case "disqualified": "#b91c1c"
        default: "#1d2430"
        }
    }

    /// A difference of two rates in percentage points, signed, one decimal: `+4.2 pts`.
    public static func points(_ difference: Double) -> String {
        guard difference.isFinite else { return "–" }
        return pointsNumber(difference) + " pts"
    }

    /// The number part of `points(_:)` (`+4.2`), for table cells whose header says "pts".
    public static func pointsNumber(_ difference: Double) -> String {
        guard difference.isFinite else { return "–" }
        let text = NumberText.fixed(difference * 100, 1)
        return text.hasPrefix("-") ? text : "+" + text
    }

    /// A moment as every view shows it: world (event) time in UTC, to the minute,
    /// `2026-11-24 10:15 UTC`. The JSON outputs keep full RFC 3339 with milliseconds.
    public static func time(_ timestamp: Timestamp) -> String {
        let rfc = timestamp.rfc3339
        return String(rfc.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// `time(_:)` of an RFC 3339 string; the string itself when it does not parse.
    public static func time(rfc3339: String) -> String {
        // deliberate: a text that is not a timestamp is shown as it is.
        (try? Timestamp(rfc3339: rfc3339)).map(time) ?? rfc3339
    }

    /// One-line explanations of the terms a sales-ops reader meets, shown where each first
    /// appears (a tooltip, a note under a heading, a line under a table).
    public enum Term: String, CaseIterable, Sendable {
        case bucket, tier, lift, firstTouchesMissed, holdout, uplift, psi, challenger

        /// The term as written in headings.
        public var label: String {
            switch self {
            case .bucket: "bucket"
            case .tier: "tier"
            case .lift: "lift"
            case .firstTouchesMissed: "first touches missed"
            case .holdout: "holdout"
            case .uplift: "uplift"
            case .psi: "PSI"
            case .challenger: "challenger"
            }
        }

        /// What it means, in one line.
        public var explanation: String {
            switch self {
            case .bucket:
                "A, B, C or nurture by customer score (0.6 x fit + 0.4 x intent); self_serve below the deal-size floor, never routed to a rep."
            case .tier:
                "Reps ranked by rep score (conversion over 90 and 14 days) and cut in thirds: top, middle, bottom. A leads go to the top tier first, B to the top two, C to any."
            case .lift:
                "A bucket's conversion rate divided by the rate of all leads: 2.00x converts twice as often as the average lead."
            case .firstTouchesMissed:
                "Routed leads the rep did not call or email before the bucket's first-touch deadline (SLA); each is re-routed to another rep."
            case .holdout:
                "A share of leads (routing.holdout_share, 5% by default), picked by a hash of the lead id, routed round-robin ignoring rep score: the control group that shows what the model adds."
            case .uplift:
                "Conversion rate of model-routed leads minus that of holdout leads, in percentage points (pts), with a 95% interval; significant when the interval excludes 0."
            case .psi:
                "Population stability index of the mix of leads by bucket against an earlier mix: below 0.1 stable, below 0.25 a moderate shift, above a major one."
            case .challenger:
                "A candidate model (challenger.config, e.g. written by leadscore fit) scored on the same events with its own state; it never routes. Promote it by copying its sections into the main configuration (a reload)."
            }
        }

        /// `label: explanation`, for a line of text.
        public var line: String { "\(label): \(explanation)" }
    }
}
