#!/usr/bin/env bash
# Builds the bare librdkafka baseline tools (bare_consumer, bare_producer, bare_relay) against the
# librdkafka that pkg-config finds (scripts/ensure-librdkafka.sh installs a recent one).
# Usage: Benchmarks/BareKafka/build.sh [OUTPUT_DIR]   (default: Benchmarks/BareKafka/bin)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="${1:-$here/bin}"
mkdir -p "$out"
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
flags=$(pkg-config --cflags --libs rdkafka)
for tool in bare_consumer bare_producer bare_relay; do
  cc -O2 -Wall -Wextra -o "$out/$tool" "$here/$tool.c" $flags
done
echo "built $out/bare_consumer, $out/bare_producer and $out/bare_relay (librdkafka $(pkg-config --modversion rdkafka))"
