/**
 * The lab's HTML report: one file that opens anywhere and loads nothing, so it can be mailed,
 * attached to an issue or archived and still show the same run. Its Content-Security-Policy lets the
 * browser prove that: anything fetched from outside would be refused and show as an error.
 */
import { labCharts, type LabChart } from './charts.ts';
import { escapeXml, formatBytes, formatIn, formatMs, formatNumber, labCommand, rangeText, scaleFor, spreadText, type Measure } from './format.ts';
import { questionLabels, viaLabels, type LabResult, type Spread } from './lab-result.ts';

const style = `
  :root { color-scheme: light; }
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; background: #ffffff; margin: 2rem auto; max-width: 84rem; padding: 0 1rem; line-height: 1.45; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 1px solid #e5e7eb; padding-bottom: 0.3rem; }
  .lede { color: #4b5563; margin-top: 0; }
  pre { background: #f3f4f6; padding: 0.75rem 1rem; overflow-x: auto; border-radius: 4px; }
  code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
  .table-wrap { overflow-x: auto; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.85rem; }
  caption { text-align: left; padding-bottom: 0.3rem; }
  th, td { padding: 0.35rem 0.5rem; border-bottom: 1px solid #e5e7eb; text-align: right; vertical-align: top; }
  td { white-space: nowrap; }
  .range { display: block; color: #4b5563; font-size: 0.8rem; }
  th:first-child, td:first-child, td.text, th.text { text-align: left; }
  thead th { background: #f9fafb; font-weight: 600; }
  tfoot td { color: #4b5563; font-style: italic; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 41rem), 1fr)); gap: 1.5rem; margin-top: 1.5rem; }
  figure { margin: 0; }
  figure h3 { font-size: 1rem; margin: 0 0 0.4rem; }
  figure svg { max-width: 100%; height: auto; display: block; }
  figcaption { color: #4b5563; font-size: 0.85rem; margin-top: 0.3rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
  dt { color: #4b5563; }
  dd { margin: 0; }
  .note { color: #4b5563; font-size: 0.9rem; }
`;

function cell(content: string, className?: string): string {
  return `<td${className ? ` class="${className}"` : ''}>${escapeXml(content)}</td>`;
}

/** "12 ms (10–15)" as spreadText writes it, the range on its own line so a wide table still fits a window. */
function spreadCell(spread: Spread | null, measure: Measure): string {
  if (!spread) return cell('not measured');
  const scale = scaleFor(measure, spread.median);
  const range = rangeText(spread, scale);
  return `<td>${escapeXml(formatIn(spread.median, scale))}${range ? ` <span class="range">(${escapeXml(range)})</span>` : ''}</td>`;
}

function figure(chart: LabChart): string {
  return `<figure id="chart-${escapeXml(chart.id)}"><h3>${escapeXml(chart.title)}</h3>${chart.svg}<figcaption>${escapeXml(chart.caption)}</figcaption></figure>`;
}

function patternTable(result: LabResult): string {
  const rows = result.patterns.map((pattern) =>
    '<tr>' +
    cell(pattern.label) +
    spreadCell(pattern.latencyMs.p50, 'ms') +
    spreadCell(pattern.latencyMs.p95, 'ms') +
    spreadCell(pattern.latencyMs.p99, 'ms') +
    spreadCell(pattern.requestsPerUpdate, 'count') +
    spreadCell(pattern.bytesToServerPerUpdate, 'bytes') +
    spreadCell(pattern.bytesFromServerPerUpdate, 'bytes') +
    spreadCell(pattern.peakConnections, 'count') +
    spreadCell(pattern.serverCpuMs, 'ms') +
    spreadCell(pattern.serverPeakRssBytes, 'bytes') +
    '</tr>',
  );
  const { baseline } = result;
  const baselineRow = `<tr>${cell('Baseline (nobody listens)')}${'<td></td>'.repeat(7)}${spreadCell(baseline.serverCpuMs, 'ms')}${spreadCell(baseline.serverPeakRssBytes, 'bytes')}</tr>`;
  const head = ['Pattern', 'Latency p50', 'p95', 'p99', 'Requests / update', 'Bytes ↑ / update', 'Bytes ↓ / update', 'Peak connections', 'Server CPU', 'Peak RSS'];
  return `<div class="table-wrap"><table id="patterns-table"><caption class="note">Median over rounds, least–greatest round in brackets.</caption><thead><tr>${head.map((h) => `<th scope="col">${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody><tfoot>${baselineRow}</tfoot></table></div>`;
}

function missedNote(result: LabResult): string {
  const missed = result.patterns.flatMap((pattern) => {
    const count = pattern.rounds.reduce((sum, round) => sum + round.missed, 0);
    return count > 0 ? [`${pattern.label}: ${count}`] : [];
  });
  return missed.length === 0
    ? '<p class="note">Every guest learnt their order was ready, in every round of every pattern.</p>'
    : `<p class="note">Guests who never learnt their order was ready before the round's deadline (over all rounds): ${escapeXml(missed.join('; '))}.</p>`;
}

function questionTable(result: LabResult): string {
  const rows = result.requestResponse.map((question) =>
    '<tr>' +
    cell(questionLabels[question.question], 'text') +
    cell(viaLabels[question.via], 'text') +
    spreadCell(question.latencyMs.p50, 'ms') +
    spreadCell(question.latencyMs.p99, 'ms') +
    cell(String(question.roundTrips)) +
    spreadCell(question.bytesToServer, 'bytes') +
    spreadCell(question.bytesFromServer, 'bytes') +
    cell(question.unaskedBodyBytes === null ? '–' : formatBytes(question.unaskedBodyBytes)) +
    '</tr>',
  );
  const head = ['Question', 'Via', 'Latency p50', 'p99', 'Round trips', 'Bytes ↑', 'Bytes ↓', 'Unasked body bytes'];
  return `<div class="table-wrap"><table id="questions-table"><caption class="note">Per answer; median over rounds, least–greatest round in brackets.</caption><thead><tr>${head.map((h, i) => `<th scope="col"${i < 2 ? ' class="text"' : ''}>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function definitions(entries: [string, string][]): string {
  return `<dl>${entries.map(([term, value]) => `<dt>${escapeXml(term)}</dt><dd>${escapeXml(value)}</dd>`).join('')}</dl>`;
}

function runDetails(result: LabResult): string {
  const { settings, machine, target, baseline, totals } = result;
  const spread = (value: Spread | null, measure: 'ms' | 'bytes') => (value ? spreadText(value, measure) : 'not measured (the node is not the lab’s own)');
  return (
    '<h3>Settings</h3>' +
    definitions([
      ['Guests per phase', String(settings.guests)],
      ['Kitchen pace', settings.paceMs === null ? 'the node’s own' : `${formatMs(settings.paceMs)} per status`],
      ['Arrivals over', `${formatNumber(settings.durationS)} s`],
      ['Patterns', settings.patterns.join(', ')],
      ['Rounds', String(settings.rounds)],
      ['Request samples', `${settings.requestSamples} per question, request pattern and round`],
      ['Seed', String(settings.seed)],
      ['Nodes', String(settings.nodes)],
    ]) +
    '<h3>Machine and target</h3>' +
    definitions([
      ['CPUs', String(machine.cpus)],
      ['Node.js', machine.node],
      ['Platform', machine.platform],
      ['Pinned to CPUs', machine.pinned ? 'yes' : 'no'],
      ...(machine.pinnedNote ? ([['Pinning', machine.pinnedNote]] as [string, string][]) : []),
      ['Target', target.kind],
      ['Database', target.database],
      ['URL', target.url],
    ]) +
    '<h3>Baseline and totals</h3>' +
    definitions([
      ['Baseline server CPU', spread(baseline.serverCpuMs, 'ms')],
      ['Baseline peak RSS', spread(baseline.serverPeakRssBytes, 'bytes')],
      ['Bytes to the server, whole run', formatBytes(totals.bytesToServer)],
      ['Bytes from the server, whole run', formatBytes(totals.bytesFromServer)],
      ['Connections, whole run', String(totals.connections)],
      ['Started', result.startedAt],
      ['Finished', result.finishedAt],
    ])
  );
}

export function htmlReport(result: LabResult): string {
  const charts = labCharts(result);
  const patternCharts = charts.filter((chart) => !chart.id.startsWith('rr-'));
  const requestCharts = charts.filter((chart) => chart.id.startsWith('rr-'));
  const { settings } = result;
  const requestSide =
    result.requestResponse.length === 0
      ? '<p class="note">Skipped in this run (--requests 0).</p>'
      : questionTable(result) + `<div class="charts">${requestCharts.map(figure).join('')}</div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bistro Pattern Lab — ${escapeXml(result.startedAt)}</title>
<style>${style}</style>
</head>
<body>
<header>
<h1>Bistro Pattern Lab</h1>
<p class="lede">${escapeXml(`${settings.guests} guests, ${settings.rounds} rounds, seed ${settings.seed}, against ${result.target.kind === 'url' ? result.target.url : `the lab's own ${result.target.kind === 'own-cluster' ? `${settings.nodes} nodes` : 'node'} on ${result.target.database}`}; started ${result.startedAt}.`)}</p>
<pre><code>${escapeXml(labCommand(settings))}</code></pre>
</header>
<main>
<section>
<h2>Event-driven patterns: learning the order is ready</h2>
${patternTable(result)}
${missedNote(result)}
<div class="charts">${patternCharts.map(figure).join('')}</div>
</section>
<section>
<h2>Request-response: asking a question</h2>
${requestSide}
</section>
<section>
<h2>The run</h2>
${runDetails(result)}
</section>
</main>
</body>
</html>
`;
}
