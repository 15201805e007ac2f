/**
 * The bench's child processes: Bistro and the baseline pinned to CPU 0, the load generator pinned
 * to CPU 1 (taskset), so server and client never compete for a core. Without taskset, or with
 * one core, everything runs unpinned and the results say so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoadConfig, LoadResult } from './load.ts';
import { stopProcess } from '../src/lab/processes.ts';

export { cpuSeconds, stopProcess, waitForLine } from '../src/lab/processes.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const serverCpu = 0;
export const loadCpu = 1;

export interface Pinning {
  pinned: boolean;
  /** Why not, when not. */
  reason?: string;
}

let pinning: Pinning | undefined;

export function detectPinning(): Pinning {
  if (pinning) return pinning;
  if (availableParallelism() < 2) pinning = { pinned: false, reason: 'fewer than 2 CPUs' };
  else if (spawnSync('taskset', ['-c', '0', 'true']).status !== 0) pinning = { pinned: false, reason: 'taskset is missing or may not pin' };
  else pinning = { pinned: true };
  return pinning;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `node --import tsx <args>` on `cpu` (when pinning works), with piped stdin, stdout and stderr. */
export function spawnNode(cpu: number, nodeArgs: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const args = ['--import', 'tsx', ...nodeArgs];
  const options = { cwd: repoRoot, env, stdio: 'pipe' as const };
  const child = detectPinning().pinned ? spawn('taskset', ['-c', String(cpu), process.execPath, ...args], options) : spawn(process.execPath, args, options);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}




/** The load generator's process on the load CPU, kept for every run of a bench. */
export class LoadWorker {
  #child = spawnNode(loadCpu, ['bench/load.ts']);
  #lines = createInterface({ input: this.#child.stdout ?? process.stdin });
  #stderr = '';

  constructor() {
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-2000)));
  }

  async run(config: LoadConfig): Promise<LoadResult> {
    // Both listeners go when the run ends, so many runs (several baselines) pile up no listeners.
    const done = new AbortController();
    const answer = Promise.race([
      once(this.#lines, 'line', { signal: done.signal }) as Promise<[string]>,
      once(this.#child, 'exit', { signal: done.signal }).then(([code]) => {
        throw new Error(`load generator exited with ${String(code)}: ${this.#stderr}`);
      }),
    ]);
    this.#child.stdin?.write(`${JSON.stringify(config)}\n`);
    const [line] = await answer.finally(() => done.abort());
    const result = JSON.parse(line) as LoadResult | { error: string };
    if ('error' in result) throw new Error(`load generator failed: ${result.error}`);
    return result;
  }

  async close(): Promise<void> {
    this.#child.stdin?.end();
    await stopProcess(this.#child);
  }
}
