/**
 * The small reverse proxy `npm run cluster` puts in front of its nodes, for trying a cluster out on
 * one machine (in production any load balancer does this). Each request or WebSocket upgrade goes
 * to the next node that is up; responses are streamed as they come (long polls and SSE are never
 * buffered) and carry `x-bistro-node`, so a client can see which node answered.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';

export interface ProxyTarget {
  /** What `x-bistro-node` says, e.g. the node's number. */
  label: string;
  host: string;
  port: number;
  /** False once the node's process is gone: it is skipped. */
  up(): boolean;
}

export interface RoundRobinProxy {
  url: string;
  /** Stops accepting and cuts every open connection, plain and upgraded. */
  close(): Promise<void>;
}

// RFC 9110 §7.6.1: these describe one connection, not the message, so they are not forwarded.
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase()));
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !hopByHop.has(name) && !named.has(name)) kept[name] = value;
  return kept;
}

/** Host is kept as the client sent it, so a node's same-origin check for WebSockets sees the proxy's address, as the browser did. */
function forwarded(request: IncomingMessage): Record<string, string> {
  const client = request.socket.remoteAddress ?? '';
  const prior = request.headers['x-forwarded-for'];
  return {
    'x-forwarded-for': prior ? `${String(prior)}, ${client}` : client,
    'x-forwarded-proto': 'http',
    'x-forwarded-host': request.headers.host ?? '',
  };
}

function problem(status: number, title: string, detail: string): string {
  return JSON.stringify({ type: 'about:blank', title, status, detail });
}

export async function startRoundRobinProxy(targets: readonly ProxyTarget[], { port, host }: { port: number; host: string }): Promise<RoundRobinProxy> {
  let turn = 0;
  const next = (): ProxyTarget | undefined => {
    for (let tried = 0; tried < targets.length; tried++) {
      const target = targets[turn++ % targets.length];
      if (target?.up()) return target;
    }
    return undefined;
  };
  // One keep-alive pool per node: plain requests reuse connections; a held long poll or stream takes its own.
  const agents = new Map(targets.map((target) => [target, new http.Agent({ keepAlive: true })]));
  const upgraded = new Set<Duplex>();

  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    const target = next();
    if (!target) return void response.writeHead(503, { 'content-type': 'application/problem+json' }).end(problem(503, 'Service Unavailable', 'No node is up.'));
    const upstream = http.request({
      host: target.host,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: { ...withoutHopByHop(request.headers), ...forwarded(request) },
      agent: agents.get(target),
    });
    upstream.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, { ...withoutHopByHop(answer.headers), 'x-bistro-node': target.label });
      // An SSE stream or a held long poll shows its headers now, not with its first event.
      response.flushHeaders();
      // Chunks are written as they arrive; a client that leaves destroys the node's side too, freeing its stream slot.
      pipeline(answer, response, () => {});
    });
    upstream.on('error', (error) => {
      if (response.headersSent) return void response.destroy();
      response.writeHead(502, { 'content-type': 'application/problem+json', 'x-bistro-node': target.label }).end(problem(502, 'Bad Gateway', `Node ${target.label} did not answer: ${error.message}`));
    });
    // pipe, not pipeline: a failed upstream must not destroy the client's request before the 502 is written.
    request.on('error', () => upstream.destroy());
    request.pipe(upstream);
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
  });

  server.on('upgrade', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    const target = next();
    if (!target) return void client.end(`HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-type: application/problem+json\r\n\r\n${problem(503, 'Service Unavailable', 'No node is up.')}`);
    upgraded.add(client);
    client.on('close', () => upgraded.delete(client));
    client.on('error', () => client.destroy());
    // Upgrade and Connection are what this request is about, so they travel (unlike for plain requests).
    const upstream = http.request({ host: target.host, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, ...forwarded(request) }, agent: false });
    upstream.on('upgrade', (answer: IncomingMessage, socket: Socket, upstreamHead: Buffer) => {
      const lines = [`HTTP/1.1 ${answer.statusCode ?? 101} ${answer.statusMessage ?? 'Switching Protocols'}`];
      for (let index = 0; index < answer.rawHeaders.length; index += 2) lines.push(`${answer.rawHeaders[index]}: ${answer.rawHeaders[index + 1]}`);
      lines.push(`x-bistro-node: ${target.label}`);
      socket.setNoDelay(true);
      upgraded.add(socket);
      client.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upstreamHead.length > 0) client.write(upstreamHead);
      if (head.length > 0) socket.write(head);
      // Either side closing or failing ends both: a socket half-open through the proxy would look alive to its peer.
      socket.on('error', () => client.destroy());
      socket.on('close', () => {
        upgraded.delete(socket);
        client.destroy();
      });
      client.on('close', () => socket.destroy());
      socket.pipe(client);
      client.pipe(socket);
    });
    // The node refused the upgrade (401, 403, 429 …): hand its plain answer back and close.
    upstream.on('response', (answer) => {
      const headers = { ...withoutHopByHop(answer.headers), 'x-bistro-node': target.label, connection: 'close' };
      delete headers['content-length'];
      const lines = [`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}`, ...Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((one) => `${name}: ${String(one)}`))];
      client.write(`${lines.join('\r\n')}\r\n\r\n`);
      pipeline(answer, client, () => {});
    });
    upstream.on('error', (error) => {
      if (client.writable) client.end(`HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-type: application/problem+json\r\n\r\n${problem(502, 'Bad Gateway', `Node ${target.label} did not answer: ${error.message}`)}`);
      else client.destroy();
    });
    upstream.end();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shown}:${bound}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      for (const agent of agents.values()) agent.destroy();
      await closed;
    },
  };
}
