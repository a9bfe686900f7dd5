import LeadScoreCore

/// The live model (the champion) against the challenger scored beside it, on the same leads and
/// the same outcomes: what `leadscore evaluate` adds to its report when the input holds the
/// challenger's `lead_rescored` events (those with a `model` field). Each lead is evaluated under
/// each model with that model's own bucket history, at the same moment (`definition`).
public struct ModelComparison: Sendable, Equatable {
    /// One model's figures over the compared leads.
    public struct Side: Sendable, Equatable {
        /// One row per bucket in report order, lift over the compared leads' base rate.
        public var buckets: [EvaluationReport.BucketRow]
        /// Chance that a converted lead scores above one that did not (ties count half), with each
        /// lead's score at its evaluated moment; nil without both converted and other leads.
        public var auc: Double?

        /// The leads of the top bucket (A) and their conversions.
        public var topBucket: EvaluationReport.Group {
            EvaluationReport.Group(leads: buckets[0].leads, conversions: buckets[0].conversions)
        }
    }

    /// The challenger's `lead_rescored` events read.
    public var challengerRescored: Int
    /// Leads with a bucket at their evaluated moment under both models: the compared leads.
    public var leads: Int
    /// Of those, leads that converted (the same under both models).
    public var conversions: Int
    /// `conversions / leads`.
    public var baseRate: Double?
    /// Leads with a bucket at their evaluated moment under the champion only (not compared).
    public var championOnly: Int
    /// Leads with a bucket at their evaluated moment under the challenger only (not compared).
    public var challengerOnly: Int
    /// The live model.
    public var champion: Side
    /// The challenger.
    public var challenger: Side
    /// Compared leads by champion bucket (rows) and challenger bucket (columns), both in report
    /// order; the counts add up to `leads`.
    public var agreement: [[Int]]
    /// Challenger's top-bucket rate minus the champion's, with its 95% interval; nil when either
    /// top bucket is empty.
    public var topBucketDifference: Statistics.ProportionDifference?

    /// Compared leads both models put in the same bucket.
    public var agreeing: Int {
        agreement.indices.reduce(0) { $0 + agreement[$1][$1] }
    }

    /// The rule the comparison follows, printed with it.
    public static let definition = "The compared leads are those with a bucket at their evaluated moment (as in evaluated_bucket: first converted outcome, else last outcome, else end of input) under both models, each model's bucket and score being those of its own latest lead_rescored at or before that moment; a challenger's lead_rescored is one with a model field. Lift is over the compared leads' base rate. AUC is the chance that a converted lead's score exceeds a non-converted lead's (ties count half), each score being that of the lead_rescored in force, i.e. at the model's last bucket change, so two models with the same score but other thresholds can differ in it. The top-bucket difference is the challenger's bucket A rate minus the champion's with a 95% Wald interval (unpooled, treating the two groups as independent although they share leads); significant when the interval excludes 0."

    /// The comparison in one sentence: what can and cannot be concluded from it.
    public var verdict: String {
        guard leads > 0 else {
            return "champion vs challenger: no lead has a bucket under both models, so nothing can be compared"
        }
        let agree = "the models put \(NumberText.percent(Statistics.rate(agreeing, leads))) of the \(leads) compared leads in the same bucket"
        if agreeing == leads {
            return "champion vs challenger: \(agree), so on these leads they cannot be told apart"
        }
        let auc = "AUC \(Self.auc(champion.auc)) (champion) vs \(Self.auc(challenger.auc)) (challenger)"
        guard conversions > 0 else {
            return "champion vs challenger: \(agree), but none of them converted, so nothing can be concluded about which converts better"
        }
        guard let d = topBucketDifference else {
            let empty = champion.topBucket.leads == 0 ? "the champion's" : "the challenger's"
            return "champion vs challenger: \(agree); \(empty) top bucket A is empty, so top-bucket conversion cannot be compared (\(auc))"
        }
        // With the sizes: a larger A converting less is a different trade, not by itself a worse model.
        let rates = "A converts \(NumberText.percent(champion.topBucket.rate)) of \(champion.topBucket.leads) leads under the champion, "
            + "\(NumberText.percent(challenger.topBucket.rate)) of \(challenger.topBucket.leads) under the challenger"
        let detail = "\(NumberText.points(d.difference)) pts, 95% CI \(NumberText.points(d.lower)) to \(NumberText.points(d.upper))"
        if d.isSignificant {
            let better = d.difference > 0 ? "the challenger's top bucket converts better" : "the challenger's top bucket converts worse"
            return "champion vs challenger: \(better) (\(rates); \(detail), significant at 95%); \(agree); \(auc)"
        }
        return "champion vs challenger: \(rates) (\(detail)): the difference is not yet significant, so neither model can be called better on top-bucket conversion; \(agree); \(auc)"
    }

    /// An AUC to three decimals, `n/a` when it cannot be computed.
    public static func auc(_ value: Double?) -> String {
        value.map { NumberText.fixed($0, 3) } ?? "n/a"
    }
}
