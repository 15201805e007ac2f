/**
 * The webhook sender against real local receivers: what each kind of answer becomes, and the
 * outbound rules (no redirects, deadline, read cap, no private targets, DNS rebinding) on the wire.
 * Nothing here leaves loopback: names resolve through stubs, and public answers only reach checkTarget.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { checkTarget, createSender, type SenderOptions } from '../../src/patterns/webhooks/sender.ts';

interface Receiver {
  url: string;
  port: number;
  /** Requests received, with their bodies. */
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

const receivers: Receiver[] = [];
after(() => Promise.all(receivers.map((receiver) => receiver.close())));

async function receiver(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<Receiver> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      self.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() });
      answer(request, response);
    });
  });
  server.on('connection', () => self.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const self: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests: [],
    connections: 0,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  receivers.push(self);
  return self;
}

function sender(options: Partial<SenderOptions> = {}) {
  const made = createSender({ timeoutMs: 5000, maxResponseBytes: 65536, allowPrivate: true, ...options });
  after(() => made.close());
  return made;
}

const delivery = (url: string, body = '{"type":"order.ready"}') => ({ url, headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1' }, body });

/** A resolver stub answering each call with the next of `answers` (the last one repeats), counting calls. */
function stubLookup(...answers: (string[] | NodeJS.ErrnoException)[]): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const lookup = ((hostname, options, callback) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    setImmediate(() => {
      if (answer instanceof Error || answer === undefined) return callback(answer ?? new Error('no answer'), '', 0);
      const all = answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (options.all) callback(null, all);
      else callback(null, all[0]?.address ?? '', all[0]?.family ?? 4);
    });
  }) as LookupFunction & { calls: string[] };
  lookup.calls = calls;
  return lookup;
}

test('a 200 is ok, with the answer excerpted and the delivery received as sent', async () => {
  const bell = await receiver((_request, response) => response.end('thanks, ringing'));
  const outcome = await sender().send(delivery(bell.url));
  assert.deepEqual({ ...outcome, latencyMs: 0 }, { status: 200, latencyMs: 0, ok: true, error: null, excerpt: 'thanks, ringing', retryAfterMs: null, gone: false }, 'the outcome');
  assert.ok(outcome.latencyMs >= 0 && outcome.latencyMs < 5000, 'a latency');
  assert.equal(bell.requests.length, 1, 'one request');
  assert.equal(bell.requests[0]?.method, 'POST', 'a POST');
  assert.equal(bell.requests[0]?.body, '{"type":"order.ready"}', 'the body');
  assert.equal(bell.requests[0]?.headers['webhook-id'], 'evt_1', 'the headers');
});

test('an excerpt keeps the first 1024 characters, multi-byte ones whole', async () => {
  const bell = await receiver((_request, response) => response.end('é'.repeat(3000)));
  const outcome = await sender().send(delivery(bell.url));
  assert.equal(outcome.excerpt, 'é'.repeat(1024), 'the excerpt');
});

test('a 500 is a failure with its excerpt', async () => {
  const bell = await receiver((_request, response) => { response.statusCode = 500; response.end('kitchen on fire'); });
  const outcome = await sender().send(delivery(bell.url));
  assert.equal(outcome.ok, false, 'not ok');
  assert.equal(outcome.status, 500, 'the status');
  assert.equal(outcome.error, 'HTTP 500', 'the error');
  assert.equal(outcome.excerpt, 'kitchen on fire', 'the excerpt');
});

test('a 302 is a failure and is never followed', async () => {
  const elsewhere = await receiver((_request, response) => response.end('you should not be here'));
  const bell = await receiver((_request, response) => { response.writeHead(302, { location: elsewhere.url }); response.end(); });
  const outcome = await sender().send(delivery(bell.url));
  assert.equal(outcome.ok, false, 'not ok');
  assert.equal(outcome.status, 302, 'the status');
  assert.equal(outcome.error, 'redirect (302) not followed', 'the error');
  assert.equal(bell.requests.length, 1, 'the endpoint was called');
  assert.equal(elsewhere.requests.length + elsewhere.connections, 0, 'the Location was never visited');
});

test('a 410 says the receiver is gone', async () => {
  const bell = await receiver((_request, response) => { response.statusCode = 410; response.end(); });
  const outcome = await sender().send(delivery(bell.url));
  assert.equal(outcome.gone, true, 'gone');
  assert.equal(outcome.ok, false, 'not ok');
  assert.equal(outcome.error, 'HTTP 410', 'the error');
});

test('Retry-After is read in seconds or as an HTTP date, and ignored when unreadable', async () => {
  const values: (string | undefined)[] = ['120', 'Wed, 21 Oct 2026 07:30:00 GMT', 'Wed, 21 Oct 2026 07:00:00 GMT', 'soon', undefined];
  let next = 0;
  const bell = await receiver((_request, response) => {
    const value = values[next++];
    response.writeHead(503, value === undefined ? {} : { 'retry-after': value });
    response.end();
  });
  const send = sender({ now: () => Date.parse('Wed, 21 Oct 2026 07:28:00 GMT') }).send;
  assert.equal((await send(delivery(bell.url))).retryAfterMs, 120_000, 'delta-seconds');
  assert.equal((await send(delivery(bell.url))).retryAfterMs, 120_000, 'an HTTP date two minutes ahead');
  assert.equal((await send(delivery(bell.url))).retryAfterMs, 0, 'an HTTP date in the past');
  assert.equal((await send(delivery(bell.url))).retryAfterMs, null, 'unreadable');
  assert.equal((await send(delivery(bell.url))).retryAfterMs, null, 'absent');
});

test('a receiver that never answers times out within the deadline', async () => {
  const bell = await receiver(() => { /* holds the request open */ });
  const outcome = await sender({ timeoutMs: 300 }).send(delivery(bell.url));
  assert.equal(outcome.error, 'timed out after 300 ms', 'the error');
  assert.equal(outcome.status, null, 'no status');
  assert.ok(outcome.latencyMs >= 290 && outcome.latencyMs < 2000, `the attempt ended near its deadline (${outcome.latencyMs} ms)`);
});

test('a receiver that sends its headers and then trickles the body times out too', async () => {
  const bell = await receiver((_request, response) => {
    response.writeHead(200);
    const drip = setInterval(() => response.write('.'), 50);
    response.on('close', () => clearInterval(drip));
  });
  const started = performance.now();
  const outcome = await sender({ timeoutMs: 300 }).send(delivery(bell.url));
  assert.equal(outcome.error, 'timed out after 300 ms', 'the error');
  assert.equal(outcome.ok, false, 'a 200 that never ends is not ok');
  assert.equal(outcome.status, 200, 'the status that did arrive');
  assert.ok(performance.now() - started < 2000, 'the attempt ended near its deadline');
});

test('a 10 MB answer is ok, and reading stops at the cap: the receiver sees the connection dropped', async () => {
  const total = 10 * 1024 * 1024;
  let finished: boolean | undefined;
  let written = 0;
  const closed = new Promise<void>((resolve) => {
    void receiver((_request, response) => {
      response.writeHead(200, { 'content-length': String(total) });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      // Writes only as fast as the sender reads, so what was written bounds what was read.
      const pump = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('close', () => { finished = response.writableFinished; resolve(); });
      pump();
    }).then((bell) => sender({ maxResponseBytes: 65536 }).send(delivery(bell.url))).then((outcome) => {
      assert.equal(outcome.ok, true, 'a 200 with a huge body is still ok');
      assert.equal(outcome.excerpt, 'x'.repeat(1024), 'the excerpt');
    });
  });
  await closed;
  assert.equal(finished, false, 'the response was cut off before its end');
  assert.ok(written < total, `the receiver could not write everything (${written} of ${total} bytes)`);
});

test('sequential deliveries to one receiver reuse one keep-alive connection', async () => {
  const bell = await receiver((_request, response) => response.end('ok'));
  const send = sender().send;
  for (let index = 0; index < 20; index++) assert.equal((await send(delivery(bell.url))).ok, true, `delivery ${index}`);
  assert.equal(bell.requests.length, 20, 'twenty requests');
  assert.equal(bell.connections, 1, 'one connection');
});

test('a closed port is a refused connection', async () => {
  const gone = await receiver(() => undefined);
  await gone.close();
  const outcome = await sender().send(delivery(gone.url));
  assert.equal(outcome.error, 'connection refused', 'the error');
  assert.equal(outcome.status, null, 'no status');
});

test('private literal targets are refused before any connection, naming the setting', async () => {
  const bell = await receiver((_request, response) => response.end('ok'));
  const send = sender({ allowPrivate: false, lookup: stubLookup(new Error('a literal needs no lookup')) }).send;
  for (const [url, message] of [
    [bell.url, '127.0.0.1 is a loopback address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1'],
    [`http://2130706433:${bell.port}/hook`, '127.0.0.1 is a loopback address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1'],
    [`http://[::1]:${bell.port}/hook`, '[::1] is a loopback address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1'],
    [`http://[::ffff:127.0.0.1]:${bell.port}/hook`, '[::ffff:7f00:1] is a loopback address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1'],
  ] as const) {
    const outcome = await send(delivery(url));
    assert.equal(outcome.error, message, `${url} is refused`);
    assert.equal(outcome.status, null, `${url} got no status`);
  }
  assert.equal(bell.connections, 0, 'the receiver saw no connection');
});

test('a bad URL is a failed attempt, not a throw', async () => {
  const outcome = await sender().send(delivery('ftp://example.com/hook'));
  assert.match(outcome.error ?? '', /scheme must be http or https/, 'the error');
});

test('a name is resolved through the given lookup, so the guard sees what is connected to', async () => {
  const bell = await receiver((_request, response) => response.end('ok'));
  const lookup = stubLookup(['127.0.0.1']);
  const outcome = await sender({ allowPrivate: true, lookup }).send(delivery(`http://bell.test:${bell.port}/hook`));
  assert.equal(outcome.ok, true, `allowed private targets connect (${outcome.error})`);
  assert.deepEqual(lookup.calls, ['bell.test'], 'the stub answered the connection');
  assert.equal(bell.requests[0]?.headers.host, `bell.test:${bell.port}`, 'the Host header keeps the name');
});

test('DNS rebinding fails: public when registered, private when connecting', async () => {
  const bell = await receiver((_request, response) => response.end('ok'));
  for (const [rebound, range] of [['127.0.0.1', 'loopback'], ['10.0.0.1', 'private'], ['::1', 'loopback'], ['169.254.169.254', 'linkLocal']] as const) {
    // The public answer goes only to checkTarget, which never connects.
    const lookup = stubLookup(['93.184.216.34'], [rebound]);
    const url = `http://rebind.test:${bell.port}/hook`;
    assert.equal(await checkTarget(url, { allowPrivate: false, lookup }), undefined, 'registration sees a public address');
    const outcome = await sender({ allowPrivate: false, lookup }).send(delivery(url));
    assert.equal(outcome.error, `rebind.test (${rebound}) is a ${range} address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1`, `${rebound} is refused at connect time`);
    assert.equal(outcome.status, null, 'no status');
    assert.deepEqual(lookup.calls, ['rebind.test', 'rebind.test'], 'resolved at registration and at connect');
  }
  assert.equal(bell.connections, 0, 'no traffic reached the receiver');
});

test('a name resolving to public and private addresses is refused at connect time', async () => {
  const bell = await receiver((_request, response) => response.end('ok'));
  const outcome = await sender({ allowPrivate: false, lookup: stubLookup(['127.0.0.1', '93.184.216.34']) }).send(delivery(`http://mixed.test:${bell.port}/hook`));
  assert.match(outcome.error ?? '', /^mixed\.test \(127\.0\.0\.1\) is a loopback address; .*BISTRO_WEBHOOK_ALLOW_PRIVATE=1$/, 'refused');
  assert.equal(bell.connections, 0, 'no traffic');
});

test('checkTarget: the URL rules, literals, every resolved address, and names that do not resolve', async () => {
  const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
  assert.match(await checkTarget('ftp://example.com/', { allowPrivate: false }) ?? '', /scheme/, 'a bad URL');
  assert.match(await checkTarget('http://0x7f.1/', { allowPrivate: false }) ?? '', /^127\.0\.0\.1 is a loopback address; .*BISTRO_WEBHOOK_ALLOW_PRIVATE=1$/, 'a numeric loopback literal');
  assert.match(await checkTarget('http://[fc00::1]/', { allowPrivate: false }) ?? '', /^\[fc00::1\] is a uniqueLocal address/, 'an IPv6 literal');
  assert.equal(await checkTarget('http://93.184.216.34/', { allowPrivate: false }), undefined, 'a public literal');
  assert.equal(await checkTarget('http://[2606:2800:220:1:248:1893:25c8:1946]/', { allowPrivate: false }), undefined, 'a public IPv6 literal');
  assert.equal(await checkTarget('http://127.0.0.1/', { allowPrivate: true }), undefined, 'allowed by the setting');
  assert.equal(await checkTarget('http://hooks.test/', { allowPrivate: false, lookup: stubLookup(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) }), undefined, 'a public name');
  assert.equal(await checkTarget('http://nowhere.test/', { allowPrivate: false, lookup: stubLookup(notFound) }), 'cannot resolve host nowhere.test: ENOTFOUND', 'an unresolvable name');
  assert.equal(await checkTarget('http://empty.test/', { allowPrivate: false, lookup: stubLookup([]) }), 'cannot resolve host empty.test: no addresses', 'a name without addresses');
  assert.equal(
    await checkTarget('http://mixed.test/', { allowPrivate: false, lookup: stubLookup(['93.184.216.34', '10.0.0.1']) }),
    'mixed.test (10.0.0.1) is a private address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1',
    'one private address among public ones',
  );
  assert.equal(await checkTarget('http://mapped.test/', { allowPrivate: false, lookup: stubLookup(['::ffff:127.0.0.1']) }), 'mapped.test (::ffff:127.0.0.1) is a loopback address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1', 'an IPv4-mapped answer');
});
