/**
 * Preloaded (`--expose-gc --import ./bench/memory-probe.ts`) into Bistro and every push baseline,
 * so memory is read the same way everywhere: on SIGUSR2 the process collects garbage and prints
 * `memory {rss, heapUsed, external, arrayBuffers}` on stdout.
 */
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.stdout.write(`memory ${JSON.stringify({ rss, heapUsed, external, arrayBuffers })}\n`);
});
