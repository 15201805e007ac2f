// Watch one order change live through a GraphQL subscription (graphql-transport-ws on /graphql).
// Run: npx tsx examples/graphql-subscription.ts (with `BISTRO_KITCHEN=auto npm start`)
import { createClient } from 'bistro/client/node';

const url = process.env['BISTRO_URL'] ?? 'http://127.0.0.1:3000';
const client = createClient({ url });

const { token } = await client.guests.register({ table: 4, name: 'Ada' });
const guest = client.withToken(token);
const order = await guest.orders.place({ items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] });
for await (const changed of guest.watchOrder(order.id, { via: 'graphql-ws' })) {
  console.log(`${changed.id} is ${changed.status}`);
  if (changed.status === 'ready') break;
}
