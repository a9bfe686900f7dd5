import LeadScoreCore

/// The lead mix by bucket, recorded at a fixed interval over a rolling window, and how far the
/// current mix has moved from the one a window ago (the population stability index).
///
/// A pure value: times come in as wall-clock milliseconds, so tests drive it directly and the
/// owner (`DriftMonitor`) decides when to sample. It keeps only what the next answers need: the
/// newest sample at or before `now - window` (the baseline) and every sample after it, so its size
/// is about `window / sampleEvery + 2` samples.
struct BucketMixHistory: Sendable, Equatable {
    /// The mix at one moment: lead counts by `Bucket.rawValue`.
    struct Sample: Sendable, Equatable {
        /// Wall-clock milliseconds since the epoch.
        var at: Int64
        var counts: [Int]
        /// The stream (event) time the daemon had reached then, if any: what a chart's time axis
        /// shows, since every other time a person reads is event time (in `leadscore demo`, world
        /// time runs weeks a minute and the wall clock says nothing about it).
        var streamTime: Int64? = nil
    }

    /// The drift of the newest sample against its baseline.
    struct Status: Sendable, Equatable {
        /// The population stability index; nil while there is no baseline, or when either mix
        /// holds no leads.
        var psi: Double?
        /// `Statistics.stabilityReading` of `psi`, else `warming up` (no sample is a window old
        /// yet), `no leads` (a mix is empty) or `no samples`.
        var reading: String
        /// When the baseline mix was recorded.
        var baselineAt: Int64?
        /// When the compared (newest) mix was recorded.
        var sampledAt: Int64?
    }

    /// Milliseconds between the baseline and the compared mix.
    let window: Int64
    /// Milliseconds between samples.
    let sampleEvery: Int64
    /// Oldest first.
    private(set) var samples: [Sample] = []
    /// The answer for the newest sample.
    private(set) var status = Status(psi: nil, reading: "no samples", baselineAt: nil, sampledAt: nil)

    init(window: Duration, sampleEvery: Duration) {
        self.window = max(1, window.milliseconds)
        self.sampleEvery = max(1, sampleEvery.milliseconds)
    }

    /// True when a sample taken at `now` is due (none yet, or `sampleEvery` since the newest).
    func isDue(at now: Int64) -> Bool {
        guard let last = samples.last else { return true }
        return now - last.at >= sampleEvery
    }

    /// Records the mix at `now` (a clock that went backwards replaces nothing: the sample is
    /// dropped), forgets samples older than the baseline, and returns the new status.
    @discardableResult
    mutating func record(_ counts: [Int], at now: Int64, streamTime: Int64? = nil) -> Status {
        if let last = samples.last, now <= last.at { return status }
        samples.append(Sample(at: now, counts: counts, streamTime: streamTime))
        if let keep = baselineIndex(at: now), keep > 0 { samples.removeFirst(keep) }
        status = drift(of: counts, at: now)
        return status
    }

    /// The drift of `counts` at `now` against the newest sample at or before `now - window`.
    func drift(of counts: [Int], at now: Int64) -> Status {
        guard let b = baselineIndex(at: now) else {
            return Status(psi: nil, reading: samples.isEmpty ? "no samples" : "warming up", baselineAt: nil, sampledAt: now)
        }
        let baseline = samples[b]
        guard let psi = Statistics.populationStability(expected: baseline.counts.map(Double.init), actual: counts.map(Double.init)) else {
            return Status(psi: nil, reading: "no leads", baselineAt: baseline.at, sampledAt: now)
        }
        return Status(psi: psi, reading: Statistics.stabilityReading(psi), baselineAt: baseline.at, sampledAt: now)
    }

    /// When the first baseline becomes available (the oldest sample plus one window), nil with no
    /// samples.
    var fullAt: Int64? { samples.first.map { $0.at + window } }

    /// At most `limit` samples evenly spread over the history, the newest always included: what a
    /// chart needs, without sending a day of minutes on every refresh.
    func chartSamples(limit: Int) -> [Sample] {
        guard limit > 0 else { return [] }
        guard samples.count > limit else { return samples }
        guard limit > 1 else { return [samples[samples.count - 1]] }
        let last = samples.count - 1
        return (0..<limit).map { i in samples[i * last / (limit - 1)] }
    }

    /// The index of the newest sample at or before `now - window`.
    private func baselineIndex(at now: Int64) -> Int? {
        let cutoff = now - window
        // Samples are in time order: binary search for the last one at or before the cutoff.
        var lo = 0, hi = samples.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if samples[mid].at <= cutoff { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? lo - 1 : nil
    }
}
