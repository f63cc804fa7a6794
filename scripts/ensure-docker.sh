#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine: install Debian's engine and start it when none runs.
# Idempotent; safe to call from the demo, CI and tests.
set -euo pipefail

if docker info >/dev/null 2>&1; then exit 0; fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "omnitron: no Docker engine and not root; install docker.io (or start Docker) and retry" >&2
    exit 1
  fi
  echo "omnitron: installing Debian's docker.io ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io debootstrap >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "omnitron: starting dockerd ..." >&2
  nohup dockerd >/var/log/dockerd.log 2>&1 &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 0.5
done
echo "omnitron: dockerd did not become ready in 30 s; see /var/log/dockerd.log" >&2
exit 1
