/** Chooses how the page hears about its order, explains the choice in a line, and shows what it costs. */
import type { PushVia } from 'bistro/client';
import type { CostMeter } from '../../meter.ts';
import { CostPanel } from './cost-panel.tsx';
import { patterns } from './patterns.ts';

interface SwitcherProps {
  via: PushVia;
  onChange: (via: PushVia) => void;
  meter: CostMeter;
  /** Whether an order is being watched now; a finished order costs nothing more. */
  watching: boolean;
}

export function PatternSwitcher({ via, onChange, meter, watching }: SwitcherProps) {
  const chosen = patterns.find((pattern) => pattern.via === via);
  return (
    <section className="card patterns" aria-labelledby="patterns-title">
      <h2 id="patterns-title" className="visually-hidden">
        Live updates
      </h2>
      <fieldset>
        <legend>How this page hears about changes</legend>
        <div className="pattern-options">
          {patterns.map((pattern) => (
            <label key={pattern.via} className="radio">
              <input type="radio" name="pattern" value={pattern.via} checked={pattern.via === via} onChange={() => onChange(pattern.via)} />
              {pattern.label}
            </label>
          ))}
        </div>
      </fieldset>
      <p className="quiet-text" aria-live="polite">
        {chosen?.explanation}
      </p>
      <CostPanel meter={meter} />
      {!watching && <p className="quiet-text small">Nothing to watch right now: the counters move while an order is on its way.</p>}
      <p className="quiet-text small">Counted since this pattern started watching the current order. Headers are not visible to a page, so bytes are bodies and frames only.</p>
    </section>
  );
}
