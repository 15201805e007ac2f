/**
 * The baseline: a bare node:http server answering the exact status, headers and bytes Bistro
 * answered to the same requests, so a ratio against it isolates Bistro's own cost.
 * It reads the answers from stdin and announces its port as every baseline does (baseline-answers.ts).
 */
import { createServer, type ServerResponse } from 'node:http';
import { announce, readAnswers } from './baseline-answers.ts';

export type { RecordedAnswer } from './baseline-answers.ts';

interface Prepared {
  requestBody: string | undefined;
  status: number;
  headers: Record<string, string>;
  body: string;
}

const byRoute = new Map<string, Prepared[]>();
for (const answer of await readAnswers()) {
  const key = `${answer.method} ${answer.path}`;
  // Headers built once, and the body kept a string: node:http then sends headers and body in one write.
  const prepared = { requestBody: answer.requestBody, status: answer.status, headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) }, body: answer.body };
  byRoute.set(key, [...(byRoute.get(key) ?? []), prepared]);
}

function send(response: ServerResponse, answer: Prepared | undefined) {
  if (!answer) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

const server = createServer((request, response) => {
  const candidates = byRoute.get(`${request.method ?? ''} ${request.url ?? ''}`);
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return send(response, candidates?.[0]);
  // Read the body as any real server must before answering; it picks the answer only when one path has several.
  if (!candidates || candidates.length === 1) {
    request.resume();
    request.on('end', () => send(response, candidates?.[0]));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    send(response, candidates.find((candidate) => candidate.requestBody === body) ?? candidates[0]);
  });
});

server.listen(0, '127.0.0.1', () => announce(server.address()));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
