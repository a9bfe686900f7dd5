import LeadScoreCore

extension OutcomeEvaluation {
    /// The champion against the challenger on the leads both have a bucket for, each lead at the
    /// moment the report evaluates it (first conversion, else last outcome, else the end) and in
    /// each model's bucket in force then, from that model's own history. Erasures already applied.
    func comparison() -> ModelComparison {
        let size = Bucket.reportOrder.count
        var agreement = [[Int]](repeating: [Int](repeating: 0, count: size), count: size)
        var champion: [Evaluated] = []
        var challenger: [Evaluated] = []
        var championOnly = 0
        var challengerOnly = 0
        for i in tracks.indices {
            let track = tracks[i]
            guard !track.scores.isEmpty || !track.challengerScores.isEmpty else { continue }
            let moment = track.firstConverted ?? track.lastOutcome ?? .max
            let mine = Self.inForce(Self.sorted(track.scores), at: moment)
            let theirs = Self.inForce(Self.sorted(track.challengerScores), at: moment)
            guard let mine, let theirs else {
                if mine != nil { championOnly += 1 }
                if theirs != nil { challengerOnly += 1 }
                continue
            }
            let converted = track.firstConverted != nil
            champion.append(Evaluated(leadID: ids[i], bucket: mine.bucket, score: mine.score, converted: converted, route: nil))
            challenger.append(Evaluated(leadID: ids[i], bucket: theirs.bucket, score: theirs.score, converted: converted, route: nil))
            agreement[Int(mine.bucket.order)][Int(theirs.bucket.order)] += 1
        }
        let conversions = champion.reduce(0) { $0 + ($1.converted ? 1 : 0) }
        let baseRate = Statistics.rate(conversions, champion.count)
        func side(_ leads: [Evaluated]) -> ModelComparison.Side {
            ModelComparison.Side(buckets: Self.bucketRows(leads, baseRate: baseRate),
                                 auc: ModelFit.auc(leads.map(\.score), leads.map(\.converted)))
        }
        let a = side(champion)
        let b = side(challenger)
        let difference = Statistics.proportionDifference(
            successesA: b.topBucket.conversions, trialsA: b.topBucket.leads,
            successesB: a.topBucket.conversions, trialsB: a.topBucket.leads)
        return ModelComparison(challengerRescored: challengerRescored, leads: champion.count, conversions: conversions,
                               baseRate: baseRate, championOnly: championOnly, challengerOnly: challengerOnly,
                               champion: a, challenger: b, agreement: agreement, topBucketDifference: difference)
    }
}
