/**
 * The webhook throughput baseline: a bare `undici.request` POST loop, pinned like Bistro, sending
 * the bodies Bistro delivered to the same receiver with the same Standard Webhooks headers (signed
 * per send with Bistro's own signing function, as any sender must for a current timestamp), over a
 * keep-alive Agent with `concurrency` requests in flight — no queue, no database, no retries.
 *
 * Reads one JSON line on stdin (`BaselineSetup`), listens on a control port and prints
 * `listening <port>`. `POST /go` answers 202 at once, then sends every body once; `GET /last`
 * answers how the last run went.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { Agent, request } from 'undici';
import { webhookHeaders } from '../src/patterns/webhooks/signature.ts';

export interface BaselineSetup {
  /** The receiver URL the deliveries go to. */
  target: string;
  concurrency: number;
  secret: string;
  deliveries: { id: string; body: string }[];
}

const lines = createInterface({ input: process.stdin });
const [line] = (await once(lines, 'line')) as [string];
const setup = JSON.parse(line) as BaselineSetup;
// pipelining 1 and keep-alive sockets, as Bistro's sender pool.
const agent = new Agent({ connections: setup.concurrency, pipelining: 1 });
let last = { sent: 0, failed: 0, ms: 0, running: false };

async function run(): Promise<void> {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < setup.deliveries.length) {
      const delivery = setup.deliveries[next++] as { id: string; body: string };
      const headers = webhookHeaders([setup.secret], delivery.id, Math.floor(Date.now() / 1000), delivery.body);
      try {
        const response = await request(setup.target, { dispatcher: agent, method: 'POST', headers, body: delivery.body });
        await response.body.text();
        if (response.statusCode < 200 || response.statusCode > 299) failed++;
      } catch {
        failed++;
      }
    }
  };
  last = { sent: 0, failed: 0, ms: 0, running: true };
  await Promise.all(Array.from({ length: setup.concurrency }, worker));
  last = { sent: setup.deliveries.length, failed, ms: Math.round(performance.now() - started), running: false };
}

const control = createServer((incoming, response) => {
  incoming.resume();
  if (incoming.method === 'POST' && incoming.url === '/go') {
    response.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    void run();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(last));
});
control.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(control.address() as AddressInfo).port}\n`));
