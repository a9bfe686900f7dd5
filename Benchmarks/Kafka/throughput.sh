#!/usr/bin/env bash
# Kafka layer throughput, Swift (LeadScoreKafka) vs bare librdkafka, on one Tansu broker started
# here (in-memory storage, loopback). Usage: ./run.sh [COUNT] [PARTITIONS] [VALUE_BYTES]
#   COUNT        messages per run (default 1000000)
#   PARTITIONS   partitions of each topic (default 4)
#   VALUE_BYTES  value size (default 100)
# Topics: swift-<n> is written by the Swift producer and then read by the Swift group consumer, the
# Swift partition reader and the bare consumer (same data); bare-<n> is written by bare_producer.
set -euo pipefail
count="${1:-1000000}"
partitions="${2:-4}"
value_bytes="${3:-100}"
here=$(cd "$(dirname "$0")" && pwd)
tansu="${TANSU_BIN:-$(command -v tansu || echo /usr/local/bin/tansu)}"
[ -x "$tansu" ] || { echo "tansu not found: run scripts/ensure-tansu.sh" >&2; exit 1; }

bin=$(mktemp -d)
"$here/../BareKafka/build.sh" "$bin" >/dev/null
(cd "$here" && swift build -c release --product kafka-throughput >/dev/null)
swift_tool="$here/.build/release/kafka-throughput"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="tcp://127.0.0.1:$port"
RUST_LOG=warn "$tansu" broker --cluster-id bench --listener-url "$url" --advertised-listener-url "$url" \
  --storage-engine memory://tansu/ >"$bin/tansu.log" 2>&1 &
tansu_pid=$!
trap 'kill $tansu_pid 2>/dev/null || true; wait $tansu_pid 2>/dev/null || true; rm -rf "$bin"' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done

topic_swift="swift-$count"
topic_bare="bare-$count"
for t in "$topic_swift" "$topic_bare"; do
  "$tansu" topic create --broker "$url" --partitions "$partitions" --config retention.ms=604800000 "$t" >/dev/null
done

echo "# librdkafka $(pkg-config --modversion rdkafka), tansu $("$tansu" --version | awk '{print $2}'), $count messages, $partitions partitions, ${value_bytes}-byte values, $(nproc) cores"
echo -n "bare_produce "; "$bin/bare_producer" -b "127.0.0.1:$port" -t "$topic_bare" -n "$count" -s "$value_bytes"
"$swift_tool" "127.0.0.1:$port" "$topic_swift" "$count" "$value_bytes"
echo -n "bare_assign_consumer "; "$bin/bare_consumer" -b "127.0.0.1:$port" -t "$topic_swift"
echo -n "bare_group_consumer "; "$bin/bare_consumer" -b "127.0.0.1:$port" -t "$topic_swift" -g "bare-$$" -n "$count" -X session.timeout.ms=6000
