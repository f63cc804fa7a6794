#!/usr/bin/env bash
# Brings examples/platform's dev stack up for real on this machine: starts Docker if needed, builds
# the local images (no registry is reachable), then plan → apply → plan again (which must be empty).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/build-images.sh debian postgres redis
node lua/embed.mjs --check && tsc -p tsconfig.json && node scripts/bundle.mjs
config=examples/platform/omnitron.config.ts
node dist/cli/main.js apply -c "$config" --stack dev --auto-approve
echo
echo "== a second plan should find nothing to do"
node dist/cli/main.js plan -c "$config" --stack dev --detailed-exitcode
