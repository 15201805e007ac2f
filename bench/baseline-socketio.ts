/**
 * The Socket.IO baseline: `io.emit('event', <the CloudEvent Bistro sent>)` to every client on
 * `POST /trigger`, WebSocket transport only (the clients skip long-polling too). Reads its
 * PushFrames as one JSON line on stdin, then prints `listening <port>` (baseline-answers.ts).
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { announce } from './baseline-answers.ts';
import { readFrames } from './push-frames.ts';

const frames = await readFrames();
const payload = (JSON.parse(frames.wsFrame) as { params: unknown }).params;

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/trigger') return void response.writeHead(404).end();
  request.resume();
  request.on('end', () => {
    io.emit('event', payload);
    response.writeHead(204).end();
  });
});
const io = new Server(server, { transports: ['websocket'], serveClient: false });

server.listen(0, '127.0.0.1', () => announce(server.address()));
process.once('SIGTERM', () => {
  io.disconnectSockets(true);
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
