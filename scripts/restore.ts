// Restores a backup archive into an EMPTY database (either engine), all of it or nothing.
//   npm run restore -- FILE.zip [--new-passwords]
// Reads DATABASE_URL / DATA_DIR like the service; for the embedded engine, point DATA_DIR at a new
// directory. Archives hold no password hashes: with --new-passwords every restored account gets a
// generated password, printed once; without it, accounts cannot sign in until you run the restore's
// sibling command `npm run restore -- --reset-password USERNAME` (prints a new password once).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { DatabaseStartupError, openDatabase } from '../server/db/engine.ts';
import { loadCatalog } from '../server/catalog.ts';
import { RestoreError, restoreBackup } from '../server/backup/restore.ts';
import { resetPassword } from '../server/backup/passwords.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'new-passwords': { type: 'boolean', default: false }, 'reset-password': { type: 'string' } },
});
const file = positionals[0];
if (!file && !values['reset-password']) {
  console.error('usage: npm run restore -- FILE.zip [--new-passwords]\n       npm run restore -- --reset-password USERNAME');
  process.exit(2);
}
const config = loadConfig();
let handle;
try {
  handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.pgPoolMax });
  if (values['reset-password']) {
    const password = await resetPassword(handle.db, values['reset-password']);
    console.log(`new password for "${values['reset-password']}" (shown once, hand it over safely): ${password}`);
  } else {
    const started = Date.now();
    const report = await restoreBackup(handle.db, fs.readFileSync(file), {
      catalog: loadCatalog(), newPasswords: values['new-passwords'], log: (m) => console.log(m),
    });
    for (const w of report.warnings) console.warn(`warning: ${w}`);
    console.log(`restored the backup of ${report.manifest.created_at} (${report.manifest.source.engine}) into the ${handle.engine} database (${handle.location}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (report.users.length) {
      console.log(values['new-passwords'] ? 'staff accounts and their new passwords (shown once):' : 'staff accounts (no password yet: run --reset-password USERNAME for each, or restore with --new-passwords):');
      for (const u of report.users) console.log(`  ${u.username} (${u.role})${u.password ? `  ${u.password}` : ''}`);
    }
  }
} catch (err) {
  const known = err instanceof RestoreError || err instanceof DatabaseStartupError;
  console.error(known ? (err as Error).message : `restore failed, nothing was written: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle?.close();
}
