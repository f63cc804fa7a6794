/**
 * A benchmark part that needs the machine's Docker: skipped with the reason when `why` names one;
 * otherwise measured with a cleanup stack that runs at the end, on failure and on Ctrl-C.
 */
import { cleanupStack } from './cleanup.js';

export async function runPart(print, why, measure) {
  if (why) {
    print(`  skipped: ${why}`);
    return;
  }
  const cleanup = cleanupStack(print);
  try {
    await measure(print, cleanup);
  } catch (e) {
    print(`  FAILED: ${e.message}`);
    process.exitCode = 1;
  } finally {
    cleanup.run();
  }
}
