#!/usr/bin/env bash
# Makes sure a headless-capable Chromium is installed (Debian's `chromium` package), for the
# dashboard's browser test. Idempotent: does nothing when `chromium` already runs.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && chromium --version >/dev/null 2>&1; then
  echo "chromium found: $(chromium --version 2>/dev/null | head -n1)"
  exit 0
fi

echo "setup: installing chromium"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "installed chromium: $(chromium --version 2>/dev/null | head -n1)"
