/**
 * `npm run soak -- [--minutes 20] [--warmup-minutes 2] [--rate 60] [--out file.json]`: a long,
 * time-capped run of mixed load against one `bistro serve` process (SQLite, auto kitchen), to find
 * what only time shows: memory that grows, file handles that leak, an event loop that stalls.
 *
 * The server is pinned to CPU 0 and this process (the load) to CPU 1 with taskset. The load: REST
 * reads and keyed orders, JSON-RPC, GraphQL queries and mutations at `--rate` requests a second,
 * with SSE streams, `/ws` subscriptions and GraphQL subscriptions held open (one of each closed and
 * opened again every 30 s). Every 10 s it samples the server's RSS (/proc/<pid>/status VmRSS) and
 * open files (/proc/<pid>/fd). Event-loop delay: when the server has `GET /metrics` with
 * `nodejs_eventloop_lag_p99_seconds` that is read too; the figure judged is the latency of a
 * `/healthz` probe every 250 ms, which is what a client waits on top of the work (it includes the
 * loopback round trip, so it is an upper bound). Goals, judged on the samples after the warm-up:
 * RSS growth < 50 MB (the larger of last minus first sample and of the lowest sample of the last
 * third minus that of the first, since GC makes RSS a sawtooth), probe p99 < 50 ms, open files flat
 * (growth of at most 10). Not part of `npm test`. Exits 1 when a goal is missed or the server died.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const adminToken = 'soak-admin-token';
const sampleEveryMs = 10_000;
const probeEveryMs = 250;
const reconnectEveryMs = 30_000;
const heldPerKind = 10;
const maxInFlight = 64;
const goals = { rssGrowthMb: 50, eventLoopP99Ms: 50, fdGrowth: 10 };

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '20' },
    'warmup-minutes': { type: 'string', default: '2' },
    rate: { type: 'string', default: '60' },
    out: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const warmupMinutes = Number(values['warmup-minutes']);
const rate = Number(values.rate);
if (!(minutes > 0) || !(warmupMinutes >= 0) || warmupMinutes >= minutes || !(rate > 0)) {
  console.error('usage: npm run soak -- [--minutes 20] [--warmup-minutes 2 (less than --minutes)] [--rate 60] [--out file.json]');
  process.exit(2);
}
const out = values.out ?? join(tmpdir(), `bistro-soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);

const pinned = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
// Every thread of this process (libuv's pool too) onto the load CPU.
if (pinned) spawnSync('taskset', ['-a', '-pc', '1', String(process.pid)], { stdio: 'ignore' });

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------- server
const dir = mkdtempSync(join(tmpdir(), 'bistro-soak-'));
const serverArgs = ['--import', 'tsx', 'src/cli.ts', 'serve'];
const server = spawn(pinned ? 'taskset' : process.execPath, pinned ? ['-c', '0', process.execPath, ...serverArgs] : serverArgs, {
  cwd: repoRoot,
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    BISTRO_DB: `sqlite:${join(dir, 'soak.db')}`,
    BISTRO_ADMIN_TOKEN: adminToken,
    BISTRO_KITCHEN: 'auto',
    BISTRO_KITCHEN_PACE_MS: '2000',
    BISTRO_LOG_LEVEL: 'warn',
    BISTRO_MAX_CONNECTIONS_PER_PRINCIPAL: '1000',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverOutput = '';
let serverDied = false;
server.stderr.setEncoding('utf8').on('data', (chunk: string) => (serverOutput += chunk));
const exited = once(server, 'exit');
void exited.then(() => (serverDied = !stopping));
let stopping = false;
const base = await new Promise<string>((resolve, reject) => {
  let stdout = '';
  const timer = setTimeout(() => reject(new Error(`bistro serve printed no URL in 60 s:\n${stdout}${serverOutput}`)), 60_000);
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const match = /Bistro serving (http:\/\/\S+)/.exec(stdout);
    if (match?.[1]) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
});
const pid = server.pid!;
const wsBase = base.replace(/^http/, 'ws');
console.log(`soak: server pid ${pid} at ${base}${pinned ? ' on CPU 0, load on CPU 1' : ' (not pinned: taskset missing or one CPU)'}; ${minutes} min, warm-up ${warmupMinutes} min, ${rate} req/s`);

// ------------------------------------------------------------------------------------ HTTP calls
const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });

function call(method: string, path: string, { token, json, headers = {}, via = agent }: { token?: string; json?: unknown; headers?: Record<string, string>; via?: Agent } = {}): Promise<{ status: number; text: string }> {
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      base + path,
      {
        method,
        agent: via,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const guests: string[] = [];
for (let table = 1; table <= 20; table++) {
  const answer = await call('POST', '/guests', { json: { table, name: `Soak ${table}` } });
  if (answer.status !== 201) throw new Error(`registering a guest: ${answer.status} ${answer.text}`);
  guests.push((JSON.parse(answer.text) as { token: string }).token);
}

// ------------------------------------------------------------------------------------- the mix
const counts = { sent: 0, ok: 0, unexpected: 0, failed: 0, skipped: 0 };
const unexpectedExamples: string[] = [];
const latencies: number[] = [];
const orders: Array<{ id: string; guest: string }> = [];
const keys: Array<{ key: string; guest: string; n: number }> = [];
let orderNumber = 0;

const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
const plate = (n: number) => ({ items: [{ menuItemId: 'fish-and-chips', quantity: 1 + (n % 3), adjustments: { fish: 1 + (n % 4), salt: n % 2 }, note: `soak ${n}` }] });

interface Step {
  weight: number;
  name: string;
  run(): Promise<{ status: number; text: string }>;
  /** True when the answer is what this request should get. */
  expect(answer: { status: number; text: string }): boolean;
}

const graphqlOk = (answer: { status: number; text: string }) => answer.status === 200 && !answer.text.includes('"errors"');
const steps: Step[] = [
  { weight: 14, name: 'rest menu', run: () => call('GET', '/menu', { token: pick(guests) }), expect: (a) => a.status === 200 },
  {
    weight: 14,
    name: 'rest order',
    run: () => {
      const order = orders.length > 0 ? pick(orders) : undefined;
      return order ? call('GET', `/orders/${order.id}`, { token: order.guest }) : call('GET', '/orders?limit=5', { token: adminToken });
    },
    expect: (a) => a.status === 200,
  },
  { weight: 8, name: 'rest orders list', run: () => call('GET', '/orders?limit=20', { token: pick(guests) }), expect: (a) => a.status === 200 },
  {
    weight: 16,
    name: 'rest place order',
    run: async () => {
      // One in ten repeats an earlier key: the replay path stays in the mix.
      const again = keys.length > 0 && Math.random() < 0.1 ? pick(keys) : undefined;
      const entry = again ?? { key: `soak-${orderNumber}`, guest: pick(guests), n: orderNumber++ };
      const answer = await call('POST', '/orders', { token: entry.guest, json: plate(entry.n), headers: { 'idempotency-key': entry.key } });
      if (answer.status === 201 && !again) {
        keys.push(entry);
        orders.push({ id: (JSON.parse(answer.text) as { id: string }).id, guest: entry.guest });
        // Bounded: the soak must not measure its own lists growing.
        if (orders.length > 2000) orders.splice(0, 1000);
        if (keys.length > 2000) keys.splice(0, 1000);
      }
      return answer;
    },
    expect: (a) => a.status === 201,
  },
  {
    weight: 14,
    name: 'json-rpc',
    run: () => {
      const order = orders.length > 0 ? pick(orders) : undefined;
      const json = order
        ? [
            { jsonrpc: '2.0', method: 'orders.get', params: { id: order.id }, id: 1 },
            { jsonrpc: '2.0', method: 'menu.list', id: 2 },
          ]
        : { jsonrpc: '2.0', method: 'menu.list', id: 1 };
      return call('POST', '/rpc', { token: order?.guest ?? pick(guests), json });
    },
    expect: (a) => a.status === 200 && !a.text.includes('"error"'),
  },
  {
    weight: 14,
    name: 'graphql query',
    run: () => call('POST', '/graphql', { token: pick(guests), json: { query: '{ orders(limit: 10) { items { id status totalCents items { quantity menuItem { name priceCents } } } } menu { id name } }' } }),
    expect: graphqlOk,
  },
  {
    weight: 5,
    name: 'graphql mutation',
    run: () => {
      const n = orderNumber++;
      return call('POST', '/graphql', {
        token: pick(guests),
        json: {
          query: 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }',
          // GraphQL has no maps: adjustments are a list of { ingredient, portions }.
          variables: { input: { items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: [{ ingredient: 'fish', portions: 1 + (n % 4) }], note: `soak ${n}` }], idempotencyKey: `soak-gql-${n}` } },
        },
      });
    },
    expect: graphqlOk,
  },
];
const totalWeight = steps.reduce((sum, step) => sum + step.weight, 0);
function chooseStep(): Step {
  let left = Math.random() * totalWeight;
  for (const step of steps) if ((left -= step.weight) < 0) return step;
  return steps[0]!;
}

let inFlight = 0;
async function fire(): Promise<void> {
  if (inFlight >= maxInFlight) return void counts.skipped++;
  inFlight++;
  counts.sent++;
  const step = chooseStep();
  const started = performance.now();
  try {
    const answer = await step.run();
    latencies.push(performance.now() - started);
    if (step.expect(answer)) counts.ok++;
    else {
      counts.unexpected++;
      if (unexpectedExamples.length < 20) unexpectedExamples.push(`${step.name}: ${answer.status} ${answer.text.slice(0, 200)}`);
    }
  } catch (error) {
    counts.failed++;
    if (unexpectedExamples.length < 20) unexpectedExamples.push(`${step.name}: ${(error as Error).message}`);
  } finally {
    inFlight--;
  }
}

// ----------------------------------------------------------------------------- held connections
const held = { sse: 0, ws: 0, graphql: 0, events: 0, drops: 0, reconnects: 0 };
interface Held {
  close(): void;
}

function openSse(token: string): Held {
  let closed = false;
  let response: IncomingMessage | undefined;
  const req = httpRequest(`${base}/events/stream`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
    response = res;
    if (res.statusCode !== 200) {
      held.drops++;
      res.resume();
      return;
    }
    held.sse++;
    res.setEncoding('utf8').on('data', (chunk: string) => (held.events += chunk.split('\ndata:').length - 1));
    res.on('close', () => {
      held.sse--;
      if (!closed) held.drops++;
    });
  });
  req.on('error', () => closed || held.drops++);
  req.end();
  return {
    close() {
      closed = true;
      response?.destroy();
      req.destroy();
    },
  };
}

function openWs(token: string): Held {
  let closed = false;
  let open = false;
  const socket = new WebSocket(`${wsBase}/ws`, { headers: { authorization: `Bearer ${token}` } });
  socket.on('open', () => {
    open = true;
    held.ws++;
    socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'events.subscribe', params: {}, id: 1 }));
  });
  socket.on('message', () => held.events++);
  socket.on('close', () => {
    if (open) held.ws--;
    if (!closed) held.drops++;
  });
  socket.on('error', () => {});
  return {
    close() {
      closed = true;
      socket.close();
    },
  };
}

function openGraphql(token: string): Held {
  let closed = false;
  const client: Client = createClient({ url: `${wsBase}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
  let open = false;
  client.on('connected', () => {
    open = true;
    held.graphql++;
  });
  client.on('closed', () => {
    if (open) held.graphql--;
    open = false;
    if (!closed) held.drops++;
  });
  client.subscribe({ query: 'subscription { events { sequence type subject } }' }, { next: () => held.events++, error: () => {}, complete: () => {} });
  return {
    close() {
      closed = true;
      void client.dispose();
    },
  };
}

const kinds = { sse: openSse, ws: openWs, graphql: openGraphql } as const;
const connections = Object.fromEntries(Object.entries(kinds).map(([kind, open]) => [kind, Array.from({ length: heldPerKind }, (_, index) => open(index === 0 ? adminToken : guests[index % guests.length]!))])) as Record<keyof typeof kinds, Held[]>;
let reconnectTurn = 0;
function reconnectOneOfEach() {
  for (const kind of Object.keys(kinds) as Array<keyof typeof kinds>) {
    const index = reconnectTurn % heldPerKind;
    connections[kind][index]!.close();
    connections[kind][index] = kinds[kind](index === 0 ? adminToken : guests[index % guests.length]!);
    held.reconnects++;
  }
  reconnectTurn++;
}

// ------------------------------------------------------------------------------------ sampling
interface Sample {
  atS: number;
  rssMb: number;
  fds: number;
  probeP99Ms: number;
  probeMaxMs: number;
  metricsLagP99Ms: number | null;
  /** The server's share of one CPU over the window, and the machine's 1-minute load average: a slow probe on a busy machine is not the server's doing alone. */
  serverCpuPercent: number;
  loadAverage: number;
  requests: number;
  unexpected: number;
  failed: number;
  requestP99Ms: number;
  held: { sse: number; ws: number; graphql: number };
  eventsReceived: number;
}

const probes: Array<{ atMs: number; ms: number }> = [];
let windowProbes: number[] = [];
let probing = false;
async function probe() {
  if (probing) return;
  probing = true;
  const started = performance.now();
  try {
    await call('GET', '/healthz', { via: probeAgent });
    const ms = performance.now() - started;
    probes.push({ atMs: started - startedAt, ms });
    windowProbes.push(ms);
  } catch {
    counts.failed++;
  } finally {
    probing = false;
  }
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
let lastCpu = { seconds: 0, atMs: 0 };
function procStatus(): { rssMb: number; fds: number; cpuPercent: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // utime and stime are fields 14 and 15; the name in parentheses may hold spaces, so count from its end.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const cpu = { seconds: (Number(fields[11]) + Number(fields[12])) / clockTicks, atMs: performance.now() };
  const cpuPercent = lastCpu.atMs === 0 ? 0 : (100 * (cpu.seconds - lastCpu.seconds) * 1000) / (cpu.atMs - lastCpu.atMs);
  lastCpu = cpu;
  return { rssMb: rssKb / 1024, fds: readdirSync(`/proc/${pid}/fd`).length, cpuPercent };
}

let metricsAvailable: boolean | undefined;
async function metricsLagP99Ms(): Promise<number | null> {
  if (metricsAvailable === false) return null;
  try {
    const answer = await call('GET', '/metrics', { token: adminToken, via: probeAgent });
    const match = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([\d.e+-]+)$/m.exec(answer.text);
    metricsAvailable = answer.status === 200 && match !== null;
    return metricsAvailable && match ? Number(match[1]) * 1000 : null;
  } catch {
    metricsAvailable = false;
    return null;
  }
}

const samples: Sample[] = [];
let windowLatencies = 0;
async function sample() {
  const { rssMb, fds, cpuPercent } = procStatus();
  const lag = await metricsLagP99Ms();
  const requestWindow = latencies.slice(windowLatencies);
  windowLatencies = latencies.length;
  const entry: Sample = {
    atS: round((performance.now() - startedAt) / 1000, 0),
    rssMb: round(rssMb),
    fds,
    probeP99Ms: round(percentile(windowProbes, 99)),
    probeMaxMs: round(Math.max(0, ...windowProbes)),
    metricsLagP99Ms: lag === null ? null : round(lag),
    serverCpuPercent: round(cpuPercent, 0),
    loadAverage: round(loadavg()[0] ?? 0, 2),
    requests: counts.sent,
    unexpected: counts.unexpected,
    failed: counts.failed,
    requestP99Ms: round(percentile(requestWindow, 99)),
    held: { sse: held.sse, ws: held.ws, graphql: held.graphql },
    eventsReceived: held.events,
  };
  windowProbes = [];
  samples.push(entry);
  console.log(
    `soak ${String(entry.atS).padStart(5)} s: rss ${entry.rssMb} MB, fds ${entry.fds}, healthz p99 ${entry.probeP99Ms} ms (max ${entry.probeMaxMs})${lag === null ? '' : `, metrics lag p99 ${entry.metricsLagP99Ms} ms`}, ` +
      `server cpu ${entry.serverCpuPercent}%, load ${entry.loadAverage}, requests ${entry.requests} (p99 ${entry.requestP99Ms} ms, ${entry.unexpected} unexpected, ${entry.failed} failed), held sse/ws/gql ${entry.held.sse}/${entry.held.ws}/${entry.held.graphql}, events ${entry.eventsReceived}`,
  );
}

// ------------------------------------------------------------------------------------------ run
procStatus(); // the CPU baseline for the first window
const startedAt = performance.now();
const endAt = startedAt + minutes * 60_000;
const timers = [
  setInterval(() => void fire(), 1000 / rate),
  setInterval(() => void probe(), probeEveryMs),
  setInterval(() => void sample().catch((error: unknown) => console.error('soak: sampling failed', error)), sampleEveryMs),
  setInterval(reconnectOneOfEach, reconnectEveryMs),
];
while (performance.now() < endAt && !serverDied) await sleep(500);
for (const timer of timers) clearInterval(timer);
// A last sample closes the run, unless one was just taken.
if (!serverDied && performance.now() - startedAt - (samples.at(-1)?.atS ?? 0) * 1000 > 2000) await sample();
for (const list of Object.values(connections)) for (const connection of list) connection.close();
while (inFlight > 0) await sleep(50);
agent.destroy();
probeAgent.destroy();
stopping = true;
if (!serverDied) server.kill('SIGTERM');
await exited;
rmSync(dir, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------- report
const warmupS = warmupMinutes * 60;
const after = samples.filter((entry) => entry.atS >= warmupS);
const first = after[0];
const last = after.at(-1);
const probeAfter = probes.filter((entry) => entry.atMs >= warmupS * 1000).map((entry) => entry.ms);
// Garbage collection makes RSS a sawtooth, so the first and last samples alone can hide growth or
// invent it: the floor (lowest sample) of the last third against that of the first third is judged
// too, and the larger of the two must stay under the goal.
const third = Math.max(1, Math.floor(after.length / 3));
const floor = (list: Sample[]) => Math.min(...list.map((entry) => entry.rssMb));
const rssFloorGrowthMb = after.length >= 3 ? round(floor(after.slice(-third)) - floor(after.slice(0, third))) : null;
const rssGrowthMb = first && last ? round(Math.max(last.rssMb - first.rssMb, rssFloorGrowthMb ?? -Infinity)) : null;
const fdGrowth = first && last ? last.fds - first.fds : null;
const eventLoopP99Ms = round(percentile(probeAfter, 99));
const result = {
  command: `npm run soak -- --minutes ${minutes} --warmup-minutes ${warmupMinutes} --rate ${rate}`,
  finishedAt: new Date().toISOString(),
  node: process.version,
  pinned,
  serverDied,
  serverStderr: serverDied ? serverOutput.slice(-4000) : undefined,
  eventLoopMeasure: metricsAvailable ? '/healthz probe latency every 250 ms (judged); /metrics nodejs_eventloop_lag_p99_seconds sampled beside it' : '/healthz probe latency every 250 ms (the server has no /metrics with nodejs_eventloop_lag here)',
  afterWarmup: {
    samples: after.length,
    rssMb: first && last ? { first: first.rssMb, last: last.rssMb, min: Math.min(...after.map((e) => e.rssMb)), max: Math.max(...after.map((e) => e.rssMb)) } : null,
    rssFirstToLastMb: first && last ? round(last.rssMb - first.rssMb) : null,
    rssFloorGrowthMb,
    rssGrowthMb,
    fds: first && last ? { first: first.fds, last: last.fds, min: Math.min(...after.map((e) => e.fds)), max: Math.max(...after.map((e) => e.fds)) } : null,
    fdGrowth,
    eventLoopP99Ms,
    eventLoopMaxMs: round(Math.max(0, ...probeAfter)),
    serverCpuPercentMean: round(after.reduce((sum, e) => sum + e.serverCpuPercent, 0) / Math.max(1, after.length), 0),
    loadAverageMean: round(after.reduce((sum, e) => sum + e.loadAverage, 0) / Math.max(1, after.length), 2),
    probes: probeAfter.length,
  },
  load: { ...counts, requestP50Ms: round(percentile(latencies, 50)), requestP99Ms: round(percentile(latencies, 99)), unexpectedExamples, held: { ...held, perKind: heldPerKind } },
  goals: {
    rssGrowth: { goal: `< ${goals.rssGrowthMb} MB`, met: rssGrowthMb !== null && rssGrowthMb < goals.rssGrowthMb },
    eventLoopP99: { goal: `< ${goals.eventLoopP99Ms} ms`, met: eventLoopP99Ms < goals.eventLoopP99Ms },
    openFilesFlat: { goal: `growth <= ${goals.fdGrowth}`, met: fdGrowth !== null && fdGrowth <= goals.fdGrowth },
    noUnexpectedAnswers: { goal: '0 unexpected or failed requests', met: counts.unexpected + counts.failed === 0 },
  },
  samples,
};
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  `soak: after warm-up RSS ${result.afterWarmup.rssMb?.first} → ${result.afterWarmup.rssMb?.last} MB (growth ${rssGrowthMb} MB, floor to floor ${rssFloorGrowthMb} MB), open files ${result.afterWarmup.fds?.first} → ${result.afterWarmup.fds?.last}, ` +
    `healthz p99 ${eventLoopP99Ms} ms over ${probeAfter.length} probes (server CPU ${result.afterWarmup.serverCpuPercentMean}%, machine load ${result.afterWarmup.loadAverageMean}); ${counts.sent} requests, ${counts.unexpected} unexpected, ${counts.failed} failed, ${counts.skipped} skipped; ${held.events} pushed events, ${held.drops} unplanned drops`,
);
for (const [name, goal] of Object.entries(result.goals)) console.log(`soak: ${name} ${goal.goal}: ${goal.met ? 'met' : 'MISSED'}`);
console.log(`soak: result in ${out}`);
process.exit(serverDied || Object.values(result.goals).some((goal) => !goal.met) ? 1 : 0);
