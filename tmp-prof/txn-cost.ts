import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
const dir = mkdtempSync(join(tmpdir(), 'tc-'));
for (const sync of ['full', 'normal'] as const) {
  const store = await createSqliteStore({ file: join(dir, `${sync}.db`), synchronous: sync });
  const n = 2000;
  let t = performance.now();
  for (let i = 0; i < n; i++) await store.transaction(async () => {});
  console.log(sync, 'empty txn µs', ((performance.now() - t) * 1000 / n).toFixed(1));
  t = performance.now();
  for (let i = 0; i < n; i++) await store.transaction(async (s) => { await s.meta.set('k', String(i)); });
  console.log(sync, 'txn with one write µs', ((performance.now() - t) * 1000 / n).toFixed(1));
  t = performance.now();
  for (let i = 0; i < n; i++) await store.meta.get('k');
  console.log(sync, 'one read (no txn) µs', ((performance.now() - t) * 1000 / n).toFixed(1));
  await store.close();
}
