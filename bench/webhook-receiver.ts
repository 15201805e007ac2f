/**
 * The webhook benchmarks' receiver and client, in one process pinned to the load CPU: two keep-alive
 * `node:http` listeners (a live one answering 200 at once, a dead one that never answers), a tally
 * of every delivery by webhook-id, and the requests that start the work (replay calls, `POST /go`
 * to the baseline, orders at a steady rate). Starting the work and timing its deliveries happen
 * here, so one clock (`performance.now()` of this process) measures both ends. One JSON command per
 * stdin line, one JSON answer per stdout line.
 */
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerCommands, isMain } from './command-loop.ts';
import { postJson } from './bench-http.ts';

/** Where a drain's deliveries come from: Bistro replaying an endpoint, or the baseline's POST loop. */
export type DrainSource = { kind: 'bistro'; url: string; token: string; endpointId: string; after: string } | { kind: 'baseline'; url: string };

export interface DrainCommand {
  op: 'drain';
  /** The receiver path the deliveries arrive on. */
  path: string;
  source: DrainSource;
  expected: number;
  /** Keep each delivery's body, for the baseline to send the same bytes. */
  record?: boolean;
  timeoutMs: number;
  /** How long to go on counting after the last expected delivery, so late duplicates are seen. */
  graceMs: number;
}

export interface DrainAnswer {
  /** Start (first byte of the first replay call, or of `POST /go`) → last delivery's first byte. */
  spanMs: number;
  /** Start → the last replay call answered (Bistro); 0 for the baseline. */
  startMs: number;
  distinct: number;
  total: number;
  /** Deliveries missing a Standard Webhooks header. */
  malformed: number;
  /** Share of this process's core used over the span. */
  receiverCpu: number;
  /** webhook-id → body, when recorded. */
  bodies?: { id: string; body: string }[];
}

export interface LatencyCommand {
  op: 'latency';
  /** Bistro's base URL and a guest token to place orders with. */
  url: string;
  token: string;
  /** Receiver paths whose deliveries are timed, one per live endpoint of this node. */
  paths: string[];
  ratePerSecond: number;
  seconds: number;
  timeoutMs: number;
  graceMs: number;
}

export interface LatencyAnswer {
  orders: number;
  /** Orders not answered 201. */
  failedOrders: number;
  /** POST /orders: sent → 201, ascending. */
  orderMs: number[];
  paths: Record<string, {
    /** 201 answered → first byte of the delivery, ascending. */
    fromAnswerMs: number[];
    /** POST sent → first byte of the delivery, ascending (includes the order's own commit). */
    fromSendMs: number[];
    lost: number;
    duplicated: number;
  }>;
  /** Requests the dead listener took during the run (each left hanging until the sender gives up). */
  hung: number;
  clientCpu: number;
}

export type ReceiverCommand = { op: 'listen' } | DrainCommand | LatencyCommand | { op: 'close' };

interface Tally {
  ids: Map<string, number>;
  total: number;
  malformed: number;
  lastAt: number;
  bodies: Map<string, string> | null;
  /** Order id → first byte of its first delivery (latency runs). */
  orders: Map<string, number> | null;
  /** Resolved once `ids.size` reaches it. */
  want: number;
  onAll: (() => void) | null;
}

const tallies = new Map<string, Tally>();
const hanging = new Set<ServerResponse>();
/** Requests the dead listener has taken (and left hanging) so far. */
let hungTotal = 0;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const orderBody = JSON.stringify({ items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] });

function tally(path: string, record: boolean, orders: boolean): Tally {
  const fresh: Tally = { ids: new Map(), total: 0, malformed: 0, lastAt: 0, bodies: record ? new Map() : null, orders: orders ? new Map() : null, want: Infinity, onAll: null };
  tallies.set(path, fresh);
  return fresh;
}

function onRing(request: IncomingMessage, response: ServerResponse): void {
  // First byte: the head is parsed when 'request' fires, before the body is read.
  const at = performance.now();
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const current = tallies.get(request.url ?? '/');
    const id = request.headers['webhook-id'];
    if (current && typeof id === 'string') {
      current.total++;
      if (!request.headers['webhook-timestamp'] || !request.headers['webhook-signature']) current.malformed++;
      const seen = current.ids.get(id) ?? 0;
      current.ids.set(id, seen + 1);
      if (seen === 0) {
        current.lastAt = at;
        if (current.bodies || current.orders) {
          const body = Buffer.concat(chunks).toString('utf8');
          current.bodies?.set(id, body);
          // Only latency runs parse, at a few dozen deliveries a second.
          if (current.orders) current.orders.set(String((JSON.parse(body) as { data: { id: string } }).data.id), at);
        }
        if (current.ids.size >= current.want) current.onAll?.();
      }
    }
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    response.end('ok');
  });
}

let live: Server | undefined;
let dead: Server | undefined;

async function listen(): Promise<{ url: string; deadUrl: string }> {
  live = createServer({ keepAliveTimeout: 60_000 }, onRing);
  // Reads the request, then never answers: an endpoint that hangs until the sender gives up.
  dead = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (incoming, response) => {
    incoming.resume();
    hungTotal++;
    hanging.add(response);
    response.on('close', () => hanging.delete(response));
  });
  const port = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  return { url: `http://127.0.0.1:${await port(live)}`, deadUrl: `http://127.0.0.1:${await port(dead)}` };
}


const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Until `current` has `count` distinct deliveries, or the timeout. */
function arrived(current: Tally, count: number, timeoutMs: number): Promise<void> {
  if (current.ids.size >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      current.onAll = null;
      resolve();
    }
    current.want = count;
    current.onAll = done;
  });
}

async function drain(command: DrainCommand): Promise<DrainAnswer> {
  const current = tally(command.path, command.record ?? false, false);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const all = arrived(current, command.expected, command.timeoutMs);
  let startMs = 0;
  const { source } = command;
  if (source.kind === 'bistro') {
    // Each call queues up to 1,000 deliveries, which start going out while the next call is made.
    let after = source.after;
    for (;;) {
      const answer = await postJson(agent, `${source.url}/webhooks/${source.endpointId}/replay`, { authorization: `Bearer ${source.token}` }, JSON.stringify({ after }));
      if (answer.status !== 202) throw new Error(`replay answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      const page = JSON.parse(answer.text) as { through: string; more: boolean };
      if (!page.more) break;
      after = page.through;
    }
    startMs = performance.now() - started;
  } else {
    const answer = await postJson(agent, `${source.url}/go`, {}, '{}');
    if (answer.status !== 202) throw new Error(`the baseline's /go answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  }
  await all;
  const spanMs = (current.lastAt || performance.now()) - started;
  const cpu = process.cpuUsage(cpuBefore);
  await delay(command.graceMs);
  return {
    spanMs: Math.round(spanMs * 1000) / 1000,
    startMs: Math.round(startMs * 1000) / 1000,
    distinct: current.ids.size,
    total: current.total,
    malformed: current.malformed,
    receiverCpu: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(spanMs, 0.001)) * 100) / 100,
    ...(current.bodies ? { bodies: [...current.bodies].map(([id, body]) => ({ id, body })) } : {}),
  };
}

async function latency(command: LatencyCommand): Promise<LatencyAnswer> {
  const current = command.paths.map((path) => tally(path, false, true));
  const hungBefore = hungTotal;
  const placed: { id: string | null; sentAt: number; answeredAt: number }[] = [];
  const cpuBefore = process.cpuUsage();
  const count = Math.max(1, Math.round(command.ratePerSecond * command.seconds));
  const interval = 1000 / command.ratePerSecond;
  const started = performance.now();
  const calls: Promise<void>[] = [];
  // A steady rate, not one order after another: each order goes out on its slot, answered or not.
  for (let index = 0; index < count; index++) {
    const slot = started + index * interval;
    const wait = slot - performance.now();
    if (wait > 0) await delay(wait);
    const sentAt = performance.now();
    calls.push(
      postJson(agent, `${command.url}/orders`, { authorization: `Bearer ${command.token}` }, orderBody).then(
        (answer) => {
          const answeredAt = performance.now();
          placed.push({ id: answer.status === 201 ? (JSON.parse(answer.text) as { id: string }).id : null, sentAt, answeredAt });
        },
        () => void placed.push({ id: null, sentAt, answeredAt: performance.now() }),
      ),
    );
  }
  await Promise.all(calls);
  const ok = placed.filter((order) => order.id !== null);
  await Promise.all(current.map((each) => arrived(each, ok.length, command.timeoutMs)));
  const cpu = process.cpuUsage(cpuBefore);
  const spanMs = performance.now() - started;
  await delay(command.graceMs);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const ascending = (values: number[]) => values.map(round).sort((a, b) => a - b);
  const paths: LatencyAnswer['paths'] = {};
  for (const [index, path] of command.paths.entries()) {
    const each = current[index] as Tally;
    const rings = ok.flatMap((order) => {
      const at = each.orders?.get(order.id ?? '');
      return at === undefined ? [] : [{ order, at }];
    });
    paths[path] = {
      fromAnswerMs: ascending(rings.map(({ order, at }) => at - order.answeredAt)),
      fromSendMs: ascending(rings.map(({ order, at }) => at - order.sentAt)),
      lost: ok.length - rings.length,
      duplicated: each.total - each.ids.size,
    };
    tallies.delete(path);
  }
  return {
    orders: placed.length,
    failedOrders: placed.length - ok.length,
    orderMs: ascending(placed.map((order) => order.answeredAt - order.sentAt)),
    paths,
    hung: hungTotal - hungBefore,
    clientCpu: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(spanMs, 0.001)) * 100) / 100,
  };
}

async function close(): Promise<void> {
  for (const response of hanging) response.destroy();
  for (const server of [live, dead]) {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  }
  agent.destroy();
}

export async function handle(command: ReceiverCommand): Promise<unknown> {
  if (command.op === 'listen') return listen();
  if (command.op === 'drain') return drain(command);
  if (command.op === 'latency') return latency(command);
  await close();
  return {};
}

if (isMain(import.meta.url)) answerCommands<ReceiverCommand>(handle, close);
