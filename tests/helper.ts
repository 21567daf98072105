// Test helpers: a fresh copy of the prepared database for each test file (see globalSetup.ts),
// and the app built on it. Tests call the app with `inject`, on real data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type DatabaseHandle } from '../server/db/engine.ts';
import { loadConfig, type AppConfig } from '../server/config.ts';
import { buildApp } from '../server/app.ts';

export interface TestDatabase { handle: DatabaseHandle; /** postgres URL of this copy, when on a server */ url?: string; drop(): Promise<void> }

/**
 * A private, writable copy of the seeded test database: on the engine under test by default
 * (DATABASE_URL decides), or explicitly on the embedded one for cross-engine comparisons.
 */
export async function openTestDatabase(engine: 'under-test' | 'embedded' = 'under-test'): Promise<TestDatabase> {
  const template = engine === 'embedded' ? { engine: 'embedded' as const, dir: inject('embeddedTemplateDir') } : inject('template');
  if (template.engine === 'postgres') {
    const name = `hexi_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: template.databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${template.name}`);
    await admin.end();
    const url = new URL(template.databaseUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
    return {
      handle,
      url: url.toString(),
      async drop() {
        await handle.close();
        const c = new pg.Client({ connectionString: template.databaseUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-test-db-'));
  fs.cpSync(template.dir, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'service.lock'), { force: true });
  const handle = await openDatabase({ dataDir: dir });
  return {
    handle,
    async drop() {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestApp { app: FastifyInstance; database: TestDatabase; close(): Promise<void> }

/** The whole app on a fresh database copy. Build it once per file (beforeAll), close it in afterAll. */
export async function buildTestApp(overrides: Partial<AppConfig> = {}, engine: 'under-test' | 'embedded' = 'under-test'): Promise<TestApp> {
  const database = await openTestDatabase(engine);
  // No reach workers unless a test asks (tests/network/reachPool.test.ts): they would only add start time.
  const config = loadConfig({ publicBaseUrl: 'http://test.local', reachWorkers: 0, ...overrides });
  const app = await buildApp({ config, database: database.handle, logger: false });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export interface LoggedIn {
  user: { id: number; username: string; role: string; street_code: string | null };
  cookie: string;
  csrf: string;
  /** app.inject with the session cookie and the CSRF header. */
  inject(opts: import('fastify').InjectOptions | string): Promise<import('light-my-request').Response>;
}

let userCounter = 0;

/** Creates a staff account with a random password on the test database and signs it in through the API. */
export async function loginAs(app: FastifyInstance, role: 'admin' | 'editor' | 'viewer', street?: string): Promise<LoggedIn> {
  const { createStaffUser } = await import('../server/auth/users.ts');
  const { generatePassword } = await import('../server/auth/passwords.ts');
  const password = generatePassword();
  userCounter += 1;
  const username = `t_${role}_${process.pid}_${userCounter}`;
  await createStaffUser(app.db, { username, password, role, street_code: street ?? (role === 'editor' ? '120103003000' : null) });
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ');
  const { user, csrf_token: csrf } = res.json();
  return {
    user, cookie, csrf,
    inject(opts) {
      const o = typeof opts === 'string' ? { url: opts } : opts;
      return app.inject({ ...o, headers: { ...(o.headers ?? {}), cookie, 'x-csrf-token': csrf } });
    },
  };
}
