#!/usr/bin/env bash
# The scale curve: how replay speed, CPU per event, memory per lead and snapshot times grow with
# the number of leads, so an operator can size a deployment (Benchmarks/README.md, "Scale curve").
# Usage: Benchmarks/scale-curve.sh [LEADS="100000 1000000 10000000"] [EVENTS_PER_LEAD=3]
#
# For each size, on one core, no broker:
#   - `leadscore generate --events LEADS*EVENTS_PER_LEAD --leads LEADS` (the SPEC synthetic
#     stream), then a release `leadscore replay` of it to /dev/null under /usr/bin/time: events/s,
#     CPU microseconds per event, peak RSS, peak RSS / leads (fixed costs included) and, against the
#     first size, the RSS each added lead cost;
#   - `scale-book LEADS FILE` (this package): a book of that many leads built in memory, its
#     resident bytes per lead and the time to write its snapshot (saved to FILE); then
#     `scale-book --load FILE`, the time to load it in a process of its own, as a restart or a
#     hand-over does (a load in the process that built the book ran 1.6-1.8x slower at 10M leads).
# The smallest size is the baseline: each row also prints its figures as a ratio to it, measured
# in the same run. The generated streams are deleted after each size (10M leads at 3 events each
# is about 5 GB).
set -euo pipefail
leads_list="${1:-100000 1000000 10000000}"
per_lead="${2:-3}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$root" && swift build -c release --product leadscore >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
(cd "$here" && swift build -c release --scratch-path .build-bench --product scale-book >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
leadscore="$root/.build/release/leadscore"
scale_book="$here/.build-bench/release/scale-book"

printf '%-10s %-10s %-11s %-9s %-12s %-13s %-13s %-11s %-14s %-13s\n' leads events replay_ev/s cpu_us/ev replay_rss_MB replay_B/lead book_B/lead snapshot_MB snapshot_write snapshot_load
base=
for leads in $leads_list; do
  events=$((leads * per_lead))
  "$leadscore" generate --events "$events" --leads "$leads" --seed 42 > "$work/stream.jsonl"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$leadscore" replay --quiet "$work/stream.jsonl" > /dev/null
  rm -f "$work/stream.jsonl"
  read -r wall user sys rss_kb < "$work/time"
  book=$("$scale_book" "$leads" "$work/snapshot.bin")
  # The own-process load's figures come last, so its snapshot_load_s is the one read.
  book="$book $("$scale_book" --load "$work/snapshot.bin")"
  rm -f "$work/snapshot.bin"
  row=$(python3 - "$leads" "$events" "$wall" "$user" "$sys" "$rss_kb" "$book" "$base" 2>"$work/base" <<'PY'
import sys
leads, events = int(sys.argv[1]), int(sys.argv[2])
wall, user, sys_s, rss_kb = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
book = dict(kv.split("=") for kv in sys.argv[7].split())
rate = events / wall
cpu_us = (user + sys_s) / events * 1e6
fig = {
    "rate": rate, "cpu_us": cpu_us, "rss_mb": rss_kb / 1024, "rss_per_lead": rss_kb * 1024 / leads,
    "book_per_lead": float(book["rss_bytes_per_lead"]), "snap_mb": int(book["snapshot_bytes"]) / 2**20,
    "write": float(book["snapshot_write_s"]), "load": float(book["snapshot_load_s"]),
}
line = (f'{leads:<10} {events:<10} {rate:<11.0f} {cpu_us:<9.2f} {fig["rss_mb"]:<12.0f} {fig["rss_per_lead"]:<13.0f} '
        f'{fig["book_per_lead"]:<13.0f} {fig["snap_mb"]:<11.1f} {fig["write"]:<14.3f} {fig["load"]:<13.3f}')
if sys.argv[8]:
    b = dict(kv.split("=") for kv in sys.argv[8].split(","))
    scale = leads / float(b["leads"])
    ratios = [f'{k} x{fig[k] / float(b[k]):.2f}' for k in ("rate", "cpu_us", "rss_per_lead", "book_per_lead") if float(b[k]) > 0]
    ratios += [f'{k} x{fig[k] / float(b[k]):.1f} for x{scale:.0f} leads' for k in ("write", "load") if float(b[k]) > 0]
    # What each lead beyond the first size added to replay's peak RSS (the fixed part cancels).
    ratios.append(f'replay RSS per added lead {(fig["rss_mb"] - float(b["rss_mb"])) * 2**20 / (leads - float(b["leads"])):.0f} B')
    line += "\n  vs the first size: " + ", ".join(ratios)
base = ",".join(f"{k}={v}" for k, v in fig.items()) + f",leads={leads}"
print(line)
print(base, file=sys.stderr)
PY
)
  echo "$row"
  [ -n "$base" ] || base=$(cat "$work/base")
done
