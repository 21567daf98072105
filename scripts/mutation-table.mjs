// Prints the per-file mutation table (docs/testing.md's columns) from the JSON reports that
// scripts/mutation-by-file.sh leaves in test-artifacts/mutation/: node scripts/mutation-table.mjs name...
import fs from 'node:fs';

const names = process.argv.slice(2);
const rows = [['file', 'mutants', 'killed', 'timed out', 'survived', 'no coverage', 'score']];
for (const name of names) {
  // contour.ts has its own tests and config (stryker.contour.config.mjs → contour-only.json).
  const report = [`test-artifacts/mutation/${name}-pure.json`, `test-artifacts/mutation/${name}-only.json`].find((f) => fs.existsSync(f));
  if (!report) { rows.push([`${name}.ts`, 'no report', '', '', '', '', '']); continue; }
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, total: 0 };
  for (const file of Object.values(JSON.parse(fs.readFileSync(report, 'utf8')).files)) {
    for (const m of file.mutants) {
      if (m.status === 'CompileError' || m.status === 'RuntimeError' || m.status === 'Ignored') continue;
      count.total++;
      if (m.status in count) count[m.status]++;
    }
  }
  const detected = count.Killed + count.Timeout;
  rows.push([`${name}.ts`, count.total, count.Killed, count.Timeout, count.Survived, count.NoCoverage,
    count.total ? `${((100 * detected) / count.total).toFixed(1)} %` : '—']);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
for (const r of rows) console.log(r.map((cell, c) => String(cell).padEnd(widths[c])).join('  '));
