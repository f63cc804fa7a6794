#!/usr/bin/env bash
# Brings examples/platform's dev stack up for real on this machine: starts Docker if needed, builds
# the local images (no registry is reachable), then plan → apply → plan again (which must be empty).
# The apps keep running afterwards, under the omnitron agent in the background, until `destroy`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/build-images.sh debian postgres redis s3rver gateway
node lua/embed.mjs --check && tsc -p tsconfig.json && node scripts/bundle.mjs
config=examples/platform/omnitron.config.ts
node dist/cli/main.js apply -c "$config" --stack dev --auto-approve
echo
echo "== a second plan should find nothing to do"
node dist/cli/main.js plan -c "$config" --stack dev --detailed-exitcode
echo
echo "== the apps, run by the omnitron agent in the background (pid $(cat examples/platform/.omnitron/dev/agent/agent.pid))"
# The ports are the ones examples/platform/omnitron.config.ts gives its apps (env PORT).
node --input-type=module -e '
const apps = { auth: 3101, media: 3102, analytics: 3103, ledger: 3104, realtime: 3105 };
let failed = 0;
for (const [app, port] of Object.entries(apps)) {
  const url = `http://127.0.0.1:${port}/health`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    console.log(`  ${app.padEnd(10)} ${url}  ${res.status} ${await res.text()}`);
    if (!res.ok) failed++;
  } catch (err) {
    console.log(`  ${app.padEnd(10)} ${url}  no answer (${err.cause?.code ?? err.message})`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
'
cli="npx omnitron"
cat <<EOF

== try
  curl http://127.0.0.1:3104/health                 (ledger, wired to Postgres and Redis)
  $cli status -c $config
  $cli logs ledger -c $config
  kill -9 <an app pid from status>                  (the agent restarts it)
  $cli plan -c $config --detailed-exitcode
                                                    (exit 2 while an app is not running as configured)
  $cli destroy -c $config --auto-approve
                                                    (stops the agent and its apps, removes the containers)
EOF
