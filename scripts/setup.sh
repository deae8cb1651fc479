#!/usr/bin/env bash
# Installs what a fresh machine lacks to run and test incidentio-port-etl: pnpm at the pinned version,
# jq, and the dependencies (compiling better-sqlite3 against Node's headers when no prebuilt binary
# can be downloaded). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Node comes first: everything below runs through it. Debian 12's own nodejs is 18, too old.
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$NODE_MAJOR" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required, found $(node --version 2>/dev/null || echo 'no node')." >&2
  echo "setup: install Node 22 from NodeSource (https://github.com/nodesource/distributions) or use the official node:22 image;" >&2
  echo "setup: Debian 12's apt-get install nodejs gives Node 18." >&2
  exit 1
fi

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"

if ! command -v jq >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing jq"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
  else
    echo "setup: jq is missing; install it (Debian/Ubuntu: sudo apt-get install jq, macOS: brew install jq) or set JQ_PATH" >&2
    exit 1
  fi
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  # corepack cannot fetch pnpm here (the registry serves no signatures it accepts); npm can.
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

# better-sqlite3 compiles from source when no prebuilt binary can be downloaded; node-gyp then needs
# Node's headers, which Debian's nodejs ships under /usr/include/node.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

echo "setup: node $(node --version), pnpm $(pnpm --version), $(jq --version)"
pnpm install --frozen-lockfile
