#!/bin/sh
# Starts a local 3-replica active-active cluster (see scripts/local-cluster.mjs for options).
set -e
cd "$(dirname "$0")/.."
[ -f dist/sidecar/src/main.js ] || npm run build
exec node scripts/local-cluster.mjs "$@"
