// The HiGHS solver in a worker thread: a district-wide integer program can take seconds of synchronous
// WebAssembly, which in the main thread would stall every other request. Plain JavaScript so that it
// runs under Node, tsx and vitest alike. Messages: { id, lp, options } in, { id, result | error } out.
import { parentPort } from 'node:worker_threads';
import highsImport from 'highs';

const load = typeof highsImport === 'function' ? highsImport : highsImport.default;
const solver = load();

parentPort.on('message', async ({ id, lp, options }) => {
  try {
    const highs = await solver;
    const started = performance.now();
    const result = highs.solve(lp, options);
    parentPort.postMessage({ id, result, ms: performance.now() - started });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e?.message ?? e) });
  }
});
