/** What to run: a small workload (the server holds every number to its bounds too) and which patterns to put through it. */
import { useState, type FormEvent } from 'react';
import { labPatterns, patternLabels, type LabPattern } from 'bistro/lab-result';
import type { LabRunRequest } from './lab-api.ts';

const bounds = {
  guests: { min: 1, max: 50, start: 10, label: 'Guests' },
  paceMs: { min: 50, max: 5000, start: 300, label: 'Kitchen pace (ms per status)' },
  durationS: { min: 1, max: 30, start: 3, label: 'Guests arrive over (s)' },
  rounds: { min: 1, max: 3, start: 1, label: 'Rounds' },
} as const;
type Field = keyof typeof bounds;
const fields = Object.keys(bounds) as Field[];

export function LabForm({ busy, onRun }: { busy: boolean; onRun: (request: LabRunRequest) => void }) {
  const [numbers, setNumbers] = useState<Record<Field, string>>(() => Object.fromEntries(fields.map((field) => [field, String(bounds[field].start)])) as Record<Field, string>);
  const [seed, setSeed] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<LabPattern>>(() => new Set(labPatterns));

  function toggle(pattern: LabPattern) {
    const next = new Set(chosen);
    if (next.has(pattern)) next.delete(pattern);
    else next.add(pattern);
    setChosen(next);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const request: LabRunRequest = {
      guests: Number(numbers.guests),
      paceMs: Number(numbers.paceMs),
      durationS: Number(numbers.durationS),
      rounds: Number(numbers.rounds),
      // In the lab's order, whatever order they were ticked in.
      patterns: labPatterns.filter((pattern) => chosen.has(pattern)),
    };
    if (seed.trim() !== '') request.seed = Number(seed);
    onRun(request);
  }

  return (
    <form className="card lab-form" onSubmit={submit} aria-label="Lab workload">
      <div className="lab-numbers">
        {fields.map((field) => (
          <label key={field}>
            {bounds[field].label}
            <input
              type="number"
              required
              min={bounds[field].min}
              max={bounds[field].max}
              step={1}
              value={numbers[field]}
              onChange={(event) => setNumbers({ ...numbers, [field]: event.target.value })}
            />
          </label>
        ))}
        <label>
          Seed (blank: a new one)
          <input type="number" min={0} step={1} value={seed} onChange={(event) => setSeed(event.target.value)} />
        </label>
      </div>
      <fieldset>
        <legend>Patterns</legend>
        {labPatterns.map((pattern) => (
          <label key={pattern} className="lab-pattern">
            <input type="checkbox" checked={chosen.has(pattern)} onChange={() => toggle(pattern)} />
            {patternLabels[pattern]}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={busy || chosen.size === 0}>
        {busy ? 'Running…' : 'Run'}
      </button>
    </form>
  );
}
