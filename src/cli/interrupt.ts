/**
 * An AbortSignal that fires on SIGINT/SIGTERM so long operations stop cleanly and can be resumed.
 * A second SIGINT exits at once with code 130.
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    count += 1;
    if (count > 1 && sig === 'SIGINT') process.exit(130);
    if (!controller.signal.aborted) {
      process.stderr.write(`\n${sig}: stopping cleanly (press Ctrl-C again to force)…\n`);
      controller.abort(new Error(sig));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
