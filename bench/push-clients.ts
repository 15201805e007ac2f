/**
 * The push benchmarks' client process, pinned to the load CPU: it holds one group of connections
 * (WebSocket JSON-RPC subscribers, Socket.IO clients, SSE streams or parked long polls), sends the
 * trigger request itself and times every delivery against the moment it sent it, so one clock
 * (this process's `performance.now()`) measures both ends. One JSON command per stdin line, one
 * JSON answer per stdout line.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { RawWebSocket } from './raw-websocket.ts';
import { answerCommands, isMain } from './command-loop.ts';

export type ClientKind = 'ws' | 'socketio' | 'sse' | 'longpoll';

export interface OpenCommand {
  op: 'open';
  kind: ClientKind;
  /** http://host:port of the server. */
  url: string;
  count: number;
  /** Bearer token, sent as `?token=` on WebSockets and as Authorization on HTTP. */
  token?: string;
  /** The cursor to subscribe or poll after. */
  after: string;
  /** Handshakes in flight at once, so the listen backlog never overflows into SYN retries. @default 200 */
  concurrency?: number;
}

export interface TriggerRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FireCommand {
  op: 'fire';
  url: string;
  trigger: TriggerRequest;
  timeoutMs: number;
}

export type Command = OpenCommand | FireCommand | { op: 'close' };

export interface OpenAnswer {
  opened: number;
  failed: number;
  firstError: string | null;
  /** The first connection's first message once open (the subscribe result on `ws`). */
  readySample: string | null;
  openMs: number;
}

export interface FireAnswer {
  /** Milliseconds from sending the trigger to each delivery, ascending. */
  latenciesMs: number[];
  missing: number;
  /** Trigger sent → its answer. */
  triggerMs: number;
  triggerStatus: number;
  /** Trigger sent → last delivery. */
  spanMs: number;
  /** Share of this process's core used from the trigger to the last delivery. */
  clientCpu: number;
  /** The first connection's delivery as received: the bytes a baseline must repeat. */
  sample: string | null;
  /** Connections that ended or answered early (a long poll answered before any event, a closed socket). */
  dropped: number;
}

interface Connection {
  close(): void;
}

/** One group of open connections and the deliveries of the current fire. */
class Group {
  readonly kind: ClientKind;
  readonly connections: Connection[] = [];
  received = new Float64Array(0);
  armedAt = -1;
  arrived = 0;
  dropped = 0;
  sample: string | null = null;
  onAll: (() => void) | null = null;
  /** Long polls whose next request is written: the group is ready again once all are. */
  reparked = 0;
  onReparked: (() => void) | null = null;

  constructor(kind: ClientKind) {
    this.kind = kind;
  }

  deliver(index: number, raw: () => string) {
    if (this.armedAt < 0 || !Number.isNaN(this.received[index])) return;
    this.received[index] = performance.now();
    if (index === 0) this.sample = raw();
    if (++this.arrived === this.received.length) this.onAll?.();
  }
}

let group: Group | null = null;
const nextCursor = /"nextCursor":"(\d+)"/;
const contentLength = /\r\ncontent-length: *(\d+)/i;
const ok = Buffer.from('HTTP/1.1 200');
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** Opens one connection; resolves once it can receive (subscribed, connected, headers in, request written). */
function openOne(current: Group, index: number, command: OpenCommand, onReady: (sample: string | null) => void, onFail: (error: Error) => void): Connection {
  const { kind } = command;
  if (kind === 'ws' || kind === 'socketio') {
    // /ws: subscribe, ready on its answer, then every message is an event. Socket.IO (engine.io 4
    // over WebSocket): answer the open packet `0{…}` by joining the namespace (`40`), ready on its
    // `40{…}`, events are `42[…]`, and its pings (`2`) want a pong (`3`).
    let ready = false;
    const path = kind === 'ws' ? `/ws${command.token ? `?token=${encodeURIComponent(command.token)}` : ''}` : '/socket.io/?EIO=4&transport=websocket';
    const socket = new RawWebSocket(command.url, path, {
      onOpen: () => {
        if (kind === 'ws') socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events.subscribe', params: { after: command.after } }));
      },
      onMessage: (payload) => {
        if (kind === 'socketio') {
          const type = payload[0];
          if (type === 0x30 /* 0: open */) return socket.send('40');
          if (type === 0x32 /* 2: ping */) return socket.send('3');
          if (!ready && payload[1] === 0x30 /* 40: joined */) {
            ready = true;
            return onReady(payload.toString());
          }
          if (ready && payload[1] === 0x32 /* 42: event */) current.deliver(index, () => payload.toString());
          return;
        }
        if (ready) return current.deliver(index, () => payload.toString());
        ready = true;
        const text = payload.toString();
        if (text.includes('"error"')) onFail(new Error(`subscribe refused: ${text.slice(0, 300)}`));
        else onReady(text);
      },
      onError: (error) => (ready ? undefined : onFail(error)),
      onClose: () => {
        if (ready) current.dropped++;
        else onFail(new Error('closed before it was ready'));
      },
    });
    return { close: () => socket.close() };
  }
  const headers: Record<string, string> = command.token ? { authorization: `Bearer ${command.token}` } : {};
  if (kind === 'sse') {
    const stream = request(`${command.url}/events/stream?after=${encodeURIComponent(command.after)}`, { agent: false, headers: { ...headers, accept: 'text/event-stream' } });
    stream.on('response', (response: IncomingMessage) => {
      if (response.statusCode !== 200) return onFail(new Error(`SSE answered ${response.statusCode ?? 0}`));
      onReady(null);
      response.on('data', (chunk: Buffer) => {
        // Heartbeats are comment lines; an event carries a data: field.
        if (chunk.includes('data:')) current.deliver(index, () => chunk.toString());
      });
      response.on('end', () => current.dropped++);
    });
    stream.on('error', onFail);
    stream.end();
    return { close: () => stream.destroy() };
  }
  // Long poll: parked until an event exists; on an answer, polls again after its cursor, on the
  // same keep-alive connection. Raw HTTP/1.1 rather than node:http's client, which cost about as
  // much per answer as the bare server it timed (98% of the client's core).
  let after = command.after;
  let first = true;
  let pending: Buffer | null = null;
  const { hostname, port } = new URL(command.url);
  const auth = command.token ? `Authorization: Bearer ${command.token}\r\n` : '';
  const socket = connect({ host: hostname, port: Number(port), noDelay: true });
  const poll = () =>
    socket.write(`GET /events?after=${encodeURIComponent(after)}&wait=60 HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${auth}\r\n`, () => {
      if (first) {
        first = false;
        onReady(null);
      } else {
        current.reparked++;
        current.onReparked?.();
      }
    });
  socket.once('connect', poll);
  socket.on('data', (chunk: Buffer) => {
    const data = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    const end = data.indexOf('\r\n\r\n');
    const length = end < 0 ? null : contentLength.exec(data.subarray(0, end).toString());
    if (end < 0 || (length && data.length < end + 4 + Number(length[1]))) {
      pending = data;
      return;
    }
    if (!length || !data.subarray(0, 12).equals(ok)) {
      current.dropped++;
      socket.destroy();
      return;
    }
    // No JSON.parse either: a page is `{"items":[…],"nextCursor":"N"}`; an empty one starts `{"items":[]`.
    const body = data.subarray(end + 4, end + 4 + Number(length[1]));
    if (body[10] !== 0x5d /* ] */) current.deliver(index, () => body.toString());
    else if (current.armedAt < 0) current.dropped++; // answered with nothing while no event was due: not parked
    after = nextCursor.exec(body.subarray(-40).toString())?.[1] ?? after;
    poll();
  });
  socket.on('error', (error) => (first ? onFail(error) : current.dropped++));
  socket.on('close', () => (first ? onFail(new Error('closed before the poll was sent')) : current.dropped++));
  return { close: () => socket.destroy() };
}

async function open(command: OpenCommand): Promise<OpenAnswer> {
  if (group) closeAll();
  const current = new Group(command.kind);
  group = current;
  const started = performance.now();
  let opened = 0;
  let failed = 0;
  let firstError: string | null = null;
  let readySample: string | null = null;
  let next = 0;
  await new Promise<void>((resolve) => {
    const concurrency = Math.min(command.count, command.concurrency ?? 200);
    let settled = 0;
    const startNext = () => {
      if (next >= command.count) return;
      const index = next++;
      let done = false;
      const finish = (error: Error | null, sample: string | null) => {
        if (done) return;
        done = true;
        if (error) {
          failed++;
          firstError ??= error.message;
        } else {
          opened++;
          if (index === 0) readySample = sample;
        }
        if (++settled === command.count) resolve();
        else startNext();
      };
      current.connections[index] = openOne(current, index, command, (sample) => finish(null, sample), (error) => finish(error, null));
    };
    if (command.count === 0) resolve();
    for (let i = 0; i < concurrency; i++) startNext();
  });
  return { opened, failed, firstError, readySample, openMs: Math.round(performance.now() - started) };
}

function sendTrigger(url: string, trigger: TriggerRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request(url + trigger.path, { method: trigger.method, headers: trigger.headers, agent });
    call.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    call.on('error', reject);
    call.end(trigger.body);
  });
}

async function fire(command: FireCommand): Promise<FireAnswer> {
  const current = group;
  if (!current) throw new Error('fire before open');
  const count = current.connections.length;
  current.received = new Float64Array(count).fill(Number.NaN);
  current.arrived = 0;
  current.reparked = 0;
  current.sample = null;
  const allArrived = new Promise<void>((resolve) => (current.onAll = resolve));
  const cpuBefore = process.cpuUsage();
  const sentAt = performance.now();
  current.armedAt = sentAt;
  let triggerMs = 0;
  const answered = sendTrigger(command.url, command.trigger).then((status) => {
    triggerMs = performance.now() - sentAt;
    return status;
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([allArrived, new Promise<void>((resolve) => (timer = setTimeout(resolve, command.timeoutMs)))]);
  clearTimeout(timer);
  const last = current.arrived > 0 ? Math.max(...current.received.filter((at) => !Number.isNaN(at))) : performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  const triggerStatus = await answered;
  current.armedAt = -1;
  current.onAll = null;
  if (current.kind === 'longpoll' && current.arrived > 0) {
    // Wait until every woken poll has sent its next request, so the next fire finds them parked again.
    const giveUpAt = performance.now() + 5000;
    while (current.reparked < current.arrived && performance.now() < giveUpAt) {
      await new Promise<void>((resolve) => {
        current.onReparked = resolve;
        setTimeout(resolve, 100);
      });
    }
    current.onReparked = null;
  }
  const latenciesMs = Array.from(current.received.filter((at) => !Number.isNaN(at)), (at) => Math.round((at - sentAt) * 1000) / 1000).sort((a, b) => a - b);
  const spanMs = last - sentAt;
  return {
    latenciesMs,
    missing: count - current.arrived,
    triggerMs: Math.round(triggerMs * 1000) / 1000,
    triggerStatus,
    spanMs: Math.round(spanMs * 1000) / 1000,
    clientCpu: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(spanMs, 0.001)) * 100) / 100,
    sample: current.sample,
    dropped: current.dropped,
  };
}

function closeAll(): void {
  for (const connection of group?.connections ?? []) connection.close();
  group = null;
}

export async function handle(command: Command): Promise<unknown> {
  if (command.op === 'open') return open(command);
  if (command.op === 'fire') return fire(command);
  const dropped = group?.dropped ?? 0;
  closeAll();
  return { dropped };
}

if (isMain(import.meta.url)) answerCommands<Command>(handle);
