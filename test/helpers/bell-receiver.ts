/** A real webhook receiver on loopback that records every delivery and answers as a test scripts it. */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Ring {
  headers: IncomingHttpHeaders;
  body: string;
  /** When the request's last byte arrived (ms, performance.now() of this process). */
  at: number;
  /** The ring's path, so one receiver can serve several endpoints (`/a`, `/b`). */
  path: string;
}

/** How to answer one ring: a status, headers, a body (or a size of filler), or never (hang). */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer with this many bytes of filler, written in 64 KiB chunks. */
  bytes?: number;
  hang?: boolean;
  /** Answer only after this long (a slow receiver). */
  delayMs?: number;
}

export interface BellReceiver {
  url: string;
  rings: Ring[];
  /** Answers the next rings (to `path`, or any path) in this order; afterwards 200. */
  script(answers: Answer[], path?: string): void;
  /** How to answer rings to `path` once its script is spent (instead of 200 at once). */
  always(answer: Answer, path: string): void;
  /** The rings verified with the `standardwebhooks` library under `secret`, parsed. */
  verified(secret: string, path?: string): { id: string; event: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- CloudEvents of every type
  close(): Promise<void>;
}

export async function startBellReceiver(): Promise<BellReceiver> {
  const rings: Ring[] = [];
  const scripts = new Map<string, Answer[]>();
  const defaults = new Map<string, Answer>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      rings.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now(), path });
      const answer = scripts.get(path)?.shift() ?? scripts.get('*')?.shift() ?? defaults.get(path) ?? {};
      if (answer.hang) {
        hanging.add(response);
        return;
      }
      if (answer.delayMs !== undefined) {
        hanging.add(response);
        setTimeout(() => {
          hanging.delete(response);
          if (!response.destroyed) response.writeHead(answer.status ?? 200).end(answer.body ?? 'ok');
        }, answer.delayMs);
        return;
      }
      response.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
      if (answer.bytes === undefined) {
        response.end(answer.body ?? 'ok');
        return;
      }
      const chunk = Buffer.alloc(65_536, 'x');
      let left = answer.bytes;
      const write = () => {
        while (left > 0) {
          left -= chunk.length;
          if (!response.write(chunk)) return void response.once('drain', write);
        }
        response.end();
      };
      response.on('error', () => {});
      write();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rings,
    script(answers, path = '*') {
      scripts.set(path, [...answers]);
    },
    always(answer, path) {
      defaults.set(path, answer);
    },
    verified(secret, path) {
      const webhook = new Webhook(secret);
      return rings
        .filter((ring) => path === undefined || ring.path === path)
        .map((ring) => ({ id: String(ring.headers['webhook-id']), event: webhook.verify(ring.body, ring.headers as Record<string, string>) }));
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
