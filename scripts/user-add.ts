// Creates a staff account from the command line. There is no default account and no default password.
//   npm run user:add -- --username NAME --role admin|editor|viewer [--street 120103003000] [--name 显示名] [--password-stdin]
// Without --password-stdin a strong password is generated and printed once. With the embedded database,
// stop the running service first (its data directory is locked), or create accounts at /admin as an admin.
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { DatabaseStartupError, openDatabase } from '../server/db/engine.ts';
import { prepareDatabase } from '../server/seed/index.ts';
import { loadCatalog } from '../server/catalog.ts';
import { createStaffUser, STAFF_ROLES, type StaffRole } from '../server/auth/users.ts';
import { generatePassword } from '../server/auth/passwords.ts';
import { recordAudit } from '../server/records/audit.ts';
import { HttpError } from '../server/http/errors.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const { values } = parseArgs({
  options: {
    username: { type: 'string' }, role: { type: 'string' }, street: { type: 'string' },
    name: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false },
  },
});
if (!values.username || !values.role || !STAFF_ROLES.includes(values.role as StaffRole)) {
  console.error('usage: npm run user:add -- --username NAME --role admin|editor|viewer [--street CODE] [--name NAME] [--password-stdin]');
  process.exit(2);
}
const password = values['password-stdin'] ? await readStdin() : generatePassword();
const config = loadConfig();
let handle;
try {
  handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.pgPoolMax });
  await prepareDatabase(handle.db, { catalog: loadCatalog(), loadSample: config.loadSample });
  const user = await createStaffUser(handle.db, {
    username: values.username, password, role: values.role as StaffRole, street_code: values.street ?? null, display_name: values.name ?? null,
  });
  await recordAudit(handle.db, { staff: null, action: 'create', entity: 'staff_user', entity_id: user.id, street_code: user.street_code, after: { ...user, via: 'cli' } });
  console.log(`created ${user.role} "${user.username}"${user.street_code ? ` for street ${user.street_code}` : ''}`);
  if (!values['password-stdin']) console.log(`password (shown once, store it safely): ${password}`);
} catch (err) {
  if (err instanceof HttpError || err instanceof DatabaseStartupError) console.error(err.message);
  else console.error(`could not create the user: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle?.close();
}
