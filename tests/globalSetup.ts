// Prepares one migrated and seeded database per test run, so that each test file starts from a
// copy in seconds: a data directory for the embedded engine, a template database on a server.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../server/config.ts';
import { openDatabase } from '../server/db/engine.ts';
import { prepareDatabase } from '../server/seed/index.ts';
import { loadCatalog } from '../server/catalog.ts';

function inputsHash(): string {
  const hash = crypto.createHash('sha256');
  const files = [
    ...fs.readdirSync(path.join(PROJECT_ROOT, 'migrations')).map((f) => path.join('migrations', f)),
    ...fs.readdirSync(path.join(PROJECT_ROOT, 'server', 'seed')).map((f) => path.join('server', 'seed', f)),
    'data/sample/taoyuan-sample.json', 'data/osm/hexi_osm_roads.geojson', 'data/categories.json',
    'data/divisions/hexi_divisions.csv', 'server/network/walkingRules.ts',
  ].sort();
  for (const f of files) hash.update(f).update(fs.readFileSync(path.join(PROJECT_ROOT, f)));
  return hash.digest('hex').slice(0, 16);
}

export default async function setup(project: TestProject): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const hash = inputsHash();
  // The embedded template is always prepared: on the server leg, the cross-engine test compares with it.
  const embeddedDir = await prepareEmbeddedTemplate(hash);
  project.provide('embeddedTemplateDir', embeddedDir);
  if (databaseUrl) {
    const templateName = `hexi_test_template_${hash}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const exists = await admin.query('select 1 from pg_database where datname = $1', [templateName]);
    if (exists.rowCount === 0) {
      await admin.query(`create database ${templateName}`);
      const url = new URL(databaseUrl);
      url.pathname = `/${templateName}`;
      const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
      await prepareDatabase(handle.db, { dataRoot: path.join(PROJECT_ROOT, 'data'), catalog: loadCatalog(), loadSample: true });
      await handle.close();
    }
    await admin.end();
    project.provide('template', { engine: 'postgres', name: templateName, databaseUrl });
    return;
  }
  project.provide('template', { engine: 'embedded', dir: embeddedDir });
}

async function prepareEmbeddedTemplate(hash: string): Promise<string> {
  const templateDir = path.join(PROJECT_ROOT, '.cache', 'test-db', hash);
  if (!fs.existsSync(path.join(templateDir, 'READY'))) {
    fs.rmSync(templateDir, { recursive: true, force: true });
    const handle = await openDatabase({ dataDir: templateDir });
    await prepareDatabase(handle.db, { dataRoot: path.join(PROJECT_ROOT, 'data'), catalog: loadCatalog(), loadSample: true });
    await handle.close();
    fs.writeFileSync(path.join(templateDir, 'READY'), new Date().toISOString());
  }
  return templateDir;
}

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplateDir: string;
    template: { engine: 'embedded'; dir: string } | { engine: 'postgres'; name: string; databaseUrl: string };
  }
}
