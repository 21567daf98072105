// Backup and restore: `npm run backup` writes everything the offices entered to one archive (no password
// hashes), `npm run restore` puts it into an EMPTY database on either engine, all of it or nothing, and
// the restored data is the same, table by table. On the server leg the round trip crosses engines:
// embedded → PostgreSQL server → embedded.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { buildTestApp, loginAs, type TestApp } from '../helper.ts';
import { openDatabase, type DatabaseHandle } from '../../server/db/engine.ts';
import { PROJECT_ROOT } from '../../server/config.ts';
import { loadCatalog } from '../../server/catalog.ts';
import { writeBackup } from '../../server/backup/backup.ts';
import { RestoreError, readManifest, restoreBackup } from '../../server/backup/restore.ts';
import { resetPassword } from '../../server/backup/passwords.ts';
import { verifyPassword } from '../../server/auth/passwords.ts';
import { adminQuery } from './processes.ts';
import { pastDeskVisit } from './surface.ts';

const onServer = Boolean(process.env.DATABASE_URL);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-backup-test-'));
const cleanups: (() => Promise<unknown>)[] = [];
let source: TestApp;
let archive: string;
const options = { catalog: loadCatalog() };

/** A new, empty embedded database (a directory that does not exist yet). */
async function emptyEmbedded(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ dataDir: path.join(work, `empty-${crypto.randomBytes(4).toString('hex')}`) });
  cleanups.push(() => handle.close());
  return handle;
}

/** A new, empty database on the PostgreSQL server (no tables, no PostGIS yet). */
async function emptyServer(): Promise<DatabaseHandle> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `hexi_restore_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  await adminQuery(url.toString(), `create database ${name}`);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
  cleanups.push(async () => { await handle.close(); await adminQuery(process.env.DATABASE_URL!, `drop database if exists ${name} with (force)`); });
  return handle;
}

/** Every backed-up table as sorted text rows, for comparing two databases. */
async function contents(db: Kysely<any>, tables: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const { rows } = await sql<{ r: string }>`select to_jsonb(t)::text as r from ${sql.table(table)} t`.execute(db);
    out[table] = rows.map((r) => {
      const row = JSON.parse(r.r);
      delete row.password_hash; // never in an archive; compared separately
      for (const [k, v] of Object.entries(row)) {
        // jsonb and geometry print identically on both engines; timestamps are compared as instants.
        if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(v)) row[k] = new Date(v).toISOString();
      }
      return JSON.stringify(row, Object.keys(row).sort());
    }).sort();
  }
  return out;
}

/** What a restore adds on top of the archive: its own audit row. */
function withoutRestoreAudit(c: Record<string, string[]>): Record<string, string[]> {
  return { ...c, audit_log: c.audit_log.filter((r) => !r.includes('"entity":"backup"')) };
}

beforeAll(async () => {
  // The source: the embedded test database with office work on top of the sample set.
  source = await buildTestApp({}, 'embedded');
  const admin = await loginAs(source.app, 'admin');
  const editor = await loginAs(source.app, 'editor', '120103003000');
  await source.app.db.updateTable('staff_users').set({ phone: '13900009999', display_name: '备份测试' }).where('id', '=', editor.user.id).execute();
  const { rows: [point] } = await sql<{ id: number; version: number }>`
    select id, version from service_points where street_code = '120103003000' and status = 'active' order by id limit 1`.execute(source.app.db);
  expect((await editor.inject({ method: 'PATCH', url: `/api/points/${point.id}`, payload: { version: point.version, name: '备份测试 卫生站', opening_hours: 'Mo-Fr 08:00-17:00' } })).statusCode).toBe(200);
  const created = await editor.inject({ method: 'POST', url: '/api/points', payload: { name: '备份测试 新驿站', category: 'convenience', lon: 117.2009, lat: 39.1032 } });
  expect(created.statusCode, created.body).toBe(201);
  const visit = await pastDeskVisit(source.app, admin.inject);
  const topic = (await source.app.db.selectFrom('desk_request_topics').select('id').executeTakeFirstOrThrow()).id;
  expect((await admin.inject({
    method: 'POST', url: `/api/desks/visits/${visit.id}/requests`,
    payload: { topic, description: '备份测试：楼道灯坏了', contact_name: '王女士', contact_phone: '13811112222', outcome: 'follow_up' },
  })).statusCode).toBe(201);
  expect((await admin.inject({ method: 'PUT', url: '/api/coverage/settings/120103003000/elder_care', payload: { targets: { standard: 12 }, note: '备份测试' } })).statusCode).toBe(200);
  archive = path.join(work, 'source.zip');
  await writeBackup(source.database.handle, archive);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await source?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('the archive', () => {
  it('made before the format had its neutral name (hexi-15min-backup) is still read; another format is refused', () => {
    const files = unzipSync(fs.readFileSync(archive));
    const renamed = (format: string) => zipSync({
      ...files,
      'manifest.json': new TextEncoder().encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(files['manifest.json'])), format })),
    });
    const old = readManifest(renamed('hexi-15min-backup'));
    expect(old.format).toBe('hexi-15min-backup');
    expect(old.tables.map((t) => t.name)).toContain('service_points');
    expect(() => readManifest(renamed('other-product-export'))).toThrow(RestoreError);
  });

  it('holds every office table with a manifest and schema version, and no password hash or session', async () => {
    const bytes = fs.readFileSync(archive);
    const manifest = readManifest(bytes);
    expect(manifest.format).toBe('15min-service-backup');
    expect(manifest.migrations[0]).toBe('0001_init');
    const names = manifest.tables.map((t) => t.name);
    for (const t of ['service_points', 'board_sites', 'compounds', 'compound_gates', 'desk_visits', 'desk_plans', 'desk_requests',
      'staff_users', 'audit_log', 'app_settings', 'coverage_target_overrides']) expect(names).toContain(t);
    for (const t of ['ways', 'staff_sessions', 'streets', 'spatial_ref_sys']) expect(names).not.toContain(t);
    // Parents before children, so a restore never trips over a foreign key.
    expect(names.indexOf('compounds')).toBeLessThan(names.indexOf('compound_gates'));
    expect(names.indexOf('desk_visits')).toBeLessThan(names.indexOf('desk_requests'));
    expect(manifest.tables.find((t) => t.name === 'staff_users')!.columns.map((c) => c.name)).not.toContain('password_hash');
    const text = Object.values(unzipSync(bytes)).map((f) => new TextDecoder().decode(f)).join('\n');
    expect(text).not.toContain('$argon2');
    expect(text).toContain('备份测试：楼道灯坏了');
    expect(text).toContain('13811112222'); // residents' contacts are office data: kept, in an archive only staff handle
    const counts = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    expect(counts.staff_users).toBeGreaterThanOrEqual(2);
    expect(counts.desk_requests).toBeGreaterThanOrEqual(1);
  });
});

describe('restore', () => {
  it('into an empty embedded database gives the same data, table by table; accounts need a new password', async () => {
    const target = await emptyEmbedded();
    const report = await restoreBackup(target.db, fs.readFileSync(archive), options);
    const tables = report.manifest.tables.map((t) => t.name);
    expect(withoutRestoreAudit(await contents(target.db, tables))).toEqual(await contents(source.app.db, tables));
    // The walking network and divisions came from data/, the same as the source's.
    expect(report.warnings).toEqual([]);
    // Nobody can sign in with anything until a password is set; a reset gives a working one.
    const user = await target.db.selectFrom('staff_users').select(['username', 'password_hash']).orderBy('id').executeTakeFirstOrThrow();
    expect(await verifyPassword(user.password_hash, '')).toBe(false);
    expect(report.users.every((u) => u.password === undefined)).toBe(true);
    const password = await resetPassword(target.db, user.username);
    const after = await target.db.selectFrom('staff_users').select('password_hash').where('username', '=', user.username).executeTakeFirstOrThrow();
    expect(await verifyPassword(after.password_hash, password)).toBe(true);
    // New records continue after the restored ids.
    const maxId = (await sql<{ m: number }>`select max(id)::int as m from service_points`.execute(target.db)).rows[0].m;
    const next = await sql<{ id: number }>`insert into service_points (name, category_id, dimension_id, geom) values ('序列测试', 'convenience', (select dimension_id from categories where id = 'convenience'), ST_SetSRID(ST_MakePoint(117.2, 39.1), 4326)) returning id`.execute(target.db);
    expect(next.rows[0].id).toBeGreaterThan(maxId);
  }, 300_000);

  it('refuses a database that already has office data, and a damaged archive, writing nothing', async () => {
    await expect(restoreBackup(source.app.db, fs.readFileSync(archive), options)).rejects.toThrow(/not empty.*service_points/);
    const bytes = Buffer.from(fs.readFileSync(archive));
    // Flip bytes in the middle of the archive: a checksum or the zip itself must catch it.
    for (let i = Math.floor(bytes.length / 2); i < Math.floor(bytes.length / 2) + 64; i += 1) bytes[i] ^= 0xff;
    await expect(restoreBackup(source.app.db, bytes, options)).rejects.toBeInstanceOf(RestoreError);
    await expect(restoreBackup(source.app.db, Buffer.from('not a zip at all'), options)).rejects.toThrow(/not a backup archive/);
  });

  it.skipIf(!onServer)('crosses engines: embedded → PostgreSQL server → embedded, the same data at every step', async () => {
    const tables = readManifest(fs.readFileSync(archive)).tables.map((t) => t.name);
    const expected = await contents(source.app.db, tables);
    const server = await emptyServer();
    await restoreBackup(server.db, fs.readFileSync(archive), options);
    expect(withoutRestoreAudit(await contents(server.db, tables))).toEqual(expected);
    expect(server.engine).toBe('postgres');

    const second = path.join(work, 'from-server.zip');
    await writeBackup(server, second);
    expect(readManifest(fs.readFileSync(second)).source.engine).toBe('postgres');
    const back = await emptyEmbedded();
    await restoreBackup(back.db, fs.readFileSync(second), options);
    const twice = await contents(back.db, tables);
    twice.audit_log = twice.audit_log.filter((r) => !r.includes('"entity":"backup"'));
    expect(twice).toEqual(expected);
  }, 600_000);
});

describe('the commands', () => {
  it('npm run backup and npm run restore --new-passwords work end to end, and a SIGKILL in the middle of a restore leaves nothing half-done', async () => {
    const run = (script: string, args: string[], env: Record<string, string>, onLine?: (line: string, kill: () => void) => void) =>
      new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script), ...args], {
          cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        const take = (d: Buffer) => {
          out += d;
          for (const line of String(d).split('\n')) onLine?.(line, () => child.kill('SIGKILL'));
        };
        child.stdout.on('data', take);
        child.stderr.on('data', take);
        child.on('exit', (code, signal) => resolve({ code, signal, out }));
      });

    // Back up a stopped embedded directory with the command.
    const dir = path.join(work, 'cli-source');
    fs.cpSync(source.database.handle.location, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'service.lock'), { force: true });
    const file = path.join(work, 'cli.zip');
    const backup = await run('scripts/backup.ts', ['--out', file], { DATA_DIR: dir });
    expect(backup.code, backup.out).toBe(0);
    expect(backup.out).toMatch(/service_points\s+\d+ rows/);

    // Kill a restore as soon as it reports its first table (it writes them all in one transaction).
    const target = path.join(work, 'cli-target');
    const manifest = readManifest(fs.readFileSync(file));
    const killed = await run('scripts/restore.ts', [file], { DATA_DIR: target }, (line, kill) => { if (/^restored \w+: \d+ rows/.test(line)) kill(); });
    expect(killed.signal, killed.out).toBe('SIGKILL');
    fs.rmSync(path.join(target, 'service.lock'), { force: true });
    const half = await openDatabase({ dataDir: target });
    const countsAfterKill = (await sql<{ points: number; users: number; audit: number }>`
      select (select count(*) from service_points)::int as points, (select count(*) from staff_users)::int as users,
             (select count(*) from audit_log)::int as audit`.execute(half.db)).rows[0];
    await half.close();
    const rows = (t: string) => manifest.tables.find((x) => x.name === t)!.rows;
    const nothing = { points: 0, users: 0, audit: 0 };
    const everything = { points: rows('service_points'), users: rows('staff_users'), audit: rows('audit_log') + 1 };
    expect([nothing, everything], 'all of the killed restore or nothing of it').toContainEqual(countsAfterKill);
    console.log(`restore killed after its first table: ${countsAfterKill.points ? 'it had committed' : 'nothing of it in the database'}`);

    // Run again: it completes, and prints a new password for every account once. If the kill came after
    // the commit, the rerun goes to a fresh directory, so that the --new-passwords path is always tested.
    const rerunTarget = countsAfterKill.points === 0 ? target : path.join(work, 'cli-target-2');
    const restore = await run('scripts/restore.ts', [file, '--new-passwords'], { DATA_DIR: rerunTarget });
    expect(restore.code, restore.out).toBe(0);
    expect(restore.out).toMatch(/new passwords \(shown once\)/);
    const line = restore.out.split('\n').find((l) => /^\s+t_editor_\S+ \(editor\)\s+\S{20}$/.test(l));
    expect(line, restore.out).toBeDefined();
    const [, username, password] = line!.trim().match(/^(\S+) \(editor\)\s+(\S+)$/)!;
    const done = await openDatabase({ dataDir: rerunTarget });
    const row = await done.db.selectFrom('staff_users').select('password_hash').where('username', '=', username).executeTakeFirstOrThrow();
    await done.close();
    expect(await verifyPassword(row.password_hash, password)).toBe(true);
  }, 600_000);
});
