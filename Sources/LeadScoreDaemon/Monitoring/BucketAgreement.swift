import LeadScoreCore

/// How the live model's buckets and the challenger's agree: leads counted by (live bucket,
/// challenger bucket). Its diagonal is where the two models agree; its columns add up to the
/// challenger's bucket mix.
struct BucketAgreement: Sendable, Equatable {
    static let size = Bucket.allCases.count
    /// Row-major: `counts[live * size + challenger]`, by `Bucket.rawValue`.
    private(set) var counts: [Int]

    /// No leads.
    init() {
        counts = Array(repeating: 0, count: Self.size * Self.size)
    }

    /// Every lead of `live` with a bucket in both books.
    init(live: LeadBook, challenger: LeadBook) {
        self.init()
        live.forEachBucketPair(with: challenger) { a, b in
            guard let a, let b else { return }
            counts[Int(a.rawValue) * Self.size + Int(b.rawValue)] += 1
        }
    }

    /// Leads in bucket `live` under the live model and `challenger` under the challenger.
    subscript(live live: Bucket, challenger challenger: Bucket) -> Int {
        counts[Int(live.rawValue) * Self.size + Int(challenger.rawValue)]
    }

    /// Adds another partition's counts.
    mutating func add(_ other: BucketAgreement) {
        for k in counts.indices { counts[k] += other.counts[k] }
    }

    /// The sum over partitions' summaries; nil when none has a challenger.
    static func total(_ summaries: some Sequence<PartitionSummary>) -> BucketAgreement? {
        var total: BucketAgreement?
        for summary in summaries {
            guard let part = summary.agreement else { continue }
            if total == nil { total = BucketAgreement() }
            total?.add(part)
        }
        return total
    }

    /// Leads counted.
    var total: Int { counts.reduce(0, +) }

    /// Leads both models put in the same bucket.
    var agreeing: Int { (0..<Self.size).reduce(0) { $0 + counts[$1 * Self.size + $1] } }

    /// The challenger's leads by bucket (`Bucket.rawValue` index).
    var challengerBuckets: [Int] {
        (0..<Self.size).map { c in (0..<Self.size).reduce(0) { $0 + counts[$1 * Self.size + c] } }
    }
}
