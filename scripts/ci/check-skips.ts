// Reads vitest's JSON report of one CI leg and fails when a test skipped that may not skip there, or when
// a server-only test (tests/server-only.json) did not pass on the server leg. A quiet skip is a lost check.
import fs from 'node:fs';
import path from 'node:path';

interface Assertion { ancestorTitles: string[]; title: string; fullName: string; status: string }
interface Report { testResults: { name: string; status: string; assertionResults: Assertion[] }[] }
interface Entry { file: string; describe?: string; test?: string }

const [reportFile, leg] = process.argv.slice(2);
if (!reportFile || (leg !== 'embedded' && leg !== 'server')) {
  console.error('usage: check-skips.ts REPORT.json embedded|server');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..', '..');
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
const serverOnly = (JSON.parse(fs.readFileSync(path.join(root, 'tests', 'server-only.json'), 'utf8')) as { tests: Entry[] }).tests;

// Describe titles carry a reason after " — " when they skip (pgRouting's does); match on the start.
const matches = (e: Entry, file: string, a: Assertion) => file === e.file
  && (e.describe === undefined || (a.ancestorTitles[0] ?? '').startsWith(e.describe))
  && (e.test === undefined || a.title === e.test);

const problems: string[] = [];
const seen = new Map<Entry, number>();
let ran = 0, skipped = 0;
for (const file of report.testResults) {
  const rel = path.relative(root, file.name).split(path.sep).join('/');
  if (file.assertionResults.length === 0 && file.status !== 'passed') problems.push(`${rel}: no test ran (${file.status})`);
  for (const a of file.assertionResults) {
    const entry = serverOnly.find((e) => matches(e, rel, a));
    if (entry) seen.set(entry, (seen.get(entry) ?? 0) + 1);
    if (a.status === 'passed' || a.status === 'failed') { ran += 1; }
    if (a.status === 'skipped' || a.status === 'pending' || a.status === 'todo') {
      skipped += 1;
      if (!entry) problems.push(`${rel}: "${a.fullName}" ${a.status} on the ${leg} leg, and may not`);
    }
    if (leg === 'server' && entry && a.status !== 'passed') problems.push(`${rel}: server-only "${a.fullName}" is ${a.status} on the server leg`);
  }
}
for (const e of serverOnly) if (!seen.has(e)) problems.push(`${e.file}: server-only "${e.describe ?? e.test}" is not in the report at all`);

console.log(`skip check (${leg} leg): ${ran} tests ran, ${skipped} skipped, ${serverOnly.length} server-only groups listed`);
if (problems.length) {
  for (const p of problems) console.error(`  ✗ ${p}`);
  console.error(`skip check failed: ${problems.length} unexpected skip(s) or missing server-only test(s)`);
  process.exit(1);
}
