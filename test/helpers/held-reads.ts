/** A test node whose store can hold one menu read after it read its rows, so a test can commit a change while that read is in flight. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/core/store.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { startTestNode, type TestNode } from './node.ts';

export interface HeldRead {
  /** Resolves once the held read has its (old) rows. */
  reached: Promise<void>;
  release(): void;
}

export interface HeldReadsNode {
  node: TestNode;
  /** Holds the next menu read outside a transaction (what a query operation does) until `release`. */
  holdNextRead(): HeldRead;
  close(): Promise<void>;
}

export async function startHeldReadsNode(): Promise<HeldReadsNode> {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-held-'));
  const store = await createSqliteStore({ file: join(dir, 'bistro.db'), synchronous: 'normal' });
  let hold: { reached(): void; released: Promise<void> } | null = null;
  async function held<T>(read: Promise<T>): Promise<T> {
    const rows = await read;
    const current = hold;
    if (current) {
      hold = null;
      current.reached();
      await current.released;
    }
    return rows;
  }
  const menu: Store['menu'] = { ...store.menu, get: (id) => held(store.menu.get(id)), list: () => held(store.menu.list()) };
  const node = await startTestNode({}, { store: { ...store, menu } });
  return {
    node,
    holdNextRead() {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      hold = { reached, released: new Promise<void>((resolve) => (release = resolve)) };
      return { reached: reachedPromise, release };
    },
    async close() {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
