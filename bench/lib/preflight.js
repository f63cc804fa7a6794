/** Why a Docker-backed part cannot run here, as a sentence for its "skipped:" line (undefined when it can). */
import { spawnSync } from 'node:child_process';

function firstLine(text) {
  return (text || '').trim().split('\n').find((l) => l.trim()) ?? '';
}

/** The engine answers within 5 s and has every one of `images` (built locally by `buildHint`). */
export async function dockerProblem(docker, images, buildHint) {
  const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error('no answer within 5 s')), 5000).unref());
  try {
    await Promise.race([docker.ping(), timeout]);
  } catch (e) {
    return `Docker is unavailable (${e.message}); start it with bash scripts/ensure-docker.sh`;
  }
  const have = new Set((await docker.listImages()).flatMap((i) => i.RepoTags ?? []));
  const missing = images.filter((i) => !have.has(i));
  if (missing.length === 0) return undefined;
  return `image${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing; build with ${buildHint}`;
}

/** `node dist/cli/main.js --help` exits 0. */
export function cliProblem(cli) {
  const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  return `the omnitron CLI does not run yet (node dist/cli/main.js --help exited ${r.status}: ${firstLine(r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr)})`;
}
