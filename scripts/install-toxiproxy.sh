#!/usr/bin/env bash
# Builds the pinned toxiproxy server (a real TCP fault proxy used by the replication fault
# tests, sidecar/test/replication/faults*.test.ts) into ~/.cache/redis-crdt unless it is there.
# Keep the version in step with TOXIPROXY_VERSION in sidecar/test/support/toxiproxy.ts.
set -euo pipefail
version=v2.5.0
dir="${HOME}/.cache/redis-crdt/toxiproxy-${version}"
[ -x "$dir/toxiproxy-server" ] && exit 0
command -v go >/dev/null 2>&1 || { echo "Go is needed to build toxiproxy (https://go.dev/dl/)"; exit 1; }
echo "Building toxiproxy ${version} into ${dir}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# v2.5.0 names its server command cmd/server; install it, then give it its real name.
GOBIN="$tmp" go install "github.com/Shopify/toxiproxy/v2/cmd/server@${version}"
mkdir -p "$dir"
mv "$tmp/server" "$dir/toxiproxy-server"
