/**
 * Graceful shutdown of a real `bistro serve` process on SIGTERM: a parked long poll is answered at
 * once, an SSE stream ends, a WebSocket closes with 1001 and the last sequence it was sent; the
 * process exits promptly, and a client resuming from that sequence on the restarted node misses
 * nothing and gets nothing twice.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'bistro-shutdown-'));
const env = { BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`, BISTRO_ADMIN_TOKEN: 'shutdown-admin', BISTRO_KITCHEN: 'manual' };
const running: ServeProcess[] = [];
after(async () => {
  for (const serve of running) await serve.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<ServeProcess> {
  const started = await startServeProcess(env);
  running.push(started);
  return started;
}

const admin = { authorization: 'Bearer shutdown-admin', 'content-type': 'application/json' };
async function head(url: string): Promise<string> {
  let cursor = '0';
  for (;;) {
    const page = (await (await fetch(`${url}/events?after=${cursor}&limit=500`, { headers: admin })).json()) as { items: unknown[]; nextCursor: string };
    if (page.items.length === 0) return cursor;
    cursor = page.nextCursor;
  }
}
/** A new dish on the menu: one public event. */
async function addDish(url: string, id: string): Promise<void> {
  const response = await fetch(`${url}/menu`, { method: 'POST', headers: admin, body: JSON.stringify({ id, name: id, category: 'starters', priceCents: 300 }) });
  assert.equal(response.status, 201, await response.text());
}

function openSocket(url: string, after: string): Promise<{ socket: WebSocket; events: { sequence: string }[]; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws?token=shutdown-admin`);
  const events: { sequence: string }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse((data as Buffer).toString()) as { method?: string; params?: { sequence: string } };
    if (message.method === 'event' && message.params) events.push(message.params);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.once('message', () => resolve({ socket, events, closed }));
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events.subscribe', params: { after } }));
    });
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    assert.ok(waited < 10_000, `${what} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('SIGTERM answers parked polls, ends streams, closes sockets with their last sequence; resuming loses nothing', async () => {
  const first = await serve();
  const start = await head(first.url);
  const ws = await openSocket(first.url, start);
  const sse = await fetch(`${first.url}/events/stream?after=${start}`, { headers: { authorization: 'Bearer shutdown-admin' } });
  assert.equal(sse.status, 200, 'the stream opens');
  let streamed = '';
  const streamEnded = (async () => {
    for await (const chunk of sse.body as unknown as AsyncIterable<Uint8Array>) streamed += Buffer.from(chunk).toString();
  })();

  await addDish(first.url, 'pea-soup');
  await until(() => ws.events.length === 1 && streamed.includes('id: '), 'the first event reaches the socket and the stream');
  const cursor = await head(first.url);
  const parked = fetch(`${first.url}/events?after=${cursor}&wait=60`, { headers: admin });
  await new Promise((resolve) => setTimeout(resolve, 200));

  const stopping = Date.now();
  await first.stop('SIGTERM');
  const stoppedIn = Date.now() - stopping;
  assert.ok(stoppedIn < 5000, `the process exits promptly on SIGTERM (took ${stoppedIn} ms), though a poll was parked for 60 s`);
  assert.equal(first.child.exitCode, 0, `a clean exit:\n${first.output()}`);
  const answered = await parked;
  assert.equal(answered.status, 200, 'the parked long poll was answered, not dropped');
  assert.deepEqual(((await answered.json()) as { items: unknown[] }).items, [], 'with an empty page: nothing new happened');
  await streamEnded;
  const closed = await ws.closed;
  assert.equal(closed.code, 1001, 'the socket closes as "going away"');
  const lastSequence = (JSON.parse(closed.reason) as { lastSequence: string }).lastSequence;
  assert.equal(lastSequence, ws.events.at(-1)?.sequence, 'the close names the last sequence the socket was sent');

  const second = await serve();
  await addDish(second.url, 'bean-soup');
  const resumed = await openSocket(second.url, lastSequence);
  await until(() => resumed.events.length >= 1, 'the event committed after the restart arrives');
  const log = await fetch(`${second.url}/events?after=${lastSequence}`, { headers: admin });
  const expected = ((await log.json()) as { items: { sequence: string }[] }).items.map((event) => event.sequence);
  assert.deepEqual(resumed.events.map((event) => event.sequence), expected, 'resuming from the close’s sequence gives exactly what came after it');
  resumed.socket.close();
  await second.stop('SIGTERM');
});
