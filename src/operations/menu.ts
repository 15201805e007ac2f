/** Menu operations: anyone reads the menu; admins change it. */
import { Type } from '@sinclair/typebox';
import { BistroError } from '../domain/errors.ts';
import { categories, checkIngredients, type MenuItem as MenuItemModel } from '../domain/menu.ts';
import { adminOnly, allRoles, defineOperation, type OperationContext } from '../core/operation.ts';
import { checkVersion } from './check-version.ts';
import { Category, ExpectedVersion, MenuItem, MenuItemId, Page, Strict, menuItemFields } from './schemas.ts';

const menuSubject = (id: string) => `menu/${id}`;

function menuItemEvent(type: 'menu.item.created' | 'menu.item.updated' | 'menu.item.deleted', item: { id: string }) {
  return { type, subject: menuSubject(item.id), data: item, audience: 'public' } as const;
}

async function loadMenuItem(context: OperationContext, id: string): Promise<MenuItemModel> {
  const item = await context.store.menu.get(id);
  if (!item) throw new BistroError('not_found', `No menu item "${id}".`);
  return item;
}

export const listMenu = defineOperation({
  name: 'menu.list',
  summary: 'List the menu',
  kind: 'query',
  input: Strict({ category: Type.Optional(Category) }),
  output: Page(MenuItem, 'MenuPage'),
  roles: allRoles,
  sharedRead: true,
  rest: { method: 'GET', path: '/menu' },
  graphql: { field: 'menu', items: true },
  async handler({ store }, { category }) {
    // The whole menu is one page: a restaurant's menu is small, and a guest reads it whole.
    const items = (await store.menu.list()).sort((a, b) => categories.indexOf(a.category) - categories.indexOf(b.category));
    return { items: category ? items.filter((item) => item.category === category) : items, nextCursor: null };
  },
});

export const getMenuItem = defineOperation({
  name: 'menu.get',
  summary: 'Read one menu item',
  kind: 'query',
  input: Strict({ id: MenuItemId }),
  output: MenuItem,
  roles: allRoles,
  sharedRead: true,
  rest: { method: 'GET', path: '/menu/{id}' },
  graphql: { field: 'menuItem' },
  subjectOf: ({ id }) => menuSubject(id),
  handler: (context, { id }) => loadMenuItem(context, id),
});

export const createMenuItem = defineOperation({
  name: 'menu.create',
  summary: 'Add a menu item',
  kind: 'command',
  input: Strict({ id: MenuItemId, ...menuItemFields }),
  output: MenuItem,
  roles: adminOnly,
  errors: ['already_exists'],
  rest: { method: 'POST', path: '/menu', status: 201, location: (item: MenuItemModel) => `/menu/${item.id}` },
  graphql: { field: 'createMenuItem', input: { type: 'MenuItemInput' } },
  subjectOf: ({ id }) => menuSubject(id),
  async handler(context, draft) {
    checkIngredients(draft.ingredients);
    const item: MenuItemModel = { ...draft, version: 1, updatedAt: context.now };
    if (!(await context.store.menu.insert(item))) throw new BistroError('already_exists', `A menu item "${draft.id}" exists already.`);
    context.emit(menuItemEvent('menu.item.created', item));
    return item;
  },
});

export const updateMenuItem = defineOperation({
  name: 'menu.update',
  summary: 'Replace a menu item',
  kind: 'command',
  input: Strict({ id: MenuItemId, ...menuItemFields, expectedVersion: Type.Optional(ExpectedVersion) }),
  output: MenuItem,
  roles: adminOnly,
  rest: { method: 'PUT', path: '/menu/{id}', ifMatch: 'optional' },
  graphql: { field: 'updateMenuItem', input: { type: 'MenuItemInput', beside: ['expectedVersion'] } },
  subjectOf: ({ id }) => menuSubject(id),
  async handler(context, { expectedVersion, ...fields }) {
    checkIngredients(fields.ingredients);
    const current = await loadMenuItem(context, fields.id);
    checkVersion(current, expectedVersion);
    const item: MenuItemModel = { ...fields, version: current.version + 1, updatedAt: context.now };
    if (!(await context.store.menu.update(item))) throw new BistroError('version_mismatch');
    context.emit(menuItemEvent('menu.item.updated', item));
    return item;
  },
});

export const deleteMenuItem = defineOperation({
  name: 'menu.delete',
  summary: 'Remove a menu item',
  kind: 'command',
  input: Strict({ id: MenuItemId, expectedVersion: Type.Optional(ExpectedVersion) }),
  output: Type.Null(),
  roles: adminOnly,
  rest: { method: 'DELETE', path: '/menu/{id}', status: 204, ifMatch: 'optional' },
  graphql: { field: 'deleteMenuItem' },
  subjectOf: ({ id }) => menuSubject(id),
  async handler(context, { id, expectedVersion }) {
    checkVersion(await loadMenuItem(context, id), expectedVersion);
    await context.store.menu.delete(id);
    context.emit(menuItemEvent('menu.item.deleted', { id }));
    return null;
  },
});
