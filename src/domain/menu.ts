/** The menu: items with adjustable ingredients, and the seed menu served on first start. */
import { invalid } from './errors.ts';

export const categories = ['starters', 'mains', 'desserts', 'drinks'] as const;
export type Category = (typeof categories)[number];

export interface Ingredient {
  name: string;
  /** Default portions. */
  portions: number;
  min: number;
  max: number;
}

export interface MenuItem {
  id: string;
  name: string;
  description: string;
  category: Category;
  priceCents: number;
  available: boolean;
  ingredients: Ingredient[];
  version: number;
  updatedAt: string;
}

export type MenuItemDraft = Omit<MenuItem, 'version' | 'updatedAt'>;

/** Checks what a schema cannot: ingredient bounds and unique names. */
export function checkIngredients(ingredients: Ingredient[]): void {
  const seen = new Set<string>();
  ingredients.forEach((ingredient, index) => {
    const path = `/ingredients/${index}`;
    if (seen.has(ingredient.name)) throw invalid(`${path}/name`, `duplicate ingredient "${ingredient.name}"`);
    seen.add(ingredient.name);
    if (ingredient.min > ingredient.max) throw invalid(`${path}/min`, 'min must not exceed max');
    if (ingredient.portions < ingredient.min || ingredient.portions > ingredient.max) {
      throw invalid(`${path}/portions`, `portions must be between min (${ingredient.min}) and max (${ingredient.max})`);
    }
  });
}

export const seedMenu: MenuItemDraft[] = [
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
];
