/** Reading a node's `GET /metrics` in tests: the Prometheus text format, as far as the tests need it. */
import assert from 'node:assert/strict';
import type { TestNode } from './node.ts';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format, as far as these tests need: `name{label="value",…} number` lines, comments skipped. */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `a sample line parses: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key = '', value = ''] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

export async function scrape(node: Pick<TestNode, 'request'>): Promise<Sample[]> {
  const response = await node.request('/metrics');
  assert.equal(response.status, 200, '/metrics answers');
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/, 'in the Prometheus text format');
  return parsePrometheus(response.text);
}

/** The value of the one sample with this name and these labels (0 when absent: a counter never bumped). */
export function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted));
  assert.ok(found.length <= 1, `at most one ${name} sample with ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}
