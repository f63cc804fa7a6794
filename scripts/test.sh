#!/usr/bin/env bash
# Every test: type check, unit tests (seconds, no Docker), then integration and end-to-end tests against
# a real Docker engine with locally built images. Safe on a fresh machine: it starts what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
export TESTCONTAINERS_RYUK_DISABLED=true

echo "== type check and build"
tsc -p tsconfig.tests.json
node scripts/clean-dist.mjs && node lua/embed.mjs --check && tsc -p tsconfig.json && node scripts/bundle.mjs
echo "== unit tests"
vitest run --project unit
echo "== test bed (dockerd, local images)"
bash scripts/ensure-docker.sh
bash scripts/build-images.sh
echo "== integration and end-to-end tests"
vitest run --project integration
