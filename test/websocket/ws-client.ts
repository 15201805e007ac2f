/** A plain `ws` client for the /ws tests: JSON-RPC calls by id, every frame kept, waits for what arrives instead of sleeping. */
import { WebSocket, type ClientOptions } from 'ws';
import type { TestNode } from '../helpers/node.ts';

export interface Closed {
  code: number;
  reason: string;
}

export interface OpenOptions {
  token?: string;
  /** Sends the token as `?token=` instead of the Authorization header. */
  inQuery?: boolean;
  headers?: Record<string, string>;
  ws?: ClientOptions;
}

const wsUrl = (node: TestNode, query = '') => `${node.url.replace(/^http/, 'ws')}/ws${query}`;

export class RpcSocket {
  readonly ws: WebSocket;
  /** Every frame received, parsed, in order. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames of every shape
  readonly frames: any[] = [];
  readonly closed: Promise<Closed>;
  #nextId = 1;
  #waiters = new Set<() => void>();

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.frames.push(JSON.parse((data as Buffer).toString()));
      for (const wake of [...this.#waiters]) wake();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    void this.closed.then(() => {
      for (const wake of [...this.#waiters]) wake();
    });
  }

  static open(node: TestNode, options: OpenOptions = {}): Promise<RpcSocket> {
    const headers: Record<string, string> = { ...options.headers };
    let query = '';
    if (options.token !== undefined && options.inQuery) query = `?token=${encodeURIComponent(options.token)}`;
    else if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    const ws = new WebSocket(wsUrl(node, query), { headers, ...options.ws });
    const socket = new RpcSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
  }

  send(text: string | Buffer, binary = false): void {
    this.ws.send(text, { binary });
  }

  /** Sends one call and waits for its answer (matched by id). */
  async call(method: string, params?: unknown) {
    const id = this.#nextId++;
    this.send(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id }));
    return this.waitFor((frame) => !Array.isArray(frame) && frame.id === id && !('method' in frame));
  }

  /** The first frame (from `from` on) that `predicate` accepts; rejects when the socket closes first or time runs out. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames of every shape
  waitFor(predicate: (frame: any) => boolean, { from = 0, timeoutMs = 5000 } = {}): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.slice(from).find(predicate);
        if (found !== undefined) return done(() => resolve(found));
        if (this.ws.readyState === WebSocket.CLOSED) return done(() => reject(new Error(`socket closed before the frame arrived; got ${JSON.stringify(this.frames.slice(from)).slice(0, 500)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no such frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(from)).slice(0, 500)}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits until `count` frames match. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames of every shape
  async waitForCount(predicate: (frame: any) => boolean, count: number, timeoutMs = 10_000): Promise<void> {
    await this.waitFor(() => this.frames.filter(predicate).length >= count, { timeoutMs });
  }

  /** The `event` notifications so far. */
  events() {
    return this.frames.filter((frame) => frame.method === 'event').map((frame) => frame.params);
  }

  messages() {
    return this.frames.filter((frame) => frame.method === 'message').map((frame) => frame.params);
  }

  close(): Promise<Closed> {
    this.ws.close();
    return this.closed;
  }
}

/** Tries an upgrade that should be refused: the HTTP status and parsed problem body of the refusal. */
export function refusedUpgrade(node: TestNode, options: { query?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- a problem body
  const ws = new WebSocket(wsUrl(node, options.query ?? ''), { headers: options.headers ?? {} });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('error', () => undefined);
    ws.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
  });
}
