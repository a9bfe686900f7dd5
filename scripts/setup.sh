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

# schemas/check.py (run by the tests) needs jsonschema >= 4.18, for `referencing`. Debian
# bookworm's python3-jsonschema is 4.10, so without a recent enough one on python3 it goes into
# a venv, .tools/jsonschema, which the tests use when it exists.
if ! python3 -c 'import jsonschema, referencing' >/dev/null 2>&1 \
   && ! .tools/jsonschema/bin/python3 -c 'import jsonschema, referencing' >/dev/null 2>&1; then
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  echo "setup: installing jsonschema into .tools/jsonschema"
  rm -rf .tools/jsonschema
  python3 -m venv .tools/jsonschema
  .tools/jsonschema/bin/python3 -m pip install --quiet 'jsonschema>=4.18'
fi
bash scripts/ensure-chromium.sh
