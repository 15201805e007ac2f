/**
 * The bench's child processes: Bistro and the baseline pinned to CPU 0, the load generator pinned
 * to CPU 1 (taskset), so server and client never compete for a core. Without taskset, or with
 * one core, everything runs unpinned and the results say so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoadConfig, LoadResult } from './load.ts';

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

/** Resolves with the first stdout match of `pattern`; rejects if the child exits or is too slow first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    const onOut = (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = pattern.exec(stdout);
      if (match) finish(() => resolve(match));
    };
    const onErr = (chunk: Buffer) => {
      stderr += chunk.toString();
    };
    const onExit = (code: number | null) => fail(new Error(`exited with ${code} before printing ${pattern}`));
    function finish(then: () => void) {
      clearTimeout(timer);
      child.stdout?.off('data', onOut);
      child.off('exit', onExit);
      then();
    }
    function fail(error: Error) {
      finish(() => reject(new Error(`${error.message}\n${stderr.slice(-2000)}`)));
    }
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

/** SIGTERM (so a --cpu-prof profile gets written), then SIGKILL if it lingers. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** CPU seconds a process has used so far (Linux /proc); null where that cannot be read. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which may hold spaces) start at the state, field 3; utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
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
