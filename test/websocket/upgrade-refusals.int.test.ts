/**
 * Refusals happen before the upgrade, on every WebSocket path: a foreign Origin gets 403 and a
 * bad or revoked token 401 as a plain HTTP answer, read here byte for byte from a raw TCP socket,
 * so a `101` or any upgrade header sent first (and a frame after it) would show. Bistro's tokens
 * do not expire (a staff key lives until revoked, a guest token as long as its guest), so
 * "expired" is tested as revoked; no token is the anonymous principal, which is let in by design.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { startTestNode, type TestNode } from '../helpers/node.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode({ BISTRO_WS_ORIGINS: 'https://bistro.example' });
});
after(() => node.close());

/** The two WebSocket paths and the subprotocol each speaks. */
const paths = [
  { path: '/ws', protocol: undefined },
  { path: '/graphql', protocol: 'graphql-transport-ws' },
] as const;

interface RawAnswer {
  /** Everything the server sent before it closed the connection. */
  raw: string;
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends a WebSocket upgrade request by hand and reads every byte until the server closes, or the head of a 101 (bounded by `timeoutMs`). */
function rawUpgrade(path: string, headers: Record<string, string>, timeoutMs = 5000): Promise<RawAnswer> {
  const { hostname, port } = new URL(node.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
    }, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // An accepted upgrade stays open: its head is all there is to read.
      const sofar = Buffer.concat(chunks).toString('latin1');
      if (sofar.startsWith('HTTP/1.1 101') && sofar.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const answerHeaders = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ raw, status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0), headers: answerHeaders, body });
    });
    const request = [
      `GET ${path} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      'connection: Upgrade',
      'upgrade: websocket',
      'sec-websocket-version: 13',
      `sec-websocket-key: ${randomBytes(16).toString('base64')}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${request.join('\r\n')}\r\n\r\n`);
  });
}

/** A refusal: the status as plain HTTP, a problem document with the code, and nothing of an upgrade before or after. */
function assertRefusedBeforeUpgrade(answer: RawAnswer, status: number, code: string, where: string) {
  assert.equal(answer.status, status, `${where}: answered ${status}; got ${JSON.stringify(answer.raw.slice(0, 200))}`);
  assert.doesNotMatch(answer.raw, /HTTP\/1\.1 101/, `${where}: no 101 Switching Protocols anywhere in what was sent`);
  assert.equal(answer.headers.get('upgrade'), undefined, `${where}: no Upgrade header`);
  assert.equal(answer.headers.get('sec-websocket-accept'), undefined, `${where}: no Sec-WebSocket-Accept`);
  assert.equal(answer.headers.get('sec-websocket-protocol'), undefined, `${where}: no subprotocol chosen`);
  assert.equal(answer.headers.get('connection'), 'close', `${where}: the connection closes after the answer`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/, `${where}: a problem document`);
  assert.equal(Buffer.byteLength(answer.body, 'latin1'), Number(answer.headers.get('content-length')), `${where}: the body is the whole answer, no frame follows it`);
  assert.equal(JSON.parse(answer.body).code, code, `${where}: the catalogue code`);
}

const subprotocol = (protocol: string | undefined): Record<string, string> => (protocol === undefined ? {} : { 'sec-websocket-protocol': protocol });

for (const { path, protocol } of paths) {
  test(`${path}: a foreign Origin is refused 403 before the upgrade, with or without a good token`, async () => {
    const guest = await node.guest();
    const anonymous = await rawUpgrade(path, { origin: 'https://evil.example', ...subprotocol(protocol) });
    assertRefusedBeforeUpgrade(anonymous, 403, 'forbidden', `${path} anonymous from a foreign origin`);
    const signedIn = await rawUpgrade(path, { origin: 'https://evil.example', authorization: `Bearer ${guest.token}`, ...subprotocol(protocol) });
    assertRefusedBeforeUpgrade(signedIn, 403, 'forbidden', `${path} a guest's token from a foreign origin`);
    const inQuery = await rawUpgrade(`${path}?token=${encodeURIComponent(guest.token)}`, { origin: 'null', ...subprotocol(protocol) });
    assertRefusedBeforeUpgrade(inQuery, 403, 'forbidden', `${path} an opaque (null) origin with a query token`);
  });

  test(`${path}: a bad token is refused 401 before the upgrade, in the header or the query`, async () => {
    const inHeader = await rawUpgrade(path, { authorization: 'Bearer not-a-token', ...subprotocol(protocol) });
    assertRefusedBeforeUpgrade(inHeader, 401, 'unauthorized', `${path} bad header token`);
    assert.equal(inHeader.headers.get('www-authenticate'), 'Bearer realm="bistro"', `${path}: says how to authenticate`);
    const inQuery = await rawUpgrade(`${path}?token=not-a-token`, subprotocol(protocol));
    assertRefusedBeforeUpgrade(inQuery, 401, 'unauthorized', `${path} bad query token`);
  });

  test(`${path}: a revoked staff key is refused 401 before the upgrade`, async () => {
    const created = await node.request('/keys', { token: node.adminToken, json: { role: 'waiter', name: `revoked on ${path}` } });
    assert.equal(created.status, 201, created.text);
    const before = await rawUpgrade(path, { authorization: `Bearer ${created.body.token}`, origin: 'https://bistro.example', ...subprotocol(protocol) });
    assert.equal(before.status, 101, `${path}: the key opens a socket while it is valid; got ${JSON.stringify(before.raw.slice(0, 200))}`);
    const revoked = await node.request(`/keys/${created.body.id}`, { method: 'DELETE', token: node.adminToken });
    assert.equal(revoked.status, 204, revoked.text);
    const after = await rawUpgrade(path, { authorization: `Bearer ${created.body.token}`, origin: 'https://bistro.example', ...subprotocol(protocol) });
    assertRefusedBeforeUpgrade(after, 401, 'unauthorized', `${path} revoked key`);
  });
}
