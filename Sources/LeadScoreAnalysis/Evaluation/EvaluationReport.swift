import LeadScoreCore

/// What `OutcomeEvaluation.report` found: conversion by bucket, precision and recall, uplift of
/// model routing over the holdout, conversion by rep tier, calibration, drift and the bucket mix
/// over time. A plain value: the CLI renders it as text, JSON (`appendJSON`) or an HTML page.
///
/// Every number follows `EvaluationReport.definitions`, which the renderings print with it.
public struct EvaluationReport: Sendable, Equatable {
    /// What the input lines held.
    public struct Inputs: Sendable, Equatable {
        /// Non-blank lines read (typed events added directly are not lines), the challenger's
        /// `lead_rescored` lines apart (`ModelComparison.challengerRescored`).
        public var lines = 0
        /// The live model's `lead_rescored` events used.
        public var rescored = 0
        /// `lead_routed` events used.
        public var routed = 0
        /// `lead_outcome` events used (the labels).
        public var outcomes = 0
        /// Known event types the evaluation does not read.
        public var ignored = 0
        /// Ignored events by `type`.
        public var ignoredByType: [String: Int] = [:]
        /// Lines that were not valid JSON, had an unknown type or an unusable field.
        public var skipped = 0
        /// Skipped lines by error code (`syntax`, `unknown_type`, `missing_field`, ...).
        public var skippedByCode: [String: Int] = [:]

        /// No lines yet.
        public init() {}

        mutating func ignore(_ type: String) {
            ignored += 1
            ignoredByType[type, default: 0] += 1
        }
    }

    /// Which leads were evaluated.
    public struct Population: Sendable, Equatable {
        /// Leads with at least one `lead_rescored`.
        public var leads = 0
        /// Leads with a bucket in force at their evaluated moment.
        public var evaluated = 0
        /// Leads left out: an outcome came before their first bucket.
        public var withoutBucket = 0
        /// Evaluated leads with at least one outcome.
        public var labelled = 0
        /// Evaluated leads that converted.
        public var conversions = 0
        /// Leads with outcomes but no `lead_rescored` at all (not evaluated).
        public var outcomesWithoutScores = 0
        /// `conversions / evaluated`.
        public var baseRate: Double?
    }

    /// Conversion of the leads evaluated in one bucket.
    public struct BucketRow: Sendable, Equatable {
        /// The bucket.
        public var bucket: Bucket
        /// Leads whose evaluated bucket it is.
        public var leads: Int
        /// Of those, leads that converted.
        public var conversions: Int
        /// `conversions / leads`.
        public var rate: Double?
        /// `rate / base rate`.
        public var lift: Double?
    }

    /// Precision and recall of a set of buckets taken as "predicted to convert".
    public struct Selection: Sendable, Equatable {
        /// `A` or `A or B`.
        public var name: String
        /// The buckets in it.
        public var buckets: [Bucket]
        /// Leads evaluated in those buckets.
        public var leads: Int
        /// Of those, leads that converted.
        public var conversions: Int
        /// `conversions / leads`.
        public var precision: Double?
        /// `conversions / all conversions`.
        public var recall: Double?
    }

    /// Leads and conversions of one group.
    public struct Group: Sendable, Equatable {
        /// Leads in the group.
        public var leads: Int
        /// Of those, leads that converted.
        public var conversions: Int
        /// `conversions / leads`.
        public var rate: Double? { Statistics.rate(conversions, leads) }

        /// Creates a group.
        public init(leads: Int, conversions: Int) {
            self.leads = leads
            self.conversions = conversions
        }
    }

    /// Model-routed vs holdout conversion in one rep bucket (or all of them pooled).
    public struct UpliftRow: Sendable, Equatable {
        /// The bucket; nil for the pooled row (A, B and C together).
        public var bucket: Bucket?
        /// Leads routed by the model (`holdout: false`).
        public var model: Group
        /// Leads of the holdout (`holdout: true`, round-robin).
        public var holdout: Group
        /// Model rate minus holdout rate with its 95% interval; nil when a group is empty.
        public var difference: Statistics.ProportionDifference?
    }

    /// The uplift table.
    public struct Uplift: Sendable, Equatable {
        /// A, B and C.
        public var buckets: [UpliftRow]
        /// A, B and C pooled.
        public var overall: UpliftRow
        /// Leads evaluated in A, B or C whose routing in force gave them no rep (or who had none).
        public var withoutRep: Int
    }

    /// Conversion of the leads of one bucket routed to reps of one tier.
    public struct TierRow: Sendable, Equatable {
        /// The bucket.
        public var bucket: Bucket
        /// The chosen rep's tier at routing time: 0 top third, 1 middle, 2 bottom.
        public var tier: Int
        /// Leads and conversions.
        public var group: Group
    }

    /// One score decile of the evaluated leads.
    public struct Decile: Sendable, Equatable {
        /// 1 (lowest scores) to 10.
        public var decile: Int
        /// Lowest score in it.
        public var minScore: Double
        /// Highest score in it.
        public var maxScore: Double
        /// Mean score.
        public var meanScore: Double
        /// Leads and conversions.
        public var group: Group
    }

    /// One population of a drift comparison: its bucket mix and score distribution.
    public struct DriftPopulation: Sendable, Equatable {
        /// What it is (`first half`, `baseline`, ...).
        public var label: String
        /// Leads in it.
        public var leads: Int
        /// Leads per bucket, in report order (A, B, C, nurture, self_serve, disqualified).
        public var buckets: [Int]
        /// Leads per score bin: [0, 10), [10, 20), ..., [90, 100] (scores outside are clamped).
        public var scoreBins: [Int]
    }

    /// Bucket-mix and score drift between two populations.
    public struct Drift: Sendable, Equatable {
        /// How the two populations were chosen.
        public enum Mode: String, Sendable, Equatable {
            /// First half of the window against the second half.
            case halves
            /// A baseline input against this one.
            case baseline
        }

        /// How the populations were chosen.
        public var mode: Mode
        /// Earliest `lead_rescored` time.
        public var windowStart: Timestamp?
        /// Latest `lead_rescored` time.
        public var windowEnd: Timestamp?
        /// End of the first half (halves mode).
        public var midpoint: Timestamp?
        /// The reference population.
        public var expected: DriftPopulation
        /// The population compared with it.
        public var actual: DriftPopulation
        /// PSI of the bucket mix; nil when a population is empty.
        public var bucketPSI: Double?
        /// PSI of the score distribution.
        public var scorePSI: Double?
    }

    /// Leads per bucket in force at the end of one time slice.
    public struct MixSlice: Sendable, Equatable {
        /// End of the slice.
        public var end: Timestamp
        /// Leads per bucket, in report order.
        public var counts: [Int]
    }

    /// The one-line answers.
    public struct Verdict: Sendable, Equatable {
        /// `A > B > C` in conversion rate: nil when A, B or C has no evaluated lead or nothing
        /// converted.
        public var ordered: Bool?
        /// Model routing beats the holdout (pooled): true when the interval is above zero, false
        /// when below, nil when inconclusive or not measurable.
        public var upliftPositive: Bool?
        /// Whether the pooled uplift could be measured at all (both groups non-empty).
        public var upliftMeasured: Bool
    }

    /// A stated rule of the evaluation.
    public struct Definition: Sendable, Equatable {
        /// Short name (also the JSON key).
        public var key: String
        /// The rule in one or two sentences.
        public var text: String
    }

    /// Input counts.
    public var inputs: Inputs
    /// The evaluated leads.
    public var population: Population
    /// One row per bucket in report order (A, B, C, nurture, self_serve, disqualified).
    public var buckets: [BucketRow]
    /// `A` and `A or B`.
    public var selections: [Selection]
    /// Model vs holdout.
    public var uplift: Uplift
    /// A, B and C by tier 0, 1, 2.
    public var tiers: [TierRow]
    /// Up to ten deciles, lowest scores first (fewer when there are fewer than ten leads).
    public var calibration: [Decile]
    /// Bucket-mix and score drift.
    public var drift: Drift
    /// Bucket mix at the end of each time slice.
    public var mix: [MixSlice]
    /// The short answers.
    public var verdict: Verdict
    /// The live model against the challenger; nil when the input holds no challenger events.
    public var comparison: ModelComparison? = nil

    /// The order of every per-bucket array of the report: A, B, C, nurture, self_serve, disqualified.
    public static let bucketOrder: [Bucket] = Bucket.reportOrder

    /// The rules every number of the report follows, in the order they are printed.
    public static let definitions: [Definition] = [
        Definition(key: "leads", text: "The leads are those with at least one lead_rescored in the input. Each lead's events are sorted by occurred_at, then seq, before evaluation (input order does not matter); a seq seen twice counts once."),
        Definition(key: "converted", text: "A lead converted if it has a lead_outcome with outcome converted. Leads without any outcome count as not converted."),
        Definition(key: "evaluated_bucket", text: "A lead's evaluated moment is its first converted outcome, else its last outcome, else the end of the input; its evaluated bucket and score are those of its latest lead_rescored at or before that moment. A lead with no bucket yet at that moment is left out and counted apart."),
        Definition(key: "base_rate", text: "The base rate is the conversion rate of all evaluated leads; a bucket's lift is its rate divided by the base rate."),
        Definition(key: "precision_recall", text: "Precision of a set of buckets is the conversion rate of the leads evaluated in it; recall is the share of all conversions that fell in it."),
        Definition(key: "uplift", text: "A lead's routing is its latest lead_routed at or before the evaluated moment; leads whose routing gave them a rep are split by its holdout flag. Uplift = model-routed rate - holdout rate, with a 95% Wald interval (unpooled); significant when the interval excludes 0. Overall pools A, B and C."),
        Definition(key: "tiers", text: "A lead's rep tier is the tier (top third by rep score, middle, bottom; 0, 1, 2 in the JSON report) of the chosen candidate in its routing, at routing time."),
        Definition(key: "calibration", text: "The n evaluated leads are sorted by score at their evaluated moment (then lead id) and cut into ten deciles by rank: decile i (0 to 9) holds ranks floor(i x n / 10) to floor((i + 1) x n / 10) - 1 (empty deciles are left out); each shows its score range, mean score and conversion rate."),
        Definition(key: "drift", text: "PSI = sum((a - e) x ln(a / e)) over bucket shares (A, B, C, nurture, self_serve, disqualified) and over ten score bins of width 10 (empty bins at 0.0001); below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 major shift. Without a baseline the window (first to last lead_rescored) is cut at its midpoint: each half's population is the leads with a lead_rescored in that half (first half inclusive of the midpoint), each with its bucket and score in force at the half's end; the first half is expected. With a baseline the expected population is every lead of the baseline with its final bucket and score, the actual one every lead of this input with its final bucket and score."),
        Definition(key: "mix", text: "The window is cut into equal time slices; each slice shows, at its end, how many leads are in each bucket (their latest lead_rescored at or before it)."),
    ]
}
