#!/usr/bin/env bash
# The daemon end to end against a Tansu broker started here (in-memory storage, loopback).
# Usage: ./end-to-end.sh [EVENTS=1000000] [PARTITIONS=4] [RATE=5000] [LATENCY_SECONDS=30]
# Prints the bare librdkafka consumer's rate and the daemon's on the same topic, then p50/p99/max
# latency from producing an input event to reading the routing event it caused.
set -euo pipefail
events="${1:-1000000}"
partitions="${2:-4}"
rate="${3:-5000}"
latency_seconds="${4:-30}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tansu="${TANSU_BIN:-$(command -v tansu || echo /usr/local/bin/tansu)}"
[ -x "$tansu" ] || { echo "tansu not found: run scripts/ensure-tansu.sh" >&2; exit 1; }

work=$(mktemp -d)
"$here/../BareKafka/build.sh" "$work" >/dev/null
(cd "$root" && swift build -c release --product leadscore >/dev/null)
(cd "$here" && swift build -c release --product end-to-end >/dev/null)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="tcp://127.0.0.1:$port"
RUST_LOG=warn "$tansu" broker --cluster-id bench --listener-url "$url" --advertised-listener-url "$url" \
  --storage-engine memory://tansu/ >"$work/tansu.log" 2>&1 &
tansu_pid=$!
trap 'kill $tansu_pid 2>/dev/null || true; wait $tansu_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
for t in lead-events rep-events lead-scores lead-routing lead-enrichment-requests leadscore-deadletter; do
  "$tansu" topic create --broker "$url" --partitions "$partitions" --config retention.ms=604800000 "$t" >/dev/null
done

echo "# librdkafka $(pkg-config --modversion rdkafka), tansu $("$tansu" --version | awk '{print $2}'), $events events, $partitions partitions, $(nproc) cores"
"$here/.build/release/end-to-end" --bootstrap "127.0.0.1:$port" --leadscore "$root/.build/release/leadscore" \
  --bare-consumer "$work/bare_consumer" --work "$work" --events "$events" --rate "$rate" --latency-seconds "$latency_seconds"
