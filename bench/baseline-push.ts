/**
 * The push baseline: bare node:http and a bare `ws` server doing only the transport work Bistro's
 * push patterns do, with the bytes Bistro sent. It holds long polls and SSE streams open and
 * WebSockets idle; `POST /trigger` answers every parked long poll, writes the SSE frame to every
 * stream and sends the WebSocket frame to every socket in one loop. A long poll carries a cursor, as
 * Bistro's does: one asking `after` an older trigger is answered at once, so a poll that arrives
 * just after a trigger misses nothing. Reads its PushFrames as one
 * JSON line on stdin, then prints `listening <port>` (baseline-answers.ts).
 */
import { createServer, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { announce } from './baseline-answers.ts';
import { readFrames } from './push-frames.ts';

const frames = await readFrames();
// One buffer each, sent as is to every peer: the cheapest a send loop can be.
const wsFrame = Buffer.from(frames.wsFrame);
const subscribeResult = Buffer.from(frames.subscribeResult);
const sseFrame = Buffer.from(frames.sseFrame);

/** Triggers so far: the long poll cursor. */
let sequence = 0;
/** Bistro's long poll body with this baseline's cursor in it, rebuilt once per trigger. */
let longPollBody = Buffer.from(frames.longPollBody);
const withCursor = (cursor: number) => Buffer.from(frames.longPollBody.replace(/"nextCursor":"\d+"/, `"nextCursor":"${cursor}"`));

function answerPoll(poll: ServerResponse): void {
  poll.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': longPollBody.length }).end(longPollBody);
}

const streams = new Set<ServerResponse>();
let parked = new Set<ServerResponse>();
const sockets = new Set<WebSocket>();

function trigger(): void {
  sequence++;
  longPollBody = withCursor(sequence);
  for (const socket of sockets) socket.send(wsFrame, { binary: false });
  for (const stream of streams) stream.write(sseFrame);
  const answering = parked;
  parked = new Set();
  for (const poll of answering) answerPoll(poll);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://baseline');
  const path = url.pathname;
  if (request.method === 'POST' && path === '/trigger') {
    request.resume();
    request.on('end', () => {
      trigger();
      response.writeHead(204).end();
    });
  } else if (path === '/events/stream') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }).flushHeaders();
    streams.add(response);
    response.on('close', () => streams.delete(response));
  } else if (path === '/events') {
    if (Number(url.searchParams.get('after') ?? 0) < sequence) return answerPoll(response);
    parked.add(response);
    response.on('close', () => parked.delete(response));
  } else {
    response.writeHead(404).end();
  }
});

const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('message', () => socket.send(subscribeResult, { binary: false }));
  socket.on('close', () => sockets.delete(socket));
});

server.listen(0, '127.0.0.1', () => announce(server.address()));
process.once('SIGTERM', () => {
  for (const socket of sockets) socket.terminate();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
