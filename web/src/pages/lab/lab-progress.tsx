/** How far a run is: steps done of all steps (a step is one phase of one round), and what runs now. */
import type { LabProgress } from 'bistro/lab-result';

export function LabProgressBar({ progress }: { progress: LabProgress | null }) {
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 1;
  const percent = total > 0 ? Math.round((100 * done) / total) : 0;
  return (
    <div className="lab-progress">
      <div
        className="lab-progress-track"
        role="progressbar"
        aria-label="Lab run"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={progress ? `${done} of ${total} steps: ${progress.step}` : 'starting'}
      >
        <div className="lab-progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="quiet-text" aria-live="polite">
        {progress ? `${progress.step} (${done} of ${total})` : 'Starting the lab’s node…'}
      </p>
    </div>
  );
}
