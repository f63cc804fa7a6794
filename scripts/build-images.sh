#!/usr/bin/env bash
# Build the local images the demo and tests use (no container registry is reachable here).
# Each image carries a label with the hash of its recipe and is rebuilt only when the recipe changes.
# Usage: build-images.sh [debian|postgres|redis|node|node-bare|apt-cache|tor|s3rver ...]   (default: all)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
images="$here/images"

recipe_hash() { (cd "$images/$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }
built_hash() { docker image inspect -f '{{ index .Config.Labels "omnitron.recipe-hash" }}' "$1" 2>/dev/null || true; }

build_debian() {
  local tag=omnitron-local/debian:bookworm hash; hash=$(recipe_hash debian)
  [ "$(built_hash $tag)" = "$hash" ] && return 0
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  # shellcheck disable=SC1091
  . "$images/debian/recipe"
  local root; root=$(mktemp -d /var/tmp/omnitron-rootfs.XXXXXX)
  echo "building $tag (debootstrap, about a minute) ..." >&2
  debootstrap --variant="$variant" --include="$include" "$suite" "$root" http://deb.debian.org/debian >/var/tmp/omnitron-debootstrap.log 2>&1 \
    || { echo "debootstrap failed; see /var/tmp/omnitron-debootstrap.log" >&2; exit 1; }
  tar -C "$root" -c . | docker import -c "LABEL omnitron.recipe-hash=$hash" -c 'CMD ["/bin/bash"]' - "$tag" >/dev/null
  rm -rf "$root"
}

# A recipe's hash covers the recipes it builds FROM (debian, and any further bases named after the tag).
build_dockerfile() {
  local name=$1 tag=$2 hash base; shift 2
  hash=$(recipe_hash "$name")-$(recipe_hash debian)
  for base in "$@"; do hash=$hash-$(recipe_hash "$base"); done
  [ "$(built_hash "$tag")" = "$hash" ] && return 0
  echo "building $tag ..." >&2
  docker build -q --label "omnitron.recipe-hash=$hash" -t "$tag" "$images/$name" >/dev/null
}

# The npm registry may sit behind a TLS proxy that the host trusts: the build gets the host's CA bundle
# (outside the recipe hash) for its npm install only.
build_with_host_ca() {
  local name=$1 tag=$2 hash ctx; hash=$(recipe_hash "$name")-$(recipe_hash debian)
  [ "$(built_hash "$tag")" = "$hash" ] && return 0
  echo "building $tag ..." >&2
  ctx=$(mktemp -d /var/tmp/omnitron-image.XXXXXX)
  cp -r "$images/$name/." "$ctx/"
  cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/host-ca.crt"
  docker build -q --label "omnitron.recipe-hash=$hash" -t "$tag" "$ctx" >/dev/null || { rm -rf "$ctx"; return 1; }
  rm -rf "$ctx"
}

want=${*:-debian postgres redis node-bare node apt-cache tor s3rver}
build_debian
for image in $want; do
  case $image in
    debian) ;;
    postgres) build_dockerfile postgres omnitron-local/postgres:15 ;;
    redis) build_dockerfile redis omnitron-local/redis:7 ;;
    node-bare) build_dockerfile node-bare omnitron-local/node-bare:bookworm ;;
    node) build_dockerfile node-bare omnitron-local/node-bare:bookworm
          build_dockerfile node omnitron-local/node:bookworm node-bare ;;
    apt-cache) build_dockerfile apt-cache omnitron-local/apt-cache:bookworm ;;
    tor) build_dockerfile tor omnitron-local/tor:bookworm ;;
    s3rver) build_with_host_ca s3rver omnitron-local/s3rver:3 ;;
    *) echo "unknown image $image" >&2; exit 2 ;;
  esac
done
