/**
 * The command line of every process on this machine, sampled over and over while something runs (an
 * apply): what `ps -eo args` would show any user at any moment. Containers, bare-metal node
 * containers included, share this machine's kernel, so their processes (sshd sessions, the probe,
 * psql, redis-server) are sampled too. Sampling needs no timing to be meaningful: each distinct
 * command line is kept, and the caller greps them all afterwards.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CommandLineSamples {
  /** Distinct command lines seen (argv joined with spaces). */
  lines: Set<string>;
  /** How many full passes over /proc were made. */
  passes: number;
}

async function commandLines(): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  const lines = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`).then((b) => b.toString('utf8').split('\0').join(' ').trim(), () => '')));
  return lines.filter(Boolean);
}

/** Samples until the returned stop() is called; stop() resolves with everything seen. */
export function sampleCommandLines(): { stop(): Promise<CommandLineSamples> } {
  const samples: CommandLineSamples = { lines: new Set(), passes: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const line of await commandLines()) samples.lines.add(line);
      samples.passes++;
      await sleep(5);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}
