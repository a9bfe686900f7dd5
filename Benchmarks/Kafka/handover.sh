#!/usr/bin/env bash
# A lead-events partition holding LEADS leads handed over to an instance with an empty disk (issue
# 15): its restore from the state topic (leadscore-state) against a rebuild from the beginning of
# lead-events, measured in one run, then the delta checkpoint of CHANGED changed leads. Against a
# Tansu broker started here (in-memory storage, loopback), every topic with 1 partition.
# Usage: ./handover.sh [LEADS=1000000] [CHANGED=10000]
# Environment:
#   HANDOVER_EVENTS=N       lines of the SPEC synthetic stream (default 2 x LEADS; 90 days of event
#                           time, 20 reps); every lead the stream never names in an engagement,
#                           intent or profile event gets one profile event at the stream's end, so
#                           the partition holds about LEADS leads
#   HANDOVER_INTERVAL=5     snapshots.interval of both daemons, in seconds
#   HANDOVER_KEEP=1         keep the work folder (daemon logs and configs, Tansu log) and say where
# Steps (Sources/state-handover/main.swift): daemon A (release `leadscore run`, its own snapshot
# directory) rebuilds the partition from offset 0 and is stopped with SIGTERM (its shutdown writes
# the final checkpoint); daemon B, same group, `snapshots.dir: none`, restores it from Kafka; then
# one event to B (its first checkpoint after a take-over is a base), then one engagement event for
# each of CHANGED distinct leads, and the delta checkpoint that follows.
# Prints: the input; the rebuild (seconds from daemon A's start to caught up, CPU, RSS) and A's
# checkpoints; B's `partition restored` log line, its load_seconds, restore_bytes, leads and the
# time from its start to /readyz 200 (with B's and the broker's CPU over it); the ratios
# restore/rebuild; B's take-over base and the delta (seconds from leadscore_checkpoint_duration_seconds,
# bytes from leadscore_checkpoint_bytes_total, bytes per changed lead); each target met or not
# (1M leads restored in <= 3 s; a checkpoint of 10k changed leads in <= 50 ms); at the end (stderr)
# the CPU other processes took during the run (the figures assume an otherwise idle machine).
set -euo pipefail
leads="${1:-1000000}"
changed="${2:-10000}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
tansu="${TANSU_BIN:-$(command -v tansu || echo /usr/local/bin/tansu)}"
[ -x "$tansu" ] || { echo "tansu not found: run scripts/ensure-tansu.sh" >&2; exit 1; }

work=$(mktemp -d)
tansu_pid=
cleanup() {
  if [ -n "$tansu_pid" ]; then kill "$tansu_pid" 2>/dev/null || true; wait "$tansu_pid" 2>/dev/null || true; fi
  if [ -n "${cpu_before:-}" ]; then
    # Everything this script ran is a waited-for child by now: machine busy time minus ours is
    # what other processes took during the run.
    read -r machine_after ours_after < <(cpu_snapshot)
    python3 -c "import sys; m,o,w=map(float,sys.argv[1:4]); t=$(getconf CLK_TCK); n=$(nproc); print(f'# CPU taken by other processes during the run: {max(0,m-o)/t:.1f} core-seconds in {w:.0f} s ({max(0,m-o)/t/w/n*100:.1f}% of the machine)')" \
      "$((machine_after - machine_before))" "$((ours_after - ours_before))" "$(($(date +%s) - run_started))" >&2
  fi
  if [ -n "${HANDOVER_KEEP:-}" ]; then echo "# work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
(cd "$root" && swift build -c release --product leadscore >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
(cd "$here" && swift build -c release --product state-handover >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }

# Busy jiffies of the whole machine and CPU jiffies of this script's waited-for children.
cpu_snapshot() {
  echo "$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat) $(awk '{sub(/.*\) /, ""); print $14+$15}' /proc/$$/stat)"
}
read -r machine_before ours_before < <(cpu_snapshot)
cpu_before=1
run_started=$(date +%s)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="tcp://127.0.0.1:$port"
RUST_LOG=warn "$tansu" broker --cluster-id bench --listener-url "$url" --advertised-listener-url "$url" \
  --storage-engine memory://tansu/ >"$work/tansu.log" 2>&1 &
tansu_pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
for t in lead-events rep-events lead-scores lead-routing lead-enrichment-requests leadscore-deadletter; do
  "$tansu" topic create --broker "$url" --partitions 1 --config retention.ms=604800000 "$t" >/dev/null
done
"$tansu" topic create --broker "$url" --partitions 1 --config cleanup.policy=compact --config retention.ms=-1 leadscore-state >/dev/null

echo "# librdkafka $(pkg-config --modversion rdkafka), tansu $("$tansu" --version | awk '{print $2}'), $(nproc) cores;" \
  "$leads leads, $changed changed, 1 partition, snapshots.interval ${HANDOVER_INTERVAL:-5}s"
"$here/.build/release/state-handover" --bootstrap "127.0.0.1:$port" --leadscore "$root/.build/release/leadscore" \
  --work "$work" --leads "$leads" --changed "$changed" --events "${HANDOVER_EVENTS:-0}" \
  --interval "${HANDOVER_INTERVAL:-5}" --broker-pid "$tansu_pid"
