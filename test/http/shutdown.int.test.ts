/** A shutdown ends even while a client has stopped reading an answer: after the grace period its connection is cut. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { shutdownGraceMs } from '../../src/server.ts';
import { startTestNode } from '../helpers/node.ts';

test('a client that stops reading a large answer does not hold the shutdown past the grace period', async () => {
  const node = await startTestNode();
  const { hostname, port } = new URL(node.url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  // GraphiQL's script is megabytes: more than the socket buffers hold, so the answer stays half written.
  socket.write(`GET /graphql/assets/graphiql.min.js HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
  await once(socket, 'data');
  socket.pause();
  const closed = once(socket, 'close');
  socket.on('error', () => undefined);

  const started = Date.now();
  const outcome = await Promise.race([node.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), shutdownGraceMs + 15_000))]);
  assert.equal(outcome, 'closed', 'the node closed instead of waiting on the stalled reader');
  assert.ok(Date.now() - started >= shutdownGraceMs - 1000, 'the stalled answer had its grace period first');
  socket.resume();
  await closed;
});
