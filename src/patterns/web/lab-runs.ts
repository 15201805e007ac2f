/**
 * The web UI's Lab page runs a small Pattern Lab here: `POST /lab/runs` starts `bistro lab --ndjson`
 * as a child process, `GET /lab/runs/current` tells its progress and, at the end, its result.
 *
 * A run starts a second Bistro node and up to 50 guests' clients on this machine and takes its CPU
 * for seconds to minutes, so only the admin may start one or read it, one at a time per node. The
 * child (with whatever it starts) is killed when it outlives `maxRunMs` or when this node shuts down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BistroError, compileValidator, type Core } from '../../core/core.ts';
import { labPatterns, type LabProgress, type LabResult, type LabRunView } from '../../lab/lab-result.ts';
import { bistroCommand } from '../../lab/self-command.ts';

export const LabRunRequest = Type.Object(
  {
    guests: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
    paceMs: Type.Integer({ minimum: 50, maximum: 5000, default: 300 }),
    durationS: Type.Integer({ minimum: 1, maximum: 30, default: 3 }),
    rounds: Type.Integer({ minimum: 1, maximum: 3, default: 1 }),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
    patterns: Type.Optional(Type.Array(Type.Union(labPatterns.map((pattern) => Type.Literal(pattern))), { minItems: 1, maxItems: labPatterns.length, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type LabRunRequest = Static<typeof LabRunRequest>;


/** The `bistro lab` arguments for a request: the page's small workload, as NDJSON on stdout. */
export function labArgs(request: LabRunRequest): string[] {
  // Ten samples a question keep the request side to a few seconds, like the rest of a page's run.
  const args = ['lab', '--ndjson', '--requests', '10', '--guests', String(request.guests), '--pace', String(request.paceMs), '--duration', String(request.durationS), '--rounds', String(request.rounds)];
  if (request.seed !== undefined) args.push('--seed', String(request.seed));
  // In the lab's own order, however they were listed: the result and its charts then read alike run after run.
  if (request.patterns !== undefined) args.push('--patterns', labPatterns.filter((pattern) => request.patterns?.includes(pattern)).join(','));
  return args;
}

/** The end of what the child wrote to stderr, for a failure that printed no `{"error"}` line. */
const stderrKeptChars = 2000;
/** After SIGTERM, how long the child may take to stop its node before it is killed outright. */
const killGraceMs = 5000;

export interface LabRunOptions {
  /** Longest a run may take before it is killed and failed. @default 5 minutes */
  maxRunMs?: number;
}

interface Run extends LabRunView {
  id: string;
  child: ChildProcess | null;
  exited: Promise<void>;
}

/** Ends the child and everything it started: it leads its own process group (`detached`), so the group is signalled. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

async function requireAdmin(core: Core, request: FastifyRequest): Promise<void> {
  const principal = await core.authenticateHeader(request.headers.authorization);
  if (principal.role === 'anonymous') throw new BistroError('unauthorized', 'Lab runs are for the admin: send the admin token as `Authorization: Bearer <token>`.');
  if (principal.role !== 'admin') throw new BistroError('forbidden', `A ${principal.role} may not run the lab: it starts a node and clients on this machine, so it is for the admin.`);
}

export function registerLabRuns(app: FastifyInstance, core: Core, { maxRunMs = 5 * 60_000 }: LabRunOptions = {}): void {
  const validate = compileValidator(LabRunRequest);
  let current: Run | undefined;

  function start(request: LabRunRequest): Run {
    const { command, args, cwd } = bistroCommand(labArgs(request));
    // Its own process group, so a kill reaches the node and clients the lab starts as well.
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-stderrKeptChars);
    });
    let finished!: () => void;
    const run: Run = {
      id: `lab_${randomBytes(12).toString('base64url')}`,
      state: 'running',
      progress: null,
      result: null,
      error: null,
      child,
      exited: new Promise((resolve) => (finished = resolve)),
    };
    const fail = (message: string) => {
      if (run.state !== 'running') return;
      run.state = 'failed';
      run.error = message;
    };

    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      let message: { progress?: LabProgress; result?: LabResult; error?: { message?: string } };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return app.log.warn({ line: line.slice(0, 200) }, 'lab run: a line that is not JSON');
      }
      if (message.progress) run.progress = message.progress;
      if (message.result) run.result = message.result;
      if (message.error) fail(message.error.message ?? 'The lab failed without saying why.');
    });

    const timer = setTimeout(() => {
      fail(`The run took longer than ${Math.round(maxRunMs / 1000)} s and was stopped.`);
      void stop(run);
    }, maxRunMs);
    timer.unref();

    child.on('error', (error) => fail(`The lab could not start: ${error.message}`));
    // `close`, not `exit`: stdout has been read to its end, so a last result line is not lost.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (run.state === 'running') {
        if (code === 0 && run.result) run.state = 'done';
        else fail(code === 0 ? 'The lab ended without a result.' : `The lab ended with ${signal ?? `exit code ${code}`}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : '.'}`);
      }
      run.child = null;
      finished();
    });
    return run;
  }

  function stop(run: Run): Promise<void> {
    const child = run.child;
    if (!child) return run.exited;
    signalGroup(child, 'SIGTERM');
    const hard = setTimeout(() => signalGroup(child, 'SIGKILL'), killGraceMs);
    return run.exited.finally(() => clearTimeout(hard));
  }

  const view = (run: Run | undefined): LabRunView =>
    run ? { id: run.id, state: run.state, progress: run.progress, result: run.result, error: run.error } : { id: null, state: 'none', progress: null, result: null, error: null };

  app.post('/lab/runs', async (request, reply) => {
    await requireAdmin(core, request);
    const input = (request.body ?? {}) as Record<string, unknown>;
    // Fills in the defaults, so `input` is a whole request from here on.
    validate(input);
    if (current?.state === 'running') throw new BistroError('lab_run_in_progress', `Lab run ${current.id} is still going on; follow it at GET /lab/runs/current and start the next when it has ended.`);
    current = start(input as LabRunRequest);
    return reply.code(202).send({ id: current.id, state: current.state });
  });

  app.get('/lab/runs/current', async (request) => {
    await requireAdmin(core, request);
    return view(current);
  });

  app.addHook('onClose', async () => {
    if (!current) return;
    const run = current;
    if (run.state === 'running') {
      run.state = 'failed';
      run.error = 'The node shut down during the run.';
    }
    await stop(run);
  });
}
