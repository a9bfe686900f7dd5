#!/usr/bin/env bash
# Before/after runs of the daemon end to end, in alternating order: NEW OLD OLD NEW per round.
# Runs in a fixed order (OLD then NEW) flatter whichever binary runs second on this machine: in
# issue 17 stage 8 the relay, whose phase runs before the daemon's and cannot depend on it, was
# cheaper in the second run of all nine OLD-first pairs (see Benchmarks/README.md).
# Usage: Benchmarks/Kafka/ab-pairs.sh OLD_LEADSCORE NEW_LEADSCORE [ROUNDS=2] [EVENTS=1000000] [PARTITIONS=8]
# Each run is `end-to-end.sh EVENTS PARTITIONS 3` with E2E_LEADSCORE set (other E2E_* settings pass
# through). Prints every run's daemon CPU per event and relay CPU per message, then per binary the
# medians of the daemon's CPU per event and of daemon / relay (the relay measured in the same run),
# and NEW / OLD of both.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
old=$(realpath "$1")
new=$(realpath "$2")
rounds="${3:-2}"
events="${4:-1000000}"
partitions="${5:-8}"
here=$(cd "$(dirname "$0")" && pwd)
results=$(mktemp)
trap 'rm -f "$results"' EXIT

for round in $(seq "$rounds"); do
  for which in new old old new; do
    binary=$old
    [ "$which" = new ] && binary=$new
    line=$(E2E_LEADSCORE="$binary" "$here/end-to-end.sh" "$events" "$partitions" 3 2>&1 | grep '^cpu_us_per_event' || true)
    daemon=$(sed -n 's/.*daemon=\([0-9.]*\).*/\1/p' <<<"$line")
    relay=$(sed -n 's/.*relay=\([0-9.]*\).*/\1/p' <<<"$line")
    if [ -z "$daemon" ] || [ -z "$relay" ]; then echo "round $round $which: no figures (see end-to-end.sh's own output)" >&2; exit 1; fi
    echo "round $round $which: daemon ${daemon} us per event, relay ${relay} us per message"
    echo "$which $daemon $relay" >> "$results"
  done
done

python3 - "$results" <<'PY'
import statistics, sys
runs = [line.split() for line in open(sys.argv[1])]
fig = {}
for which in ("old", "new"):
    daemon = [float(d) for w, d, r in runs if w == which]
    ratio = [float(d) / float(r) for w, d, r in runs if w == which]
    fig[which] = (statistics.median(daemon), statistics.median(ratio))
    print(f"{which}: daemon CPU per event median {fig[which][0]:.2f} us, daemon / relay median {fig[which][1]:.2f} ({len(daemon)} runs)")
print(f"new / old: daemon CPU per event {fig['new'][0] / fig['old'][0]:.3f}, daemon / relay {fig['new'][1] / fig['old'][1]:.3f}")
PY
