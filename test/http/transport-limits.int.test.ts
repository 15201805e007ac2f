/**
 * What one TCP connection may cost, tried through raw sockets as a hostile client would: requests
 * that arrive too slowly are answered 408 and closed within the configured bound (and a long poll,
 * an SSE stream or a WebSocket held after its request arrived is not cut); connections past the caps
 * are answered 503 with Retry-After; requests Node's parser or Fastify's router refuse speak the
 * catalogue's problem+json without repeating the URL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { openRpcSocket } from '../helpers/push-clients.ts';

const requestTimeoutMs = 1500;
const headersTimeoutMs = 1000;
/** Node looks for late requests once a second; the rest is room for a busy machine. */
const closeBoundMs = (timeoutMs: number) => timeoutMs + 1000 + 2000;

interface RawConnection {
  socket: net.Socket;
  /** Everything received so far, as text. */
  received(): string;
  /** Resolves with the milliseconds from connecting to the server closing the connection. */
  closed: Promise<number>;
}

function connect(port: number, localAddress = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let text = '';
    let started = 0;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    const closed = new Promise<number>((resolveClosed) => socket.once('close', () => resolveClosed(Date.now() - started)));
    socket.once('connect', () => {
      started = Date.now();
      socket.removeListener('error', reject);
      // Writes racing the server's close fail with EPIPE or a reset; the test reads what arrived.
      socket.on('error', () => {});
      resolve({ socket, received: () => text, closed });
    });
    socket.once('error', reject);
  });
}

/** Resolves with `promise` or rejects once `ms` passed: every wait in this file is bounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: { code?: string; status?: number; instance?: string; detail?: string; type?: string };
  text: string;
}

function parseAnswer(text: string): RawAnswer {
  const headEnd = text.indexOf('\r\n\r\n');
  assert.ok(headEnd > 0, `an HTTP answer arrived: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = text.slice(headEnd + 4);
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as RawAnswer['body'], text };
}

/** Sends `request` on a fresh connection and reads the answer until the server closes it. */
async function exchange(port: number, request: string): Promise<RawAnswer> {
  const connection = await connect(port);
  connection.socket.write(request);
  await within(connection.closed, 10_000, 'the server closes the connection after its answer');
  return parseAnswer(connection.received());
}

function assertProblem(answer: RawAnswer, status: number, code: string): void {
  assert.equal(answer.status, status, `status ${status}: ${answer.text.slice(0, 300)}`);
  assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/, 'a problem document');
  assert.equal(answer.body.code, code, `the catalogue code ${code}`);
  assert.equal(answer.body.type, `urn:bistro:problem:${code}`, 'its type names the code');
  assert.equal(answer.body.status, status, 'the body repeats the status');
}

/** Writes one byte of `bytes` every 200 ms until the connection closes or they run out. */
function trickle(connection: RawConnection, bytes: string): void {
  let index = 0;
  const timer = setInterval(() => {
    if (connection.socket.destroyed || index >= bytes.length) return void clearInterval(timer);
    connection.socket.write(bytes[index++] ?? '');
  }, 200);
  void connection.closed.then(() => clearInterval(timer));
}

describe('timeouts', () => {
  let node: TestNode;
  let port: number;
  before(async () => {
    node = await startTestNode({
      BISTRO_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
      BISTRO_HEADERS_TIMEOUT_MS: String(headersTimeoutMs),
      BISTRO_KEEP_ALIVE_TIMEOUT_MS: '1000',
      BISTRO_SSE_HEARTBEAT_MS: '300',
    });
    port = Number(new URL(node.url).port);
  });
  after(() => node.close());

  test('a body sent a byte at a time is answered 408 and closed once the request timeout passes', async () => {
    const connection = await connect(port);
    connection.socket.write('POST /guests HTTP/1.1\r\nhost: bistro\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n');
    trickle(connection, '{"table": 4, "name": "Slow"'.padEnd(1000, ' '));
    const ms = await within(connection.closed, closeBoundMs(requestTimeoutMs), 'the slow body is cut off');
    assert.ok(ms >= requestTimeoutMs - 100, `the request had its ${requestTimeoutMs} ms (${ms} ms)`);
    assertProblem(parseAnswer(connection.received()), 408, 'request_timeout');
  });

  test('headers sent a byte at a time, or none at all, are answered 408 and closed once the headers timeout passes', async () => {
    const slow = await connect(port);
    slow.socket.write('GET /healthz HTTP/1.1\r\n');
    trickle(slow, 'host: bistro\r\nx-padding: ' + 'x'.repeat(100));
    const silent = await connect(port);
    const [slowMs, silentMs] = await Promise.all([
      within(slow.closed, closeBoundMs(headersTimeoutMs), 'slow headers are cut off'),
      within(silent.closed, closeBoundMs(headersTimeoutMs), 'a silent connection is closed'),
    ]);
    assert.ok(slowMs >= headersTimeoutMs - 100 && silentMs >= headersTimeoutMs - 100, `both had their ${headersTimeoutMs} ms (${slowMs}, ${silentMs} ms)`);
    assertProblem(parseAnswer(slow.received()), 408, 'request_timeout');
    assertProblem(parseAnswer(silent.received()), 408, 'request_timeout');
  });

  test('after an answer, a kept-alive connection closes once idle for the keep-alive timeout; a next request trickled on one is cut like any other', async () => {
    const idle = await connect(port);
    const next = await connect(port);
    for (const connection of [idle, next]) connection.socket.write('GET /healthz HTTP/1.1\r\nhost: bistro\r\n\r\n');
    await waitFor(() => idle.received().includes('{"status":"ok"}') && next.received().includes('{"status":"ok"}'), 5000);
    next.socket.write('GET /healthz HTTP/1.1\r\n');
    trickle(next, 'host: bistro\r\nx-padding: ' + 'x'.repeat(100));
    await within(idle.closed, closeBoundMs(1000), 'the idle kept-alive connection is closed');
    await within(next.closed, closeBoundMs(headersTimeoutMs), 'the trickled second request is cut off');
    const second = next.received().slice(next.received().indexOf('{"status":"ok"}') + '{"status":"ok"}'.length);
    assertProblem(parseAnswer(second), 408, 'request_timeout');
  });

  test('a long poll, an SSE stream and a WebSocket held past the request timeout are not cut', async () => {
    const guest = await node.guest();
    const head = (await node.request('/events?after=0&limit=500', { token: guest.token })).body.nextCursor as string;
    const started = Date.now();
    const poll = node.request(`/events?after=${head}`, { token: guest.token, headers: { prefer: 'wait=2' } });

    const stream = new AbortController();
    const sse = await fetch(`${node.url}/events/stream?token=${guest.token}`, { signal: stream.signal });
    assert.equal(sse.status, 200, 'the stream opened');
    const socket = await openRpcSocket(node, guest.token);

    const answer = await poll;
    assert.equal(answer.status, 200, `the poll was held to its end and answered: ${answer.text}`);
    assert.ok(Date.now() - started >= 1900, 'it was held its 2 s, past the 1.5 s request timeout');
    await new Promise((resolve) => setTimeout(resolve, requestTimeoutMs + 1000 - (Date.now() - started)));

    const reader = sse.body?.getReader();
    assert.ok(reader, 'the stream has a body');
    // Heartbeats come every 300 ms: what was buffered is read, and then more must still arrive.
    const first = await within(reader.read(), 5000, 'the stream still delivers');
    assert.equal(first.done, false, 'the stream is still open');
    const later = await within(reader.read(), 5000, 'the stream still delivers heartbeats');
    assert.equal(later.done, false, 'and keeps delivering');
    stream.abort();
    await reader.cancel().catch(() => {});

    const menu = await within(socket.call('menu.list', {}), 5000, 'the WebSocket answers');
    assert.ok(menu !== null && typeof menu === 'object', 'the WebSocket answers a call after the request timeout');
    socket.close();
    const { code } = await within(socket.closed, 5000, 'the WebSocket closes when asked');
    assert.equal(code, 1005, 'closed by the client, not cut by the server');
  });
});

describe('connection caps', () => {
  let node: TestNode;
  let port: number;
  const open: RawConnection[] = [];
  before(async () => {
    node = await startTestNode({ BISTRO_MAX_CONNECTIONS: '3', BISTRO_MAX_CONNECTIONS_PER_ADDRESS: '2' });
    port = Number(new URL(node.url).port);
  });
  after(async () => {
    for (const connection of open) connection.socket.destroy();
    await node.close();
  });

  /** Once a place is freed (the node hears of the close a moment later), a new connection from `localAddress` is served and kept. */
  async function admittedAgain(localAddress: string): Promise<void> {
    await waitFor(async () => {
      const connection = await connect(port, localAddress);
      connection.socket.write('GET /healthz HTTP/1.1\r\nhost: bistro\r\n\r\n');
      const ok = await Promise.race([
        waitFor(() => connection.received().includes('{"status":"ok"}'), 2000).then(() => true),
        connection.closed.then(() => false),
      ]);
      if (ok) open.push(connection);
      else connection.socket.destroy();
      return ok;
    }, 5000, 100);
  }

  /** A kept-alive connection that was served: it is admitted and counted. */
  async function served(localAddress: string): Promise<RawConnection> {
    const connection = await connect(port, localAddress);
    open.push(connection);
    connection.socket.write('GET /healthz HTTP/1.1\r\nhost: bistro\r\n\r\n');
    await waitFor(() => connection.received().includes('\r\n\r\n{"status":"ok"}'), 5000);
    return connection;
  }

  async function refused(localAddress: string): Promise<RawAnswer> {
    const connection = await connect(port, localAddress);
    connection.socket.write('GET /healthz HTTP/1.1\r\nhost: bistro\r\n\r\n');
    await within(connection.closed, 5000, 'a refused connection is closed');
    return parseAnswer(connection.received());
  }

  test('past the per-address cap a connection is answered 503 overloaded with Retry-After; another address and a freed place are admitted', async () => {
    const first = await served('127.0.0.1');
    await served('127.0.0.1');
    const third = await refused('127.0.0.1');
    assertProblem(third, 503, 'overloaded');
    assert.ok(Number(third.headers['retry-after']) > 0, 'Retry-After says when to come back');
    assert.equal(third.headers['connection'], 'close', 'and the connection closes');
    assert.match(third.body.detail ?? '', /address/, 'the detail names the per-address cap');
    await served('127.0.0.2');

    first.socket.destroy();
    await first.closed;
    await admittedAgain('127.0.0.1');
  });

  test('past the overall cap a connection from any address is answered 503 overloaded, until one closes', async () => {
    // The first test left three admitted connections: the node's cap.
    const fourth = await refused('127.0.0.3');
    assertProblem(fourth, 503, 'overloaded');
    assert.ok(Number(fourth.headers['retry-after']) > 0, 'Retry-After says when to come back');
    assert.match(fourth.body.detail ?? '', /node/, 'the detail names the overall cap');

    const freed = open.find((connection) => !connection.socket.destroyed);
    assert.ok(freed, 'an admitted connection to close');
    freed.socket.destroy();
    await freed.closed;
    await admittedAgain('127.0.0.3');
  });
});

describe('errors before a route runs', () => {
  let node: TestNode;
  let port: number;
  before(async () => {
    node = await startTestNode();
    port = Number(new URL(node.url).port);
  });
  after(() => node.close());

  const long = 'a'.repeat(20_000);

  test('a URL too long for the head is answered 414 uri_too_long, without the URL', async () => {
    const answer = await exchange(port, `GET /menu/${long} HTTP/1.1\r\nhost: bistro\r\n\r\n`);
    assertProblem(answer, 414, 'uri_too_long');
    assert.ok(!answer.text.includes('aaaaaaaaaa'), 'the URL is not repeated');
    assert.equal(answer.body.instance, undefined, 'no instance for a URL refused for its length');
  });

  test('a path segment longer than any id is answered 414 uri_too_long, without the URL', async () => {
    const answer = await exchange(port, `GET /orders/${'a'.repeat(300)} HTTP/1.1\r\nhost: bistro\r\nconnection: close\r\n\r\n`);
    assertProblem(answer, 414, 'uri_too_long');
    assert.ok(!answer.text.includes('aaaaaaaaaa'), 'the URL is not repeated');
  });

  test('headers too large are answered 431 headers_too_large, without the headers', async () => {
    const answer = await exchange(port, `GET /menu HTTP/1.1\r\nhost: bistro\r\nx-big: ${long}\r\n\r\n`);
    assertProblem(answer, 431, 'headers_too_large');
    assert.ok(!answer.text.includes('aaaaaaaaaa'), 'the header is not repeated');
  });

  test('a URL Fastify cannot decode, one with bytes a URL may not hold and bytes that are not HTTP are answered 400 validation_failed', async () => {
    const badEscape = await exchange(port, `GET /%zz${'b'.repeat(300)} HTTP/1.1\r\nhost: bistro\r\nconnection: close\r\n\r\n`);
    assertProblem(badEscape, 400, 'validation_failed');
    assert.ok((badEscape.body.instance ?? '').length <= 200, `instance is cut at 200 characters (${badEscape.body.instance?.length})`);
    assert.ok(!(badEscape.body.detail ?? '').includes('bbbb'), 'the detail does not repeat the URL');

    assertProblem(await exchange(port, 'GET /menu\x01x HTTP/1.1\r\nhost: bistro\r\n\r\n'), 400, 'validation_failed');
    assertProblem(await exchange(port, 'HELLO THERE\r\n\r\n'), 400, 'validation_failed');
    assertProblem(await exchange(port, 'GET /menu HTTP/1.1\r\nbad header: x\r\n\r\n'), 400, 'validation_failed');
  });

  test('a problem names the path, without the query, in at most 200 characters', async () => {
    const response = await node.request(`/nowhere/${'c'.repeat(5000)}?token=secret&x=${'d'.repeat(500)}`);
    assert.equal(response.status, 404, response.text.slice(0, 200));
    assert.equal(response.body.code, 'not_found', 'the catalogue code');
    assert.equal(response.body.instance, `/nowhere/${'c'.repeat(191)}`, 'the path, cut at 200 characters');
    assert.ok(response.text.length < 1000, `the answer stays small (${response.text.length} characters)`);
    assert.ok(!response.text.includes('secret'), 'the query is not repeated');
  });
});
