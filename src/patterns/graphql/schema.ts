/**
 * The executable schema, generated from the catalogue: types from the operations' schemas, one root
 * field per operation binding. The graph edges that are not operations (order → messages, order
 * item → menu item) are declared here and call `invoke` too, so every read and write goes through
 * the catalogue. Menu items are batched per request with a DataLoader. Subscriptions
 * (subscription-fields.ts) follow the feed and reuse the generated types.
 */
import { GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, type GraphQLFieldConfigMap } from 'graphql';
import type { AnyOperation, Order, OrderItem } from '../../core/core.ts';
import type { GraphqlContext } from './graphql-context.ts';
import { createCatalogueTypes, JsonScalar, type Edges, type TypeView } from './catalogue-types.ts';
import { graphqlBinding, operationField, type GraphqlArgs } from './operation-fields.ts';
import { subscriptionFields } from './subscription-fields.ts';

export { createContext, type GraphqlContext } from './graphql-context.ts';

/**
 * DESIGN.md §5: an event is `Event { id, sequence, type, subject, time, data }`; `specversion` and
 * `source` follow, so a subscriber holds the whole CloudEvent every other pattern sends (only
 * `datacontenttype`, always application/json, is left out).
 */
const views: Record<string, TypeView> = {
  CloudEvent: {
    name: 'Event',
    description: 'A CloudEvent from the log; sequence is the cursor every pattern accepts.',
    fields: ['id', 'sequence', 'type', 'subject', 'time', 'data', 'specversion', 'source'],
  },
};

const edges: Edges = {
  OrderItem: (types) => ({
    menuItem: {
      type: types.object('MenuItem'),
      description: 'The menu item as it is now; null once it left the menu.',
      resolve: (item, _args, context) => context.menuItems.load((item as OrderItem).menuItemId),
    },
  }),
  Order: (types) => ({
    messages: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(types.object('Message')))),
      description: 'The conversation on this order, oldest first.',
      args: { limit: { type: GraphQLInt, defaultValue: 100 } },
      resolve: async (order, { limit }: GraphqlArgs, context) => {
        const page = (await context.call('messages.list', { orderId: (order as Order).id, ...(typeof limit === 'number' ? { limit } : {}) })) as { items: unknown[] };
        return page.items;
      },
    },
  }),
};

export function createGraphqlSchema(operations: readonly AnyOperation[]): GraphQLSchema {
  const types = createCatalogueTypes(views, edges);
  const roots: Record<'query' | 'mutation', GraphQLFieldConfigMap<unknown, GraphqlContext>> = { query: {}, mutation: {} };
  for (const operation of operations) {
    const fields = roots[operation.kind === 'query' ? 'query' : 'mutation'];
    const { field } = graphqlBinding(operation);
    if (fields[field]) throw new Error(`two operations claim the GraphQL field ${field}`);
    fields[field] = operationField(operation, types);
  }
  // Walking Query and Mutation generates every type; the subscriptions reuse those they need (Event, Order, Message).
  const base = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: roots.query }),
    mutation: new GraphQLObjectType({ name: 'Mutation', fields: roots.mutation }),
    // Named so the scalar is in the schema even while no field returns it.
    types: [JsonScalar],
  });
  const subscriptions = subscriptionFields(types);
  if (Object.keys(subscriptions).length === 0) return base;
  return new GraphQLSchema({ ...base.toConfig(), subscription: new GraphQLObjectType({ name: 'Subscription', fields: subscriptions }) });
}
