/**
 * Part 1: makePlan time and peak RSS for synthetic stacks of 1,000 / 5,000 / 10,000 resources, each
 * size in a fresh process, with growth against the 1,000 figure; then, when terraform is installed,
 * Terraform's own plan of 5,000 terraform_data resources measured in the same run as the baseline.
 */
import './lib/node24.js';
import { fileURLToPath } from 'node:url';
import { fmt, nowMs, runChild, table, verdict } from './lib/stats.js';
import { terraformBaseline } from './terraform-baseline.js';

const CHILD = fileURLToPath(new URL('./plan-time.child.js', import.meta.url));
const SIZES = [1000, 5000, 10000];
const TARGET = { ms5000: 600, ms10000: 2000, mb10000: 300 };

function nLogN(n) {
  return n * Math.log(n);
}

function targetsFor(r, base) {
  const growth = r.ms / base.ms;
  const out = [];
  if (r.n > base.n) out.push(`growth ${verdict(growth <= nLogN(r.n) / nLogN(base.n))}`);
  if (r.n === 5000) out.push(`<=${TARGET.ms5000} ms ${verdict(r.ms <= TARGET.ms5000)}`);
  if (r.n === 10000) out.push(`<2 s ${verdict(r.ms < TARGET.ms10000)}`, `<${TARGET.mb10000} MB ${verdict(r.rssMb < TARGET.mb10000)}`);
  return out.join(', ') || '-';
}

function row(r, base) {
  return [
    r.n, fmt(r.ms), fmt((r.ms / r.n) * 1000, 1), fmt(r.rssMb, 0), fmt(r.processS, 2),
    fmt(r.ms / base.ms, 2), fmt(r.n / base.n, 2), fmt(nLogN(r.n) / nLogN(base.n), 2), targetsFor(r, base),
  ];
}

function mix(counts) {
  return ['noop', 'update', 'replace', 'create', 'delete'].map((a) => `${counts[a] ?? 0} ${a}`).join(', ');
}

export async function planTimePart(print) {
  print('Part 1: plan time and peak RSS, synthetic stack, in-memory provider, no refresh');
  const results = [];
  for (const n of SIZES) {
    const start = nowMs();
    const r = await runChild(CHILD, [String(n)]);
    results.push({ ...r, processS: (nowMs() - start) / 1000 });
  }
  const base = results[0];
  print(table(
    ['n', 'plan ms', 'µs/res', 'peak RSS MB', 'process s', 't(n)/t(1k)', 'n/1k', 'nlogn/1k', 'targets'],
    results.map((r) => row(r, base)),
  ));
  print(`  mix at ${results.at(-1).n}: ${mix(results.at(-1).counts)}; plan ms = median makePlan after 2 warm-ups;`);
  print('  peak RSS = the child process maxRSS, synthetic inputs and every timed plan included; process s = whole child (start, build inputs, all runs)');
  await terraformBaseline(print);
  return results;
}
