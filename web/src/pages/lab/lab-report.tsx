/**
 * A finished run as the HTML report shows it: the same charts (`labCharts`, the very function the
 * report is drawn with), the patterns' medians in a table, and the whole result to download.
 */
import { useEffect, useMemo, useState } from 'react';
import { labCharts } from 'bistro/lab-charts';
import type { LabResult, PatternSummary } from 'bistro/lab-result';

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en')} ms`;

function bytes(value: number): string {
  if (value < 1024) return `${Math.round(value)} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(1)} MiB`;
}

const count = (value: number) => (Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(1));

const columns: { label: string; cell: (pattern: PatternSummary) => string }[] = [
  { label: 'Latency p50', cell: (pattern) => ms(pattern.latencyMs.p50.median) },
  { label: 'Latency p95', cell: (pattern) => ms(pattern.latencyMs.p95.median) },
  { label: 'Requests per update', cell: (pattern) => count(pattern.requestsPerUpdate.median) },
  { label: 'Bytes to server per update', cell: (pattern) => bytes(pattern.bytesToServerPerUpdate.median) },
  { label: 'Bytes from server per update', cell: (pattern) => bytes(pattern.bytesFromServerPerUpdate.median) },
  { label: 'Peak connections', cell: (pattern) => count(pattern.peakConnections.median) },
  { label: 'Missed', cell: (pattern) => count(pattern.rounds.reduce((sum, round) => sum + round.missed, 0)) },
];

/** A blob URL of the result as JSON, let go when the result changes or the page leaves. */
function useJsonUrl(result: LabResult): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const made = URL.createObjectURL(new Blob([JSON.stringify(result, null, 2)], { type: 'application/json' }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [result]);
  return url;
}

export function LabReport({ result }: { result: LabResult }) {
  const charts = useMemo(() => labCharts(result), [result]);
  const jsonUrl = useJsonUrl(result);
  const { settings } = result;
  return (
    <section aria-labelledby="lab-result-title" className="lab-report">
      <h2 id="lab-result-title">Result</h2>
      <p>
        {settings.guests} guests over {settings.durationS} s, kitchen pace {settings.paceMs ?? 'the node’s own'} ms, {settings.rounds} round
        {settings.rounds === 1 ? '' : 's'}, seed {settings.seed}; on {result.machine.cpus} CPUs, Node.js {result.machine.node}. Medians over rounds.{' '}
        {jsonUrl && (
          <a href={jsonUrl} download={`bistro-lab-${result.startedAt.replace(/[:.]/g, '-')}.json`}>
            Download JSON
          </a>
        )}
      </p>
      <div className="lab-table-scroll">
        <table className="lab-medians">
          <caption>Each pattern’s medians</caption>
          <thead>
            <tr>
              <th scope="col">Pattern</th>
              {columns.map((column) => (
                <th key={column.label} scope="col">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.patterns.map((pattern) => (
              <tr key={pattern.pattern} data-pattern={pattern.pattern}>
                <th scope="row">{pattern.label}</th>
                {columns.map((column) => (
                  <td key={column.label}>{column.cell(pattern)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {charts.map((chart) => (
        <figure key={chart.id} className="card lab-chart" data-chart-id={chart.id}>
          <h3>{chart.title}</h3>
          {/* Safe as HTML: labCharts builds the SVG itself and escapes every text it puts in (labels, numbers), and the result came from our own node. */}
          <div className="lab-chart-svg" dangerouslySetInnerHTML={{ __html: chart.svg }} />
          <figcaption>{chart.caption}</figcaption>
        </figure>
      ))}
    </section>
  );
}
