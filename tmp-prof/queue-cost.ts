import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src/core/core.ts';
import { operations } from '../src/operations/index.ts';
import { seedMenuOnce } from '../src/core/seed-menu.ts';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
const dir = mkdtempSync(join(tmpdir(), 'qc-'));
const store = await createSqliteStore({ file: join(dir, 'b.db'), synchronous: (process.env.SYNC as 'full') ?? 'full' });
const core = createCore({ store, operations, adminToken: 'x', targetProblem: async () => undefined });
await core.start(); await seedMenuOnce(store, core.invoke, core.clock);
const admin = { id: 'admin', role: 'admin' as const, name: 'admin' };
const guest = (await core.invoke('guests.register', { table: 1, name: 'a' }, { id: 'anonymous', role: 'anonymous', name: 'x' })).output as any;
const g = { id: guest.guest.id, role: 'guest' as const, name: 'a', table: 1 };
for (let i = 0; i < 5000; i++) await core.invoke('orders.place', { items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] }, g);
const ep = (await core.invoke('webhooks.create', { url: 'https://x.example/', types: ['order.placed'] }, admin)).output as any;
let t = performance.now();
for (let after = 0, more = true; more; ) { const r = (await core.invoke('webhooks.replay', { id: ep.id, after: String(after) }, admin)).output as any; more = r.more; after = Number(r.through); }
console.log('replay µs/delivery', ((performance.now() - t) * 1000 / 5000).toFixed(1));
const timings: Record<string, number> = { claim: 0, settle: 0, queueNew: 0, nextDue: 0 };
let n = 0; t = performance.now();
for (;;) {
  let a = performance.now();
  const claimed = await core.webhooks.claim('w', 20000, 64, () => 8); timings.claim += performance.now() - a;
  if (claimed.length === 0) break;
  a = performance.now(); await core.webhooks.queueNew(); timings.queueNew += performance.now() - a;
  a = performance.now();
  await core.webhooks.settle(claimed.map((delivery) => ({ delivery, outcome: { ok: true, status: 200, latencyMs: 1, error: null, excerpt: 'ok', retryAfterMs: null, gone: false, at: new Date() } })), 'w');
  timings.settle += performance.now() - a;
  a = performance.now(); await core.webhooks.nextDue(); timings.nextDue += performance.now() - a;
  n += claimed.length;
}
const total = performance.now() - t;
console.log(n, 'deliveries', (total * 1000 / n).toFixed(1), 'µs each;', Object.entries(timings).map(([k, v]) => `${k} ${(v * 1000 / n).toFixed(1)}`).join(', '));
await store.close();
const stats = [...((globalThis as any).__sqlStats as Map<string, number[]>).entries()].sort((a, b) => b[1][1] - a[1][1]).slice(0, 14);
for (const [k, [n, us]] of stats) console.log(String(n).padStart(6), (us / n).toFixed(1).padStart(7), 'µs', Math.round(us / 1000), 'ms', k);
