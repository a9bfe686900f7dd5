#!/usr/bin/env bash
# The daemon end to end against a Tansu broker started here (in-memory storage, loopback), next to
# the bare librdkafka consumer (read rate) and the bare relay (consume + produce one output per
# input with the daemon's headers: the floor of any consume-and-produce processor), in one run.
# Usage: ./end-to-end.sh [EVENTS=1000000] [PARTITIONS=8] [LATENCY_SECONDS=15]
# Environment:
#   E2E_RATES="100,500,1000"  latency phases (events/s), each LATENCY_SECONDS, daemon then relay
#   E2E_FETCH_WAIT_MS=10      fetch.wait.max.ms of daemon and relay (Tansu holds a waiting fetch
#                             for all of it, so it is the latency floor here; keep it small)
#   E2E_LIBRDKAFKA='key: "value", ...'  more librdkafka settings for the daemon
#   E2E_PERF=FILE             perf record -e cpu-clock -g on the daemon over its throughput window
#                             (that run's daemon figures are then slowed by the profiler);
#                             E2E_PERF_CALLGRAPH=dwarf,16384 unwinds through glibc and librdkafka
#                             (no frame pointers) at 499 Hz. Read it with perf-stages.py FILE
#   E2E_PERF_RELAY=FILE       perf record -e cpu-clock -g on the relay's throughput phase (its
#                             figures are then slowed by the profiler); read it with perf report
#   E2E_LEADS=50000, E2E_REPS=20, E2E_OUTCOMES=2000
#   E2E_RELAY_LATENCY_OUTPUTS=relay-latency-out  output topics of the relay's latency phases, one
#                             relay run each (relay-out holds the throughput phase's 1M copies; the
#                             first listed is compared with the daemon)
#   E2E_CHALLENGER=1          run the daemon with a challenger (challenger.config): a small YAML with
#                             other weights and a half-life written into the work folder; or
#                             E2E_CHALLENGER=FILE to use that scoring configuration; 0 (default): none. The daemon line
#                             then includes the challenger's work; daemon_memory gives its RSS
#   E2E_KEEP=1                keep the work folder (logs, daemon config, snapshots) and say where
#   E2E_LEADSCORE=PATH        run this leadscore binary as the daemon instead of the one built here
#                             (a before/after pair: two release binaries; ab-pairs.sh runs them in
#                             alternating order, NEW OLD OLD NEW)
#   E2E_QUIET_WAIT=SECONDS    first wait up to this long for the machine to be idle (other processes
#                             below 10% of it over 5 s), and up to min(SECONDS, 120) before each
#                             phase; every phase prints others=N%, the share of the machine other
#                             processes took while it ran
# Prints the rates (bare consumer, bare relay, daemon), daemon / relay, CPU microseconds per event
# of daemon and relay (startup excluded), then p50/p99/max latency of daemon and relay per rate.
set -euo pipefail
events="${1:-1000000}"
partitions="${2:-8}"
latency_seconds="${3:-15}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
tansu="${TANSU_BIN:-$(command -v tansu || echo /usr/local/bin/tansu)}"
[ -x "$tansu" ] || { echo "tansu not found: run scripts/ensure-tansu.sh" >&2; exit 1; }
if [ -n "${E2E_PERF:-}" ] && ! command -v perf >/dev/null; then
  echo "perf not found (Debian: apt-get install -y linux-perf)" >&2; exit 1
fi

work=$(mktemp -d)
tansu_pid=
cleanup() {
  if [ -n "$tansu_pid" ]; then kill "$tansu_pid" 2>/dev/null || true; wait "$tansu_pid" 2>/dev/null || true; fi
  if [ -n "${cpu_before:-}" ]; then
    # Everything this script ran (broker, driver, tools, daemon) is a waited-for child by now, so
    # machine busy time minus our children's CPU is what other processes took during the run.
    read -r machine_after steal_after ours_after < <(cpu_snapshot)
    python3 -c "import sys; m,o,s,w=map(float,sys.argv[1:5]); t=$(getconf CLK_TCK); n=$(nproc); print(f'# CPU taken by other processes during the run: {max(0,m-o)/t:.1f} core-seconds in {w:.0f} s ({max(0,m-o)/t/w/n*100:.1f}% of the machine); hypervisor steal {s/t:.1f} core-seconds')" \
      "$((machine_after - machine_before))" "$((ours_after - ours_before))" "$((steal_after - steal_before))" "$(($(date +%s) - run_started))" >&2
  fi
  if [ -n "${E2E_KEEP:-}" ]; then echo "# work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
"$here/../BareKafka/build.sh" "$work" >/dev/null
(cd "$root" && swift build -c release --product leadscore >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
(cd "$here" && swift build -c release --product end-to-end >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }

if [ "${E2E_QUIET_WAIT:-0}" -gt 0 ]; then
  waited=0
  while :; do
    b1=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat); sleep 5; b2=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
    waited=$((waited + 5))
    busy=$(( (b2 - b1) * 100 / (5 * $(getconf CLK_TCK) * $(nproc)) ))
    if [ "$busy" -lt 10 ] || [ "$waited" -ge "$E2E_QUIET_WAIT" ]; then break; fi
  done
  echo "# waited ${waited}s for an idle machine (busy ${busy}% over the last 5 s)"
fi

# Busy jiffies of the whole machine and CPU jiffies of this script's waited-for children.
cpu_snapshot() {
  local busy children
  busy=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $9}' /proc/stat)
  children=$(awk '{sub(/.*\) /, ""); print $14+$15}' /proc/$$/stat)
  echo "$busy $children"
}
read -r machine_before steal_before ours_before < <(cpu_snapshot)
cpu_before=1
run_started=$(date +%s)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="tcp://127.0.0.1:$port"
RUST_LOG=warn "$tansu" broker --cluster-id bench --listener-url "$url" --advertised-listener-url "$url" \
  --storage-engine memory://tansu/ >"$work/tansu.log" 2>&1 &
tansu_pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
extra_topics="${E2E_RELAY_LATENCY_OUTPUTS:-}"
for t in $(printf '%s\n' lead-events rep-events lead-scores lead-routing lead-enrichment-requests leadscore-deadletter \
  leadscore-state lead-scores-challenger relay-out relay-latency-out ${extra_topics//,/ } | awk '!seen[$0]++'); do
  "$tansu" topic create --broker "$url" --partitions "$partitions" --config retention.ms=604800000 "$t" >/dev/null
done

case "${E2E_CHALLENGER:-0}" in
  0) challenger= ;;
  1) challenger=builtin ;;
  *) challenger=$(realpath "$E2E_CHALLENGER") ;;
esac
echo "# librdkafka $(pkg-config --modversion rdkafka), tansu $("$tansu" --version | awk '{print $2}'), $events events," \
  "$partitions partitions, ${E2E_LEADS:-50000} leads, ${E2E_REPS:-20} reps, $(nproc) cores;" \
  "fetch.wait.max.ms ${E2E_FETCH_WAIT_MS:-10} for daemon and relay; producers' linger.ms 5 (daemon default, relay default)"
"$here/.build/release/end-to-end" --bootstrap "127.0.0.1:$port" --leadscore "${E2E_LEADSCORE:-$root/.build/release/leadscore}" \
  --bare-consumer "$work/bare_consumer" --bare-relay "$work/bare_relay" --work "$work" --events "$events" \
  --leads "${E2E_LEADS:-50000}" --reps "${E2E_REPS:-20}" --outcomes "${E2E_OUTCOMES:-2000}" \
  --rates "${E2E_RATES:-100,500,1000}" --latency-seconds "$latency_seconds" --fetch-wait-ms "${E2E_FETCH_WAIT_MS:-10}" \
  --broker-pid "$tansu_pid" --quiet-wait "$(( ${E2E_QUIET_WAIT:-0} < 120 ? ${E2E_QUIET_WAIT:-0} : 120 ))" ${E2E_PERF:+--perf "$E2E_PERF"} \
  ${E2E_RELAY_LATENCY_OUTPUTS:+--relay-latency-outputs "$E2E_RELAY_LATENCY_OUTPUTS"} ${challenger:+--challenger "$challenger"}
