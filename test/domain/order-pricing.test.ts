/** Pricing and validating what a guest asks for against the menu, read like a menu: given the menu, when a guest orders, then… */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BistroError } from '../../src/domain/errors.ts';
import { seedMenu, type MenuItem } from '../../src/domain/menu.ts';
import { maxItemsPerOrder, maxQuantity, priceItems, type OrderItemRequest } from '../../src/domain/order.ts';

const at = '2024-05-01T12:00:00.000Z';
const theMenu = new Map<string, MenuItem>(seedMenu.map((draft) => [draft.id, { ...draft, version: 1, updatedAt: at }]));
const withFishAndChipsOffTheMenu = new Map(theMenu).set('fish-and-chips', { ...theMenu.get('fish-and-chips')!, available: false });

function order(...items: OrderItemRequest[]) {
  return priceItems(items, theMenu);
}

/** Asserts `attempt` throws a BistroError with `code`, whose first field error points at `path`. */
function refused(attempt: () => unknown, code: string, path: string): BistroError {
  let caught: unknown;
  try {
    attempt();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BistroError, `expected a BistroError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.fieldErrors[0]?.path, path);
  return caught;
}

test('fish and chips, no salt, two pieces of fish is { salt: 0, fish: 2 } at the menu price', () => {
  const { items, totalCents } = order({ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } });
  assert.deepEqual(items, [
    { menuItemId: 'fish-and-chips', name: 'Fish and chips', quantity: 1, adjustments: { salt: 0, fish: 2 }, note: '', priceCents: 1450 },
  ]);
  assert.equal(totalCents, 1450);
});

test('fish and chips as it comes has no adjustments and no note', () => {
  const [item] = order({ menuItemId: 'fish-and-chips', quantity: 1 }).items;
  assert.deepEqual(item?.adjustments, {});
  assert.equal(item?.note, '');
});

test('two fish and chips, a tomato soup without bread and a lemonade cost the lines added up', () => {
  const { items, totalCents } = order(
    { menuItemId: 'fish-and-chips', quantity: 2 },
    { menuItemId: 'tomato-soup', quantity: 1, adjustments: { bread: 0 }, note: 'extra hot' },
    { menuItemId: 'lemonade', quantity: 3 },
  );
  assert.deepEqual(
    items.map((item) => item.priceCents),
    [2 * 1450, 650, 3 * 350],
  );
  assert.equal(items[1]?.note, 'extra hot');
  assert.equal(totalCents, 2 * 1450 + 650 + 3 * 350);
});

test('the most fish and the least salt the menu allows are accepted', () => {
  const [item] = order({ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { fish: 6, chips: 2, salt: 0 } }).items;
  assert.deepEqual(item?.adjustments, { fish: 6, chips: 2, salt: 0 });
});

test('the priced adjustments are a copy: changing the request later does not change the order', () => {
  const adjustments = { salt: 0 };
  const [item] = order({ menuItemId: 'fish-and-chips', quantity: 1, adjustments }).items;
  adjustments.salt = 1;
  assert.deepEqual(item?.adjustments, { salt: 0 });
});

test('seven pieces of fish are more than the kitchen serves', () => {
  const error = refused(() => order({ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { fish: 7 } }), 'validation_failed', '/items/0/adjustments/fish');
  assert.match(error.message, /from 1 to 6/);
});

test('fish and chips without any chips is refused: chips has a minimum of one', () => {
  refused(() => order({ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { chips: 0 } }), 'validation_failed', '/items/0/adjustments/chips');
});

test('half a portion of salt is refused: portions are whole', () => {
  refused(() => order({ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0.5 } }), 'validation_failed', '/items/0/adjustments/salt');
});

test('ketchup on the soup is refused: the soup has no such ingredient, and the path names the second item', () => {
  const error = refused(
    () => order({ menuItemId: 'lemonade', quantity: 1 }, { menuItemId: 'tomato-soup', quantity: 1, adjustments: { ketchup: 1 } }),
    'validation_failed',
    '/items/1/adjustments/ketchup',
  );
  assert.match(error.message, /no ingredient "ketchup"/);
});

test('a dish that is not on the menu is refused at its menuItemId', () => {
  refused(() => order({ menuItemId: 'lobster', quantity: 1 }), 'validation_failed', '/items/0/menuItemId');
});

test('fish and chips while the kitchen is out of fish is menu_item_unavailable', () => {
  refused(() => priceItems([{ menuItemId: 'fish-and-chips', quantity: 1 }], withFishAndChipsOffTheMenu), 'menu_item_unavailable', '/items/0/menuItemId');
});

test('an empty order is refused', () => {
  refused(() => order(), 'validation_failed', '/items');
});

test(`more than ${maxItemsPerOrder} lines are refused, ${maxItemsPerOrder} are fine`, () => {
  const line = { menuItemId: 'lemonade', quantity: 1 };
  assert.equal(order(...Array.from({ length: maxItemsPerOrder }, () => line)).items.length, maxItemsPerOrder);
  refused(() => order(...Array.from({ length: maxItemsPerOrder + 1 }, () => line)), 'validation_failed', '/items');
});

test(`quantities are whole numbers from 1 to ${maxQuantity}`, () => {
  assert.equal(order({ menuItemId: 'lemonade', quantity: maxQuantity }).totalCents, maxQuantity * 350);
  for (const quantity of [0, -1, maxQuantity + 1, 1.5, Number.NaN]) {
    refused(() => order({ menuItemId: 'lemonade', quantity }), 'validation_failed', '/items/0/quantity');
  }
});

/** Asserts the refusal's message and its one field error, word for word: clients show them. */
function refusedSaying(attempt: () => unknown, code: string, path: string, message: string, fieldMessage: string): void {
  const error = refused(attempt, code, path);
  assert.equal(error.message, message, `the message for ${path}`);
  assert.deepEqual(error.fieldErrors, [{ path, message: fieldMessage }], `the field errors for ${path}`);
}

test('one of a dish is the least a guest may order, and costs the menu price', () => {
  assert.equal(order({ menuItemId: 'tomato-soup', quantity: 1 }).totalCents, 650, 'one soup');
  refusedSaying(
    () => order({ menuItemId: 'tomato-soup', quantity: 0 }),
    'validation_failed',
    '/items/0/quantity',
    '/items/0/quantity: quantity must be a whole number from 1 to 20',
    'quantity must be a whole number from 1 to 20',
  );
});

test('every ingredient may be set anywhere from its minimum to its maximum, and not one portion past either', () => {
  for (const dish of theMenu.values()) {
    for (const { name, min, max } of dish.ingredients) {
      for (const portions of [min, max]) {
        const [item] = order({ menuItemId: dish.id, quantity: 1, adjustments: { [name]: portions } }).items;
        assert.deepEqual(item?.adjustments, { [name]: portions }, `${dish.id}: ${name} at ${portions}`);
      }
      for (const portions of [min - 1, max + 1]) {
        refusedSaying(
          () => order({ menuItemId: dish.id, quantity: 1, adjustments: { [name]: portions } }),
          'validation_failed',
          `/items/0/adjustments/${name}`,
          `/items/0/adjustments/${name}: ${name} must be a whole number of portions from ${min} to ${max}`,
          `${name} must be a whole number of portions from ${min} to ${max}`,
        );
      }
    }
  }
});

test('an ingredient name with a slash is one step of the pointer (RFC 6901), escaped', () => {
  refusedSaying(
    () => order({ menuItemId: 'tomato-soup', quantity: 1, adjustments: { 'salt/pepper': 1 } }),
    'validation_failed',
    '/items/0/adjustments/salt~1pepper',
    '/items/0/adjustments/salt~1pepper: "Tomato soup" has no ingredient "salt/pepper"',
    '"Tomato soup" has no ingredient "salt/pepper"',
  );
});

test('refusals say what is wrong, word for word', () => {
  refusedSaying(() => order(), 'validation_failed', '/items', '/items: an order needs at least one item', 'an order needs at least one item');
  refusedSaying(
    () => order(...Array.from({ length: maxItemsPerOrder + 1 }, () => ({ menuItemId: 'lemonade', quantity: 1 }))),
    'validation_failed',
    '/items',
    '/items: at most 50 items per order',
    'at most 50 items per order',
  );
  refusedSaying(
    () => order({ menuItemId: 'lemonade', quantity: 1 }, { menuItemId: 'lobster', quantity: 1 }),
    'validation_failed',
    '/items/1/menuItemId',
    '/items/1/menuItemId: no menu item "lobster"',
    'no menu item "lobster"',
  );
  refusedSaying(
    () => priceItems([{ menuItemId: 'fish-and-chips', quantity: 1 }], withFishAndChipsOffTheMenu),
    'menu_item_unavailable',
    '/items/0/menuItemId',
    '"Fish and chips" is not available right now.',
    'not available',
  );
});

test('an unavailable dish is refused even when the rest of the line is wrong too: availability is checked first', () => {
  refused(() => priceItems([{ menuItemId: 'fish-and-chips', quantity: 0 }], withFishAndChipsOffTheMenu), 'menu_item_unavailable', '/items/0/menuItemId');
});

test('the limits: 50 lines per order, 20 of a dish per line', () => {
  assert.equal(maxItemsPerOrder, 50, 'lines per order');
  assert.equal(maxQuantity, 20, 'quantity per line');
});

test('each line keeps the menu item it names, its name at ordering time, the note and the line price', () => {
  const { items, totalCents } = order({ menuItemId: 'sticky-toffee-pudding', quantity: 2, adjustments: { 'ice-cream': 2 }, note: 'two spoons' });
  assert.deepEqual(
    items,
    [{ menuItemId: 'sticky-toffee-pudding', name: 'Sticky toffee pudding', quantity: 2, adjustments: { 'ice-cream': 2 }, note: 'two spoons', priceCents: 1400 }],
    'the priced line',
  );
  assert.equal(totalCents, 1400, 'the total');
});
