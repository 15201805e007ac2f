/** Menu ingredient checks: given a dish's ingredients, when the admin saves it, then it is accepted or the field at fault is named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BistroError } from '../../src/domain/errors.ts';
import { categories, checkIngredients, seedMenu, type Ingredient } from '../../src/domain/menu.ts';

function refused(ingredients: Ingredient[], path: string, message: RegExp): void {
  assert.throws(
    () => checkIngredients(ingredients),
    (error: unknown) => {
      assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
      assert.equal(error.code, 'validation_failed', 'the code');
      assert.deepEqual(
        error.fieldErrors.map((field) => field.path),
        [path],
        'the field at fault',
      );
      assert.match(error.message, message, 'the message');
      return true;
    },
  );
}

test('fish (4, 1–6), chips (1, 1–2) and salt (1, 0–1) make a valid dish', () => {
  assert.doesNotThrow(() =>
    checkIngredients([
      { name: 'fish', portions: 4, min: 1, max: 6 },
      { name: 'chips', portions: 1, min: 1, max: 2 },
      { name: 'salt', portions: 1, min: 0, max: 1 },
    ]),
  );
});

test('a dish with no ingredients at all is fine (a glass of water)', () => {
  assert.doesNotThrow(() => checkIngredients([]));
});

test('a fixed ingredient (min = portions = max) is fine', () => {
  assert.doesNotThrow(() => checkIngredients([{ name: 'egg', portions: 2, min: 2, max: 2 }]));
});

test('salt listed twice is refused at the second one', () => {
  refused(
    [
      { name: 'salt', portions: 1, min: 0, max: 1 },
      { name: 'fish', portions: 4, min: 1, max: 6 },
      { name: 'salt', portions: 0, min: 0, max: 1 },
    ],
    '/ingredients/2/name',
    /duplicate ingredient "salt"/,
  );
});

test('fish with a minimum above its maximum is refused at min', () => {
  refused([{ name: 'fish', portions: 4, min: 6, max: 1 }], '/ingredients/0/min', /min must not exceed max/);
});

test('a default above the maximum is refused at portions', () => {
  refused([{ name: 'chips', portions: 3, min: 1, max: 2 }], '/ingredients/0/portions', /between min \(1\) and max \(2\)/);
});

test('a default below the minimum is refused at portions', () => {
  refused(
    [
      { name: 'bread', portions: 1, min: 0, max: 2 },
      { name: 'fish', portions: 0, min: 1, max: 6 },
    ],
    '/ingredients/1/portions',
    /between min \(1\) and max \(6\)/,
  );
});

test('the seed menu passes its own checks, in known categories, with unique ids', () => {
  for (const item of seedMenu) {
    assert.doesNotThrow(() => checkIngredients(item.ingredients), item.id);
    assert.ok(categories.includes(item.category), item.id);
    assert.ok(Number.isInteger(item.priceCents) && item.priceCents > 0, item.id);
  }
  assert.equal(new Set(seedMenu.map((item) => item.id)).size, seedMenu.length, 'unique ids');
  const fishAndChips = seedMenu.find((item) => item.id === 'fish-and-chips');
  assert.deepEqual(fishAndChips?.ingredients, [
    { name: 'fish', portions: 4, min: 1, max: 6 },
    { name: 'chips', portions: 1, min: 1, max: 2 },
    { name: 'salt', portions: 1, min: 0, max: 1 },
  ], 'fish and chips');
});

test('portions may sit at the minimum or at the maximum', () => {
  assert.doesNotThrow(() => checkIngredients([{ name: 'fish', portions: 1, min: 1, max: 6 }]), 'at the minimum');
  assert.doesNotThrow(() => checkIngredients([{ name: 'fish', portions: 6, min: 1, max: 6 }]), 'at the maximum');
});

test('refusals say what is wrong, word for word, at the ingredient at fault', () => {
  const cases: [Ingredient[], string, string][] = [
    [
      [
        { name: 'salt', portions: 1, min: 0, max: 1 },
        { name: 'salt', portions: 1, min: 0, max: 1 },
      ],
      '/ingredients/1/name',
      'duplicate ingredient "salt"',
    ],
    [[{ name: 'fish', portions: 4, min: 6, max: 1 }], '/ingredients/0/min', 'min must not exceed max'],
    [[{ name: 'chips', portions: 3, min: 1, max: 2 }], '/ingredients/0/portions', 'portions must be between min (1) and max (2)'],
  ];
  for (const [ingredients, path, message] of cases) {
    assert.throws(
      () => checkIngredients(ingredients),
      (error: unknown) => {
        assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
        assert.deepEqual(error.fieldErrors, [{ path, message }], `the field errors for ${path}`);
        assert.equal(error.message, `${path}: ${message}`, `the message for ${path}`);
        return true;
      },
    );
  }
});

test('the seed menu, dish by dish: what the first start serves, at these prices, with these ingredients', () => {
  assert.deepEqual(
    seedMenu,
    [
      {
        id: 'fish-and-chips',
        name: 'Fish and chips',
        description: 'Beer-battered cod with thick-cut chips.',
        category: 'mains',
        priceCents: 1450,
        available: true,
        ingredients: [
          { name: 'fish', portions: 4, min: 1, max: 6 },
          { name: 'chips', portions: 1, min: 1, max: 2 },
          { name: 'salt', portions: 1, min: 0, max: 1 },
        ],
      },
      {
        id: 'tomato-soup',
        name: 'Tomato soup',
        description: 'Roast tomato soup with basil and bread.',
        category: 'starters',
        priceCents: 650,
        available: true,
        ingredients: [
          { name: 'bread', portions: 1, min: 0, max: 2 },
          { name: 'basil', portions: 1, min: 0, max: 1 },
        ],
      },
      {
        id: 'mushroom-risotto',
        name: 'Mushroom risotto',
        description: 'Arborio rice, wild mushrooms, parmesan.',
        category: 'mains',
        priceCents: 1300,
        available: true,
        ingredients: [
          { name: 'mushrooms', portions: 2, min: 1, max: 3 },
          { name: 'parmesan', portions: 1, min: 0, max: 2 },
        ],
      },
      {
        id: 'sticky-toffee-pudding',
        name: 'Sticky toffee pudding',
        description: 'With vanilla ice cream.',
        category: 'desserts',
        priceCents: 700,
        available: true,
        ingredients: [{ name: 'ice-cream', portions: 1, min: 0, max: 2 }],
      },
      {
        id: 'lemonade',
        name: 'Lemonade',
        description: 'Freshly squeezed.',
        category: 'drinks',
        priceCents: 350,
        available: true,
        ingredients: [{ name: 'ice', portions: 1, min: 0, max: 2 }],
      },
    ],
    'the seed menu',
  );
});

test('the menu categories, in the order the menu lists them', () => {
  assert.deepEqual([...categories], ['starters', 'mains', 'desserts', 'drinks'], 'the categories');
});
