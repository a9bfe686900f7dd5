#!/usr/bin/env bash
# Installs what one make target needs, idempotently, and nothing more:
#   setup.sh build   Debian build packages and librdkafka >= 2.2 (built from Debian trixie's
#                    source when the system's is older): enough for `make demo` (its broker is
#                    librdkafka's in-process mock cluster) and any `swift build`
#   setup.sh run     build, plus the Tansu broker that `make run` starts when no broker is given
#   setup.sh test    run, plus what the tests use: Chromium (dashboard browser test), a jsonschema
#                    venv (schema checks) and Prometheus (promtool and the alerting test)
# With no argument: test (everything).
set -euo pipefail
cd "$(dirname "$0")/.."
level="${1:-test}"
case "$level" in
  build|run|test) ;;
  *) echo "usage: scripts/setup.sh [build|run|test]" >&2; exit 2 ;;
esac

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
[ "$level" = build ] && exit 0

bash scripts/ensure-tansu.sh
[ "$level" = run ] && exit 0

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
bash scripts/ensure-prometheus.sh
