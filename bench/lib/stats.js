/** Small helpers shared by the benchmark parts: timing, medians, formatting, child processes. */
import { spawn } from 'node:child_process';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `fn` `warmup` times untimed, then `runs` times; returns every timed run in ms. */
export async function timeRuns(fn, { warmup, runs }) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = nowMs();
    await fn();
    times.push(nowMs() - start);
  }
  return times;
}

export function peakRssMb() {
  return process.resourceUsage().maxRSS / 1024;
}

export function fmt(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

export function verdict(ok) {
  return ok ? 'PASS' : 'MISS';
}

/** Left-aligned text table; every row is an array of cells. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

/** Runs a bench script in a fresh Node process; it prints one JSON line on stdout as its result. */
export function runChild(script, args = [], options = {}) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${script} ${args.join(' ')} exited with code ${code}`));
      try {
        done(JSON.parse(out.trim().split('\n').pop()));
      } catch (e) {
        fail(new Error(`${script} printed no JSON result: ${e.message}`));
      }
    });
  });
}
