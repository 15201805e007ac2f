/**
 * `npm run cluster -- --nodes 3 [--port 3000] [--host 127.0.0.1] [--db postgres://…] [--bus redis://…]`:
 * N Bistro node processes on one PostgreSQL database and one Redis doorbell, behind a small
 * round-robin proxy on one port. For trying a cluster out on one machine; in production each node
 * runs on its own and any load balancer stands in front. Ctrl-C or SIGTERM stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: npm run cluster -- [--nodes 3] [--port 3000] [--host 127.0.0.1] [--db postgres://…] [--bus redis://…]';
/** Long enough for a first start that creates the schema on a slow machine. */
const startTimeoutMs = 60_000;
/** How long a node gets to finish its requests after SIGTERM before it is killed. */
const stopTimeoutMs = 15_000;

class UsageError extends Error {}

interface Options {
  nodes: number;
  port: number;
  host: string;
  db: string;
  bus: string;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string', default: '3' },
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      db: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      bus: { type: 'string', default: 'redis://127.0.0.1:6379' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 32) throw new UsageError(`--nodes must be a whole number from 1 to 32, not "${values.nodes}"`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0: any free port), not "${values.port}"`);
  if (values.db.startsWith('sqlite:')) {
    throw new UsageError('SQLite is one node\'s database (one writer, one file), so a cluster cannot share it: give --db postgres://… (for one node on SQLite, run npm start)');
  }
  if (!values.db.startsWith('postgres://') && !values.db.startsWith('postgresql://')) throw new UsageError(`--db must be postgres://user@host:port/database, not "${values.db}"`);
  return { nodes, port, host: values.host, db: values.db, bus: values.bus };
}

interface NodeProcess {
  number: number;
  child: ChildProcess;
  port: number;
  exited: boolean;
}

/** Starts node `number`; `ready` resolves once it prints its URL. Its output is passed on line by line with its number in front. */
function launchNode(number: number, env: NodeJS.ProcessEnv): { node: NodeProcess; ready: Promise<void> } {
  // Its own process group: a terminal's Ctrl-C reaches only this script, which stops the nodes once, in order.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const node: NodeProcess = { number, child, port: 0, exited: false };
  const prefix = `node ${number} | `;
  child.on('exit', () => (node.exited = true));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${number} printed no URL within ${startTimeoutMs} ms`)), startTimeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      process.stdout.write(`${prefix}${line}\n`);
      const serving = /Bistro serving http:\/\/[^\s:]+:(\d+)/.exec(line);
      if (serving?.[1] && node.port === 0) {
        node.port = Number(serving[1]);
        clearTimeout(timer);
        resolve();
      }
    });
    createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`${prefix}${line}\n`));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`node ${number} exited (${code ?? signal}) before serving`));
    });
  });
  return { node, ready };
}

async function stopNode(node: NodeProcess): Promise<void> {
  if (node.exited || node.child.exitCode !== null || node.child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
  node.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.error(`bistro cluster: node ${node.number} did not stop within ${stopTimeoutMs} ms; killing it`);
    node.child.kill('SIGKILL');
  }, stopTimeoutMs);
  await gone;
  clearTimeout(timer);
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const given = process.env['BISTRO_ADMIN_TOKEN'];
  const adminToken = given || `ba_${randomBytes(24).toString('base64url')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', BISTRO_DB: options.db, BISTRO_BUS: options.bus, BISTRO_ADMIN_TOKEN: adminToken };
  if (options.bus === 'memory') console.log('bistro cluster: no bus (memory): nodes see each other\'s changes only by the catch-up timer (BISTRO_BUS_CATCH_UP_MS)');

  const nodes: NodeProcess[] = [];
  let proxy: RoundRobinProxy | undefined;
  let stopping = false;
  // Whatever ends this process, no node outlives it (they sit in process groups of their own).
  process.on('exit', () => {
    for (const node of nodes) if (!node.exited) node.child.kill('SIGKILL');
  });
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await proxy?.close();
    await Promise.all(nodes.map(stopNode));
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: stop waiting for the nodes to finish their requests.
      console.error(`bistro cluster: ${signal} again, killing the nodes`);
      process.exit(130);
    }
    console.log(`bistro cluster: ${signal}, stopping ${nodes.length} nodes`);
    void stopAll(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const launch = (number: number): Promise<void> => {
    const { node, ready } = launchNode(number, env);
    // Kept from the start, so a node still starting when another fails is stopped too.
    nodes.push(node);
    node.child.on('exit', (code, signal) => {
      if (stopping || node.port === 0) return;
      console.error(`bistro cluster: node ${node.number} exited (${code ?? signal}); the proxy skips it`);
      if (nodes.every((each) => each.exited)) void stopAll(1);
    });
    return ready;
  };
  try {
    // The first node alone creates the schema and seeds the menu; the others then find both done.
    await launch(1);
    await Promise.all(Array.from({ length: options.nodes - 1 }, (_, index) => launch(index + 2)));
    nodes.sort((a, b) => a.number - b.number);
    proxy = await startRoundRobinProxy(
      nodes.map((node) => ({ label: String(node.number), host: '127.0.0.1', port: node.port, up: () => !node.exited })),
      { port: options.port, host: options.host },
    );
  } catch (error) {
    console.error(`bistro cluster: ${(error as Error).message}`);
    await stopAll(1);
    return;
  }
  for (const node of nodes) console.log(`bistro cluster: node ${node.number} http://127.0.0.1:${node.port} pid ${node.child.pid ?? '?'}`);
  if (!given) console.log(`bistro cluster: admin token (generated for this run, shared by every node; set BISTRO_ADMIN_TOKEN to keep one): ${adminToken}`);
  console.log(`Bistro cluster serving ${proxy.url} (round robin over ${nodes.length} nodes; this proxy is for trying it out, in production use any load balancer)`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const message = (error as Error).message;
    console.error(`bistro cluster: ${message}\n${usage}`);
    process.exit(2);
  }
  console.error('bistro cluster:', error);
  process.exit(1);
});
