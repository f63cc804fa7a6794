/**
 * The one error boundary. User errors print their diagnostics and exit 1 without a stack trace;
 * anything unexpected says so, asks for a report, and shows the stack only with --verbose.
 */
import * as z from 'zod';
import { UserError } from '../planner/diagnostics.js';
import { ProviderError } from '../planner/resource.js';
import { buildProgram, createOutput, type Run } from './program.js';
import { normalizeArgv } from './terraform-flags.js';
import { renderDiagnostics } from './views/diagnostics-text.js';
import { profiling, recordedSpans } from '../planner/timing.js';
import { renderProfile } from './profile-report.js';
import { dropOutputWhenReaderCloses } from './closed-output.js';

// zod compiles a fast path for each schema on first use; a CLI run parses most schemas once, so compiling costs more than it saves.
z.config({ jitless: true });

dropOutputWhenReaderCloses(process.stdout);
dropOutputWhenReaderCloses(process.stderr);

const verbose = process.argv.includes('--verbose');
const loadedMs = profiling() ? performance.now() : 0;

async function execute(run: Run, color: boolean): Promise<void> {
  const out = createOutput({ color });
  let code: number;
  try {
    code = await run(out);
  } catch (err) {
    code = 1;
    reportError(err, out.color && Boolean(process.stderr.isTTY));
  }
  process.exitCode = code;
  if (profiling()) process.stderr.write(renderProfile(recordedSpans(), loadedMs, performance.now()));
  // The work is done and said. Waiting for the event loop to drain would only wait for drivers' keep-alive
  // sockets and for V8 to finish a garbage collection nobody needs: ~15 ms of a no-op plan.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/** Settles once what was written to `stream` has reached the OS (pipes are asynchronous on some platforms). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => { stream.write('', () => resolve()); });
}

function reportError(err: unknown, color: boolean): void {
  if (err instanceof UserError) {
    process.stderr.write(`\n${renderDiagnostics(err.diagnostics, { color })}\n`);
  } else if (err instanceof ProviderError) {
    process.stderr.write(`\nError: ${err.address}: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`\nError: unexpected failure: ${message}\n  This is a bug in omnitron; please report it${verbose ? '.' : ' (run with --verbose to include the stack trace).'}\n`);
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
}

const program = buildProgram((run, color) => execute(run, color));
program.exitOverride((err) => { process.exit(err.exitCode); });
/**
 * Settles when the command has finished. Handed back rather than awaited here: the bundle is a script,
 * which cannot await at its top level (cli/bundle-loader.ts); dist/cli/main.js awaits it instead.
 */
export const finished: Promise<unknown> = program.parseAsync(normalizeArgv(process.argv.slice(2)), { from: 'user' });
