// Faults, with real processes (`tsx server/main.ts` in a child process) on the engine under test:
// SIGKILL in the middle of edits and of an import (after a restart the data is consistent: every edit
// there has its audit row, every acknowledged edit is there, an import is all in or all out); SIGTERM
// lets in-flight requests finish; the embedded data directory refuses a second instance and a damaged
// directory instead of starting empty.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { PROJECT_ROOT } from '../../server/config.ts';
import { openDatabase } from '../../server/db/engine.ts';
import {
  adminQuery, addStaff, call, copyTestData, signIn, sleep, startExpectingRefusal, startService, waitFor,
  type ServiceData, type ServiceProcess,
} from './processes.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

async function dataWithAdmin(engine: 'under-test' | 'embedded' = 'under-test') {
  const data = await copyTestData(engine);
  cleanups.push(() => data.drop());
  const admin = await addStaff(data, 'admin');
  return { data, admin };
}

async function start(data: ServiceData, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const service = await startService(data, env);
  cleanups.push(() => service.kill('SIGKILL'));
  return service;
}

/** Active points of the sample street, to edit. */
async function samplePoints(data: ServiceData, count: number): Promise<{ id: number; version: number }[]> {
  const handle = await data.open();
  try {
    const { rows } = await sql<{ id: number; version: number }>`
      select id, version from service_points where street_code = '120103003000' and status = 'active' order by id limit ${count}`.execute(handle.db);
    return rows;
  } finally { await handle.close(); }
}

describe('SIGKILL in the middle of edits', () => {
  it('after a restart every edit that is there has its audit row, and every acknowledged edit is there', async () => {
    const { data, admin } = await dataWithAdmin();
    const points = await samplePoints(data, 6);
    const before = new Map(points.map((p) => [p.id, p.version]));
    const auditsBefore = new Map<number, number>();
    {
      const handle = await data.open();
      for (const p of points) {
        const { rows: [r] } = await sql<{ n: number }>`select count(*)::int as n from audit_log where entity = 'point' and entity_id = ${String(p.id)} and action = 'update'`.execute(handle.db);
        auditsBefore.set(p.id, r.n);
      }
      await handle.close();
    }
    let service = await start(data);
    const session = await signIn(service.base, admin);

    // Six editors, each editing their own point as fast as the service answers.
    const acknowledged = new Map<number, number>(); // point id -> highest version the service confirmed
    let stop = false;
    const editors = points.map(async (p) => {
      let version = p.version;
      for (let n = 1; !stop; n += 1) {
        const res = await call(service.base, session, 'PATCH', `/api/points/${p.id}`, { version, name: `断电测试 ${p.id} 第${n}次` }).catch(() => null);
        if (!res) return; // the process is gone
        if (res.status !== 200) throw new Error(`edit refused: ${res.status} ${JSON.stringify(res.body)}`);
        version = res.body.properties.version;
        acknowledged.set(p.id, version);
      }
    });
    await waitFor('a few acknowledged edits', async () => ([...acknowledged.values()].reduce((a, b) => a + b, 0) > points.length * 4 ? true : undefined), 60_000);
    await service.kill('SIGKILL');
    stop = true;
    await Promise.all(editors);

    // The restart must not be blocked by the dead process's lock, and must not lose anything.
    service = await start(data);
    expect((await call(service.base, null, 'GET', '/api/health')).status).toBe(200);
    await service.kill('SIGTERM');

    const handle = await data.open();
    try {
      for (const p of points) {
        const row = await handle.db.selectFrom('service_points').select(['version', 'name']).where('id', '=', p.id).executeTakeFirstOrThrow();
        const audits = await handle.db.selectFrom('audit_log').select(['after'])
          .where('entity', '=', 'point').where('entity_id', '=', String(p.id)).where('action', '=', 'update').orderBy('id').execute();
        // Every stored version has exactly its audit row: none without, none extra.
        expect(row.version - before.get(p.id)!, `point ${p.id}`).toBe(audits.length - (auditsBefore.get(p.id) ?? 0));
        expect(row.version, `point ${p.id}: acknowledged version ${acknowledged.get(p.id)} is kept`).toBeGreaterThanOrEqual(acknowledged.get(p.id) ?? 0);
        const last = audits.at(-1)?.after as { name?: string; version?: number } | undefined;
        const lastAfter = typeof last === 'string' ? JSON.parse(last) : last;
        if (lastAfter) expect(lastAfter.name, `point ${p.id}: the last audit row describes the stored state`).toBe(row.name);
      }
    } finally { await handle.close(); }
  }, 400_000);
});

describe('SIGKILL in the middle of an import', () => {
  it('killed while it writes rows, the import is all out after a restart, and can be run again', async () => {
    const { data, admin } = await dataWithAdmin();
    let service = await start(data, { LOG_LEVEL: 'info' });
    const session = await signIn(service.base, admin);
    const probe = await fetch(`${service.base}/api/import/points`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
    expect(probe.status, 'the import route answers (a missing route is a failure, not a skip)').not.toBe(404);

    // 20,000 rows inside 桃园街道, each with its own external id, so that the outcome can be counted.
    const ROWS = 20_000;
    const rows = ['外部编号,名称,类别,地址,经度,纬度,坐标系'];
    for (let i = 0; i < ROWS; i += 1) {
      rows.push(`KILL-${i},断电导入测试${i},便民,河西区测试路${i}号,${(117.1985 + (i % 150) * 0.00002).toFixed(6)},${(39.1015 + Math.floor(i / 150) * 0.000012).toFixed(6)},WGS84`);
    }
    const file = Buffer.from(rows.join('\r\n'));
    const form = () => {
      const body = new FormData();
      body.append('file', new Blob([file], { type: 'text/csv' }), 'kill.csv');
      return body;
    };
    const started = await fetch(`${service.base}/api/import/points?async=true&street=120103003000`, {
      method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: form(),
    });
    expect(started.status).toBe(202);
    expect((await started.json()).status_url).toMatch(/^\/api\/import\/jobs\//);
    // Kill while rows are written: when the job reports its write phase with rows already written and more
    // to come. The job reports each phase and each written batch in the service's log (on the embedded
    // engine a poll of the job would wait for the import's transaction, which holds the one connection).
    const acceptedAt = Date.now();
    const progress = () => service.output().split('\n').filter((l) => l.includes('"point import progress"'))
      .map((l) => JSON.parse(l) as { phase: string; done: number; total: number });
    const writing = await waitFor('the import to report rows written',
      async () => progress().find((r) => r.phase === 'writing' && r.done > 0 && r.done < r.total), 120_000, 5);
    const killedAfter = Date.now() - acceptedAt;
    await service.kill('SIGKILL');
    const phase = `writing, ${writing.done} of ${writing.total} rows written`;
    const reported = progress();
    // The job had not finished when it was killed: it never reported "done", nor the last batch.
    expect(reported.map((r) => r.phase)).not.toContain('done');
    expect(Math.max(...reported.filter((r) => r.phase === 'writing').map((r) => r.done))).toBeLessThan(ROWS);

    service = await start(data);
    const count = async () => {
      const handle = await data.open();
      try {
        const { rows: [r] } = await sql<{ n: number }>`select count(*)::int as n from service_points where external_id like 'KILL-%'`.execute(handle.db);
        const { rows: [a] } = await sql<{ n: number }>`select count(*)::int as n from audit_log where entity = 'point' and entity_id in (select id::text from service_points where external_id like 'KILL-%')`.execute(handle.db);
        return { points: r.n, audits: a.n };
      } finally { await handle.close(); }
    };
    if (data.engine === 'embedded') await service.kill('SIGTERM');
    const after = await count();
    console.log(`import of ${ROWS} rows killed ${killedAfter} ms after it was accepted (phase ${phase}): ${after.points} rows in the database after the restart`);
    // Killed before its commit, the import left nothing: none of the rows it had written, and no audit row.
    expect(after.points, `killed in phase ${phase}`).toBe(0);
    expect(after.audits).toBe(0);

    // The office can simply run it again: it completes (or matches every row, if the first got in).
    if (data.engine === 'embedded') service = await start(data);
    const second = await signIn(service.base, admin);
    const again = await fetch(`${service.base}/api/import/points?street=120103003000`, {
      method: 'POST', headers: { cookie: second.cookie, 'x-csrf-token': second.csrf }, body: form(),
    });
    expect(again.status, await again.clone().text()).toBe(200);
    await service.kill('SIGTERM');
    expect((await count()).points).toBe(ROWS);
  }, 600_000);
});

describe('SIGTERM', () => {
  it('lets an in-flight request finish, refuses new connections, and exits cleanly', async () => {
    const { data, admin } = await dataWithAdmin();
    const [point] = await samplePoints(data, 1);
    const service = await start(data, { LOG_LEVEL: 'info' });
    const session = await signIn(service.base, admin);
    // A request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ version: point.version, name: 'SIGTERM 期间的修改' });
    const socket = net.connect(service.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let answer = '';
    socket.on('data', (d) => { answer += d; });
    const closed = new Promise((r) => socket.once('close', r));
    socket.write(`PATCH /api/points/${point.id} HTTP/1.1\r\nHost: 127.0.0.1:${service.port}\r\ncontent-type: application/json\r\n`
      + `cookie: ${session.cookie}\r\nx-csrf-token: ${session.csrf}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`);
    socket.write(body.slice(0, 10));
    await sleep(300);
    service.child.kill('SIGTERM');
    await sleep(500);
    // While it drains, nobody new gets in.
    const late = await fetch(`${service.base}/api/health`).then((r) => r.status).catch(() => 'refused');
    expect(late).toBe('refused');
    socket.write(body.slice(10));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('SIGTERM 期间的修改');
    const exit = await service.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(service.output()).toContain('SIGTERM: finishing in-flight requests');
    const handle = await data.open();
    try {
      const row = await handle.db.selectFrom('service_points').select('name').where('id', '=', point.id).executeTakeFirstOrThrow();
      expect(row.name).toBe('SIGTERM 期间的修改');
    } finally { await handle.close(); }
    if (data.engine === 'embedded') expect(fs.existsSync(path.join(data.env.DATA_DIR, 'service.lock'))).toBe(false);
  }, 300_000);
});

describe('SIGTERM with a drain (SHUTDOWN_DRAIN_MS)', () => {
  it('turns not-ready on /api/ready at once, keeps answering new requests while draining, then exits cleanly', async () => {
    const { data } = await dataWithAdmin();
    const service = await start(data, { SHUTDOWN_DRAIN_MS: '8000' });
    const ready = await fetch(`${service.base}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
    service.child.kill('SIGTERM');
    const notReady = await waitFor('/api/ready to answer 503', async () => {
      const res = await fetch(`${service.base}/api/ready`);
      return res.status === 503 ? res : undefined;
    }, 5000, 20);
    expect(notReady.headers.get('retry-after')).toBeTruthy();
    const body = await notReady.json();
    expect(body).toMatchObject({ ready: false, statusCode: 503 });
    expect(body.message).toMatch(/draining/);
    expect(body.message_zh).toMatch(/停止/);
    // Still serving, and asking clients to move on (close the connection) after each answer.
    const health = await fetch(`${service.base}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('connection')).toBe('close');
    expect((await fetch(`${service.base}/api/streets`)).status).toBe(200);
    expect(service.child.exitCode).toBeNull();
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.output()).toMatch(/SIGTERM: not ready; serving 8000 ms more/);
    expect(service.output()).toMatch(/SIGTERM: closed cleanly/);
    if (data.engine === 'embedded') expect(fs.existsSync(path.join(data.env.DATA_DIR, 'service.lock'))).toBe(false);
  }, 300_000);
});

describe('the embedded data directory', () => {
  it('refuses a second instance on a directory in use, with a clear message, and the first keeps serving', async () => {
    const { data } = await dataWithAdmin('embedded');
    const first = await start(data);
    const second = await startExpectingRefusal(data);
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/is in use by another running instance \(pid \d+\)/);
    expect((await call(first.base, null, 'GET', '/api/health')).status).toBe(200);
    await first.kill('SIGTERM');
  }, 300_000);

  it.each([
    ['PG_VERSION removed', (dir: string) => fs.rmSync(path.join(dir, 'PG_VERSION')), /not a complete embedded database \(missing PG_VERSION\)/],
    ['base directory removed', (dir: string) => fs.rmSync(path.join(dir, 'base'), { recursive: true }), /missing base/],
    ['control file overwritten', (dir: string) => fs.writeFileSync(path.join(dir, 'global', 'pg_control'), Buffer.alloc(8192, 7)), /cannot be opened .*it may be corrupted/],
    ['another program\'s directory', (dir: string) => {
      for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true });
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a database');
    }, /not a complete embedded database/],
  ])('refuses a damaged directory (%s) and never starts empty', async (_label, damage, message) => {
    const data = await copyTestData('embedded');
    cleanups.push(() => data.drop());
    const dir = data.env.DATA_DIR;
    damage(dir);
    const listing = fs.readdirSync(dir).sort();
    const refused = await startExpectingRefusal(data);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(message);
    expect(refused.output).toMatch(/restore a backup|npm run restore/);
    // Nothing was created in its place.
    expect(fs.readdirSync(dir).sort()).toEqual(listing);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------
// The database server goes away (server leg): a private PostgreSQL cluster that this test may stop.

const onServer = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onServer)('the PostgreSQL server stops while two instances run', () => {
  it('answers 503 with a clear message, recovers by itself when the server returns, loses no acknowledged write, and keeps LISTEN', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-outage-pg-'));
    const port = 56000 + Math.floor(Math.random() * 2000);
    const cluster = (cmd: 'start' | 'stop') => execFileSync(path.join(PROJECT_ROOT, 'scripts/pg-cluster.sh'), cmd === 'start' ? ['start', dir, String(port)] : ['stop', dir], { encoding: 'utf8' }).trim();
    const url = cluster('start');
    cleanups.push(async () => { cluster('stop'); fs.rmSync(dir, { recursive: true, force: true }); });
    await adminQuery(url, 'create database hexi');
    const dbUrl = url.replace(/\/postgres$/, '/hexi');
    const data: ServiceData = {
      engine: 'postgres', env: { DATABASE_URL: dbUrl },
      open: () => openDatabase({ databaseUrl: dbUrl, dataDir: '' }),
      drop: async () => {},
    };
    // The first instance prepares the empty database (network, divisions, sample); the second joins it.
    const a = await start(data);
    const b = await start(data);
    const admin = await addStaff(data, 'admin');
    const session = await signIn(a.base, admin);

    // An editor adding points through A the whole time.
    const acknowledged: number[] = [];
    const statuses: Record<number, number> = {};
    const unavailable: { message: string; message_zh: string; retryAfter: string | null }[] = [];
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n += 1) {
        const res = await call(a.base, session, 'POST', '/api/points', {
          name: `停库测试 ${n}`, category: 'convenience', lon: 117.2009 + (n % 50) * 0.00001, lat: 39.1032, street_code: '120103003000',
        }).catch(() => null);
        if (!res) continue;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 201) acknowledged.push(res.body.properties.id);
        if (res.status === 503) unavailable.push({ ...res.body, retryAfter: res.headers.get('retry-after') });
        if (res.status === 503) await sleep(200);
      }
    })();
    await waitFor('some acknowledged writes', async () => (acknowledged.length >= 5 ? true : undefined), 60_000);

    cluster('stop');
    const stoppedAt = Date.now();
    // Both instances say the database is away, in both languages, with Retry-After — never a 500.
    for (const service of [a, b]) {
      const res = await waitFor('a 503 while the database is down', async () => {
        const r = await call(service.base, null, 'GET', '/api/points?limit=1');
        return r.status === 503 ? r : undefined;
      }, 30_000, 100);
      expect(res.body.message).toMatch(/database is unavailable/);
      expect(res.body.message_zh).toContain('数据库');
      expect(res.headers.get('retry-after')).toBe('5');
      // And not ready, so that a load balancer stops sending it residents.
      const ready = await call(service.base, null, 'GET', '/api/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.message_zh).toContain('数据库');
    }
    await sleep(3000);
    const downFor = Date.now() - stoppedAt;

    cluster('start');
    const restartedAt = Date.now();
    const recovery = await Promise.all([a, b].map((service) => waitFor('the service to recover by itself', async () => {
      const r = await call(service.base, null, 'GET', '/api/points?limit=1');
      return r.status === 200 ? Date.now() - restartedAt : undefined;
    }, 60_000, 100)));
    for (const service of [a, b]) expect((await call(service.base, null, 'GET', '/api/ready')).body).toEqual({ ready: true });
    await waitFor('writes to succeed again', async () => {
      const before = acknowledged.length;
      await sleep(500);
      return acknowledged.length > before ? true : undefined;
    }, 30_000);
    writing = false;
    await writer;

    expect(statuses[500] ?? 0, JSON.stringify(statuses)).toBe(0);
    expect(Object.keys(statuses).map(Number).every((s) => s === 201 || s === 503), JSON.stringify(statuses)).toBe(true);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((u) => u.retryAfter === '5' && /database/.test(u.message))).toBe(true);
    const handle = await data.open();
    try {
      const stored = await handle.db.selectFrom('service_points').select('id').where('id', 'in', acknowledged).execute();
      expect(stored.length, 'every acknowledged point is in the database').toBe(acknowledged.length);
      const audited = await handle.db.selectFrom('audit_log').select('entity_id')
        .where('entity', '=', 'point').where('action', '=', 'create').where('entity_id', 'in', acknowledged.map(String)).execute();
      expect(audited.length).toBe(acknowledged.length);
    } finally { await handle.close(); }

    // LISTEN came back too: a point made through A after the outage reaches B's walking answers.
    const name = `恢复后 ${Date.now()}`;
    const created = await call(a.base, session, 'POST', '/api/points', { name, category: 'emergency', lon: 117.2009, lat: 39.1032, street_code: '120103003000' });
    expect(created.status).toBe(201);
    const seen = Date.now();
    await waitFor('B to see the new point', async () => {
      const r = (await call(b.base, null, 'GET', '/api/reach?lon=117.2009&lat=39.1032&minutes=5&per_category=1&categories=emergency')).body;
      return r.nearest?.emergency?.[0]?.name === name ? true : undefined;
    }, 30_000, 50);
    console.log(`after the outage, B saw a point made through A ${Date.now() - seen} ms after it was acknowledged`);
    // Neither process ever exited.
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    console.log(`database down for ${downFor} ms; instances answered again ${recovery.join(' and ')} ms after it returned; ${acknowledged.length} acknowledged writes, statuses ${JSON.stringify(statuses)}`);
  }, 600_000);
});
