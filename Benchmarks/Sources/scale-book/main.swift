import LeadScoreCore
import ScoringWorkloads

// One point of the scale curve (Benchmarks/scale-curve.sh): a book of LEADS leads (a profile and
// an engagement each, over a 20-rep roster), its resident memory per lead, and the time to write
// its snapshot and to load it back. One size per process: a freed book's memory is not given back
// to the system, so a second size in the same process would read the first one's pages.
// Usage: scale-book LEADS [FILE]     builds, writes and loads; with FILE, also saves the snapshot there
//        scale-book --load FILE       loads a saved snapshot in a process of its own (as a hand-over
//                                     or a restart does: the book's memory is all fresh pages)

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func seconds(_ x: Double) -> String { String(Double(Int((x * 1000).rounded())) / 1000) }

// FNV-1a 64 of the snapshot's bytes: equal digests across builds mean the format did not move.
func digest(_ bytes: [UInt8]) -> String {
    var h = FNV1a64()
    h.combine(bytes: bytes)
    return String(h.value, radix: 16)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--load", arguments.count == 2 {
    guard let file = fopen(arguments[1], "rb") else { fatalError("cannot open \(arguments[1])") }
    fseek(file, 0, SEEK_END)
    let size = ftell(file)
    fseek(file, 0, SEEK_SET)
    let saved = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = fread(buffer.baseAddress, 1, size, file)
    }
    fclose(file)
    let rssBefore = ScoringWorkloads.residentBytes()
    let t = ScoringWorkloads.now()
    let book = try? LeadBook(deserializing: saved, config: ScoringConfig())
    let load = ScoringWorkloads.now() - t
    let bookBytes = ScoringWorkloads.residentBytes() - rssBefore
    print("snapshot_bytes=\(saved.count) snapshot_load_s=\(seconds(load)) loaded_leads=\(book?.leadCount ?? -1) "
        + "loaded_rss_bytes_per_lead=\(bookBytes / max(1, book?.leadCount ?? 1)) snapshot_fnv=\(digest(saved))")
    exit(0)
}
let leads = arguments.first.flatMap { Int($0) } ?? 100_000
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

if arguments.count > 1 {
    guard let file = fopen(arguments[1], "wb"), fwrite(snapshot, 1, snapshot.count, file) == snapshot.count else {
        fatalError("cannot write \(arguments[1])")
    }
    fclose(file)
}

print("leads=\(leads) build_s=\(seconds(built)) rss_bytes_per_lead=\(bookBytes / max(1, leads)) "
    + "snapshot_bytes=\(snapshot.count) snapshot_write_s=\(seconds(write)) snapshot_load_s=\(seconds(load)) loaded_leads=\(loaded) snapshot_fnv=\(digest(snapshot))")
