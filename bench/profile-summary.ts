/**
 * Reads a `--cpu-prof` profile (e.g. from BENCH_PROFILE_DIR) and prints where the time went:
 * self time by function and by package, and inclusive time of the busiest frames.
 * Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=25] [skip seconds=0]
 * Skipping the first seconds leaves start-up (module loading, migrations, seeding) out of the picture.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArgument, skipArgument] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArgument ?? 25);
const skipUs = Number(skipArgument ?? 0) * 1e6;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Microseconds of self time per node, from the sample stream.
const selfUs = new Map<number, number>();
let elapsedUs = 0;
profile.samples.forEach((id, index) => {
  elapsedUs += profile.timeDeltas[index] ?? 0;
  if (elapsedUs >= skipUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
// Percentages are of busy time: idle samples (waiting for the network) would only dilute them.
const idleIds = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
for (const id of idleIds) selfUs.delete(id);
const totalUs = [...selfUs.values()].reduce((sum, value) => sum + value, 0);

function where(node: ProfileNode): string {
  const url = node.callFrame.url.replace(/^file:\/\//, '');
  const short = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : url.replace(/^.*\/(src|bench|test)\//, '$1/');
  return `${node.callFrame.functionName || '(anonymous)'} ${short}:${node.callFrame.lineNumber + 1}`;
}

function area(node: ProfileNode): string {
  const url = node.callFrame.url;
  if (url === '') return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] ?? url;
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/(src\/[^/]+(?:\/[^/]+)?)\//.exec(url);
  return own?.[1] ?? url;
}

const self = new Map<string, number>();
const areas = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  self.set(where(node), (self.get(where(node)) ?? 0) + us);
  areas.set(area(node), (areas.get(area(node)) ?? 0) + us);
  // Charge every distinct frame on the stack once, so recursion is not counted twice.
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
    const frame = byId.get(current);
    if (!frame) break;
    const key = where(frame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / totalUs).toFixed(1).padStart(6)}%  ${key}`);
  }
};

console.log(`${(totalUs / 1e6).toFixed(2)} s busy`);
print('self time by package or area', areas);
print('self time by function', self);
print('inclusive time by function', inclusive);
