/** Seeds the menu on first start, through the same operation an admin would use, so the log tells it. */
import { BistroError } from '../domain/errors.ts';
import { seedMenu } from '../domain/menu.ts';
import type { Principal } from '../domain/roles.ts';
import type { Invoke } from './invoke.ts';
import type { Store } from './store.ts';

const system: Principal = { id: 'system', role: 'admin', name: 'system' };

export async function seedMenuOnce(store: Store, invoke: Invoke, clock: () => Date): Promise<void> {
  if ((await store.meta.get('menu_seeded')) !== undefined) return;
  for (const item of seedMenu) {
    try {
      await invoke('menu.create', structuredClone(item), system);
    } catch (error) {
      // Another node seeding at the same moment got there first.
      if (!(error instanceof BistroError && error.code === 'already_exists')) throw error;
    }
  }
  await store.meta.set('menu_seeded', clock().toISOString());
}
