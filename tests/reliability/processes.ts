// Real service processes for the fault and multi-instance tests: `server/main.ts` in a child process
// on a loopback port, on a private copy of the prepared test database (a data directory, or a database
// made from the template on the PostgreSQL server), with helpers to sign in and talk HTTP to it.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { openDatabase, type DatabaseHandle } from '../../server/db/engine.ts';
import { createStaffUser } from '../../server/auth/users.ts';

export interface ServiceProcess {
  child: ChildProcess;
  base: string;
  port: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Where a service process keeps its data: env for the child, and a direct handle for checks when it is stopped. */
export interface ServiceData {
  engine: 'embedded' | 'postgres';
  env: Record<string, string>;
  open(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

/** A private copy of the prepared test database on the engine under test (or explicitly embedded). */
export async function copyTestData(engine: 'under-test' | 'embedded' = 'under-test'): Promise<ServiceData> {
  const template = engine === 'embedded' ? { engine: 'embedded' as const, dir: inject('embeddedTemplateDir') } : inject('template');
  if (template.engine === 'postgres') {
    const name = `hexi_proc_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    await adminQuery(template.databaseUrl, `create database ${name} template ${template.name}`);
    const url = new URL(template.databaseUrl);
    url.pathname = `/${name}`;
    return {
      engine: 'postgres',
      env: { DATABASE_URL: url.toString() },
      open: () => openDatabase({ databaseUrl: url.toString(), dataDir: '' }),
      drop: async () => { await adminQuery(template.databaseUrl, `drop database if exists ${name} with (force)`); },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-proc-db-'));
  fs.cpSync(template.dir, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'service.lock'), { force: true });
  return {
    engine: 'embedded',
    env: { DATA_DIR: dir },
    open: () => openDatabase({ dataDir: dir }),
    async drop() { fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

export async function adminQuery(url: string, text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { return await c.query(text, params); } finally { await c.end(); }
}

/** Creates a staff account directly in the data (the service must not be running on an embedded directory). */
export async function addStaff(data: ServiceData, role: 'admin' | 'editor' | 'viewer', street?: string): Promise<{ username: string; password: string }> {
  const username = `proc_${role}_${crypto.randomBytes(3).toString('hex')}`;
  const password = `pw-${crypto.randomBytes(12).toString('hex')}`;
  const handle = await data.open();
  try {
    await createStaffUser(handle.db, { username, password, role, street_code: street ?? (role === 'editor' ? '120103003000' : null) });
  } finally { await handle.close(); }
  return { username, password };
}

/**
 * Starts `tsx server/main.ts` and waits for its "Open http://…" line. With `expectExit`, waits for the
 * process to end instead (a start that must be refused) and resolves with what it printed.
 */
export async function startService(data: ServiceData, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'server/main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env, DATABASE_URL: '', DATA_DIR: '', ...data.env,
      PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', COOKIE_SECURE: 'false', LOAD_SAMPLE: 'true',
      // Test suites share two cores: a stalled event loop would make the service answer "busy" (503),
      // which is tested in resilience.test.ts; here it would only blur what is being tested. 0 = off.
      MAX_EVENT_LOOP_DELAY_MS: '0',
      // SIGTERM ends a test's process at once unless the test asks for the drain (rollingRestart.test.ts).
      SHUTDOWN_DRAIN_MS: '0',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = out.match(/Open http:\/\/[^\s:]+:(\d+)\//);
      if (m) { clearInterval(timer); resolve(Number(m[1])); }
    }, 50);
    void exited.then(({ code, signal }) => { clearInterval(timer); reject(new ServiceExited(code, signal, out)); });
    setTimeout(() => { clearInterval(timer); reject(new Error(`service did not start in 170 s:\n${out}`)); }, 170_000).unref();
  });
  // Ready means answering: the first requests also wait for the walking graph.
  for (let waited = 0; ; waited += 250) {
    const status = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status).catch(() => 0);
    if (status === 200) break;
    if (waited > 120_000 || child.exitCode !== null) throw new Error(`service on port ${port} not healthy (${status}):\n${out}`);
    await sleep(250);
  }
  return {
    child, port, base: `http://127.0.0.1:${port}`, exited,
    output: () => out,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export class ServiceExited extends Error {
  constructor(readonly code: number | null, readonly signal: NodeJS.Signals | null, readonly output: string) {
    super(`service exited (code ${code}, signal ${signal}) before it was ready:\n${output}`);
  }
}

/** Runs the service expecting it to refuse to start; resolves with its exit code and output. */
export async function startExpectingRefusal(data: ServiceData, extraEnv: Record<string, string> = {}): Promise<ServiceExited> {
  try {
    const service = await startService(data, extraEnv);
    await service.kill('SIGKILL');
    throw new Error(`the service started although it should have refused:\n${service.output()}`);
  } catch (err) {
    if (err instanceof ServiceExited) return err;
    throw err;
  }
}

export interface Session { cookie: string; csrf: string }

export async function signIn(base: string, who: { username: string; password: string }): Promise<Session> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return { cookie, csrf: (await res.json()).csrf_token };
}

/** fetch with the session and CSRF token, JSON in and out. */
export async function call(base: string, session: Session | null, method: string, url: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined), or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Milliseconds from `since` until an instance's walking answer at `reachUrl` lists `name` first among
 * `category`'s nearest (`present`), or lists something else first (not present). Only a 200 counts:
 * an error from the instance never passes for "the point is gone".
 */
export function waitForNearest(
  base: string, reachUrl: string, category: string, name: string, present: boolean, since: number, everyMs = 20,
): Promise<number> {
  return waitFor(present ? `${base} to list ${name} first` : `${base} to drop ${name}`, async () => {
    const answer = await call(base, null, 'GET', `${reachUrl}&categories=${category}`);
    const list = answer.status === 200 ? answer.body.nearest?.[category] : undefined;
    if (!Array.isArray(list)) return undefined;
    return (list[0]?.name === name) === present ? Date.now() - since : undefined;
  }, 30_000, everyMs);
}
