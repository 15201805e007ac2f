/** Ctrl-C for streaming commands: the first SIGINT/SIGTERM asks the command to finish cleanly, a second one ends it at once. */

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Stops listening, so a finished command does not keep handlers behind. */
  dispose(): void;
}

/** Exit status of a process ended by a second Ctrl-C: 128 + SIGINT, as shells report it. */
const forcedExitCode = 130;

export function onInterrupt(): Interrupt {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(forcedExitCode);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
