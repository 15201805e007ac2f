/** One ingredient's portions, bounded by the kitchen's min and max: the buttons stop there rather than let the server refuse. */
import type { Ingredient } from 'bistro/client';

export function IngredientStepper({ ingredient, value, onChange }: { ingredient: Ingredient; value: number; onChange: (value: number) => void }) {
  const { name, min, max } = ingredient;
  return (
    <div className="stepper">
      <span className="stepper-name" aria-hidden="true">
        {name}
      </span>
      <button type="button" className="quiet step" aria-label={`Less ${name}`} disabled={value <= min} onClick={() => onChange(Math.max(min, value - 1))}>
        −
      </button>
      <output aria-label={`${name} portions`} aria-live="polite">
        {value}
      </output>
      <button type="button" className="quiet step" aria-label={`More ${name}`} disabled={value >= max} onClick={() => onChange(Math.min(max, value + 1))}>
        +
      </button>
    </div>
  );
}
