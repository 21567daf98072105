// A service instance for the HTTP benchmark, run as a child process so the load generator does not
// share its event loop: a fresh embedded database (copied from a prepared one when available,
// otherwise prepared here, about 20 s), the whole app, listening on a loopback port. Prints one JSON
// line {port, siteId, reachWorkers} when ready (REACH_WORKERS from the environment; the workers' engines
// built first); exits when its parent closes stdin.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/db/engine.ts';
import { loadConfig } from '../../server/config.ts';
import { buildApp } from '../../server/app.ts';
import { prepareDatabase } from '../../server/seed/index.ts';
import { loadCatalog } from '../../server/catalog.ts';
import { ROOT } from './context.ts';
import { copyPreparedEmbedded } from '../preparedDatabase.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-bench-db-'));
const template = copyPreparedEmbedded(dir);
const database = await openDatabase({ dataDir: dir });
await prepareDatabase(database.db, { catalog: loadCatalog(), loadSample: true });
const app = await buildApp({ config: loadConfig({ port: 0, host: '127.0.0.1' }), database, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
// Ready means ready to measure: the reach workers have built their engines.
for (let i = 0; app.reachPool && i < 1200; i++) {
  const s = app.reachPool.stats();
  if (s.current === s.workers) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const site = await database.db.selectFrom('board_sites').select('id').where('status', '=', 'active').orderBy('id').executeTakeFirst();
const address = app.server.address() as { port: number };
process.stdout.write(JSON.stringify({ port: address.port, siteId: site?.id ?? null, fromTemplate: Boolean(template), reachWorkers: app.config.reachWorkers }) + '\n');

const shutdown = async () => {
  await app.close().catch(() => {});
  await database.close().catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.resume();
process.on('SIGTERM', shutdown);
