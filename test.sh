#!/usr/bin/env bash
# The README's test command: installs what the tests need and is missing, then runs every test of the repository,
# the Java build's and the TypeScript client's. CI runs exactly this (.ci/run), with CI=true, no stdin, on a fresh
# clone.
set -euo pipefail
cd "$(dirname "$0")"

# The admin dashboard's browser test drives Debian's Chromium and its chromedriver: installed when absent and this
# runs as root with apt-get; otherwise that test fails saying how to install them.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing chromium and chromium-driver (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "test.sh: Chromium or chromedriver is missing and cannot be installed here: the browser test will say how." >&2
  fi
fi

# The TypeScript client's tests need Node 20 or later and npm (checked before the long Java build).
if ! command -v npm >/dev/null 2>&1 || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "test.sh: clients/typescript needs Node.js 20 or later with npm (https://nodejs.org, or apt-get install nodejs npm)." >&2
  exit 1
fi

# Every Java test; packages billing-server.jar on the way.
./mvnw -B -T 1C verify

# The TypeScript client (clients/typescript): its locked dependencies, the types generated from docs/openapi.json,
# tsc --noEmit over the package, its examples and tests, then node --test against the jar just packaged.
export BILLING_SERVER_JAR="$PWD/billing-server/target/billing-server.jar"
cd clients/typescript
npm ci --no-audit --no-fund
npm test
