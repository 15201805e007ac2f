/**
 * What every baseline server shares: it reads the answers Bistro gave (RecordedAnswer[] as one JSON
 * line on stdin), then prints `listening <port>`, so it can start while Bistro does and answer the
 * very results Bistro answered.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

export interface RecordedAnswer {
  method: string;
  path: string;
  /** The request body that got this answer: tells apart several requests to one path (RPC, GraphQL). */
  requestBody?: string;
  status: number;
  /** The headers that describe the body: content-type, etag, location. */
  headers: Record<string, string>;
  body: string;
}

export async function readAnswers(): Promise<RecordedAnswer[]> {
  const lines = createInterface({ input: process.stdin });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return JSON.parse(line) as RecordedAnswer[];
}

export function announce(address: AddressInfo | string | null): void {
  console.log(`listening ${typeof address === 'object' && address !== null ? address.port : 0}`);
}

/** The answers to `method path`, in the order they were recorded. */
export function answersByRoute(answers: RecordedAnswer[]): Map<string, RecordedAnswer[]> {
  const byRoute = new Map<string, RecordedAnswer[]>();
  for (const answer of answers) {
    const key = `${answer.method} ${answer.path}`;
    byRoute.set(key, [...(byRoute.get(key) ?? []), answer]);
  }
  return byRoute;
}
