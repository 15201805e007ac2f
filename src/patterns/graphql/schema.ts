/**
 * The executable schema: the SDL plus resolvers. Root fields come from the operation table; the
 * nested edges (order → messages, order item → menu item) call `invoke` too, so every read and
 * write goes through the catalogue. Menu items are batched per request with a DataLoader.
 */
import DataLoader from 'dataloader';
import { buildSchema, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { Core } from '../../core/core.ts';
import type { MenuItem } from '../../domain/menu.ts';
import type { Order, OrderItem } from '../../domain/order.ts';
import type { Principal } from '../../domain/roles.ts';
import { defined, operationFieldTable, type GraphqlArgs } from './operation-fields.ts';
import { typeDefs } from './type-defs.ts';

/** What every resolver of one request shares. */
export interface GraphqlContext {
  principal: Principal;
  call(operation: string, input: Record<string, unknown>): Promise<unknown>;
  /** Menu items by id for this request only, so a list of orders reads the menu once. */
  menuItems: DataLoader<string, MenuItem | null>;
}

export function createContext(invoke: Core['invoke'], principal: Principal): GraphqlContext {
  const call = async (operation: string, input: Record<string, unknown>) => (await invoke(operation, input, principal)).output;
  let menuItems: GraphqlContext['menuItems'] | undefined;
  return {
    principal,
    call,
    // Made on first use: most requests never follow an order item to its menu item.
    get menuItems() {
      // One `menu.list` (one store read) answers any number of ids; a deleted item resolves to null.
      menuItems ??= new DataLoader(async (ids) => {
        const page = (await call('menu.list', {})) as { items: MenuItem[] };
        const byId = new Map(page.items.map((item) => [item.id, item]));
        return ids.map((id) => byId.get(id) ?? null);
      });
      return menuItems;
    },
  };
}

type Resolver = GraphQLFieldResolver<unknown, GraphqlContext, GraphqlArgs>;

/** Domain value → GraphQL enum value (`placed` → `PLACED`). */
const upper = (value: string) => value.toUpperCase();

const typeResolvers: Record<string, Record<string, Resolver>> = {
  MenuItem: {
    category: (item) => upper((item as MenuItem).category),
  },
  Order: {
    status: (order) => upper((order as Order).status),
    messages: async (order, { limit }, context) => {
      const page = (await context.call('messages.list', defined({ orderId: (order as Order).id, limit }))) as { items: unknown[] };
      return page.items;
    },
  },
  OrderItem: {
    adjustments: (item) => Object.entries((item as OrderItem).adjustments).map(([ingredient, portions]) => ({ ingredient, portions })),
    menuItem: (item, _args, context) => context.menuItems.load((item as OrderItem).menuItemId),
  },
  Message: {
    from: (message) => upper((message as { from: string }).from),
  },
  StaffKey: {
    role: (key) => upper((key as { role: string }).role),
  },
};

function rootResolvers(): Record<string, Record<string, Resolver>> {
  const roots: Record<string, Record<string, Resolver>> = { Query: {}, Mutation: {} };
  for (const [operation, binding] of Object.entries(operationFieldTable)) {
    const [typeName, fieldName] = binding.field.split('.') as [string, string];
    roots[typeName] = {
      ...roots[typeName],
      [fieldName]: async (_root, args, context) => {
        const output = await context.call(operation, binding.input(args));
        return binding.output ? binding.output(output) : output;
      },
    };
  }
  return roots;
}

function attach(schema: GraphQLSchema, resolvers: Record<string, Record<string, Resolver>>): void {
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as GraphQLObjectType | undefined;
    if (!type) throw new Error(`resolvers name a type the schema lacks: ${typeName}`);
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`resolvers name a field the schema lacks: ${typeName}.${fieldName}`);
      field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
}

export function createGraphqlSchema(): GraphQLSchema {
  const schema = buildSchema(typeDefs);
  attach(schema, { ...typeResolvers, ...rootResolvers() });
  return schema;
}
