import LeadScoreCore
import ScoringWorkloads

// One point of the scale curve (Benchmarks/scale-curve.sh): a book of LEADS leads (a profile and
// an engagement each, over a 20-rep roster), its resident memory per lead, and the time to write
// its snapshot and to load it back. One size per process: a freed book's memory is not given back
// to the system, so a second size in the same process would read the first one's pages.
// Usage: scale-book LEADS

let leads = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000
let rssBefore = ScoringWorkloads.residentBytes()
var t = ScoringWorkloads.now()
let engine = ScoringWorkloads.bookWithLeads(leads)
let built = ScoringWorkloads.now() - t
let bookBytes = ScoringWorkloads.residentBytes() - rssBefore

var snapshot: [UInt8] = []
t = ScoringWorkloads.now()
engine.leads.serialize(into: &snapshot)
let write = ScoringWorkloads.now() - t

t = ScoringWorkloads.now()
let loaded = (try? LeadBook(deserializing: snapshot, config: ScoringConfig()))?.leadCount ?? -1
let load = ScoringWorkloads.now() - t

// FNV-1a 64 of the snapshot's bytes: equal digests across builds mean the format did not move.
var digest: UInt64 = 0xcbf2_9ce4_8422_2325
for byte in snapshot { digest = (digest ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }

func seconds(_ x: Double) -> String { String(Double(Int((x * 1000).rounded())) / 1000) }
print("leads=\(leads) build_s=\(seconds(built)) rss_bytes_per_lead=\(bookBytes / max(1, leads)) "
    + "snapshot_bytes=\(snapshot.count) snapshot_write_s=\(seconds(write)) snapshot_load_s=\(seconds(load)) loaded_leads=\(loaded) snapshot_fnv=\(String(digest, radix: 16))")
