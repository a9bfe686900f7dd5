import LeadScoreCore

extension ModelFit.Report {
    /// What every figure means, in the text and the JSON.
    public static let definitions: [(key: String, text: String)] = [
        ("moment", "every lead the model scores (not disqualified, not below the deal-value floor) that has no outcome yet, at each --every of event time; labelled converted when its first conversion falls within --horizon after the moment; moments whose horizon runs past the stream are not used"),
        ("split", "moments before validate_from train the fit; moments from it on validate both configurations, which are compared on the same moments"),
        ("auc", "chance that a validation moment that converted scores above one that did not (ties count half)"),
        ("log_loss", "mean negative log-likelihood of the validation labels under each configuration's score, mapped to a probability by a logistic curve fitted on the training moments"),
        ("lift", "a bucket's conversion rate over the validation base rate"),
        ("points_per_name", "an industry or technographic with at least --min-name-samples training moments gets its own points, of either sign (industry_points, technology_points), an industry's measured from the most common one's, which stays at 0; the target list's and the any-of rule's points are then 0, so a name without its own points gets none"),
        ("kept_share", "the share of labelled moments used: past --max-samples, moments are thinned to a half, a quarter and so on, by a hash of lead and moment"),
        ("thresholds", "set so the fitted configuration puts the same shares of training moments in A, B and C as the starting one (or --bucket-shares); with --bucket-precision, each is the lowest score whose training moments at or above it converted at the rate asked for"),
    ]

    /// The report as text.
    public func text() -> String {
        func pct(_ v: Double?) -> String { v.map { NumberText.fixed($0 * 100, 1) + "%" } ?? "-" }
        func num(_ v: Double?, _ d: Int = 3) -> String { v.map { NumberText.fixed($0, d) } ?? "-" }
        var t = "leadscore fit\n\n"
        t += "training:   \(trainingSamples) moments before \(validateFrom), \(trainingConversions) converted\n"
        t += "validation: \(validationSamples) moments from \(validateFrom) on, \(validationConversions) converted\n"
        if keptShare < 1 {
            t += "sampled:    1 in \(Int((1 / keptShare).rounded())) of the moments (--max-samples), chosen by a hash of lead and moment\n"
        }
        t += "\n"
        t += "                    start \(startVersion)   fitted \(fittedVersion)\n"
        t += "validation AUC      \(pad(num(start.auc), 23))  \(num(fitted.auc))\n"
        t += "log loss            \(pad(num(start.logLoss), 23))  \(num(fitted.logLoss))\n"
        t += verdict + "\n\n"
        t += "conversion by bucket (validation moments): start | fitted\n"
        for (s, f) in zip(start.buckets, fitted.buckets) {
            t += "  \(pad(s.bucket.name, 8)) \(pad("\(s.samples)", 7)) \(pad(pct(s.rate), 7)) lift \(pad(num(s.lift, 2), 6)) | "
            t += "\(pad("\(f.samples)", 7)) \(pad(pct(f.rate), 7)) lift \(num(f.lift, 2))\n"
        }
        t += "\ncalibration (tenths of the validation moments by score): predicted / observed, start | fitted\n"
        for (s, f) in zip(start.calibration, fitted.calibration) {
            t += "  \(pad(pct(s.predicted), 7)) / \(pad(pct(s.observed), 7)) | \(pad(pct(f.predicted), 7)) / \(pct(f.observed))\n"
        }
        t += "\nweights and points (old -> new):\n"
        for c in changes {
            t += "  \(pad(c.path, 52)) \(pad(num(c.old, 2), 8)) -> \(num(c.new, 2))\(c.supported ? "" : "   (the data never varies it: kept)")\n"
        }
        t += "  \(pad("scoring.buckets A / B / C", 52)) \(thresholds.old.map { num($0, 2) }.joined(separator: " / ")) -> "
        t += thresholds.new.map { num($0, 2) }.joined(separator: " / ") + "\n"
        if !space.halfLifeScales.isEmpty {
            t += "\nhalf-lives (x\(space.halfLifeScales.map { format($0) }.joined(separator: ", x")) tried; another is chosen when it gains at least the evidence asked for, in training log-likelihood):\n"
            for (c, gain) in halfLifeEvidence.enumerated() {
                guard let gain else { continue }
                let name = c < Signal.allCases.count ? Signal.allCases[c].rawValue : "third_party"
                let chosen = halfLives[c].map { "x\(format(space.halfLifeScales[$0]))" } ?? "kept"
                t += "  \(pad(name, 20)) best other gains \(pad(num(gain, 1), 8)) nats: \(chosen)\n"
            }
        }
        t += "\nbucket moves (validation moments; rows: start, columns: fitted)\n"
        let order = ModelFit.ranked
        t += "  \(pad("", 8))" + order.map { pad($0.name, 8) }.joined() + "\n"
        for from in order {
            t += "  \(pad(from.name, 8))" + order.map { pad("\(moves[from]?[$0] ?? 0)", 8) }.joined() + "\n"
        }
        t += "\nconversion probability by fitted score (within the horizon):\n"
        for p in probabilities { t += "  \(pad("\(Int(p.scoreFrom))-\(Int(p.scoreTo))", 8)) \(pct(p.probability))\n" }
        t += "\ndefinitions:\n"
        for d in Self.definitions { t += "  \(d.key): \(d.text)\n" }
        return t
    }

    /// One sentence on whether to use the fitted configuration, from the validation AUCs.
    public var verdict: String {
        guard let f = fitted.auc, let s = start.auc else { return "verdict: the validation moments hold one class only; nothing can be concluded" }
        if f > s + 0.005 {
            return "verdict: the fitted configuration ranks the validation moments better (AUC \(NumberText.fixed(f, 3)) against \(NumberText.fixed(s, 3))): try it as a challenger before it decides anything"
        }
        return "verdict: the fitted configuration does not rank the validation moments better (AUC \(NumberText.fixed(f, 3)) against \(NumberText.fixed(s, 3))): keep the starting one"
    }

    /// The report as one JSON object.
    public func appendJSON(to out: inout [UInt8]) {
        var w = JSONWriter()
        func opt(_ v: Double?, _ d: Int = 6) { if let v { w.number(v, decimals: d) } else { w.null() } }
        func side(_ s: ModelFit.Side, _ version: String) {
            w.beginObject()
            w.key("config_version"); w.string(version)
            w.key("auc"); opt(s.auc)
            w.key("log_loss"); opt(s.logLoss)
            w.key("buckets"); w.beginArray()
            for b in s.buckets {
                w.beginObject()
                w.key("bucket"); w.string(b.bucket.name)
                w.key("moments"); w.integer(b.samples)
                w.key("conversions"); w.integer(b.conversions)
                w.key("rate"); opt(b.rate)
                w.key("lift"); opt(b.lift)
                w.endObject()
            }
            w.endArray()
            w.key("calibration"); w.beginArray()
            for c in s.calibration {
                w.beginObject()
                w.key("moments"); w.integer(c.samples)
                w.key("predicted"); w.number(c.predicted, decimals: 6)
                w.key("observed"); w.number(c.observed, decimals: 6)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.beginObject()
        w.key("report"); w.string("leadscore_fit")
        w.key("version"); w.integer(1)
        w.key("definitions"); w.beginObject()
        for d in Self.definitions { w.key(string: d.key); w.string(d.text) }
        w.endObject()
        w.key("verdict"); w.string(verdict)
        w.key("validate_from"); w.timestamp(validateFrom)
        w.key("training"); w.beginObject()
        w.key("moments"); w.integer(trainingSamples); w.key("conversions"); w.integer(trainingConversions)
        w.endObject()
        w.key("validation"); w.beginObject()
        w.key("moments"); w.integer(validationSamples); w.key("conversions"); w.integer(validationConversions)
        w.endObject()
        w.key("kept_share"); w.number(keptShare, decimals: 6)
        w.key("half_lives"); w.beginArray()
        for (c, gain) in halfLifeEvidence.enumerated() {
            guard let gain else { continue }
            w.beginObject()
            w.key("signal"); w.string(c < Signal.allCases.count ? Signal.allCases[c].rawValue : "third_party")
            w.key("best_other_gain"); w.number(gain, decimals: 3)
            w.key("chosen_scale"); w.number(halfLives[c].map { space.halfLifeScales[$0] } ?? 1, decimals: 6)
            w.endObject()
        }
        w.endArray()
        w.key("start"); side(start, startVersion)
        w.key("fitted"); side(fitted, fittedVersion)
        w.key("changes"); w.beginArray()
        for c in changes {
            w.beginObject()
            w.key("path"); w.string(c.path)
            w.key("old"); w.number(c.old, decimals: 6)
            w.key("new"); w.number(c.new, decimals: 6)
            w.key("supported"); w.bool(c.supported)
            w.endObject()
        }
        w.endArray()
        w.key("thresholds"); w.beginObject()
        for (k, name) in ["A", "B", "C"].enumerated() {
            w.key(string: name); w.beginObject()
            w.key("old"); w.number(thresholds.old[k], decimals: 6); w.key("new"); w.number(thresholds.new[k], decimals: 6)
            w.endObject()
        }
        w.endObject()
        w.key("moves"); w.beginArray()
        for from in ModelFit.ranked {
            for to in ModelFit.ranked {
                w.beginObject()
                w.key("from"); w.string(from.name); w.key("to"); w.string(to.name); w.key("moments"); w.integer(moves[from]?[to] ?? 0)
                w.endObject()
            }
        }
        w.endArray()
        w.key("probability_by_score"); w.beginArray()
        for p in probabilities {
            w.beginObject()
            w.key("score_from"); w.number(p.scoreFrom, decimals: 0); w.key("score_to"); w.number(p.scoreTo, decimals: 0)
            w.key("probability"); w.number(p.probability, decimals: 6)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.append(to: &out)
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
