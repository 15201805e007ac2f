/** The meter, live: re-rendered at most about four times a second, since an open stream counts every chunk. */
import { useEffect, useState } from 'react';
import type { CostMeter, Costs } from '../../meter.ts';

const rows: [keyof Costs, string][] = [
  ['requests', 'Requests'],
  ['answers', 'Answers'],
  ['bytesReceived', 'Bytes received'],
  ['news', 'Answers with news'],
  ['openConnections', 'Open connections'],
];

export function CostPanel({ meter }: { meter: CostMeter }) {
  const [costs, setCosts] = useState<Costs>(meter.costs);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    setCosts(meter.costs);
    const unsubscribe = meter.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        setCosts(meter.costs);
      }, 250);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [meter]);

  return (
    <dl className="costs" aria-label="What this pattern costs">
      {rows.map(([key, title]) => (
        <div key={key}>
          <dt>{title}</dt>
          <dd>{costs[key]}</dd>
        </div>
      ))}
    </dl>
  );
}
