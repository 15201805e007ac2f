/** invoke typed by operation name: inputs are checked and outputs typed by the catalogue's own schemas (tsc checks this file). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCore } from '../../src/core/core.ts';
import { typedInvoke, type TypedInvoke } from '../../src/core/invoke.ts';
import { seedMenuOnce } from '../../src/core/seed-menu.ts';
import type { Store } from '../../src/core/store.ts';
import type { Principal } from '../../src/domain/roles.ts';
import { operations, type BistroOperations } from '../../src/operations/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

let store: Store;
let invoke: TypedInvoke<BistroOperations>;
const admin: Principal = { id: 'admin', role: 'admin', name: 'admin' };

before(async () => {
  store = await createSqliteStore({ file: ':memory:' });
  const core = createCore({ store, operations, adminToken: 'typed-admin' });
  await core.start();
  await seedMenuOnce(store, core.invoke, core.clock);
  invoke = typedInvoke<BistroOperations>(core.invoke);
});
after(() => store.close());

test('the output comes typed: no cast between invoke and the fields', async () => {
  const { output: item } = await invoke('menu.get', { id: 'fish-and-chips' }, admin);
  const fishMax: number | undefined = item.ingredients.find((ingredient) => ingredient.name === 'fish')?.max;
  assert.equal(fishMax, 6, 'the typed item reads like the menu');
  const { output: page } = await invoke('menu.list', {}, admin);
  assert.ok(page.items.length >= 5, 'a typed page of items');
});

test('wrong names and inputs do not compile, and are refused at run time all the same', async () => {
  // @ts-expect-error -- no such operation
  await assert.rejects(invoke('menu.fetch', { id: 'x' }, admin), /no operation/, 'unknown operation');
  // @ts-expect-error -- a menu id is a string
  await assert.rejects(invoke('menu.get', { id: 42 }, admin), (error: Error) => error.message.includes('/id'), 'bad input type');
});
