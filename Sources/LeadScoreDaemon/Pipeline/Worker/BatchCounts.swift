import LeadScoreCore

/// Metric increments gathered over a batch and reported once.
struct BatchCounts {
    var eventsIn: [String: Int] = [:]
    var outputs: [OutputEvent.Kind: Int] = [:]
    var letters: [String: Int] = [:]
    /// Engagements a daily cap cut, by signal.
    var capped: [String: Int] = [:]
    var suppressed = 0
    /// The challenger's bucket changes written.
    var challengerOutputs = 0

    func report(to metrics: DaemonMetrics) {
        for (type, n) in eventsIn { metrics.eventsIn[type].increment(by: n) }
        for (kind, n) in outputs { metrics.outputs[kind.rawValue].increment(by: n) }
        for (reason, n) in letters {
            metrics.deadLetters[reason].increment(by: n)
            metrics.outputs["dead_letter"].increment(by: n)
        }
        for (signal, n) in capped { metrics.cappedEvents[signal].increment(by: n) }
        if suppressed > 0 { metrics.suppressedDuplicates.increment(by: suppressed) }
        if challengerOutputs > 0 { metrics.challengerTransitions.increment(by: challengerOutputs) }
    }
}
