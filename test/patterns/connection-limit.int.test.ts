/**
 * One count of open streaming connections per principal across `/ws`, GraphQL subscriptions and
 * SSE: past it each refuses with 429 before anything streams, and a closed connection frees its place.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { openRpcSocket } from '../helpers/push-clients.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode({ BISTRO_MAX_CONNECTIONS_PER_PRINCIPAL: '2' });
});
after(() => node.close());

/** The status a WebSocket upgrade is answered with: 101 when it opens (then closed at once). */
function upgradeStatus(path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${node.url.replace('http', 'ws')}${path}?token=${token}`, path === '/graphql' ? 'graphql-transport-ws' : []);
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

test('a /ws socket and an SSE stream fill a limit of 2; the third connection of any kind is refused 429 until one closes', async () => {
  const guest = await node.guest();
  const other = await node.guest(8, 'Other');
  const socket = await openRpcSocket(node, guest.token);
  const stream = new AbortController();
  const sse = await fetch(`${node.url}/events/stream?token=${guest.token}`, { signal: stream.signal });
  assert.equal(sse.status, 200, 'the stream is the second connection: allowed');

  assert.equal(await upgradeStatus('/graphql', guest.token), 429, 'a GraphQL socket would be the third: refused before the upgrade');
  assert.equal(await upgradeStatus('/ws', guest.token), 429, 'so would another /ws socket');
  const third = await fetch(`${node.url}/events/stream?token=${guest.token}`);
  assert.equal(third.status, 429, 'and another stream');
  assert.equal(((await third.json()) as { code: string }).code, 'rate_limited', 'with the catalogue code');
  assert.equal(await upgradeStatus('/ws', other.token), 101, 'another guest has places of their own');

  stream.abort();
  socket.close();
  await socket.closed;
  for (let tries = 0; (await upgradeStatus('/graphql', guest.token)) !== 101; tries++) {
    assert.ok(tries < 50, 'the closed connections gave their places back');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});
