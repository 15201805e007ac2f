/**
 * CPU per GraphQL document, in-process: the executor's whole preparation (parse, limits, validation,
 * compilation) and graphql-js's validation alone, for documents that attack validation's pairwise
 * field comparison and for legitimate ones. `BISTRO_GRAPHQL_MAX_REPEATS=1000` shows it without the limit.
 * Run: npx tsx bench/graphql-validation-cost.ts
 */
import { loadConfig } from '../src/config.ts';
import { getIntrospectionQuery, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { operations } from '../src/operations/index.ts';
import { createExecutor } from '../src/patterns/graphql/executor.ts';
import { createGraphqlSchema } from '../src/patterns/graphql/schema.ts';

const config = loadConfig([], { BISTRO_ADMIN_TOKEN: 'x', BISTRO_DB: 'sqlite::memory:', ...process.env });
const schema = createGraphqlSchema(operations);
const executor = createExecutor(schema, config, new Map());
const menuFields = ['id', 'name', 'description', 'category', 'priceCents', 'available', 'version', 'updatedAt'];
const subsets: string[] = [];
for (let mask = 1; mask < 256; mask++) subsets.push(menuFields.filter((_, i) => mask & (1 << i)).join(' '));
const documents: Record<string, string> = {
  'menu{id} x499': `{ ${'menu { id } '.repeat(499)}}`,
  'menu{id id…} 995 leaves': `{ menu { ${'id '.repeat(995)}} }`,
  '__schema types name x990': `{ __schema { types { ${'name '.repeat(990)}} } }`,
  '240 fragments menu{id}': `{ ${Array.from({ length: 240 }, (_, i) => `...F${i}`).join(' ')} } ${Array.from({ length: 240 }, (_, i) => `fragment F${i} on Query { menu { id } }`).join(' ')}`,
  'distinct subsets of menu': (() => { let out = '{ '; let tokens = 2; for (const s of subsets) { const t = 3 + s.split(' ').length; if (tokens + t > 1990) break; tokens += t; out += `menu { ${s} } `; } return out + '}'; })(),
  'menu{ingredients{name}} x330': `{ ${'menu { ingredients { name } } '.repeat(330)}}`,
  'introspection query': getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }),
  // At the default limit of 20 repeats: the most pairs a document can still make.
  'menu{id} x20': `{ ${'menu { id } '.repeat(20)}}`,
  'wide places x20': `{ ${`menu { ${menuFields.join(' ')} __typename ingredients { name portions min max __typename } } `.repeat(20)}${`menuItem(id: "a") { ${menuFields.join(' ')} __typename ingredients { name portions min max __typename } } `.repeat(20)}}`,
  '180 one-field fragments': `{ menu { ${Array.from({ length: 180 }, (_, i) => `...F${i}`).join(' ')} } } ${Array.from({ length: 180 }, (_, i) => `fragment F${i} on MenuItem { ${[...menuFields, '__typename'][i % 9]} }`).join(' ')}`,
  '20 one-field fragments': `{ menu { ${Array.from({ length: 20 }, (_, i) => `...F${i}`).join(' ')} } } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on MenuItem { ${[...menuFields, '__typename'][i % 9]} }`).join(' ')}`,
  'ofType chain x300, 20 each': `{ __type(name: "Order") { ${'ofType { ...R '.repeat(300)}${'} '.repeat(300)}} } fragment R on __Type { ${'name '.repeat(20)}}`,
  'fragment bomb in __schema': `{ __schema { types { ...T9 } } } fragment T0 on __Type { name } ${Array.from({ length: 9 }, (_, i) => `fragment T${i + 1} on __Type { ofType { ...T${i} } interfaces { ...T${i} } possibleTypes { ...T${i} } }`).join(' ')}`,
  '20 whole fragments': `{ menu { ${Array.from({ length: 20 }, (_, i) => `...F${i}`).join(' ')} } } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on MenuItem { ${menuFields.join(' ')} __typename ingredients { name portions min max __typename } }`).join(' ')}`,
};
/** CPU milliseconds of one call, the median and worst of `rounds`. */
function cpu(rounds: number, run: (round: number) => void): { median: number; worst: number } {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    run(round);
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(rounds / 2)] ?? 0, worst: samples[rounds - 1] ?? 0 };
}

const rounds = Number(process.env['ROUNDS'] ?? 15);
let serial = 0;
console.log(`BISTRO_GRAPHQL_MAX_REPEATS=${config.graphqlMaxRepeats}; CPU ms per document, median (worst) of ${rounds}`);
console.log(`${'document'.padEnd(26)} ${'bytes'.padStart(6)}  ${'prepare'.padStart(15)}  ${'graphql-js validate'.padStart(19)}  outcome`);
for (const [name, text] of Object.entries(documents)) {
  let outcome = '';
  // A comment makes each round's text new, so the executor's cache of prepared documents never answers.
  const prepare = cpu(rounds, () => {
    const preparation = executor.prepare(`${text}\n# ${serial++}`, undefined);
    outcome = preparation.ok ? 'ran' : `refused: ${preparation.errors[0]?.message.slice(0, 60) ?? ''}`;
  });
  let parsed: DocumentNode | undefined;
  try {
    parsed = parse(text, { maxTokens: config.graphqlMaxTokens });
  } catch {
    parsed = undefined;
  }
  const document = parsed;
  const validation = document ? cpu(rounds, () => validate(schema, document, specifiedRules, { maxErrors: 20 })) : undefined;
  const figures = (figure: { median: number; worst: number }) => `${figure.median.toFixed(1)} (${figure.worst.toFixed(1)})`;
  console.log(`${name.padEnd(26)} ${String(text.length).padStart(6)}  ${figures(prepare).padStart(15)}  ${(validation ? figures(validation) : 'no parse').padStart(19)}  ${outcome}`);
}
