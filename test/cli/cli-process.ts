/** Runs the `bistro` command line as a real child process, the way a person or a script would. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Complete stdout lines so far. */
  lines(): string[];
  /** Resolves with the first stdout line `test` accepts; rejects with everything printed when it does not come in time. */
  waitForLine(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves once the process has exited. */
  exited(): Promise<CliResult>;
  /** Sends `signal` (unless it is gone) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/** The environment a CLI test starts from: no BISTRO_URL/BISTRO_TOKEN leaking in from the shell, no colour. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete base['BISTRO_URL'];
  delete base['BISTRO_TOKEN'];
  return { ...base, ...env };
}

/** Starts `node --import tsx src/cli.ts …args`, or `node bin/bistro.js …args` with `viaBin`, or npm start's `node dist/cli.js …args` with `compiled`. */
export function startCli(args: readonly string[], options: { env?: Record<string, string>; viaBin?: boolean; compiled?: boolean } = {}): CliProcess {
  const entry = options.compiled === true ? ['dist/cli.js'] : options.viaBin === true ? ['bin/bistro.js'] : ['--import', 'tsx', 'src/cli.ts'];
  const child = spawn(process.execPath, [...entry, ...args], { cwd: repoRoot, env: cleanEnv(options.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close', not 'exit': it comes after stdout and stderr have been read to their end.
  const exit = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr }));
  const lines = () => stdout.split('\n').slice(0, -1);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    lines,
    exited: () => exit,
    async waitForLine(test, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = lines().find(test);
        if (line !== undefined) return line;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no such line within ${timeoutMs} ms (exit ${child.exitCode}); stdout:\n${stdout}\nstderr:\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}

/** Runs a command to its end (killed past `timeoutMs`), with `input` on its stdin. */
export async function runCli(args: readonly string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number; viaBin?: boolean } = {}): Promise<CliResult> {
  const cli = startCli(args, options);
  cli.child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  try {
    return await cli.exited();
  } finally {
    clearTimeout(timer);
  }
}

/** Each stdout line parsed as JSON; a line that is not JSON fails with the whole output. */
export function jsonLines(result: Pick<CliResult, 'stdout' | 'stderr'>): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever each command prints
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`not a JSON line: ${line}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
      }
    });
}
