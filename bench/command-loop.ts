/**
 * How the bench's child processes (load generator, push clients, webhook receiver) take orders:
 * one JSON command per stdin line, one JSON answer per stdout line, in order. One process serves
 * every round of a bench, so a round does not pay for starting it.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** True when `moduleUrl` is the script node was started with (not imported by another). */
export function isMain(moduleUrl: string): boolean {
  return moduleUrl === pathToFileURL(process.argv[1] ?? '').href;
}

/** Answers each command line with `handle`'s result (or `{ error }`); runs `onClose` once stdin ends. */
export function answerCommands<C>(handle: (command: C) => Promise<unknown>, onClose?: () => unknown): void {
  const lines = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      const answer = await handle(JSON.parse(line) as C).catch((error: unknown) => ({ error: String(error) }));
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    });
  });
  if (onClose) lines.on('close', () => void queue.then(onClose));
}
