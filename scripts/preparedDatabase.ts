// The newest embedded database the test setup prepared (.cache/test-db/<hash>, marked READY), copied
// into a fresh directory: the bench and load scripts start from it in seconds instead of seeding.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../server/config.ts';

/** Copies the prepared database into `dir` (which must exist); false when none has been prepared. */
export function copyPreparedEmbedded(dir: string): boolean {
  const prepared = path.join(PROJECT_ROOT, '.cache', 'test-db');
  const template = fs.existsSync(prepared)
    ? fs.readdirSync(prepared).map((d) => path.join(prepared, d)).filter((d) => fs.existsSync(path.join(d, 'READY')))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0]
    : undefined;
  if (!template) return false;
  fs.cpSync(template, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'service.lock'), { force: true });
  return true;
}
