// Load and soak test: the real service (`server/main.ts` in a child process, on a private copy of the
// data) under a resident-like mix — board QR scans and map use — while street editors write points.
// Loopback only, bounded in time and connections, stops by itself, removes its database copy.
//   npm run load                                   60 s on the embedded database
//   npm run load -- --seconds 300 --engine postgres  (DATABASE_URL names a server; a copy is made there)
//   npm run load -- --target http://127.0.0.1:8080 --accounts editors.json --duration 90 --out result.json
//     drives a service already running (e.g. behind a load balancer: tests/reliability/rollingRestart.test.ts);
//     editors sign in with the accounts in the file ([{ "username", "password" }]); SIGINT ends the run early
//     and still writes the summary. Every acknowledged edit (point, version, value) is in the summary.
// Prints req/s, p50/p99, errors and RSS over time, and writes test-artifacts/load/<engine>-<time>.json.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PROJECT_ROOT } from '../../server/config.ts';
import { openDatabase } from '../../server/db/engine.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { percentile, residentMix, type MixKind, type Targets } from './mix.ts';
import { copyPreparedEmbedded } from '../preparedDatabase.ts';

// autocannon ships no types; the part used here.
interface CannonRequest { method?: string; path?: string; headers?: Record<string, string> }
interface CannonHistogram { average: number; mean: number; p50: number; p90: number; p97_5: number; p99: number; max: number; total?: number }
interface CannonResult {
  requests: CannonHistogram & { total: number }; latency: CannonHistogram; throughput: CannonHistogram;
  errors: number; timeouts: number; non2xx: number; '2xx': number; duration: number; statusCodeStats?: Record<string, { count: number }>;
}
type Cannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: CannonResult) => void) => { stop(): void };
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'embedded' },
    seconds: { type: 'string', default: '60' },
    duration: { type: 'string' },
    target: { type: 'string' },
    accounts: { type: 'string' },
    out: { type: 'string' },
    connections: { type: 'string', default: '20' },
    writers: { type: 'string', default: '3' },
    'writes-per-second': { type: 'string', default: '2' },
    'sample-seconds': { type: 'string', default: '5' },
  },
});
const SECONDS = Math.min(3600, Math.max(5, Number(args.duration ?? args.seconds)));
const TARGET = args.target ? args.target.replace(/\/+$/, '') : null;
const CONNECTIONS = Math.min(200, Math.max(1, Number(args.connections)));
const WRITERS = Math.min(20, Math.max(0, Number(args.writers)));
const WRITE_RATE = Math.min(20, Math.max(0.1, Number(args['writes-per-second'])));
const SAMPLE_MS = Math.max(1, Number(args['sample-seconds'])) * 1000;
const ENGINE = TARGET ? 'target' : args.engine === 'postgres' ? 'postgres' : 'embedded';
const log = (msg: string) => console.log(`[load ${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------------------------------------
// A private copy of the data.

interface LoadData { env: Record<string, string>; open: () => ReturnType<typeof openDatabase>; drop: () => Promise<void> }

async function prepareData(): Promise<LoadData> {
  if (ENGINE === 'postgres') {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('--engine postgres needs DATABASE_URL (scripts/pg-cluster.sh start DIR PORT prints one)');
    const host = new URL(url).hostname;
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error(`load tests run on loopback only; DATABASE_URL points at ${host}`);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const name = `hexi_load_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const templates = await admin.query("select datname from pg_database where datname like 'hexi_test_template_%' order by oid desc limit 1");
    await admin.query(`create database ${name}${templates.rows[0] ? ` template ${templates.rows[0].datname}` : ''}`);
    await admin.end();
    log(`database ${name} on ${host}${templates.rows[0] ? ` (copied from ${templates.rows[0].datname})` : ' (prepared by the service at its first start)'}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: dbUrl.toString(), DATA_DIR: '' },
      open: () => openDatabase({ databaseUrl: dbUrl.toString(), dataDir: '' }),
      async drop() {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-load-db-'));
  const template = copyPreparedEmbedded(dir);
  if (!template) fs.rmSync(dir, { recursive: true });
  log(`embedded database in ${dir}${template ? ' (copied from the prepared test database)' : ' (prepared by the service at its first start)'}`);
  return {
    env: { DATA_DIR: dir, DATABASE_URL: '' },
    open: () => openDatabase({ dataDir: dir }),
    async drop() { fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

// ---------------------------------------------------------------------------------------------
// The service.

interface Service { pid: number; base: string; stop(): Promise<number | null>; output(): string }

async function startService(data: LoadData): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'server/main.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...data.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', COOKIE_SECURE: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = out.match(/Open http:\/\/[^\s:]+:(\d+)\//);
      if (m) { clearInterval(timer); resolve(Number(m[1])); }
    }, 100);
    void exited.then((code) => { clearInterval(timer); reject(new Error(`the service exited (${code}) before it was ready:\n${out}`)); });
  });
  return {
    pid: child.pid!, base: `http://127.0.0.1:${port}`, output: () => out,
    async stop() { child.kill('SIGTERM'); return exited; },
  };
}

function rssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch { return null; }
}

// ---------------------------------------------------------------------------------------------
// Editors writing points while residents read.

interface WriteStats { ok: number; conflicts: number; errors: Record<string, number>; latencies: number[]; acknowledged: { id: number; version: number; opening_hours: string }[] }

/** Ends the run early (SIGINT): the editors stop after their current write, autocannon stops. */
const stopEarly = { requested: false, hooks: [] as (() => void)[] };

async function runEditors(base: string, who: { username: string; password: string }[], until: number): Promise<WriteStats> {
  const stats: WriteStats = { ok: 0, conflicts: 0, errors: {}, latencies: [], acknowledged: [] };
  const fail = (what: string) => { stats.errors[what] = (stats.errors[what] ?? 0) + 1; };
  await Promise.all(who.map(async (account, w) => {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(account) });
    if (login.status !== 200) { fail(`login ${login.status}`); return; }
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const { csrf_token: csrf } = await login.json() as { csrf_token: string };
    const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
    const list = await (await fetch(`${base}/api/points?street=120103003000&limit=200`)).json() as { features: { properties: { id: number; version: number } }[] };
    const mine = list.features.filter((_f, i) => i % who.length === w).map((f) => ({ id: f.properties.id, version: f.properties.version }));
    let n = 0;
    while (Date.now() < until && !stopEarly.requested && mine.length) {
      const next = Date.now() + 1000 / WRITE_RATE;
      const point = mine[n % mine.length];
      n += 1;
      const started = performance.now();
      const openingHours = n % 2 ? 'Mo-Fr 08:00-18:00' : 'Mo-Su 08:30-17:30';
      try {
        const res = await fetch(`${base}/api/points/${point.id}`, {
          method: 'PATCH', headers, body: JSON.stringify({ version: point.version, opening_hours: openingHours }),
        });
        stats.latencies.push(performance.now() - started);
        const body = await res.json() as { properties?: { version: number }; current?: { properties: { version: number } } };
        if (res.status === 200) {
          stats.ok += 1;
          point.version = body.properties!.version;
          stats.acknowledged.push({ id: point.id, version: point.version, opening_hours: openingHours });
        }
        else if (res.status === 409) { stats.conflicts += 1; point.version = body.current?.properties.version ?? point.version; }
        else fail(String(res.status));
      } catch (err) { fail((err as Error).message); }
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  }));
  return stats;
}

// ---------------------------------------------------------------------------------------------

async function discoverTargets(base: string): Promise<Targets> {
  type Located = { features: { properties: { id: number }; geometry: { coordinates: [number, number] } }[] };
  const sites = await (await fetch(`${base}/api/sites`)).json() as Located;
  const siteIds = sites.features.map((f) => f.properties.id).slice(0, 500);
  const points = await (await fetch(`${base}/api/points?limit=5000`)).json() as Located;
  // Residents look around where the boards and the service points are.
  const origins = [...points.features, ...sites.features].map((f) => f.geometry.coordinates);
  const style = await (await fetch(`${base}/style.json`)).json() as { sources: Record<string, { tiles?: string[] }> };
  const tileTemplate = Object.values(style.sources).flatMap((s) => s.tiles ?? [])[0] ?? '/tiles/{z}/{x}/{y}.pbf';
  return { siteIds, origins, tileTemplate: tileTemplate.replace(/^https?:\/\/[^/]+/, '') };
}

/** A service started elsewhere (--target): nothing to prepare, start or stop here. */
async function targetService(base: string): Promise<{ service: Service; data: LoadData | null; editors: { username: string; password: string }[] }> {
  const host = new URL(base).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`load tests run on loopback only; --target points at ${host}`);
  const editors = args.accounts ? JSON.parse(fs.readFileSync(args.accounts, 'utf8')) as { username: string; password: string }[] : [];
  return { service: { pid: 0, base, output: () => '', stop: async () => null }, data: null, editors: editors.slice(0, WRITERS || editors.length) };
}

async function main(): Promise<void> {
  if (TARGET) {
    const { service, editors } = await targetService(TARGET);
    log(`driving ${TARGET} (started elsewhere) with ${editors.length} editor account(s)`);
    process.exitCode = await drive(service, editors);
    return;
  }
  const data = await prepareData();
  const editors: { username: string; password: string }[] = [];
  const addEditors = async () => {
    const handle = await data.open();
    try {
      for (let i = 0; i < WRITERS; i += 1) {
        const account = { username: `load_editor_${i}_${crypto.randomBytes(2).toString('hex')}`, password: `load-${crypto.randomBytes(12).toString('hex')}` };
        await createStaffUser(handle.db, { ...account, role: 'editor', street_code: '120103003000' });
        editors.push(account);
      }
    } finally { await handle.close(); }
  };
  // The embedded directory is locked while the service runs; a server database may still be empty
  // before the service's first start has prepared it.
  if (ENGINE === 'embedded' && data.env.DATA_DIR && fs.existsSync(data.env.DATA_DIR)) await addEditors();
  const t0 = Date.now();
  const service = await startService(data);
  if (editors.length === 0 && ENGINE === 'postgres') await addEditors();
  log(`service up in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${service.base} (pid ${service.pid}), RSS ${rssMb(service.pid)} MB`);
  try {
    process.exitCode = await drive(service, editors);
  } finally {
    const code = await service.stop();
    log(`service stopped (exit code ${code})`);
    await data.drop();
  }
}

/** The run itself: resident reads and editors' writes against `service.base`; 1 when anything failed. */
async function drive(service: Service, editors: { username: string; password: string }[]): Promise<number> {
  let exitCode = 0;
  {
    for (let waited = 0; (await fetch(`${service.base}/api/health`)).status !== 200; waited += 500) {
      if (waited > 120_000) throw new Error('the service did not become healthy');
      await new Promise((r) => setTimeout(r, 500));
    }
    const targets = await discoverTargets(service.base);
    log(`${targets.siteIds.length} board sites, ${targets.origins.length} places to look around, tiles at ${targets.tileTemplate}`);
    const mix = residentMix(targets);
    // Warm up every kind once (first tile cut, first reach, page from disk).
    for (const kind of mix.kinds) await fetch(`${service.base}${mix.pathFor(kind)}`);

    const rss: { t: number; mb: number | null }[] = [{ t: 0, mb: rssMb(service.pid) }];
    const started = Date.now();
    const sampler = setInterval(() => rss.push({ t: Math.round((Date.now() - started) / 1000), mb: rssMb(service.pid) }), SAMPLE_MS);
    const byKind = new Map<MixKind, Record<number, number>>();
    const until = started + SECONDS * 1000;
    log(`${SECONDS} s: ${CONNECTIONS} resident connections (${mix.describe()}) and ${editors.length} editors writing ${WRITE_RATE}/s each`);
    process.once('SIGINT', () => {
      log('SIGINT: ending the run early');
      stopEarly.requested = true;
      for (const hook of stopEarly.hooks) hook();
    });
    const [result, writes] = await Promise.all([
      new Promise<CannonResult>((resolve, reject) => {
        const run = autocannon({
          url: service.base, connections: CONNECTIONS, duration: SECONDS, timeout: 30,
          requests: [{
            method: 'GET',
            setupRequest: (req: CannonRequest, context: { kind?: MixKind }) => {
              const kind = mix.pick();
              context.kind = kind;
              return { ...req, path: mix.pathFor(kind) };
            },
            onResponse: (status: number, _body: string, context: { kind?: MixKind }) => {
              const kind = context.kind ?? 'tile';
              const counts = byKind.get(kind) ?? {};
              counts[status] = (counts[status] ?? 0) + 1;
              byKind.set(kind, counts);
            },
          }],
        }, (err, res) => (err ? reject(err) : resolve(res)));
        stopEarly.hooks.push(() => run.stop());
      }),
      runEditors(service.base, editors, until),
    ]);
    clearInterval(sampler);
    rss.push({ t: Math.round((Date.now() - started) / 1000), mb: rssMb(service.pid) });
    const health = await fetch(`${service.base}/api/health`);
    const ranSeconds = Math.round((Date.now() - started) / 100) / 10;

    const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
    // 204 is an empty tile and 422 a random place off the walking network: right answers. Errors are
    // server errors (5xx, including 503 "busy"), timeouts and broken connections.
    const serverErrors = Object.entries(statusCounts).filter(([k]) => Number(k) >= 500).reduce((a, [, n]) => a + n, 0);
    const offNetwork = statusCounts['422'] ?? 0;
    const summary = {
      engine: ENGINE, target: TARGET, seconds: SECONDS, ran_seconds: ranSeconds, connections: CONNECTIONS, cpus: os.cpus().length, node: process.version,
      reads: {
        requests: result.requests.total, rps: Math.round(result.requests.average),
        latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
        ok: result['2xx'], server_errors: serverErrors, off_network_422: offNetwork, connection_errors: result.errors, timeouts: result.timeouts, statuses: statusCounts,
        by_kind: Object.fromEntries(byKind),
      },
      writes: {
        ok: writes.ok, conflicts: writes.conflicts, errors: writes.errors, acknowledged: writes.acknowledged,
        latency_ms: { p50: Math.round(percentile(writes.latencies, 50)), p99: Math.round(percentile(writes.latencies, 99)), max: Math.round(Math.max(0, ...writes.latencies)) },
      },
      rss_mb: rss,
      healthy_after: health.status === 200,
    };
    const outDir = path.join(PROJECT_ROOT, 'test-artifacts', 'load');
    fs.mkdirSync(outDir, { recursive: true });
    const file = args.out ? path.resolve(args.out) : path.join(outDir, `${ENGINE}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(summary, null, 2));
    const mbs = rss.map((r) => r.mb ?? 0);
    console.log(`\n| engine | s | conns | req/s | p50 ms | p99 ms | reads | errors (5xx/timeouts/conn) | 422 off network | writes ok/409/err | write p50/p99 ms | RSS MB start→max→end |`);
    console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
    console.log(`| ${ENGINE} | ${ranSeconds} | ${CONNECTIONS} | ${summary.reads.rps} | ${result.latency.p50} | ${result.latency.p99} | ${result.requests.total} | ${serverErrors}/${result.timeouts}/${result.errors} | ${offNetwork} | ${writes.ok}/${writes.conflicts}/${Object.values(writes.errors).reduce((a, b) => a + b, 0)} | ${summary.writes.latency_ms.p50}/${summary.writes.latency_ms.p99} | ${mbs[0]}→${Math.max(...mbs)}→${mbs.at(-1)} |`);
    console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (other work on the host counts against these figures)`);
    console.log(`\nstatuses: ${JSON.stringify(statusCounts)}; by kind: ${JSON.stringify(summary.reads.by_kind)}`);
    console.log(`RSS over time (s:MB): ${rss.map((r) => `${r.t}:${r.mb}`).join(' ')}`);
    console.log(`written to ${path.relative(PROJECT_ROOT, file)}`);
    if (serverErrors || result.errors || result.timeouts || Object.keys(writes.errors).length || !summary.healthy_after) exitCode = 1;
  }
  return exitCode;
}

await main();
