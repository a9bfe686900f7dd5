#!/usr/bin/env bash
# Makes sure librdkafka >= 2.2 (headers, library, pkg-config file) is installed.
#
# Debian bookworm ships 2.0.2, which cannot talk to Tansu (ApiVersionRequest tagged-field bug fixed in
# 2.2.0) and predates duplicate-consumption fixes. When the system's copy is too old, this builds
# Debian trixie's source package (2.8.0) into /usr/local, fetched through a private apt configuration
# so the machine's own apt sources stay untouched. Idempotent: does nothing when a good copy exists.
set -euo pipefail

MIN_VERSION="2.2.0"
PREFIX="${LIBRDKAFKA_PREFIX:-/usr/local}"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

have=$(pkg-config --modversion rdkafka 2>/dev/null || true)
if [ -n "$have" ] && version_ge "$have" "$MIN_VERSION" && [ -f "$PREFIX/include/librdkafka/rdkafka_mock.h" -o -f /usr/include/librdkafka/rdkafka_mock.h ]; then
  echo "librdkafka $have found (>= $MIN_VERSION)"
  exit 0
fi
echo "librdkafka ${have:-not found}; building Debian trixie's librdkafka into $PREFIX"

need_pkgs=()
for p in build-essential pkg-config libssl-dev zlib1g-dev liblz4-dev dpkg-dev python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The mirror URI is the one the machine's own sources name.
mirror=$(grep -hoE '^URIs: *[^ ]+' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 | awk '{print $2}')
if [ -z "$mirror" ]; then
  mirror=$(grep -hoE '^deb +[^ ]+' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $2}')
fi
[ -n "$mirror" ] || { echo "ensure-librdkafka: cannot find a Debian mirror in the apt sources" >&2; exit 1; }

mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/apt/sources.list.d"
echo "deb-src $mirror trixie main" > "$work/apt/sources.list"
aptopts=(-o "Dir::Etc::sourcelist=$work/apt/sources.list" -o "Dir::Etc::sourceparts=$work/apt/sources.list.d"
         -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache" -o "APT::Get::List-Cleanup=0")
apt-get "${aptopts[@]}" update -qq
(cd "$work" && apt-get "${aptopts[@]}" source --download-only -qq librdkafka)
(cd "$work" && dpkg-source -x --no-check ./librdkafka_*.dsc src >/dev/null)

cd "$work/src"
./configure --prefix="$PREFIX" --disable-sasl --disable-curl --disable-zstd >/dev/null
make -j"$(nproc)" libs >/dev/null
make install-subdirs >/dev/null
ldconfig
echo "installed librdkafka $(pkg-config --modversion rdkafka) into $PREFIX"
