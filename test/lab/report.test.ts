/** The lab's outputs drawn from a fixed result: the terminal table, the progress bar, the charts and the HTML report. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labCharts } from '../../src/lab/charts.ts';
import { formatBytes, spreadText } from '../../src/lab/format.ts';
import { htmlReport } from '../../src/lab/html-report.ts';
import { labPatterns, labQuestions, patternLabels, questionLabels, requestVias, viaLabels, type LabResult } from '../../src/lab/lab-result.ts';
import { progressBar, terminalTable } from '../../src/lab/terminal-report.ts';
import { sampleLabResult } from './sample-result.ts';

const sample = sampleLabResult();

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

test('a median reads with its range in one unit, and without brackets when the rounds agree', () => {
  assert.equal(spreadText({ median: 12, min: 10, max: 15 }, 'ms'), '12 ms (10–15)', 'ms with its range');
  assert.equal(spreadText({ median: 2210, min: 2080, max: 2410 }, 'bytes'), '2.2 KB (2.1–2.4)', 'bytes scaled by the median, range in the same unit');
  assert.equal(spreadText({ median: 4, min: 4, max: 4 }, 'count'), '4', 'no range when every round agrees');
  assert.equal(formatBytes(430), '430 B', 'small byte counts stay in bytes');
});

test('the terminal table names every pattern and question and shows the result’s numbers', () => {
  const table = terminalTable(sample, { color: false });
  for (const pattern of labPatterns) assert.match(table, new RegExp(`^${pattern} `, 'm'), `a row for ${pattern}`);
  for (const question of labQuestions) assert.ok(table.includes(questionLabels[question]), `the question "${questionLabels[question]}"`);
  for (const via of requestVias) assert.equal(count(table, ` ${viaLabels[via]} `), labQuestions.length, `${via} once per question`);
  assert.ok(table.includes('502 (472–547)'), 'poll-1s p50 with its range over rounds');
  assert.ok(table.includes('2490 (2341–2714)'), 'poll-5s p50 with its range over rounds');
  const poll1s = table.split('\n').find((line) => line.startsWith('poll-1s')) ?? '';
  for (const value of ['951', '992', '6.1', '1.5 KB', '2.2 KB', '196', '4100', '112']) assert.ok(poll1s.includes(` ${value}`), `poll-1s row shows ${value}: ${poll1s}`);
  const baseline = table.split('\n').find((line) => line.startsWith('baseline')) ?? '';
  assert.match(baseline, / 880 +96$/, `the baseline's CPU ms and RSS MB: ${baseline}`);
  const underFetching = table.split('\n').find((line) => line.includes('My order with each dish')) ?? '';
  assert.match(underFetching, /REST .* 4 +760 B +2\.9 KB$/, `REST takes 1 + 3 dishes round trips: ${underFetching}`);
  assert.ok(table.includes('bistro lab --guests 200 --pace 2000 --duration 30 --rounds 3 --requests 100 --seed 42'), 'the command that runs it again');
  assert.ok(!table.includes('\u001b['), 'no escape codes without colour');
  assert.ok(terminalTable(sample, { color: true }).includes('\u001b['), 'escape codes with colour');
});

test('the terminal table aligns its columns', () => {
  const lines = terminalTable(sample, { color: false }).split('\n');
  const rows = lines.filter((line) => labPatterns.some((pattern) => line.startsWith(`${pattern} `)));
  const ends = new Set(rows.map((line) => line.indexOf(')') ));
  assert.equal(ends.size, 1, `every p50 range ends in the same column:\n${rows.join('\n')}`);
  const widths = new Set(rows.map((line) => line.length));
  assert.equal(widths.size, 1, `every pattern row is as wide as the others:\n${rows.join('\n')}`);
});

test('the progress bar fills with the steps done', () => {
  assert.equal(progressBar({ done: 0, total: 40, step: 'poll-1s, round 1 of 3' }, 10), '[░░░░░░░░░░] 0/40 poll-1s, round 1 of 3', 'empty at the start');
  assert.equal(progressBar({ done: 20, total: 40, step: 'sse, round 2 of 3' }, 10), '[█████░░░░░] 20/40 sse, round 2 of 3', 'half way');
  assert.equal(progressBar({ done: 40, total: 40, step: '' }, 10), '[██████████] 40/40', 'full at the end');
  assert.equal(progressBar({ done: 0, total: 0, step: 'starting' }, 4), '[░░░░] 0/0 starting', 'no steps yet is not a division by zero');
});

test('each chart is an accessible SVG with one bar per pattern or per question and request pattern', () => {
  const charts = labCharts(sample);
  assert.equal(new Set(charts.map((chart) => chart.id)).size, charts.length, 'chart ids are unique');
  for (const id of ['latency', 'requests-per-update', 'bytes-to-server', 'bytes-from-server', 'peak-connections', 'server-cpu', 'peak-rss', 'rr-latency', 'rr-round-trips', 'rr-bytes-to-server', 'rr-bytes-from-server']) {
    assert.ok(charts.some((chart) => chart.id === id), `a ${id} chart`);
  }
  for (const chart of charts) {
    assert.match(chart.svg, /^<svg [^>]*role="img"[^>]*aria-label="[^"]+"/, `${chart.id} is an image with a label`);
    assert.ok(chart.svg.includes(`<title>${chart.title}</title>`), `${chart.id} has its title`);
    const bars = chart.id.startsWith('rr-') ? sample.requestResponse.length : sample.patterns.length;
    assert.equal(count(chart.svg, '<rect '), bars, `${chart.id} draws one rect per bar and no other`);
  }
  assert.ok(charts.find((chart) => chart.id === 'latency')?.caption.includes('Log scale'), 'the latency chart says it is on a log scale');
});

test('a chart with nothing measured is left out, and the report says so', () => {
  const blind: LabResult = structuredClone(sample);
  for (const pattern of blind.patterns) pattern.serverCpuMs = null;
  blind.baseline.serverCpuMs = null;
  assert.ok(!labCharts(blind).some((chart) => chart.id === 'server-cpu'), 'no CPU chart when no CPU was measured');
  assert.ok(htmlReport(blind).includes('not measured'), 'the table says the CPU was not measured');
});

test('the HTML report holds every chart and table row, and loads nothing from outside', () => {
  const html = htmlReport(sample);
  for (const chart of labCharts(sample)) assert.ok(html.includes(chart.svg), `the ${chart.id} chart is inline`);
  for (const pattern of labPatterns) assert.ok(html.includes(patternLabels[pattern]), `the ${pattern} label`);
  for (const question of labQuestions) assert.ok(html.includes(questionLabels[question]), `the question "${question}"`);
  assert.ok(html.includes(spreadText(sample.baseline.serverCpuMs!, 'ms')), 'the baseline CPU, median with its range');
  assert.ok(html.includes('502 ms <span class="range">(472–547)</span>'), 'poll-1s p50 with its range, as the table shows it');
  assert.ok(html.includes('bistro lab --guests 200 --pace 2000 --duration 30 --rounds 3 --requests 100 --seed 42'), 'the command that reproduces it');
  assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`), 'a CSP that refuses anything from outside');
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'no src or href points outside');
  assert.doesNotMatch(html, /<script/i, 'no script at all');
  assert.doesNotMatch(html, /<link[^>]*stylesheet/i, 'no linked stylesheet');
  assert.doesNotMatch(html, /@import|@font-face|url\(/i, 'no imported styles or web fonts');
});

test('labels are escaped in the charts and the report', () => {
  const hostile: LabResult = structuredClone(sample);
  hostile.patterns[0]!.label = '<script>alert("x")</script> & co';
  hostile.machine.platform = '<img src=x onerror=alert(1)>';
  const html = htmlReport(hostile);
  assert.ok(!html.includes('<script>'), 'the label does not become a script element');
  assert.ok(!html.includes('<img'), 'a machine field does not become an element');
  assert.ok(html.includes('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co'), 'the label shows as text');
  for (const chart of labCharts(hostile)) assert.ok(!chart.svg.includes('<script'), `${chart.id} escapes it too`);
});

test('a smaller run draws what it has: one pattern, no request-response side, an update count of zero', () => {
  const small: LabResult = structuredClone(sample);
  small.patterns = small.patterns.filter((pattern) => pattern.pattern === 'sse' || pattern.pattern === 'webhook');
  small.patterns[1]!.requestsPerUpdate = { median: Infinity, min: Infinity, max: Infinity };
  small.requestResponse = [];
  small.settings.requestSamples = 0;
  small.settings.patterns = ['sse', 'webhook'];
  const charts = labCharts(small);
  assert.ok(!charts.some((chart) => chart.id.startsWith('rr-')), 'no request-response charts when that side was skipped');
  const requests = charts.find((chart) => chart.id === 'requests-per-update');
  assert.equal(count(requests?.svg ?? '', '<rect '), 1, 'the pattern that divided by zero has no bar');
  assert.ok(requests?.svg.includes('not measured'), 'and says so');
  assert.ok(!charts.some((chart) => chart.svg.includes('NaN')), 'no NaN reaches an SVG');
  const html = htmlReport(small);
  assert.ok(html.includes('Skipped in this run'), 'the report says the request-response side was skipped');
  assert.ok(html.includes('--patterns sse,webhook'), 'the command names the patterns run');
  assert.ok(!terminalTable(small, { color: false }).includes('Request-response'), 'the terminal leaves the skipped side out');
});
