/**
 * Ctrl-C for streaming commands: the first SIGINT (or SIGTERM, or SIGHUP when the terminal closes)
 * asks the command to finish cleanly, e.g. delete its webhook endpoint; a second one ends it at once.
 */

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Stops listening, so a finished command does not keep handlers behind. */
  dispose(): void;
}

/** Exit status of a process ended by a second Ctrl-C: 128 + SIGINT, as shells report it. */
const forcedExitCode = 130;
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function onInterrupt(): Interrupt {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(forcedExitCode);
    controller.abort();
  };
  for (const signal of signals) process.on(signal, handler);
  return {
    signal: controller.signal,
    dispose() {
      for (const signal of signals) process.off(signal, handler);
    },
  };
}
