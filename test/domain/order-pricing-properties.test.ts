/**
 * Property: for any request against any menu, priceItems either refuses with a catalogue code and a
 * JSON Pointer to the culprit, or prices exactly what was asked for within every ingredient's bounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BistroError } from '../../src/domain/errors.ts';
import { categories, type Ingredient, type MenuItem } from '../../src/domain/menu.ts';
import { maxItemsPerOrder, maxQuantity, priceItems, type OrderItemRequest } from '../../src/domain/order.ts';

const numRuns = 300;

/** Names a guest might type and a parser might trip on: JSON Pointer specials and Object.prototype keys. */
const awkwardName = fc.constantFrom('fish', 'salt', 'chips', 'a/b', 'x~1', '~', '__proto__', 'constructor', 'toString', '');
const ingredientName = fc.oneof(awkwardName, fc.string({ minLength: 1, maxLength: 12 }));

const ingredient: fc.Arbitrary<Ingredient> = fc
  .tuple(ingredientName, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
  .map(([name, a, b, c]) => {
    const [min, portions, max] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
    return { name, portions, min, max };
  });

const menuItem: fc.Arbitrary<MenuItem> = fc.record({
  id: fc.stringMatching(/^[a-z]{1,6}(-[a-z]{1,6})?$/),
  name: fc.string({ minLength: 1, maxLength: 20 }),
  description: fc.constant(''),
  category: fc.constantFrom(...categories),
  priceCents: fc.integer({ min: 0, max: 10_000_000 }),
  available: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  ingredients: fc.uniqueArray(ingredient, { selector: (each) => each.name, maxLength: 5 }),
  version: fc.integer({ min: 1, max: 100 }),
  updatedAt: fc.constant('2024-05-01T12:00:00.000Z'),
});

const menu = fc.uniqueArray(menuItem, { selector: (item) => item.id, minLength: 1, maxLength: 6 });

/** A request line aimed mostly at the menu (so many orders are valid), sometimes past its edges. */
function requestLine(items: MenuItem[]): fc.Arbitrary<OrderItemRequest> {
  return fc.integer({ min: 0, max: items.length - 1 }).chain((index) => {
    const item = items[index]!;
    const offTheEdge = fc.oneof(fc.integer({ min: -3, max: 25 }), fc.constantFrom(0.5, Number.NaN, Number.POSITIVE_INFINITY));
    const adjustment = fc.oneof(
      ...item.ingredients.map((known) => ({
        weight: 8,
        arbitrary: fc.tuple(fc.constant(known.name), fc.oneof({ weight: 8, arbitrary: fc.integer({ min: known.min, max: known.max }) }, { weight: 1, arbitrary: offTheEdge })),
      })),
      { weight: 1, arbitrary: fc.tuple(ingredientName, fc.integer({ min: 0, max: 20 })) },
    );
    return fc.record(
      {
        menuItemId: fc.oneof({ weight: 20, arbitrary: fc.constant(item.id) }, { weight: 1, arbitrary: fc.constantFrom('lobster', 'not-on-the-menu') }),
        quantity: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: maxQuantity }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, maxQuantity + 1, 2.5) }),
        // fromEntries defines own properties, as JSON.parse does, so "__proto__" stays a key rather than a prototype.
        adjustments: fc.array(adjustment, { maxLength: 3 }).map((entries) => Object.fromEntries(entries)),
        note: fc.string({ maxLength: 10 }),
      },
      { requiredKeys: ['menuItemId', 'quantity'] },
    );
  });
}

const scenario = menu.chain((items) =>
  fc.record({
    items: fc.constant(items),
    requested: fc.oneof({ weight: 20, arbitrary: fc.array(requestLine(items), { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.constant<OrderItemRequest[]>([]) }),
  }),
);

/** Independent of priceItems: is this line what the menu allows? */
function lineIsValid(line: OrderItemRequest, byId: ReadonlyMap<string, MenuItem>): boolean {
  const item = byId.get(line.menuItemId);
  if (!item || !item.available) return false;
  if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > maxQuantity) return false;
  return Object.entries(line.adjustments ?? {}).every(([name, portions]) => {
    const known = item.ingredients.find((each) => each.name === name);
    return known !== undefined && Number.isInteger(portions) && portions >= known.min && portions <= known.max;
  });
}

/** Follows an RFC 6901 pointer; undefined when it leads nowhere. */
function resolvePointer(document: unknown, pointer: string): { found: boolean; value: unknown; tokens: string[] } {
  assert.ok(pointer === '' || pointer.startsWith('/'), `"${pointer}" is not a JSON Pointer`);
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
  let value: unknown = document;
  for (const token of tokens) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, token)) return { found: false, value: undefined, tokens };
    value = (value as Record<string, unknown>)[token];
  }
  return { found: true, value, tokens };
}

test('priceItems refuses with a code and a pointer to the culprit, or prices exactly what was asked within bounds', (t) => {
  let valid = 0;
  let refused = 0;
  fc.assert(
    fc.property(scenario, ({ items, requested }) => {
      const byId = new Map(items.map((item) => [item.id, item]));
      const shouldPass = requested.length >= 1 && requested.length <= maxItemsPerOrder && requested.every((line) => lineIsValid(line, byId));
      let result: ReturnType<typeof priceItems>;
      try {
        result = priceItems(requested, byId);
      } catch (error) {
        refused++;
        assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
        assert.ok(error.code === 'validation_failed' || error.code === 'menu_item_unavailable', error.code);
        assert.equal(shouldPass, false, `refused a valid order: ${error.message}`);
        assert.ok(error.fieldErrors.length >= 1, 'a refusal names at least one field');
        for (const field of error.fieldErrors) {
          const { found, value, tokens } = resolvePointer({ items: requested }, field.path);
          assert.ok(found, `pointer ${field.path} resolves in the request`);
          const line = tokens[1] === undefined ? undefined : requested[Number(tokens[1])];
          if (tokens.length === 1) assert.ok(requested.length === 0 || requested.length > maxItemsPerOrder, `${field.path} blames the whole order`);
          else assert.ok(line && !lineIsValid(line, byId), `${field.path} points at a line that is fine`);
          if (error.code === 'menu_item_unavailable') assert.equal(byId.get(value as string)?.available, false);
          if (tokens[2] === 'adjustments') {
            const known = byId.get(line!.menuItemId)?.ingredients.find((each) => each.name === tokens[3]);
            assert.ok(!known || !Number.isInteger(value) || (value as number) < known.min || (value as number) > known.max, `${field.path} is within bounds`);
          }
        }
        return;
      }
      valid++;
      assert.equal(shouldPass, true, 'priced an order the menu does not allow');
      assert.equal(result.items.length, requested.length);
      result.items.forEach((priced, index) => {
        const line = requested[index]!;
        const item = byId.get(line.menuItemId)!;
        assert.equal(priced.menuItemId, item.id);
        assert.equal(priced.name, item.name);
        assert.equal(priced.quantity, line.quantity);
        assert.equal(priced.note, line.note ?? '');
        assert.equal(priced.priceCents, item.priceCents * line.quantity);
        assert.deepEqual(priced.adjustments, line.adjustments ?? {});
        for (const [name, portions] of Object.entries(priced.adjustments)) {
          const known = item.ingredients.find((each) => each.name === name);
          assert.ok(known, `unknown ingredient ${name}`);
          assert.ok(Number.isInteger(portions) && portions >= known.min && portions <= known.max, `${name}: ${portions} outside ${known.min}..${known.max}`);
        }
      });
      assert.equal(
        result.totalCents,
        result.items.reduce((sum, priced) => sum + priced.priceCents, 0),
      );
    }),
    { numRuns, includeErrorInReport: true },
  );
  // The generator must exercise both outcomes, or the property says little.
  assert.ok(valid > numRuns / 10, `only ${valid} valid orders generated`);
  t.diagnostic(`${valid} orders priced, ${refused} refused`);
  assert.ok(refused > numRuns / 10, `only ${refused} refused orders generated`);
});
