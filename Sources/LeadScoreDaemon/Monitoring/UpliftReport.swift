import LeadScoreCore

/// `/summary`'s `uplift`: holdout versus model-routed conversion per rep bucket and pooled, with
/// the uplift (model rate minus holdout rate) and its 95% interval (`Statistics.proportionDifference`).
struct UpliftReport: Encodable, Sendable, Equatable {
    /// What the figures mean, shown on the dashboard as is.
    static let definition = "Each routed lead counts once, in the group (model or holdout) and bucket of its latest "
        + "routing before its first converted outcome; it is converted once any converted outcome for it was read. "
        + "Uplift = model conversion rate - holdout conversion rate, with a 95% interval (Wald, unpooled)."

    /// One group's figures.
    struct Group: Encodable, Sendable, Equatable {
        var routed: Int
        var converted: Int
        /// `converted / routed`; null with no routed lead.
        var rate: Double?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(routed, forKey: .routed)
            try c.encode(converted, forKey: .converted)
            try c.encode(rate, forKey: .rate)
        }

        private enum CodingKeys: String, CodingKey { case routed, converted, rate }
    }

    /// The uplift and its interval.
    struct Uplift: Encodable, Sendable, Equatable {
        var difference: Double
        var lower: Double
        var upper: Double
        /// The interval excludes zero.
        var significant: Bool
    }

    /// One row: a bucket (`A`, `B`, `C`) or `all` (the pooled figures).
    struct Row: Encodable, Sendable, Equatable {
        var bucket: String
        var model: Group
        var holdout: Group
        /// Null while either group has no routed lead.
        var uplift: Uplift?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(bucket, forKey: .bucket)
            try c.encode(model, forKey: .model)
            try c.encode(holdout, forKey: .holdout)
            try c.encode(uplift, forKey: .uplift)
        }

        private enum CodingKeys: String, CodingKey { case bucket, model, holdout, uplift }
    }

    var definition = Self.definition
    /// A, B, C, then `all`.
    var rows: [Row]
    var trackedLeads: Int
    var forgottenLeads: Int
    var maxLeads: Int

    init(_ counts: UpliftTally.Counts, maxLeads: Int) {
        var rows: [Row] = []
        var pooled = (model: (0, 0), holdout: (0, 0))
        for bucket in [Bucket.a, .b, .c] {
            let m = counts.figures(bucket: bucket, holdout: false)
            let h = counts.figures(bucket: bucket, holdout: true)
            pooled.model.0 += m.routed; pooled.model.1 += m.converted
            pooled.holdout.0 += h.routed; pooled.holdout.1 += h.converted
            rows.append(Self.row(bucket.name, model: m, holdout: h))
        }
        rows.append(Self.row("all", model: pooled.model, holdout: pooled.holdout))
        self.rows = rows
        self.trackedLeads = counts.trackedLeads
        self.forgottenLeads = counts.forgottenLeads
        self.maxLeads = maxLeads
    }

    private static func row(_ name: String, model m: (routed: Int, converted: Int), holdout h: (routed: Int, converted: Int)) -> Row {
        let d = Statistics.proportionDifference(successesA: m.converted, trialsA: m.routed, successesB: h.converted, trialsB: h.routed)
        return Row(bucket: name,
                   model: Group(routed: m.routed, converted: m.converted, rate: Statistics.rate(m.converted, m.routed)),
                   holdout: Group(routed: h.routed, converted: h.converted, rate: Statistics.rate(h.converted, h.routed)),
                   uplift: d.map { Uplift(difference: $0.difference, lower: $0.lower, upper: $0.upper, significant: $0.isSignificant) })
    }
}
