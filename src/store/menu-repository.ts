/** The menu's items, over Kysely for both databases; an update succeeds only against the version it read. */
import type { Category, Ingredient, MenuItem } from '../domain/menu.ts';
import type { StoreSession } from '../core/store.ts';
import type { Database, Db } from './schema.ts';

type MenuRow = Database['menu_items'];

const toMenuItem = (row: MenuRow): MenuItem => ({
  id: row.id,
  name: row.name,
  description: row.description,
  category: row.category as Category,
  priceCents: Number(row.price_cents),
  available: Number(row.available) === 1,
  ingredients: JSON.parse(row.ingredients) as Ingredient[],
  version: Number(row.version),
  updatedAt: row.updated_at,
});

const fromMenuItem = (item: MenuItem): MenuRow => ({
  id: item.id,
  name: item.name,
  description: item.description,
  category: item.category,
  price_cents: item.priceCents,
  available: item.available ? 1 : 0,
  ingredients: JSON.stringify(item.ingredients),
  version: item.version,
  updated_at: item.updatedAt,
});

export function menuRepository(db: Db): StoreSession['menu'] {
  return {
    async list() {
      return (await db.selectFrom('menu_items').selectAll().orderBy('category').orderBy('id').execute()).map(toMenuItem);
    },
    async get(id) {
      const row = await db.selectFrom('menu_items').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toMenuItem(row);
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (await db.selectFrom('menu_items').selectAll().where('id', 'in', ids).execute()).map(toMenuItem);
    },
    async insert(item) {
      // The database decides, not a read before the write: two creators at once cannot both win.
      const result = await db
        .insertInto('menu_items')
        .values(fromMenuItem(item))
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async update(item) {
      const result = await db
        .updateTable('menu_items')
        .set(fromMenuItem(item))
        .where('id', '=', item.id)
        .where('version', '=', item.version - 1)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async delete(id) {
      const result = await db.deleteFrom('menu_items').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}
