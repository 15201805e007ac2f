/**
 * What slow-body connections cost a served node (issue 10, defect 1): opens COUNT (default 1,000)
 * connections that send a POST /guests head with Content-Length: 1000 and then a byte a second,
 * from ADDRESSES loopback addresses, and prints the server's RSS and file handles at 10 s and 35 s,
 * with how many were refused 503 or cut 408. Not a test.
 *   npx tsx scripts/slow-clients.ts <label> <addresses> ['{"BISTRO_REQUEST_TIMEOUT_MS":"3600000"}']
 */
import net from 'node:net';
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServeProcess } from '../test/helpers/serve-process.ts';

const [label, addressCount, envJson] = [process.argv[2]!, Number(process.argv[3]), process.argv[4] ?? '{}'];
const dir = mkdtempSync(join(tmpdir(), 'slow-cost-'));
const server = await startServeProcess({ BISTRO_DB: `sqlite:${dir}/b.db`, BISTRO_KITCHEN: 'manual', ...(JSON.parse(envJson) as Record<string, string>) });
const pid = server.child.pid!;
const port = Number(new URL(server.url).port);
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const fds = () => readdirSync(`/proc/${pid}/fd`).length;
await new Promise((r) => setTimeout(r, 15000));
const base = { rss: rssMb(), fds: fds() };
let refused = 0, timedOut = 0, closed = 0;
const sockets: net.Socket[] = [];
for (let i = 0; i < Number(process.env.COUNT ?? 1000); i++) {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${1 + (i % addressCount)}` });
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (text += d));
  socket.on('error', () => {});
  socket.on('close', () => { closed++; if (text.startsWith('HTTP/1.1 503')) refused++; else if (text.startsWith('HTTP/1.1 408')) timedOut++; });
  socket.on('connect', () => socket.write('POST /guests HTTP/1.1\r\nhost: b\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{'));
  sockets.push(socket);
}
const drip = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write(' '); }, 1000);
const report = (at: string) => console.log(JSON.stringify({ label, at, rssMbDelta: +(rssMb() - base.rss).toFixed(1), serverFdsDelta: fds() - base.fds, closed, refused503: refused, timedOut408: timedOut }));
await new Promise((r) => setTimeout(r, 10_000)); report('10 s');
await new Promise((r) => setTimeout(r, 25_000)); report('35 s');
clearInterval(drip);
for (const s of sockets) s.destroy();
await server.stop();
