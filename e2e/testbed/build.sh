#!/usr/bin/env bash
# Builds the e2e control plane (etcd, kube-apiserver, kube-controller-manager,
# kubectl) and helm once, into a cache keyed by version outside the repo, and
# reuses them on later runs. Prints the bin directory as its last line.
#
#   bash e2e/testbed/build.sh            build or reuse
#   REDIS_CRDT_REBUILD=1 bash ...        force a rebuild
#
# A cold build takes many minutes on two cores; a warm run takes about a second.
set -euo pipefail

KUBE_VERSION=v1.33.13   # must match go.mod's require and replace lines
HELM_VERSION=v3.18.6    # the Helm minor built against client-go v0.33
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${REDIS_CRDT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-crdt}"
out="$cache_root/k8s-$KUBE_VERSION"
bin="$out/bin"
binaries=(etcd kube-apiserver kube-controller-manager kubectl helm)

log() { printf '[testbed %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
command -v go >/dev/null || { log "Go >= 1.24 is required to build the e2e testbed (https://go.dev/dl/)"; exit 1; }

# The stamp covers everything that changes the output, so editing go.mod/go.sum
# or this script's versions invalidates the cache without a manual wipe.
stamp="$(cat "$here/go.mod" "$here/go.sum" "$here/cmd/etcd/main.go" | sha256sum | cut -c1-16)-$HELM_VERSION-$(go env GOVERSION)"

have_all() {
  [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] || return 1
  for b in "${binaries[@]}"; do [ -x "$bin/$b" ] || return 1; done
}

# One build at a time per machine: a second caller (another bed, another
# engineer) waits and then reuses the first one's result.
mkdir -p "$cache_root"
exec 9>"$cache_root/build.lock"
if ! flock -n 9; then
  log "Another build of the testbed is running; waiting for it"
  flock 9
fi

if [ -z "${REDIS_CRDT_REBUILD:-}" ] && have_all; then
  log "Reusing binaries in $bin"
  echo "$bin"
  exit 0
fi

mkdir -p "$bin"
rm -f "$out/stamp"

# Build into a staging directory and move into place only on success, so an
# interrupted build never leaves a half-written binary that looks cached.
stage="$(mktemp -d "$out/stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

export GOFLAGS="-mod=readonly -trimpath"
export CGO_ENABLED=0
# The same values hack/lib/version.sh stamps, so clients print v1.33.x rather than v0.0.0-master.
minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
vflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  vflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  vflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
ldflags="-s -w$vflags"

cd "$here"
log "Downloading Go modules for Kubernetes $KUBE_VERSION (first run only)"
go mod download

# One `go build` per binary, sequentially: each link needs a few GB, so
# parallel links would only thrash; later builds reuse the shared packages.
build() {
  local name="$1" pkg="$2" start=$SECONDS
  log "Building $name ($pkg)"
  go build -ldflags "$ldflags" -o "$stage/$name" "$pkg"
  log "Built $name in $((SECONDS - start))s"
}
build etcd ./cmd/etcd
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
build kubectl k8s.io/kubernetes/cmd/kubectl

# Helm has no replace directives, so a plain `go install` at a tag works; it
# runs outside this module so its own go.mod and go.sum decide its dependencies.
start=$SECONDS
log "Building helm $HELM_VERSION"
(cd / && GOFLAGS=-trimpath GOBIN="$stage" go install \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
log "Built helm in $((SECONDS - start))s"

for b in "${binaries[@]}"; do mv -f "$stage/$b" "$bin/$b"; done
echo "$stamp" > "$out/stamp"
"$bin/kube-apiserver" --version >&2
log "Binaries ready in $bin"
echo "$bin"
