/**
 * Cleanup steps registered as resources are made and run in reverse, synchronously, once: at the end
 * of a part, or on Ctrl-C/SIGTERM, so an interrupted benchmark leaves no containers behind.
 */
export function cleanupStack(print) {
  const steps = [];
  let done = false;
  const runAll = () => {
    if (done) return;
    done = true;
    for (const { what, fn } of steps.reverse()) {
      try {
        fn();
      } catch (e) {
        print(`  warning: cleanup "${what}" failed: ${e.message}`);
      }
    }
  };
  const onSignal = (signal) => {
    print(`\n  ${signal}: cleaning up before exit`);
    runAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    add: (what, fn) => steps.push({ what, fn }),
    run: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      runAll();
    },
  };
}
