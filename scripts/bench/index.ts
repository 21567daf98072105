// `npm run bench [section…]`: loads every scripts/bench/*.bench.ts (each registers its sections),
// runs the selected sections in order and prints the figures. Numbers only: nothing is asserted.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchSections } from './registry.ts';
import { BenchContext } from './context.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const file of fs.readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()) {
  await import(pathToFileURL(path.join(here, file)).href);
}

const wanted = process.argv.slice(2);
const all = benchSections();
const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
if (unknown.length) {
  console.error(`unknown bench section(s): ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? all.filter((s) => wanted.includes(s.name)) : all;

console.log(`bench on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const ctx = new BenchContext();
const stop = async () => { await ctx.cleanup(); process.exit(130); };
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
try {
  for (const section of selected) {
    console.log(`\n## ${section.title}  [${section.name}]`);
    ctx.currentSection = section.name;
    const t0 = performance.now();
    try {
      await section.run(ctx);
    } catch (e) {
      ctx.figure('section failed', (e as Error).stack?.split('\n').slice(0, 3).join(' | ') ?? String(e));
    }
    // Other work on the machine moves every figure: the load average after each section says how much.
    console.log(`  (section took ${((performance.now() - t0) / 1000).toFixed(1)} s; load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  }
} finally {
  await ctx.cleanup();
}
console.log('\n## Summary');
for (const f of ctx.figures) console.log(`${f.section.padEnd(10)} ${f.label.padEnd(60)} ${f.value}`);
process.exit(0);
