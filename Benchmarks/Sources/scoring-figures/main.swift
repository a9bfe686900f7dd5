import LeadScoreCore
import ScoringWorkloads

// The scoring-core figures without the benchmark harness: best of three runs each, one core.
// Usage: scoring-figures [events] [leads]

let arguments = CommandLine.arguments
let events = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let leads = arguments.count > 2 ? Int(arguments[2]) ?? 50_000 : 50_000

func best(_ runs: Int = 3, _ body: () -> Int) -> (seconds: Double, result: Int) {
    var bestTime = Double.infinity
    var result = 0
    for _ in 0..<runs {
        let t0 = ScoringWorkloads.now()
        result = body()
        bestTime = min(bestTime, ScoringWorkloads.now() - t0)
    }
    return (bestTime, result)
}

func rate(_ n: Int, _ seconds: Double) -> String {
    let perSecond = Double(n) / seconds
    return perSecond >= 1e6 ? "\(Double(Int(perSecond / 1e4)) / 100)M events/s" : "\(Int(perSecond / 1e3))k events/s"
}

func twoDigits(_ x: Double) -> String { String(Double(Int((x * 100).rounded())) / 100) }

print("inputs: \(events) synthetic events over \(leads) leads")
let lines = ScoringWorkloads.lines(events: events, leads: leads)
print("  \(lines.bytes.count / max(1, lines.count)) bytes per line on average")

let decode = best { ScoringWorkloads.decodeAll(lines) }
print("decode only:            \(rate(events, decode.seconds))  (\(decode.result) decoded)")

let decoded = ScoringWorkloads.decoded(lines)
let score = best { ScoringWorkloads.score(decoded) }
print("score decoded events:   \(rate(decoded.count, score.seconds))  (\(score.result) outputs)")

// The same events with a challenger beside the engine (a scores-only LeadBook under other weights
// and half-lives), alternated with the engine alone so each pair sees the same machine.
var alone: [Double] = []
var withChallenger: [Double] = []
var challengerOutputs = 0
for _ in 0..<3 {
    var t = ScoringWorkloads.now()
    _ = ScoringWorkloads.score(decoded)
    alone.append(ScoringWorkloads.now() - t)
    t = ScoringWorkloads.now()
    challengerOutputs = ScoringWorkloads.scoreWithChallenger(decoded)
    withChallenger.append(ScoringWorkloads.now() - t)
}
let pairRatios = zip(withChallenger, alone).map { $0 / $1 }.sorted()
print("score decoded events with a challenger: \(rate(decoded.count, withChallenger.min()!))  (\(challengerOutputs) outputs; "
    + "time with / without, 3 alternated pairs: median \(twoDigits(pairRatios[1])), \(twoDigits(pairRatios[0]))-\(twoDigits(pairRatios[2])))")

let both = best { ScoringWorkloads.decodeAndScore(lines) }
print("decode + score:         \(rate(events, both.seconds))")

let replay = best { ScoringWorkloads.replay(lines.bytes) }
print("replay end to end:      \(rate(events, replay.seconds)), \(replay.seconds) s, \(replay.result) output bytes")

let bookLeads = 1_000_000
let rssBefore = ScoringWorkloads.residentBytes()
let t0 = ScoringWorkloads.now()
let engine = ScoringWorkloads.bookWithLeads(bookLeads)
let built = ScoringWorkloads.now() - t0
let rssPerLead = (ScoringWorkloads.residentBytes() - rssBefore) / bookLeads
print("1M-lead book:           built in \(Double(Int(built * 100)) / 100) s; \(rssPerLead) RSS bytes/lead")

// A challenger's book beside it (what the daemon holds per partition with a challenger): its RSS
// growth per lead, built from the same lead events while the live book is still resident.
do {
    let rssBefore = ScoringWorkloads.residentBytes()
    let challenger = ScoringWorkloads.challengerBookWithLeads(bookLeads)
    let challengerPerLead = (ScoringWorkloads.residentBytes() - rssBefore) / bookLeads
    print("1M-lead book with a challenger: \(rssPerLead + challengerPerLead) RSS bytes/lead (challenger's book \(challengerPerLead), "
        + "\(challenger.leadCount) leads); with / without \(twoDigits(Double(rssPerLead + challengerPerLead) / Double(max(1, rssPerLead))))")
}

var snapshot: [UInt8] = []
let write = best {
    snapshot = []
    engine.leads.serialize(into: &snapshot)
    return snapshot.count
}
print("snapshot serialize:     \(write.seconds) s, \(write.result) bytes")
let read = best { (try? LeadBook(deserializing: snapshot, config: ScoringConfig()))?.leadCount ?? -1 }
print("snapshot deserialize:   \(read.seconds) s, \(read.result) leads")
