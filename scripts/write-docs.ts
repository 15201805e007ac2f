/** `npm run docs`: rewrites the generated parts of README.md (the error table) from the code. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withErrorTable } from '../src/domain/error-table.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(readme, 'utf8');
const after = withErrorTable(before);
writeFileSync(readme, after);
console.log(before === after ? 'README.md was up to date' : 'README.md: error table rewritten');
