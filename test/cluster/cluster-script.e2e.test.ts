/**
 * `npm run cluster` as a user runs it: two node processes on one PostgreSQL schema and Redis behind
 * the built-in round-robin proxy. Through the proxy alone: plain requests alternate between the
 * nodes, an SSE stream and a GraphQL subscription held by one node get an event committed through
 * the other, a `/ws` JSON-RPC call works; SIGTERM then leaves no node process behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { newPlace } from '../helpers/backends.ts';
import { clusterSkipReason, redisUrl } from '../helpers/cluster.ts';
import { graphqlEvents, openRpcSocket, type PushedEvent } from '../helpers/push-clients.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const adminToken = 'cluster-script-admin-token';
const skip = await clusterSkipReason();
const place = newPlace('postgres');

let script: ChildProcessWithoutNullStreams;
let output = '';
let proxyUrl = '';
let nodePids: number[] = [];

function runScript(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, BISTRO_LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  return child;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

before(async () => {
  if (skip) return;
  script = runScript(['--nodes', '2', '--port', '0', '--db', place.env['BISTRO_DB'] ?? '', '--bus', redisUrl], {
    BISTRO_DB_SCHEMA: place.schema ?? '',
    BISTRO_ADMIN_TOKEN: adminToken,
    BISTRO_KITCHEN: 'manual',
  });
  script.stdout.on('data', (chunk: string) => (output += chunk));
  script.stderr.on('data', (chunk: string) => (output += chunk));
  proxyUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no proxy URL within 60 s:\n${output}`)), 60_000);
    script.on('exit', (code) => reject(new Error(`the cluster script exited (${code}) before serving:\n${output}`)));
    script.stdout.on('data', () => {
      const match = /Bistro cluster serving (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
  });
  nodePids = [...output.matchAll(/bistro cluster: node \d+ http:\/\/\S+ pid (\d+)/g)].map((match) => Number(match[1]));
});

after(async () => {
  if (skip) return;
  // Only when a test failed before SIGTERM: nothing may outlive the run.
  if (script.exitCode === null && script.signalCode === null) {
    script.kill('SIGKILL');
    for (const pid of nodePids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await place.remove();
});

async function get(path: string, init: RequestInit = {}) {
  const response = await fetch(proxyUrl + path, { ...init, headers: { authorization: `Bearer ${adminToken}`, ...(init.headers as Record<string, string>) } });
  return { status: response.status, node: response.headers.get('x-bistro-node'), headers: response.headers, text: await response.text() };
}

/** An SSE stream read with fetch, so the test sees which node holds it; `next` waits for an event that `wanted` accepts. */
async function openStream(lastEventId: string) {
  const controller = new AbortController();
  const response = await fetch(`${proxyUrl}/events/stream`, { headers: { authorization: `Bearer ${adminToken}`, 'last-event-id': lastEventId }, signal: controller.signal });
  assert.equal(response.status, 200, 'the stream opens through the proxy');
  assert.ok(response.body, 'the stream has a body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  async function next(wanted: (event: PushedEvent) => boolean): Promise<PushedEvent> {
    for (;;) {
      const frames = buffer.split('\n\n');
      buffer = frames.pop() ?? '';
      for (const frame of frames) {
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        const event = data === undefined ? undefined : (JSON.parse(data.slice(6)) as PushedEvent);
        if (event && wanted(event)) return event;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the SSE stream ended');
      buffer += value;
    }
  }
  return { node: response.headers.get('x-bistro-node'), next, close: () => controller.abort() };
}

async function head(): Promise<string> {
  let cursor = '0';
  for (;;) {
    const page = JSON.parse((await get(`/events?after=${cursor}&limit=500`)).text);
    if (page.items.length === 0) return cursor;
    cursor = page.nextCursor;
  }
}

test('the cluster script refuses SQLite, which is one node\'s database', async () => {
  const child = runScript(['--db', 'sqlite:./cluster.db']);
  let stderr = '';
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 2, 'a usage error');
  assert.match(stderr, /SQLite is one node's database.*postgres:\/\//, `says why and what to give instead: ${stderr}`);
});

test('the proxy serves the menu and alternates plain requests between the nodes', { skip }, async () => {
  const menu = await get('/menu');
  assert.equal(menu.status, 200, menu.text);
  assert.ok(JSON.parse(menu.text).items.some((item: { id: string }) => item.id === 'lemonade'), 'the seeded menu, seeded once');
  const seen = [menu.node];
  for (let round = 0; round < 3; round++) seen.push((await get('/menu')).node);
  assert.equal(new Set(seen).size, 2, `both nodes answered: ${seen.join(', ')}`);
  for (let index = 1; index < seen.length; index++) assert.notEqual(seen[index], seen[index - 1], `round robin alternates: ${seen.join(', ')}`);
  assert.equal(nodePids.length, 2, `one line per node with its pid:\n${output}`);
});

test('an SSE stream and a GraphQL subscription through the proxy get an event committed on the other node', { skip }, async () => {
  const cursor = await head();
  const stream = await openStream(cursor);
  const subscription = graphqlEvents({ url: proxyUrl }, adminToken, 'subscription ($after: String) { events(after: $after, types: ["menu.item.updated"]) { sequence type subject data } }', { after: cursor }, (events) => events.length >= 1, 20_000);
  try {
    const item = await get('/menu/lemonade');
    // Round robin is the only scheduler: step it until the next request is the other node's.
    for (let step = 0; step < 2 && (await get('/healthz')).node !== stream.node; step++);
    const { version: _version, updatedAt: _updatedAt, ...fields } = JSON.parse(item.text);
    const updated = await get('/menu/lemonade', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': String(item.headers.get('etag')) },
      body: JSON.stringify({ ...fields, priceCents: fields.priceCents + 5 }),
    });
    assert.equal(updated.status, 200, updated.text);
    assert.notEqual(updated.node, stream.node, `committed on node ${updated.node}, streamed from node ${stream.node}`);
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no SSE event through the proxy within 20 s')), 20_000).unref());
    const streamed = await Promise.race([stream.next((event) => event.type === 'menu.item.updated'), timeout]);
    const [subscribed] = await subscription;
    assert.equal(streamed.subject, 'menu/lemonade', 'the SSE stream got the update');
    assert.equal(subscribed?.sequence, streamed.sequence, 'the subscription got the same event');
  } finally {
    stream.close();
  }
});

test('a /ws JSON-RPC call works through the proxy', { skip }, async () => {
  const socket = await openRpcSocket({ url: proxyUrl }, adminToken);
  try {
    const result = (await socket.call('menu.get', { id: 'lemonade' })) as { id: string };
    assert.equal(result.id, 'lemonade', 'the call is answered over the proxied socket');
  } finally {
    socket.close();
  }
});

test('SIGTERM stops the proxy and every node process', { skip }, async () => {
  assert.ok(nodePids.every(alive), 'the nodes run until then');
  const exited = once(script, 'exit');
  script.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, `a clean stop:\n${output}`);
  assert.deepEqual(nodePids.filter(alive), [], 'no node outlives the script');
  await assert.rejects(fetch(proxyUrl + '/menu'), 'the proxy port is closed');
});
