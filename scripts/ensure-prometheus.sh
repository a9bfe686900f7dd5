#!/usr/bin/env bash
# Makes sure Debian's Prometheus (the server and `promtool`) is installed, for the tests that check
# deploy/prometheus/*.yml with `promtool check rules` and fire an alert against a live daemon.
# Idempotent: does nothing when both run. Only the binaries are used: the package's service is
# left alone (the tests start their own server on a free port with its own data folder).
set -euo pipefail

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && promtool --version >/dev/null 2>&1; then
  echo "prometheus found: $(prometheus --version 2>&1 | head -n1)"
  exit 0
fi

echo "setup: installing prometheus (for promtool and the alerting test)"
apt-get update -qq
# --no-install-recommends: the node exporter and other recommends are not needed here.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
echo "installed prometheus: $(prometheus --version 2>&1 | head -n1)"
