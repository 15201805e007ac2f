/**
 * The client of `scale.notify`, one process on the load CPU: it holds a `/ws` subscription on node
 * B and places orders on node A at a steady rate, so both ends are read on one clock
 * (`performance.now()` of this process). Each order is timed from its 201 on A to its
 * `order.placed` frame on B's socket, matched by the event's subject. At 50 events/s the `ws`
 * client's cost per message is far below the latencies it times. One JSON command per stdin line,
 * one JSON answer per stdout line.
 */
import { Agent } from 'node:http';
import WebSocket from 'ws';
import { answerCommands, isMain } from './command-loop.ts';
import { postJson } from './bench-http.ts';

export interface NotifyCommand {
  op: 'notify';
  /** Node A: where orders are placed. */
  writeUrl: string;
  /** Node B: where the socket is held. */
  readUrl: string;
  token: string;
  ratePerSecond: number;
  seconds: number;
  timeoutMs: number;
  graceMs: number;
}

export interface NotifyAnswer {
  orders: number;
  failedOrders: number;
  /** 201 on A → event frame on B, ms, ascending. */
  latencyMs: number[];
  /** POST sent → event frame on B (the order's own commit included), ascending. */
  fromSendMs: number[];
  /** POST /orders sent → 201, ascending. */
  orderMs: number[];
  lost: number;
  duplicated: number;
  /** Events for orders this round did not place. */
  strangers: number;
  clientCpu: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const orderBody = JSON.stringify({ items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] });
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


/** Opens `/ws` on B and subscribes from now; resolves once the subscribe is answered. */
async function subscribe(readUrl: string, token: string, onEvent: (subject: string, at: number) => void): Promise<WebSocket> {
  const socket = new WebSocket(`${readUrl.replace(/^http/, 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const subscribed = new Promise<void>((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      const at = performance.now();
      const message = JSON.parse(data.toString('utf8')) as { id?: number; method?: string; params?: { type: string; subject: string }; result?: unknown; error?: unknown };
      if (message.method === 'event' && message.params?.type === 'order.placed') onEvent(message.params.subject, at);
      else if (message.id === 1 && message.error) reject(new Error(`events.subscribe failed: ${JSON.stringify(message.error)}`));
      else if (message.id === 1) resolve();
    });
  });
  // No `after`: from now, so only what commits after the answer arrives.
  socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events.subscribe', params: { types: ['order.placed'] } }));
  await subscribed;
  return socket;
}

async function notify(command: NotifyCommand): Promise<NotifyAnswer> {
  const arrivals = new Map<string, number>();
  let frames = 0;
  const socket = await subscribe(command.readUrl, command.token, (subject, at) => {
    frames++;
    if (!arrivals.has(subject)) arrivals.set(subject, at);
  });
  const placed: { subject: string | null; sentAt: number; answeredAt: number }[] = [];
  const cpuBefore = process.cpuUsage();
  const count = Math.max(1, Math.round(command.ratePerSecond * command.seconds));
  const interval = 1000 / command.ratePerSecond;
  const started = performance.now();
  const calls: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const wait = started + index * interval - performance.now();
    if (wait > 0) await delay(wait);
    const sentAt = performance.now();
    calls.push(
      postJson(agent, `${command.writeUrl}/orders`, { authorization: `Bearer ${command.token}` }, orderBody).then(
        (answer) => void placed.push({ subject: answer.status === 201 ? `orders/${(JSON.parse(answer.text) as { id: string }).id}` : null, sentAt, answeredAt: performance.now() }),
        () => void placed.push({ subject: null, sentAt, answeredAt: performance.now() }),
      ),
    );
  }
  await Promise.all(calls);
  const ok = placed.filter((order): order is { subject: string; sentAt: number; answeredAt: number } => order.subject !== null);
  const deadline = performance.now() + command.timeoutMs;
  while (ok.some((order) => !arrivals.has(order.subject)) && performance.now() < deadline) await delay(5);
  const spanMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await delay(command.graceMs);
  socket.close();
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const ascending = (values: number[]) => values.map(round).sort((a, b) => a - b);
  const seen = ok.flatMap((order) => {
    const at = arrivals.get(order.subject);
    return at === undefined ? [] : [{ order, at }];
  });
  const mine = new Set(ok.map((order) => order.subject));
  return {
    orders: placed.length,
    failedOrders: placed.length - ok.length,
    latencyMs: ascending(seen.map(({ order, at }) => at - order.answeredAt)),
    fromSendMs: ascending(seen.map(({ order, at }) => at - order.sentAt)),
    orderMs: ascending(placed.map((order) => order.answeredAt - order.sentAt)),
    lost: ok.length - seen.length,
    duplicated: frames - arrivals.size,
    strangers: [...arrivals.keys()].filter((subject) => !mine.has(subject)).length,
    clientCpu: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(spanMs, 0.001)) * 100) / 100,
  };
}

export async function handle(command: NotifyCommand | { op: 'close' }): Promise<unknown> {
  if (command.op === 'notify') return notify(command);
  agent.destroy();
  return {};
}

if (isMain(import.meta.url)) answerCommands<NotifyCommand | { op: 'close' }>(handle, () => agent.destroy());
