import LeadScoreCore

extension Bucket {
    /// Report order: A, B, C, nurture, self_serve, disqualified.
    var order: Int {
        switch self {
        case .a: 0
        case .b: 1
        case .c: 2
        case .nurture: 3
        case .selfServe: 4
        case .disqualified: 5
        }
    }

    /// Buckets in report order.
    static let reportOrder: [Bucket] = [.a, .b, .c, .nurture, .selfServe, .disqualified]
}
