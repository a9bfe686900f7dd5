#!/usr/bin/env bash
# Runs the daemon for a newcomer: uses $BROKERS when given; otherwise reuses a broker already
# listening on 127.0.0.1:9092, or starts a local Tansu broker there (in-memory storage) for the
# lifetime of this script. Extra arguments go to `leadscore run`.
#
# Snapshots: with a broker that outlives this script (BROKERS, or one already on 9092) they go to
# the configuration's folder (deploy/leadscore.yaml: .leadscore/snapshots), so a restart resumes.
# With the Tansu started here, whose topics vanish when it stops, every run starts with an empty
# .leadscore/local-tansu/snapshots: snapshots of the last run's topics point at offsets the new,
# empty topics do not have, and must not be restored.
set -euo pipefail
cd "$(dirname "$0")/.."
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
CONFIG="${CONFIG:-deploy/leadscore.yaml}"
BIN="${LEADSCORE_BIN:-.build/release/leadscore}"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

tansu_pid=""
cleanup() { [ -n "$tansu_pid" ] && kill "$tansu_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

snapshot_args=()
if [ -z "${BROKERS:-}" ]; then
  BROKERS="127.0.0.1:9092"
  if port_open 9092; then
    echo "run-local: using the broker already listening on $BROKERS"
  else
    bash scripts/ensure-tansu.sh >/dev/null
    mkdir -p .leadscore/local-tansu
    snapshots=".leadscore/local-tansu/snapshots"
    rm -rf "$snapshots"
    mkdir -p "$snapshots"
    snapshot_args=(--snapshot-dir "$snapshots")
    log=".leadscore/local-tansu/tansu.log"
    echo "run-local: starting a Tansu broker on $BROKERS (in memory: its topics go when it stops,"
    echo "run-local: so this run starts with an empty $snapshots; Tansu's log: $log)"
    tansu broker --cluster-id leadscore-dev --listener-url tcp://127.0.0.1:9092 \
      --advertised-listener-url tcp://127.0.0.1:9092 --storage-engine memory://tansu/ >"$log" 2>&1 &
    tansu_pid=$!
    # Tansu holds a waiting fetch for all of fetch.wait.max.ms (Kafka answers at once), so a
    # local Tansu gets a short wait; a real cluster keeps the configured one.
    export LEADSCORE_FETCH_WAIT_MAX="${LEADSCORE_FETCH_WAIT_MAX:-10ms}"
    for _ in $(seq 1 100); do port_open 9092 && break; sleep 0.1; done
    port_open 9092 || { echo "run-local: Tansu did not start; see $log" >&2; exit 1; }
  fi
fi

# Flags given after the script's own win (a later --snapshot-dir overrides this one).
"$BIN" run --config "$CONFIG" --brokers "$BROKERS" "${snapshot_args[@]}" "$@"
