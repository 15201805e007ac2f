/**
 * The nodes a lab run measures: its own (one on a temporary SQLite file, or several on a fresh
 * PostgreSQL schema and Redis), pinned to CPU 0 while the lab's clients keep to CPU 1, or a node
 * someone else runs (`--url`), whose process the lab cannot see.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { LabOptions } from './lab-options.ts';
import type { LabResult, ServerCost } from './lab-result.ts';
import { cpuSeconds, stopProcess, waitForLine } from './processes.ts';
import { bistroCommand } from './self-command.ts';

const serverCpu = 0;
const clientCpu = 1;
const startTimeoutMs = 60_000;

export interface LabTarget {
  kind: LabResult['target']['kind'];
  /** Guest `i` talks to `urls[i % urls.length]`. */
  urls: string[];
  database: string;
  /** The node processes, when they are the lab's own. */
  pids: number[];
  close(): Promise<void>;
}

export interface Pinning {
  pinned: boolean;
  note: string | null;
}

/**
 * Keeps this process (the lab's clients) to CPU 1 so the nodes have CPU 0 to themselves. Where
 * that cannot be done, nothing is pinned and the result says why.
 */
export function pinLabProcess(): Pinning {
  if (availableParallelism() < 2) return { pinned: false, note: 'fewer than 2 CPUs: the nodes and the clients share them' };
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', String(clientCpu), String(process.pid)]);
  if (pinned.status !== 0) return { pinned: false, note: 'taskset is missing or may not pin: the nodes and the clients share the CPUs' };
  return { pinned: true, note: null };
}

/** The limits a real node keeps against one busy address would measure the lab's single host, not the patterns. */
function labNodeEnv(options: LabOptions, adminToken: string): NodeJS.ProcessEnv {
  // None of the caller's own settings: a lab started by a node of a cluster must not join its bus or database.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BISTRO_')));
  return {
    ...inherited,
    PORT: '0',
    HOST: '127.0.0.1',
    BISTRO_ADMIN_TOKEN: adminToken,
    BISTRO_KITCHEN_PACE_MS: String(options.paceMs),
    BISTRO_LOG_LEVEL: 'warn',
    BISTRO_RATE_LIMIT: '0',
    BISTRO_MAX_IN_FLIGHT: '0',
    BISTRO_MAX_EVENT_LOOP_DELAY_MS: '0',
    BISTRO_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
    BISTRO_MAX_CONNECTIONS: '1000000',
    // The lab's webhook receiver listens on 127.0.0.1.
    BISTRO_WEBHOOK_ALLOW_PRIVATE: '1',
  };
}

async function startNode(env: NodeJS.ProcessEnv, pinned: boolean): Promise<{ url: string; child: ChildProcess }> {
  const { command, args, cwd } = bistroCommand(['serve']);
  const child = pinned ? spawn('taskset', ['-c', String(serverCpu), command, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const [, url = ''] = await waitForLine(child, /Bistro serving (http:\/\/\S+)/, startTimeoutMs);
    // Its output is not wanted past this point, but must still be read so it never blocks on a full pipe.
    child.stdout?.resume();
    child.stderr?.resume();
    return { url, child };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

export async function startLabTarget(options: LabOptions, pinning: Pinning): Promise<LabTarget> {
  if (options.url !== undefined) {
    const url = options.url.replace(/\/+$/, '');
    return { kind: 'url', urls: [url], database: 'the node’s own', pids: [], close: async () => {} };
  }
  const adminToken = randomBytes(24).toString('base64url');
  const env = labNodeEnv(options, adminToken);
  if (options.nodes === 1) {
    const dir = mkdtempSync(join(tmpdir(), 'bistro-lab-'));
    try {
      const node = await startNode({ ...env, BISTRO_DB: `sqlite:${join(dir, 'lab.db')}`, BISTRO_KITCHEN: 'auto' }, pinning.pinned);
      return {
        kind: 'own-node',
        urls: [node.url],
        database: 'SQLite (a temporary file)',
        pids: node.child.pid === undefined ? [] : [node.child.pid],
        close: async () => {
          await stopProcess(node.child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const schema = `lab_${randomBytes(6).toString('hex')}`;
  const clusterEnv = { ...env, BISTRO_DB: options.db, BISTRO_DB_SCHEMA: schema, BISTRO_BUS: options.bus };
  // One node first, so it alone creates the schema; one kitchen, so no two cooks race for an order.
  const nodes = [await startNode({ ...clusterEnv, BISTRO_KITCHEN: 'auto' }, pinning.pinned)];
  try {
    for (let number = 1; number < options.nodes; number += 1) nodes.push(await startNode({ ...clusterEnv, BISTRO_KITCHEN: 'manual' }, pinning.pinned));
  } catch (error) {
    await Promise.all(nodes.map((node) => stopProcess(node.child)));
    await dropSchema(options.db, schema);
    throw error;
  }
  return {
    kind: 'own-cluster',
    urls: nodes.map((node) => node.url),
    database: `PostgreSQL (schema ${schema}) and Redis, ${options.nodes} nodes`,
    pids: nodes.flatMap((node) => (node.child.pid === undefined ? [] : [node.child.pid])),
    close: async () => {
      await Promise.all(nodes.map((node) => stopProcess(node.child)));
      await dropSchema(options.db, schema);
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const rssSampleMs = 100;

/** What the nodes spent between `start` and `stop`: CPU time, and the largest resident set sampled every 100 ms. */
export function measureServerCost(pids: readonly number[]): { stop(): ServerCost } {
  const startCpu = pids.map(cpuSeconds);
  let peakRss: number | null = null;
  const sample = () => {
    const sizes = pids.map(rssBytes);
    if (sizes.length === 0 || sizes.some((size) => size === null)) return;
    const total = sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);
    peakRss = Math.max(peakRss ?? 0, total);
  };
  sample();
  const timer = setInterval(sample, rssSampleMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const endCpu = pids.map(cpuSeconds);
      const known = pids.length > 0 && [...startCpu, ...endCpu].every((seconds) => seconds !== null);
      const cpuMs = known ? Math.round(endCpu.reduce<number>((sum, seconds, index) => sum + ((seconds ?? 0) - (startCpu[index] ?? 0)) * 1000, 0)) : null;
      return { cpuMs, peakRssBytes: peakRss };
    },
  };
}
