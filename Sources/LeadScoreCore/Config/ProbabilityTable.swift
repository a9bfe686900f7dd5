/// A score's conversion probability by band (`scoring.probability`), as `leadscore fit` measured
/// it on its training moments: `lead_rescored` carries the probability of its score when the
/// configuration has a table. Empty (the default): no probability is shown, and no version
/// changes.
public struct ProbabilityTable: Sendable, Equatable {
    /// From `minScore` up to the next band's: `probability`.
    public struct Band: Sendable, Equatable {
        public var minScore: Double
        public var probability: Double

        public init(minScore: Double, probability: Double) {
            self.minScore = minScore
            self.probability = probability
        }
    }

    /// In strictly increasing order of `minScore`.
    public var bands: [Band]

    public init(bands: [Band] = []) {
        self.bands = bands
    }

    /// The probability of the band holding `score` (the first band's below it); nil without bands.
    public func probability(for score: Double) -> Double? {
        guard let first = bands.first else { return nil }
        var chosen = first
        for band in bands.dropFirst() where score >= band.minScore { chosen = band }
        return chosen.probability
    }
}
