/**
 * The menu is read on nearly every request and changes rarely, so the SQLite store keeps the
 * committed menu in memory. It never answers with data older than the last commit: a menu write
 * through this store empties it before the write runs, and a write by any other connection is
 * seen through `PRAGMA data_version` before every answer from memory. Menu writes must therefore
 * go through the repositories this file wraps.
 */
import type { StoreSession } from '../../core/store.ts';
import type { MenuItem } from '../../domain/menu.ts';

type MenuRepository = StoreSession['menu'];

export interface MenuCache {
  /** The store's own (outside any transaction) menu repository, reading from memory while nothing changed. */
  root: MenuRepository;
  /** A transaction's menu repository whose writes empty the cache. Its reads see the transaction, so they never use the cache. */
  watchWrites(menu: MenuRepository): MenuRepository;
}

// Callers own what they are given (a handler may sort or change it), so each answer is a copy.
const copy = (item: MenuItem): MenuItem => ({ ...item, ingredients: item.ingredients.map((ingredient) => ({ ...ingredient })) });

/** `dataVersion` is `PRAGMA data_version` on the store's connection: it moves when another connection commits. */
export function createMenuCache(menu: MenuRepository, dataVersion: () => number): MenuCache {
  let items: MenuItem[] | undefined;
  let byId = new Map<string, MenuItem>();
  // Bumped by every write: a read that began before a write must not fill the cache after it.
  let generation = 0;
  let seenVersion = dataVersion();

  function forget() {
    generation++;
    items = undefined;
    byId = new Map();
  }

  async function load(): Promise<MenuItem[]> {
    const version = dataVersion();
    if (version !== seenVersion) {
      seenVersion = version;
      forget();
    }
    if (items) return items;
    const started = generation;
    const fresh = await menu.list();
    if (generation === started) {
      items = fresh;
      byId = new Map(fresh.map((item) => [item.id, item]));
    }
    return fresh;
  }

  const writing = <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      forget();
      try {
        return await write(...args);
      } finally {
        forget();
      }
    };

  const writes = (repository: MenuRepository): Pick<MenuRepository, 'insert' | 'update' | 'delete'> => ({
    insert: writing((item: MenuItem) => repository.insert(item)),
    update: writing((item: MenuItem) => repository.update(item)),
    delete: writing((id: string) => repository.delete(id)),
  });

  return {
    root: {
      async list() {
        return (await load()).map(copy);
      },
      async get(id) {
        const all = await load();
        const item = all === items ? byId.get(id) : all.find((each) => each.id === id);
        return item && copy(item);
      },
      async getMany(ids) {
        const wanted = new Set(ids);
        return (await load()).filter((item) => wanted.has(item.id)).map(copy);
      },
      ...writes(menu),
    },
    watchWrites: (repository) => ({ ...repository, ...writes(repository) }),
  };
}
