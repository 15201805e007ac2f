// Mutation testing of the pure domain and the core helpers every pattern leans on: `npm run mutate`.
// Takes minutes, so it stays out of `npm test`; reports land in reports/mutation/ (gitignored).
// Equivalent mutants (survivors no test can kill, because they cannot change behaviour) are listed
// at the bottom of this file with why; see docs/mutation-testing.md for how to read a run.

/** The fast tests that pin these files; the orders model test drives invoke and takes ~10 s, so it stays out. */
const files = '$(ls test/domain/*.test.ts test/core/*.test.ts | grep -v orders-model.int.test.ts)';
/**
 * All files in one process: `node --test` would start a process (and tsx) per file, four times the
 * CPU per mutant. Run directly, node:test still runs every test and exits 1 when one fails.
 */
const inOneProcess = `node --import tsx --input-type=module --test-reporter=dot -e "for (const file of process.argv.slice(1)) await import(new URL(file, 'file://' + process.cwd() + '/'))"`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: { command: `${inOneProcess} ${files}` },
  // The command runner cannot tell which tests cover a mutant: every mutant runs the whole command.
  coverageAnalysis: 'off',
  mutate: [
    'src/domain/**/*.ts',
    'src/core/**/*.ts',
    // Being rewritten in parallel (commit listeners, feed fan-out, change detection); their mutants
    // need a store, a bus and invoke to kill, so they belong to integration tests, not this run.
    '!src/core/invoke.ts',
    '!src/core/feed.ts',
    '!src/core/core.ts',
    '!src/core/store.ts',
    '!src/core/auth.ts',
    // Runs menu.create through invoke; covered by every int test that starts a node.
    '!src/core/seed-menu.ts',
  ],
  // Sandbox copy (not inPlace), so the working tree stays untouched while a run is going;
  // node_modules is symlinked into the sandbox, and tsx compiles the instrumented .ts there.
  inPlace: false,
  tempDirName: '.stryker-tmp',
  // Two cores shared with others; tests themselves run files in parallel.
  concurrency: 2,
  // Over the measured run time: ids.ts mutants that break the random pool make ulid spin forever.
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
};

// Equivalent mutants: filled in after the run.
