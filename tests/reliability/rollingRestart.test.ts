// A rolling restart behind a real load balancer: two service processes on one PostGIS behind HAProxy
// (roundrobin, health-checked on GET /api/ready, connection failures retried on the other instance),
// `npm run load` sending residents' reads and a street's editors' point edits through HAProxy, and
// meanwhile an expand migration from a "newer release" lands in the database and each instance in turn
// gets SIGTERM, drains (not-ready while still serving), exits and is started again. Nobody may notice:
// no failed request, every acknowledged edit in the database afterwards, every import job started just
// before a SIGTERM done whole, and both restarted instances taking traffic again. Figures (requests, failures, edits, restart durations) are printed, not asserted.
// Server leg only (several processes on one database); the embedded engine is one process by design.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { PROJECT_ROOT } from '../../server/config.ts';
import { addStaff, copyTestData, signIn, sleep, startService, waitFor, type ServiceData, type ServiceProcess } from './processes.ts';

const onServer = Boolean(process.env.DATABASE_URL);
const HAPROXY = '/usr/sbin/haproxy';
/** How long each instance stays not-ready but serving after SIGTERM (the default): several health checks' worth. */
const DRAIN_MS = 5000;
/** Rows of each import job started just before a SIGTERM. */
const IMPORT_ROWS = 120;
/** The least the load runs, whatever the restarts take. */
const MIN_LOAD_S = 60;

/** A CSV of `n` new points of 桃园街道 whose external ids start with `prefix`. */
function importCsv(prefix: string, n: number): Buffer {
  const rows = ['外部编号,名称,类别,地址,经度,纬度,坐标系'];
  for (let i = 0; i < n; i += 1) {
    rows.push(`${prefix}-${i},${prefix}滚动重启${i},便民,河西区滚动路${i}号,${(117.1985 + (i % 100) * 0.00002).toFixed(6)},${(39.1015 + Math.floor(i / 100) * 0.000012).toFixed(6)},WGS84`);
  }
  return Buffer.from(rows.join('\r\n'));
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** HAProxy's view of a backend server: UP/DOWN and the 2xx answers it has passed on from it. */
interface ServerStat { status: string; ok: number; total: number; wentDown: number }

async function haproxyStats(socketPath: string): Promise<Record<string, ServerStat>> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(socketPath);
    let out = '';
    socket.on('data', (d) => { out += d; });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.write('show stat\n');
  });
  const [header, ...lines] = text.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const stats: Record<string, ServerStat> = {};
  for (const line of lines) {
    const row = Object.fromEntries(line.split(',').map((v, i) => [columns[i], v]));
    if (row.pxname !== 'instances' || row.svname === 'BACKEND') continue;
    stats[row.svname] = { status: row.status, ok: Number(row.hrsp_2xx), total: Number(row.stot), wentDown: Number(row.chkdown) };
  }
  return stats;
}

function haproxyConfig(dir: string, frontPort: number, backends: Record<string, number>): string {
  return [
    'global',
    `  stats socket ${path.join(dir, 'admin.sock')} mode 600 level admin`,
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // A check answered slowly on a busy machine is not a failed one: only "not ready" or no answer at all take an
    // instance out (a short timeout here once took both out while one was starting, and HAProxy answered 503).
    '  timeout check 5s',
    // A connection refused (an instance gone before HAProxy saw it go) is tried again on the other one.
    '  retries 3',
    '  option redispatch 1',
    'frontend residents',
    `  bind 127.0.0.1:${frontPort}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    '  option httpchk GET /api/ready',
    '  http-check expect status 200',
    '  default-server inter 500 fastinter 250 downinter 500 fall 2 rise 2',
    ...Object.entries(backends).map(([name, port]) => `  server ${name} 127.0.0.1:${port} check`),
    '',
  ].join('\n');
}

describe.skipIf(!onServer)('a rolling restart behind HAProxy', () => {
  it('drops no request and loses no acknowledged edit while each instance restarts and a newer release migrates', async () => {
    const started = Date.now();
    const data: ServiceData = await copyTestData();
    cleanups.push(() => data.drop());
    const editors = [await addStaff(data, 'editor'), await addStaff(data, 'editor'), await addStaff(data, 'editor')];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-rolling-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const ports = { a: await freePort(), b: await freePort() };
    const frontPort = await freePort();
    // Jobs polled every second, and an import of IMPORT_ROWS rows holds its transaction open for a few
    // seconds (a test hook), so the one started just before each SIGTERM is still running when it lands.
    const env = (name: 'a' | 'b') => ({
      PORT: String(ports[name]), SHUTDOWN_DRAIN_MS: String(DRAIN_MS), LOAD_SAMPLE: 'true',
      JOBS_POLL_SECONDS: '1', JOBS_MAINTENANCE_SECONDS: '1', JOBS_EXPIRE_SECONDS: '30',
      JOBS_TEST_IMPORT_PAUSE_MS: '3000', JOBS_TEST_IMPORT_PAUSE_MIN_ROWS: String(IMPORT_ROWS),
    });
    const importer = await addStaff(data, 'editor');
    const instances: Record<'a' | 'b', ServiceProcess> = Object.fromEntries(
      (await Promise.all((['a', 'b'] as const).map(async (name) => [name, await startService(data, env(name))] as const))),
    ) as Record<'a' | 'b', ServiceProcess>;
    cleanups.push(() => Promise.all(Object.values(instances).map((s) => s.kill('SIGKILL'))));
    console.log(`two instances up after ${Math.round((Date.now() - started) / 1000)} s`);

    const configFile = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(configFile, haproxyConfig(dir, frontPort, ports));
    const haproxy = spawn(HAPROXY, ['-f', configFile, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let haproxyOut = '';
    haproxy.stdout!.on('data', (d) => { haproxyOut += d; });
    haproxy.stderr!.on('data', (d) => { haproxyOut += d; });
    cleanups.push(async () => { haproxy.kill('SIGTERM'); });
    const socketPath = path.join(dir, 'admin.sock');
    const waitStatus = (name: string, status: string, timeoutMs = 30_000) => waitFor(`HAProxy to see ${name} ${status}`, async () => {
      const stats = await haproxyStats(socketPath);
      return stats[name]?.status === status ? stats[name] : undefined;
    }, timeoutMs, 50);
    await Promise.all([waitStatus('a', 'UP'), waitStatus('b', 'UP')]).catch((err) => { throw new Error(`${(err as Error).message}\n${haproxyOut}`); });

    // The load: residents' reads and three editors of 桃园街道 editing their points, through HAProxy.
    const accountsFile = path.join(dir, 'editors.json');
    fs.writeFileSync(accountsFile, JSON.stringify(editors));
    const outFile = path.join(dir, 'load.json');
    // `npm run load` is `tsx scripts/load/run.ts`; run directly, so that SIGINT reaches it without npm and a shell between.
    const load: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/load/run.ts'), '--target', `http://127.0.0.1:${frontPort}`, '--accounts', accountsFile,
      '--duration', '600', '--out', outFile, '--connections', '8', '--writers', '3', '--writes-per-second', '2'], {
      cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env },
    });
    let loadOut = '';
    load.stdout!.on('data', (d) => { loadOut += d; });
    load.stderr!.on('data', (d) => { loadOut += d; });
    const loadExited = new Promise<number | null>((r) => load.once('exit', (code) => r(code)));
    cleanups.push(async () => { if (load.exitCode === null) load.kill('SIGKILL'); });
    await waitFor('the load to start', async () => (/resident connections/.test(loadOut) ? true : undefined), 120_000, 100)
      .catch((err) => { throw new Error(`${(err as Error).message}\n${loadOut}`); });
    const loadStarted = Date.now();
    await sleep(5000);

    // A newer release's expand migration, while both instances serve: a nullable column nobody reads yet,
    // recorded as a migration this code does not know.
    const handle = await data.open();
    try {
      await sql`alter table service_points add column if not exists rollout_note text`.execute(handle.db);
      await sql`insert into kysely_migration (name, timestamp) values ('9001_rolling_expand', ${new Date().toISOString()})`.execute(handle.db);
    } finally { await handle.close(); }

    // Each instance in turn: SIGTERM, drain, exit, start again, ready behind HAProxy.
    const restarts: { name: string; downAfterMs: number; exitedAfterMs: number; startMs: number; readyAfterMs: number; okAtReady: number }[] = [];
    const front = `http://127.0.0.1:${frontPort}`;
    const importing = await signIn(front, importer);
    const jobs: { prefix: string; statusUrl: string; stoppedPid: number }[] = [];
    for (const name of ['a', 'b'] as const) {
      const old = instances[name];
      // An import job through HAProxy just before this instance's SIGTERM (on either instance).
      const prefix = `roll-${name}-${Date.now()}`;
      const body = new FormData();
      body.append('file', new Blob([new Uint8Array(importCsv(prefix, IMPORT_ROWS))], { type: 'text/csv' }), 'points.csv');
      const accepted = await fetch(`${front}/api/import/points?async=true&street=120103003000`, {
        method: 'POST', headers: { cookie: importing.cookie, 'x-csrf-token': importing.csrf }, body,
      });
      expect(accepted.status, await accepted.clone().text()).toBe(202);
      jobs.push({ prefix, statusUrl: (await accepted.json()).status_url, stoppedPid: old.child.pid! });
      await sleep(500);
      const signalled = Date.now();
      old.child.kill('SIGTERM');
      await waitStatus(name, 'DOWN');
      const downAfterMs = Date.now() - signalled;
      // Out of rotation because it answered not-ready, not because it was gone: it is still running.
      expect(old.child.exitCode, old.output()).toBeNull();
      const exit = await old.exited;
      const exitedAfterMs = Date.now() - signalled;
      expect(exit, old.output()).toEqual({ code: 0, signal: null });
      const startAt = Date.now();
      instances[name] = await startService(data, env(name));
      const startMs = Date.now() - startAt;
      expect(instances[name].output()).toMatch(/newer than this release \(9001_rolling_expand\)/);
      const up = await waitStatus(name, 'UP');
      restarts.push({ name, downAfterMs, exitedAfterMs, startMs, readyAfterMs: Date.now() - signalled, okAtReady: up.ok });
      await sleep(5000);
    }
    const restMs = Math.max(10_000, MIN_LOAD_S * 1000 - (Date.now() - loadStarted));
    await sleep(restMs);
    load.kill('SIGINT');
    const loadCode = await loadExited;
    const finalStats = await haproxyStats(socketPath);
    expect(fs.existsSync(outFile), loadOut).toBe(true);
    const summary = JSON.parse(fs.readFileSync(outFile, 'utf8')) as {
      ran_seconds: number;
      reads: { requests: number; server_errors: number; connection_errors: number; timeouts: number; statuses: Record<string, number> };
      writes: { ok: number; conflicts: number; errors: Record<string, number>; acknowledged: { id: number; version: number; opening_hours: string }[] };
    };

    // Every acknowledged edit is in the database: its version of the point in the audit trail with the
    // value sent, and each point's current version the last one acknowledged.
    const check = await data.open();
    let found = 0;
    const lastByPoint = new Map<number, { version: number; opening_hours: string }>();
    try {
      for (const ack of summary.writes.acknowledged) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from audit_log where entity = 'point' and entity_id = ${String(ack.id)} and action = 'update'
            and (after->>'version')::int = ${ack.version} and after->>'opening_hours' = ${ack.opening_hours}`.execute(check.db);
        if (rows[0].n === 1) found += 1;
        const last = lastByPoint.get(ack.id);
        if (!last || last.version < ack.version) lastByPoint.set(ack.id, ack);
      }
      for (const [id, last] of lastByPoint) {
        const row = await check.db.selectFrom('service_points').select(['version', 'opening_hours']).where('id', '=', id).executeTakeFirstOrThrow();
        expect({ id, version: row.version, opening_hours: row.opening_hours }).toEqual({ id, ...last });
      }
    } finally { await check.close(); }

    // No job lost: each import started before a SIGTERM is done, every row there once.
    const jobResults: string[] = [];
    for (const job of jobs) {
      const state = await waitFor(`import ${job.prefix} to finish`, async () => {
        const res = await fetch(`${front}${job.statusUrl}`, { headers: { cookie: importing.cookie } });
        const body = res.status === 200 ? await res.json() : undefined;
        return body && (body.phase === 'done' || body.phase === 'failed') ? body : undefined;
      }, 120_000, 250);
      const { rows, run } = await data.open().then(async (h) => {
        try {
          return {
            rows: (await sql<{ n: number; ids: number }>`select count(*)::int as n, count(distinct external_id)::int as ids from service_points where external_id like ${`${job.prefix}-%`}`.execute(h.db)).rows[0],
            run: (await sql<{ attempts: number; taken_by: string | null }>`select attempts, taken_by from job_runs where id::text = ${job.statusUrl.split('/').pop()!}`.execute(h.db)).rows[0],
          };
        } finally { await h.close(); }
      });
      const where = run?.taken_by?.endsWith(`:${job.stoppedPid}`) ? 'the instance being stopped' : 'the other instance';
      jobResults.push(`${job.prefix}: ${state.phase}, ${rows.n} rows, attempt ${run?.attempts}, finished on ${where}`);
      expect(state.phase, JSON.stringify(state.error)).toBe('done');
      expect(rows).toEqual({ n: IMPORT_ROWS, ids: IMPORT_ROWS });
    }

    const failures = summary.reads.server_errors + summary.reads.connection_errors + summary.reads.timeouts
      + Object.values(summary.writes.errors).reduce((a, b) => a + b, 0) + summary.writes.conflicts;
    console.log(`rolling restart behind HAProxy: ${summary.ran_seconds} s of load, ${summary.reads.requests} reads (statuses ${JSON.stringify(summary.reads.statuses)}), `
      + `${failures} failed requests (write errors ${JSON.stringify(summary.writes.errors)}, conflicts ${summary.writes.conflicts}); edits acknowledged ${summary.writes.ok}, found ${found}`);
    for (const r of restarts) {
      console.log(`  instance ${r.name}: out of rotation ${r.downAfterMs} ms after SIGTERM, exited after ${r.exitedAfterMs} ms (drain ${DRAIN_MS} ms), `
        + `started in ${(r.startMs / 1000).toFixed(1)} s, back in rotation ${(r.readyAfterMs / 1000).toFixed(1)} s after SIGTERM; `
        + `2xx passed on after its return: ${finalStats[r.name].ok - r.okAtReady}; taken out by checks ${finalStats[r.name].wentDown} time(s) in all`);
    }
    console.log(`  import jobs started just before each SIGTERM: ${jobResults.join('; ')}`);
    console.log(`  test took ${Math.round((Date.now() - started) / 1000)} s`);

    expect(failures, loadOut).toBe(0);
    expect(loadCode, loadOut).toBe(0);
    expect(summary.ran_seconds).toBeGreaterThanOrEqual(MIN_LOAD_S);
    expect(summary.writes.ok).toBeGreaterThan(0);
    expect(found).toBe(summary.writes.ok);
    for (const r of restarts) expect(finalStats[r.name].ok - r.okAtReady, `2xx from ${r.name} after its restart`).toBeGreaterThan(0);
  }, 420_000);
});
