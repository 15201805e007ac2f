// The same calls over GraphQL; the client sends a generated document and answers the same objects.
// Run: npx tsx examples/graphql.ts
import { createClient } from 'bistro/client/node';

const url = process.env['BISTRO_URL'] ?? 'http://127.0.0.1:3000';
const client = createClient({ url, via: 'graphql' });

const menu = await client.menu.list();
const fish = menu.items.find((item) => item.id === 'fish-and-chips');
console.log(`${fish?.name}: ${fish?.ingredients.map((i) => `${i.name} ${i.min}–${i.max}`).join(', ')}`);
const { token } = await client.guests.register({ table: 4, name: 'Ada' });
const order = await client.withToken(token).orders.place({ items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] });
console.log(`placed ${order.id} over GraphQL: ${order.status}, adjustments ${JSON.stringify(order.items[0]?.adjustments)}`);
