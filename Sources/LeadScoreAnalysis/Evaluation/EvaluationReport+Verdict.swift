import LeadScoreCore

extension EvaluationReport {
    /// The short answers as sentences, the same in the text, JSON and HTML renderings:
    /// `A > B > C: yes (...)`, whether model routing beats the holdout, and the drift reading.
    public var verdictLines: [String] {
        var lines: [String] = []
        let rates = buckets.prefix(3).map { "\($0.bucket.name) \(NumberText.percent($0.rate))" }.joined(separator: ", ")
        switch verdict.ordered {
        case true?: lines.append("A > B > C: yes (\(rates))")
        case false?: lines.append("A > B > C: no (\(rates))")
        case nil:
            let why = population.conversions == 0 ? "no conversions among the evaluated leads"
                : "no evaluated leads in " + buckets.prefix(3).filter { $0.leads == 0 }.map(\.bucket.name).joined(separator: ", ")
            lines.append("A > B > C: n/a (\(why))")
        }
        if let d = uplift.overall.difference {
            let detail = "\(NumberText.points(d.difference)) pts, 95% CI \(NumberText.points(d.lower)) to \(NumberText.points(d.upper))"
            switch verdict.upliftPositive {
            case true?: lines.append("model routing beats the holdout: yes (\(detail))")
            case false?: lines.append("model routing beats the holdout: no, it does worse (\(detail))")
            case nil: lines.append("model routing beats the holdout: inconclusive (\(detail); the interval includes 0)")
            }
        } else {
            let missing = uplift.overall.holdout.leads == 0 ? "no holdout leads routed to reps" : "no model-routed leads"
            lines.append("model routing beats the holdout: not measurable (\(missing))")
        }
        if let psi = drift.bucketPSI {
            let against = drift.mode == .baseline ? "against the baseline" : "second half against first half"
            var line = "bucket mix drift (\(against)): PSI \(NumberText.fixed(psi, 3)), \(Statistics.stabilityReading(psi))"
            if let s = drift.scorePSI { line += "; score PSI \(NumberText.fixed(s, 3)), \(Statistics.stabilityReading(s))" }
            lines.append(line)
        } else {
            lines.append("bucket mix drift: not measurable (a population is empty)")
        }
        return lines
    }
}
