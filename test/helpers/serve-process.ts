/** Runs `bistro serve` as a real child process (for crash and restart tests) and reads its URL from what it prints. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Sends `signal` and resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node --import tsx src/cli.ts serve` on an ephemeral port; rejects with its output if it exits or stays silent. */
export async function startServeProcess(env: Record<string, string>, startTimeoutMs = 30_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: repoRoot,
    // As startTestNode: rate limits on with a budget no test reaches, lag-based shedding off.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', BISTRO_LOG_LEVEL: 'warn', BISTRO_RATE_LIMIT: '1000000000', BISTRO_MAX_EVENT_LOOP_DELAY_MS: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit');

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`bistro serve printed no URL within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
    const onData = () => {
      const match = /Bistro serving (http:\/\/\S+)/.exec(output);
      if (match?.[1]) finish(() => resolve(match[1]!));
    };
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`bistro serve exited (${code ?? signal}) before serving:\n${output}`));
    function finish(then: () => void) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      then();
    }
    function fail(error: Error) {
      finish(() => reject(error));
      child.kill('SIGKILL');
    }
    child.stdout.on('data', onData);
    child.on('exit', onExit);
  });

  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** A JSON request to a served process: a bearer token, a JSON body (POST) or none (GET); the body parsed. */
export async function callServe(base: string, path: string, init: { token?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers['authorization'] = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, { method: init.json === undefined ? 'GET' : 'POST', headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}
