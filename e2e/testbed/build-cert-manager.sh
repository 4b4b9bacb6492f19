#!/usr/bin/env bash
# Builds cert-manager's controller from its Go module (through the Go module proxy,
# no image registry) and copies its CRDs, once, into a cache keyed by version
# outside the repo; later runs reuse them. Prints the cache directory (with bin/
# and crds/) as its last line. Used by operator/test/e2e/cert-manager.e2e.ts.
#
#   bash e2e/testbed/build-cert-manager.sh            build or reuse
#   REDIS_CRDT_REBUILD=1 bash ...                     force a rebuild
#
# v1.11 is the last release whose main module holds cmd/controller (later ones
# split it into modules that are only tagged in git, which the proxy cannot serve).
# A cold build downloads about 150 modules and compiles for several minutes on two
# cores; a warm run takes about a second.
set -euo pipefail

CERT_MANAGER_VERSION=v1.11.5
cache_root="${REDIS_CRDT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-crdt}"
out="$cache_root/cert-manager-$CERT_MANAGER_VERSION"

log() { printf '[cert-manager %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
command -v go >/dev/null || { log "Go >= 1.20 is required to build cert-manager for the e2e test (https://go.dev/dl/)"; exit 1; }

stamp="$CERT_MANAGER_VERSION-$(go env GOVERSION)"
have_all() {
  [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] && [ -x "$out/bin/cert-manager-controller" ] && [ -f "$out/crds/crd-certificates.yaml" ]
}

mkdir -p "$cache_root"
exec 9>"$cache_root/cert-manager.lock"
if ! flock -n 9; then
  log "Another build of cert-manager is running; waiting for it"
  flock 9
fi

if [ -z "${REDIS_CRDT_REBUILD:-}" ] && have_all; then
  log "Reusing $out"
  echo "$out"
  exit 0
fi

rm -f "$out/stamp"
mkdir -p "$out"
stage="$(mktemp -d "$out/stage.XXXXXX")"
trap 'chmod -R u+w "$stage" 2>/dev/null; rm -rf "$stage"' EXIT

log "Downloading github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION from the Go module proxy"
src="$(go mod download -json "github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$src/cmd/controller" ] || { log "module download failed (no $src/cmd/controller)"; exit 1; }

# The module cache is read-only and the module's go.mod has replace directives,
# so it is built from a writable copy as the main module (replaces apply there).
cp -r "$src" "$stage/src"
chmod -R u+w "$stage/src"
log "Building cmd/controller (downloads its dependencies first; several minutes on a cold Go cache)"
start=$(date +%s)
(cd "$stage/src" && GOFLAGS=-mod=mod go build -o "$stage/bin/cert-manager-controller" ./cmd/controller) &
build=$!
# The compiler is silent for minutes on a cold cache: show that it is still working.
while kill -0 "$build" 2>/dev/null; do
  sleep 30
  if kill -0 "$build" 2>/dev/null; then log "still building ($(( $(date +%s) - start ))s)"; fi
done
wait "$build"
log "Built in $(( $(date +%s) - start ))s"

mkdir -p "$stage/crds"
cp "$src"/deploy/crds/crd-*.yaml "$stage/crds/"
rm -rf "$out/bin" "$out/crds"
mv "$stage/bin" "$out/bin"
mv "$stage/crds" "$out/crds"
echo "$stamp" >"$out/stamp"
log "Cached in $out"
echo "$out"
