/**
 * `npm run bench:client`: what the typed client costs over a bare `fetch` sending the same bytes.
 * A Bistro node runs pinned to CPU 0; the calls run in a child pinned to CPU 1, one in flight,
 * rotating client and bare fetch each round (order reversed every other round). For each request
 * pattern it reports calls per second and the caller's CPU microseconds per call (the client's own
 * cost: building the request, parsing, GraphQL value shapes), medians with each round's range, and
 * client ÷ bare ratios. Settings: BENCH_SECONDS (3), BENCH_ROUNDS (5). Writes bench/results/client-latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, type RequestVia } from '../client/node.ts';
import { operationTable } from '../client/generated/catalogue.ts';
import { median } from './harness.ts';
import { detectPinning, loadCpu, repoRoot, serverCpu, spawnNode, stopProcess, waitForLine } from './processes.ts';

interface Sample {
  callsPerSecond: number;
  cpuUsPerCall: number;
}
interface Variant {
  via: RequestVia;
  side: 'client' | 'bare';
}

/** Runs in the child on the load CPU: every variant for `seconds`, `rounds` times, answers JSON on stdout. */
async function measure(url: string, seconds: number, rounds: number): Promise<void> {
  const anonymous = createClient({ url });
  const { token } = await anonymous.guests.register({ table: 1, name: 'Bench' });
  const client = anonymous.withToken(token);
  const order = await client.orders.place({ items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] });
  const headers = { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const graphqlBinding = operationTable['orders.get'].graphql;
  // The bare side sends what the client sends (checked below): the difference is the client's own work.
  const bare: Record<RequestVia, () => Promise<unknown>> = {
    rest: async () => (await fetch(`${url}/orders/${order.id}`, { method: 'GET', headers })).json(),
    rpc: async () => ((await (await fetch(`${url}/rpc`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'orders.get', params: { id: order.id } }) })).json()) as { result: unknown }).result,
    graphql: async () =>
      ((await (await fetch(`${url}/graphql`, { method: 'POST', headers: { ...headers, accept: 'application/graphql-response+json, application/json' }, body: JSON.stringify({ query: graphqlBinding.document, variables: { id: order.id } }) })).json()) as { data: { order: unknown } }).data.order,
  };
  const typed: Record<RequestVia, () => Promise<unknown>> = {
    rest: () => client.orders.get({ id: order.id }, { via: 'rest' }),
    rpc: () => client.orders.get({ id: order.id }, { via: 'rpc' }),
    graphql: () => client.orders.get({ id: order.id }, { via: 'graphql' }),
  };
  for (const via of ['rest', 'rpc'] as const) {
    if (JSON.stringify(await bare[via]()) !== JSON.stringify(await typed[via]())) throw new Error(`bare ${via} answers differently from the client`);
  }
  const variants: Variant[] = (['rest', 'rpc', 'graphql'] as const).flatMap((via) => [
    { via, side: 'client' as const },
    { via, side: 'bare' as const },
  ]);
  const run = async ({ via, side }: Variant, forSeconds: number): Promise<Sample> => {
    const call = side === 'client' ? typed[via] : bare[via];
    const end = performance.now() + forSeconds * 1000;
    const cpu = process.cpuUsage();
    const start = performance.now();
    let calls = 0;
    while (performance.now() < end) {
      await call();
      calls++;
    }
    const used = process.cpuUsage(cpu);
    return { callsPerSecond: calls / ((performance.now() - start) / 1000), cpuUsPerCall: (used.user + used.system) / calls };
  };
  for (const variant of variants) await run(variant, 1); // warm-up: JIT, keep-alive sockets
  const samples = new Map<string, Sample[]>(variants.map(({ via, side }) => [`${via}.${side}`, []]));
  for (let round = 0; round < rounds; round++) {
    const turn = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of turn) samples.get(`${variant.via}.${variant.side}`)?.push(await run(variant, seconds));
  }
  process.stdout.write(`${JSON.stringify(Object.fromEntries(samples))}\n`);
}

async function main(): Promise<void> {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
  const pinning = detectPinning();
  const server = spawnNode(serverCpu, ['src/cli.ts', 'serve'], { ...process.env, PORT: '0', BISTRO_DB: 'sqlite::memory:', BISTRO_LOG_LEVEL: 'warn', BISTRO_RATE_LIMIT: '0', BISTRO_KITCHEN: 'manual' });
  try {
    const [, url = ''] = await waitForLine(server, /Bistro serving (http:\/\/\S+)/);
    const worker = spawnNode(loadCpu, ['bench/client-overhead.ts', '--measure', url, String(seconds), String(rounds)]);
    let output = '';
    let errors = '';
    worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => worker.once('exit', resolve));
    if (code !== 0) throw new Error(`the measuring child failed (${String(code)}): ${errors}`);
    const samples = JSON.parse(output) as Record<string, Sample[]>;
    const summary = (['rest', 'rpc', 'graphql'] as const).map((via) => {
      const [client, bare] = [samples[`${via}.client`] ?? [], samples[`${via}.bare`] ?? []];
      const stat = (list: Sample[], key: keyof Sample) => ({ median: median(list.map((sample) => sample[key])), min: Math.min(...list.map((sample) => sample[key])), max: Math.max(...list.map((sample) => sample[key])) });
      const clientCalls = stat(client, 'callsPerSecond');
      const bareCalls = stat(bare, 'callsPerSecond');
      const clientCpu = stat(client, 'cpuUsPerCall');
      const bareCpu = stat(bare, 'cpuUsPerCall');
      return { via, client: { calls: clientCalls, cpuUs: clientCpu }, bare: { calls: bareCalls, cpuUs: bareCpu }, callsRatio: clientCalls.median / bareCalls.median, cpuRatio: clientCpu.median / bareCpu.median };
    });
    const report = { command: 'npm run bench:client', at: new Date().toISOString(), node: process.version, pinning, seconds, rounds, operation: 'orders.get (one in flight)', summary };
    const dir = join(repoRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'client-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    const range = (stat: { median: number; min: number; max: number }, digits = 0) => `${stat.median.toFixed(digits)} (${stat.min.toFixed(digits)}–${stat.max.toFixed(digits)})`;
    console.log(`orders.get, one call in flight, ${rounds} rounds × ${seconds} s; ${pinning.pinned ? 'server on CPU 0, caller on CPU 1' : `not pinned: ${pinning.reason ?? ''}`}`);
    console.log('| via | client calls/s | bare fetch calls/s | ratio | client CPU µs/call | bare CPU µs/call | ratio |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of summary) {
      console.log(`| ${row.via} | ${range(row.client.calls)} | ${range(row.bare.calls)} | ${row.callsRatio.toFixed(2)} | ${range(row.client.cpuUs)} | ${range(row.bare.cpuUs)} | ${row.cpuRatio.toFixed(2)} |`);
    }
  } finally {
    await stopProcess(server);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [flag, url, seconds, rounds] = process.argv.slice(2);
  const work = flag === '--measure' && url ? measure(url, Number(seconds), Number(rounds)) : main();
  work.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
