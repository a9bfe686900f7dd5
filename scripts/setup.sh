#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently: Debian packages, librdkafka >= 2.2
# (built from Debian trixie's source when the system's is older), and the Tansu test broker.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for p in pkg-config libssl-dev zlib1g-dev liblz4-dev build-essential dpkg-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
bash scripts/ensure-librdkafka.sh
bash scripts/ensure-tansu.sh
