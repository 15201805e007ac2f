/**
 * The one table from catalogue operations to GraphQL root fields, with how each field's arguments
 * become the operation's input. Translation only: enums to lower case, adjustment lists to maps,
 * GraphQL nulls to absent fields. A test checks every catalogue operation is here.
 */
import { invalid, pointerToken } from '../../domain/errors.ts';

export type GraphqlArgs = Record<string, unknown>;

export interface OperationField {
  /** `Query.<field>` or `Mutation.<field>`. */
  field: `${'Query' | 'Mutation'}.${string}`;
  input(args: GraphqlArgs): Record<string, unknown>;
  /** Reshapes the operation's output where the GraphQL type differs (a list instead of a page). */
  output?(output: unknown): unknown;
}

/** GraphQL enum value → domain value (`PLACED` → `placed`); absent stays absent. */
export function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** GraphQL sends `null` for an omitted nullable argument; operations expect the field to be absent. */
export function defined(fields: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== null) result[name] = value;
  return result;
}

function record(value: unknown): GraphqlArgs {
  return (value ?? {}) as GraphqlArgs;
}

function list(value: unknown): GraphqlArgs[] | undefined {
  return Array.isArray(value) ? (value as GraphqlArgs[]) : undefined;
}

/** `[{ ingredient, portions }]` → `{ ingredient: portions }`; a list can name one twice, a map cannot. */
function adjustmentsMap(adjustments: GraphqlArgs[] | undefined, path: string): Record<string, number> | undefined {
  if (adjustments === undefined) return undefined;
  const map = new Map<string, number>();
  for (const { ingredient, portions } of adjustments) {
    const name = String(ingredient);
    if (map.has(name)) throw invalid(`${path}/${pointerToken(name)}`, `ingredient "${name}" is adjusted twice`);
    map.set(name, Number(portions));
  }
  // fromEntries defines own properties, so even an ingredient called "__proto__" stays a key.
  return Object.fromEntries(map);
}

function orderItems(items: unknown): GraphqlArgs[] | undefined {
  return list(items)?.map((item, index) =>
    defined({
      menuItemId: item['menuItemId'],
      quantity: item['quantity'],
      adjustments: adjustmentsMap(list(item['adjustments']), `/items/${index}/adjustments`),
      note: item['note'],
    }),
  );
}

function menuItemInput(value: unknown): Record<string, unknown> {
  const input = record(value);
  return defined({
    id: input['id'],
    name: input['name'],
    description: input['description'],
    category: lower(input['category']),
    priceCents: input['priceCents'],
    available: input['available'],
    ingredients: list(input['ingredients'])?.map(({ name, portions, min, max }) => ({ name, portions, min, max })),
  });
}

export const operationFieldTable: Record<string, OperationField> = {
  'menu.list': {
    field: 'Query.menu',
    input: ({ category }) => defined({ category: lower(category) }),
    output: (page) => (page as { items: unknown[] }).items,
  },
  'menu.get': { field: 'Query.menuItem', input: ({ id }) => ({ id }) },
  'menu.create': { field: 'Mutation.createMenuItem', input: ({ input }) => menuItemInput(input) },
  'menu.update': {
    field: 'Mutation.updateMenuItem',
    input: ({ input, expectedVersion }) => ({ ...menuItemInput(input), ...defined({ expectedVersion }) }),
  },
  'menu.delete': { field: 'Mutation.deleteMenuItem', input: ({ id, expectedVersion }) => defined({ id, expectedVersion }), output: () => true },
  'orders.place': {
    field: 'Mutation.placeOrder',
    input: ({ input }) => defined({ items: orderItems(record(input)['items']), idempotencyKey: record(input)['idempotencyKey'] }),
  },
  'orders.list': { field: 'Query.orders', input: ({ status, limit, cursor }) => defined({ status: lower(status), limit, cursor }) },
  'orders.get': { field: 'Query.order', input: ({ id }) => ({ id }) },
  'orders.update': {
    field: 'Mutation.updateOrder',
    input: ({ id, items, expectedVersion }) => defined({ id, items: orderItems(items), expectedVersion }),
  },
  'orders.cancel': { field: 'Mutation.cancelOrder', input: ({ id, expectedVersion }) => defined({ id, expectedVersion }) },
  'orders.setStatus': {
    field: 'Mutation.setOrderStatus',
    input: ({ id, status, expectedVersion }) => defined({ id, status: lower(status), expectedVersion }),
  },
  'messages.list': { field: 'Query.messages', input: ({ orderId, limit, cursor }) => defined({ orderId, limit, cursor }) },
  'messages.send': { field: 'Mutation.sendMessage', input: ({ orderId, text }) => ({ orderId, text }) },
  'events.list': { field: 'Query.events', input: ({ after, types, limit }) => defined({ after, types, limit }) },
  'guests.register': { field: 'Mutation.registerGuest', input: ({ table, name }) => ({ table, name }) },
  'keys.create': { field: 'Mutation.createKey', input: ({ role, name }) => ({ role: lower(role), name }) },
};

/** Operation name → `Type.field`, the contract table of DESIGN.md §5's GraphQL column. */
export const operationFields: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(operationFieldTable).map(([name, { field }]) => [name, field]),
);
