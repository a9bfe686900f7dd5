import LeadScoreCore

/// Metric increments gathered over a batch and reported once.
struct BatchCounts {
    /// By `InputEvent.typeIndex` (an array, not a dictionary: every record counts here, and a
    /// String key was a hash per record).
    var eventsIn = [Int](repeating: 0, count: InputEvent.typeNames.count)
    /// By `OutputEvent.Kind.position`.
    var outputs = [Int](repeating: 0, count: OutputEvent.Kind.allCases.count)
    var letters: [String: Int] = [:]
    /// Engagements a daily cap cut, by signal.
    var capped: [String: Int] = [:]
    var suppressed = 0
    /// The challenger's bucket changes written.
    var challengerOutputs = 0

    func report(to metrics: DaemonMetrics) {
        for (type, n) in eventsIn.enumerated() where n > 0 { metrics.eventsIn[InputEvent.typeNames[type]].increment(by: n) }
        for (kind, n) in outputs.enumerated() where n > 0 { metrics.outputs[OutputEvent.Kind.allCases[kind].rawValue].increment(by: n) }
        for (reason, n) in letters {
            metrics.deadLetters[reason].increment(by: n)
            metrics.outputs["dead_letter"].increment(by: n)
        }
        for (signal, n) in capped { metrics.cappedEvents[signal].increment(by: n) }
        if suppressed > 0 { metrics.suppressedDuplicates.increment(by: suppressed) }
        if challengerOutputs > 0 { metrics.challengerTransitions.increment(by: challengerOutputs) }
    }
}
