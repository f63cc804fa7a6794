/**
 * The same-run baseline for part 1: `terraform plan -refresh=false` with empty state (every resource a
 * create) beside omnitron planning the same graph with empty state, both as whole processes. Two
 * graphs: the flat one Terraform is usually quoted with (5,000 terraform_data, a two-field input), and
 * part 1's synthetic graph (refs, fan-in/fan-out, nested attributes). Skipped without terraform, or
 * with BENCH_TERRAFORM=0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flatStack, syntheticStack } from './lib/synthetic-graph.js';
import { terraformConfig } from './lib/terraform-config.js';
import { fmt, median, nowMs, runChild, table } from './lib/stats.js';
import { which } from './lib/which.js';

const N = 5000;
const CHILD = fileURLToPath(new URL('./plan-time.child.js', import.meta.url));
const GNU_TIME = '/usr/bin/time';
/** The synthetic graph takes Terraform about a minute per plan here, so it runs once. */
const SCENARIOS = [
  { name: 'flat', label: 'flat graph', flag: '--flat', desired: () => flatStack(N).desired, runs: 3 },
  { name: 'synthetic', label: 'part 1 graph', flag: '--creates', desired: () => syntheticStack(N, { withState: false }).desired, runs: 1 },
];

function terraformEnv(dir) {
  const rc = join(dir, 'terraformrc');
  writeFileSync(rc, '');
  return { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: rc, TF_INPUT: '0' };
}

/** One timed `terraform plan`; peak RSS from GNU time when it is installed. */
function timePlan(terraform, dir, env) {
  const rssFile = join(dir, 'rss');
  const argv = [terraform, 'plan', '-refresh=false', '-lock=false', '-input=false', '-no-color'];
  const useTime = existsSync(GNU_TIME);
  const start = nowMs();
  const r = useTime
    ? spawnSync(GNU_TIME, ['-f', '%M', '-o', rssFile, ...argv], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(argv[0], argv.slice(1), { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = nowMs() - start;
  if (r.status !== 0) throw new Error(`terraform plan failed (exit ${r.status}): ${(r.stderr || '').slice(0, 400)}`);
  const rssMb = useTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : NaN;
  return { ms, rssMb };
}

function measureTerraform(terraform, scenario) {
  const dir = mkdtempSync(join(tmpdir(), 'omnitron-bench-tf-'));
  try {
    writeFileSync(join(dir, 'main.tf'), terraformConfig(scenario.desired()));
    const env = terraformEnv(dir);
    const init = spawnSync(terraform, ['init', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`terraform init failed: ${(init.stderr || init.stdout).slice(0, 400)}`);
    const runs = Array.from({ length: scenario.runs }, () => timePlan(terraform, dir, env));
    return { ms: median(runs.map((r) => r.ms)), rssMb: median(runs.map((r) => r.rssMb)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureOmnitron(scenario) {
  const walls = [];
  const rss = [];
  for (let i = 0; i < 3; i++) {
    const start = nowMs();
    const r = await runChild(CHILD, [String(N), scenario.flag, '--once']);
    walls.push(nowMs() - start);
    rss.push(r.rssMb);
  }
  const timed = await runChild(CHILD, [String(N), scenario.flag]);
  return { processMs: median(walls), rssMb: median(rss), planMs: timed.ms };
}

async function rowsFor(terraform, scenario) {
  const tf = measureTerraform(terraform, scenario);
  const om = await measureOmnitron(scenario);
  const runs = scenario.runs === 1 ? '1 run' : `median of ${scenario.runs}`;
  return [
    [`terraform, ${scenario.label} (${runs})`, fmt(tf.ms / 1000, 2), fmt(tf.rssMb, 0), '-', ''],
    [`omnitron, ${scenario.label} (median of 3)`, fmt(om.processMs / 1000, 2), fmt(om.rssMb, 0), fmt(om.planMs),
      `terraform/omnitron: ${fmt(tf.ms / om.processMs, 1)}x time, ${fmt(tf.rssMb / om.rssMb, 1)}x RSS`],
  ];
}

export async function terraformBaseline(print) {
  const terraform = which('terraform');
  if (!terraform || process.env.BENCH_TERRAFORM === '0') {
    print(`  Terraform baseline: skipped (${terraform ? 'BENCH_TERRAFORM=0' : 'terraform is not installed'})`);
    return;
  }
  print(`\n  Same-run baseline: ${N} resources, empty state (all creates), whole processes`);
  print('  (terraform plan -refresh=false -lock=false; omnitron = node start, build the graph, makePlan once)');
  const rows = [];
  for (const scenario of SCENARIOS) rows.push(...(await rowsFor(terraform, scenario)));
  print(table(['', 'process s', 'peak RSS MB', 'makePlan ms', ''], rows).split('\n').map((l) => `  ${l}`).join('\n'));
}
