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
import { installQueueSchema } from '../server/jobs/queue.ts';
import { loadCatalog } from '../server/catalog.ts';
import { readDistrictFile } from '../server/district.ts';
import { ensureWebBuilt } from './browser/harness.ts';

export function inputsHash(): string {
  const hash = crypto.createHash('sha256');
  const files = [
    ...fs.readdirSync(path.join(PROJECT_ROOT, 'migrations')).map((f) => path.join('migrations', f)),
    ...fs.readdirSync(path.join(PROJECT_ROOT, 'server', 'seed')).map((f) => path.join('server', 'seed', f)),
    'data/district.json', 'server/district.ts', 'data/sample/taoyuan-sample.json', 'data/osm/hexi_osm_roads.geojson', 'data/categories.json',
    'data/divisions/hexi_divisions.csv', 'server/network/walkingRules.ts',
    // Approximate street and community areas are derived when the template is seeded.
    'server/areas/derive.ts', 'server/areas/repository.ts', 'server/points/district.ts',
    // The sample desk plans are stored by the desks code itself (server/seed/sampleDesks.ts).
    ...['writes.ts', 'recurrence.ts', 'validation.ts', 'repository.ts'].map((f) => path.join('server', 'desks', f)), 'server/localTime.ts', 'server/wallClock.ts',
  ].sort();
  for (const f of files) hash.update(f).update(fs.readFileSync(path.join(PROJECT_ROOT, f)));
  return hash.digest('hex').slice(0, 16);
}

export default async function setup(project: TestProject): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const hash = inputsHash();
  // The pages (web/dist) are part of the service: tests that walk every route, not only the browser
  // tests, must see /m/site/:id and the rest, whichever file runs first.
  await ensureWebBuilt();
  // The embedded template is always prepared: on the server leg, the cross-engine test compares with it.
  const embeddedDir = await prepareEmbeddedTemplate(hash);
  project.provide('embeddedTemplateDir', embeddedDir);
  if (databaseUrl) {
    const templateName = `hexi_test_template_${hash}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    // Concurrent runs against one server wait for each other instead of seeding the same template twice.
    await admin.query('select pg_advisory_lock(hashtext($1))', [templateName]);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [templateName]);
    if (exists.rowCount === 0) {
      await admin.query(`create database ${templateName}`);
      const url = new URL(databaseUrl);
      url.pathname = `/${templateName}`;
      const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
      await prepareDatabase(handle.db, { district: readDistrictFile(path.join(PROJECT_ROOT, 'data', 'district.json')), catalog: loadCatalog(), loadSample: true });
      await installQueueSchema(handle); // the job queue's tables, so that each test's app does not create them
      await handle.close();
    }
    await admin.query('select pg_advisory_unlock(hashtext($1))', [templateName]);
    await admin.end();
    project.provide('template', { engine: 'postgres', name: templateName, databaseUrl });
    return;
  }
  project.provide('template', { engine: 'embedded', dir: embeddedDir });
}

export async function prepareEmbeddedTemplate(hash: string, cacheRoot = path.join(PROJECT_ROOT, '.cache')): Promise<string> {
  const templateDir = path.join(cacheRoot, 'test-db', hash);
  if (fs.existsSync(path.join(templateDir, 'READY'))) return templateDir;
  // Built aside and renamed into place, so that concurrent test runs never see a half-made template.
  const buildDir = `${templateDir}.build-${process.pid}`;
  fs.rmSync(buildDir, { recursive: true, force: true });
  const handle = await openDatabase({ dataDir: buildDir });
  await prepareDatabase(handle.db, { district: readDistrictFile(path.join(PROJECT_ROOT, 'data', 'district.json')), catalog: loadCatalog(), loadSample: true });
  await installQueueSchema(handle); // the job queue's tables, so that each test's app does not create them
  await handle.close();
  fs.writeFileSync(path.join(buildDir, 'READY'), new Date().toISOString());
  try {
    fs.renameSync(buildDir, templateDir);
  } catch {
    fs.rmSync(buildDir, { recursive: true, force: true }); // another run finished first
    if (!fs.existsSync(path.join(templateDir, 'READY'))) {
      fs.rmSync(templateDir, { recursive: true, force: true });
      return prepareEmbeddedTemplate(hash, cacheRoot);
    }
  }
  return templateDir;
}

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplateDir: string;
    template: { engine: 'embedded'; dir: string } | { engine: 'postgres'; name: string; databaseUrl: string };
    /** Set only by the mutation run (tests/mutation/globalSetup.ts): the served ways, read once from the template. */
    servedWaysFile?: string;
  }
}
