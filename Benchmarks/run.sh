#!/usr/bin/env bash
# `make bench`: every benchmark figure, one after the other (see Benchmarks/README.md).
#   1. scoring core, one core, no broker (scoring-figures)
#   2. Kafka layer throughput vs bare librdkafka (Kafka/throughput.sh)
#   3. the daemon end to end vs a bare librdkafka consumer and a bare relay, and latency of both
#      (Kafka/end-to-end.sh)
# Each builds what it needs in release mode; the first run takes several minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
echo "## scoring core"
(cd "$here" && swift build -c release --scratch-path .build-bench --product scoring-figures >/dev/null && .build-bench/release/scoring-figures)
echo "## Kafka layer throughput"
"$here/Kafka/throughput.sh"
echo "## daemon end to end"
"$here/Kafka/end-to-end.sh"
