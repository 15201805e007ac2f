/** The menu grouped by category; each dish with its ingredient steppers, a quantity and "Add to order". */
import { useState } from 'react';
import type { Category, MenuItem } from 'bistro/client';
import { euros } from '../../status-text.ts';
import { IngredientStepper } from './ingredient-stepper.tsx';
import { changedPortions } from './changed-portions.ts';
import type { BasketLine } from './basket.tsx';

const categoryTitle: Record<Category, string> = { starters: 'Starters', mains: 'Mains', desserts: 'Desserts', drinks: 'Drinks' };
const categoryOrder: Category[] = ['starters', 'mains', 'desserts', 'drinks'];

function defaults(item: MenuItem): Record<string, number> {
  return Object.fromEntries(item.ingredients.map((ingredient) => [ingredient.name, ingredient.portions]));
}

function MenuCard({ item, onAdd }: { item: MenuItem; onAdd: (line: Omit<BasketLine, 'key'>) => void }) {
  const [portions, setPortions] = useState(() => defaults(item));
  const [quantity, setQuantity] = useState(1);
  const headingId = `dish-${item.id}`;

  function add() {
    onAdd({ item, quantity, adjustments: changedPortions(item, portions) });
    // A fresh card for the next one, so the next dish starts from the kitchen's defaults.
    setPortions(defaults(item));
    setQuantity(1);
  }

  return (
    <article className="card dish" aria-labelledby={headingId}>
      <div className="dish-head">
        <h3 id={headingId}>{item.name}</h3>
        <span className="price">{euros(item.priceCents)}</span>
      </div>
      {item.description && <p className="quiet-text">{item.description}</p>}
      {!item.available && <p className="notice">Not available right now.</p>}
      {item.ingredients.length > 0 && (
        <div className="steppers" role="group" aria-label={`Portions for ${item.name}`}>
          {item.ingredients.map((ingredient) => (
            <IngredientStepper
              key={ingredient.name}
              ingredient={ingredient}
              value={portions[ingredient.name] ?? ingredient.portions}
              onChange={(value) => setPortions((previous) => ({ ...previous, [ingredient.name]: value }))}
            />
          ))}
        </div>
      )}
      <div className="dish-actions">
        <label className="quantity">
          Quantity
          <input type="number" min={1} max={20} value={quantity} onChange={(event) => setQuantity(Math.max(1, Math.min(20, Number(event.target.value) || 1)))} />
        </label>
        <button type="button" aria-label={`Add ${item.name} to order`} disabled={!item.available} onClick={add}>
          Add to order
        </button>
      </div>
    </article>
  );
}

export function MenuList({ items, onAdd }: { items: MenuItem[]; onAdd: (line: Omit<BasketLine, 'key'>) => void }) {
  return (
    <section aria-labelledby="menu-title" className="menu">
      <h2 id="menu-title">Menu</h2>
      {categoryOrder
        .filter((category) => items.some((item) => item.category === category))
        .map((category) => (
          <section key={category} aria-labelledby={`category-${category}`}>
            <h2 id={`category-${category}`} className="category">
              {categoryTitle[category]}
            </h2>
            {items
              .filter((item) => item.category === category)
              .map((item) => (
                <MenuCard key={item.id} item={item} onAdd={onAdd} />
              ))}
          </section>
        ))}
    </section>
  );
}
