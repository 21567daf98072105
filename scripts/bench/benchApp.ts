// The app for the benches that measure through it: built on a private copy of the newest prepared test
// database (.cache/test-db, made by a test run), or on a fresh one when a bench allows the wait;
// closed and removed when the bench ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ROOT, type BenchContext } from './context.ts';

/** The newest prepared test database directory, or undefined when no test has made one yet. */
export function preparedTemplate(): string | undefined {
  const prepared = path.join(ROOT, '.cache', 'test-db');
  return fs.existsSync(prepared)
    ? fs.readdirSync(prepared).map((d) => path.join(prepared, d)).filter((d) => fs.existsSync(path.join(d, 'READY')))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0]
    : undefined;
}

/** The app on a copy of `template` (or on a new embedded database when there is none), with the sample set loaded. */
export async function benchApp(ctx: BenchContext, name: string, template: string | undefined): Promise<FastifyInstance> {
  const [{ openDatabase }, { loadConfig }, { buildApp }, { prepareDatabase }, { loadCatalog }] = await Promise.all([
    import('../../server/db/engine.ts'), import('../../server/config.ts'), import('../../server/app.ts'),
    import('../../server/seed/index.ts'), import('../../server/catalog.ts'),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hexi-bench-${name}-`));
  if (template) {
    fs.cpSync(template, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'service.lock'), { force: true });
  }
  const database = await openDatabase({ dataDir: dir });
  ctx.onCleanup(async () => { await database.close().catch(() => {}); fs.rmSync(dir, { recursive: true, force: true }); });
  await prepareDatabase(database.db, { catalog: loadCatalog(), loadSample: true });
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  const app = await buildApp({ config: loadConfig({ port: 0, host: '127.0.0.1' }), database, logger: false });
  ctx.onCleanup(() => app.close());
  await app.ready();
  return app;
}
