// Reads from a streaming replica (READ_DATABASE_URL): two service processes on one primary, B reading
// what tolerates lag from a hot standby of it (TEST_REPLICA_URL, started by .ci/run with
// `scripts/pg-cluster.sh replica`). A change saved through A reaches B's walking answers; B's basemap,
// coverage and exports come from the replica (shown by pausing its replay: B serves what the standby
// holds, A what the primary holds); the editor who saved reads it back at once through B; and a read on B
// after a change it was told of waits for the replica, then reads the primary, never the stale rows.
// Server engine only (the embedded database has no replicas). Delays are printed, not asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/engine.ts';
import {
  adminQuery, addStaff, call, copyTestData, signIn, startExpectingRefusal, startService, waitFor, waitForNearest,
  type ServiceData, type ServiceProcess, type Session,
} from './processes.ts';

const replicaUrl = process.env.TEST_REPLICA_URL;
const onServer = Boolean(process.env.DATABASE_URL);
const STREET = '120103003000';
const WAIT_MS = 3000;

describe.skipIf(!onServer || !replicaUrl)('reads from a streaming replica', () => {
  let data: ServiceData;
  let primaryUrl: string;
  let standbyUrl: string;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let admin: { username: string; password: string };
  let editor: { username: string; password: string };
  let viewer: { username: string; password: string };

  const onPrimary = (text: string, params: unknown[] = []) => adminQuery(primaryUrl, text, params);
  const onStandby = (text: string, params: unknown[] = []) => adminQuery(standbyUrl, text, params);
  const pauseReplay = async () => {
    await onStandby('select pg_wal_replay_pause()');
    await waitFor('the standby to pause', async () => ((await onStandby('select pg_get_wal_replay_pause_state() as s')).rows[0].s === 'paused' ? true : undefined), 10_000);
  };
  const resumeReplay = () => onStandby('select pg_wal_replay_resume()');
  const primaryLsn = async () => (await onPrimary('select pg_current_wal_lsn()::text as lsn')).rows[0].lsn as string;
  const standbyHas = async (lsn: string) => (await onStandby('select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn])).rows[0].ok as boolean;
  const exportNames = async (base: string, session: Session) => {
    const answer = await call(base, session, 'GET', `/api/export/points.geojson?street=${STREET}`);
    expect(answer.status).toBe(200);
    return new Set((answer.body.features as { properties: { name: string } }[]).map((f) => f.properties.name));
  };
  const styleTag = async (base: string) => (await call(base, null, 'GET', '/style.json')).headers.get('etag');
  const withReadPrimary = (s: Session): Session => ({ ...s, cookie: `${s.cookie}; svc_read_primary=1` });

  beforeAll(async () => {
    data = await copyTestData();
    primaryUrl = data.env.DATABASE_URL;
    const standby = new URL(replicaUrl!);
    standby.pathname = new URL(primaryUrl).pathname;
    standbyUrl = standby.toString();
    [admin, editor, viewer] = [await addStaff(data, 'admin'), await addStaff(data, 'editor', STREET), await addStaff(data, 'viewer')];
    // The copy was made on the primary a moment ago: the standby has it once it has replayed that far.
    const made = await primaryLsn();
    await waitFor('the standby to hold the test database', async () => ((await standbyHas(made)) ? true : undefined), 120_000, 100);
    [a, b] = await Promise.all([
      startService(data),
      startService(data, { READ_DATABASE_URL: standbyUrl, READ_REPLICA_WAIT_MS: String(WAIT_MS), LOG_LEVEL: 'info' }),
    ]);
  }, 300_000);
  afterAll(async () => {
    if (standbyUrl) await resumeReplay().catch(() => {});
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await data?.drop();
  });

  it('a point saved through A is in B\'s walking answers (B reloads it from the replica; delay printed)', async () => {
    const onA = await signIn(a.base, editor);
    const { rows: [gate] } = await onPrimary(`
      select ST_X(g.geom) as lon, ST_Y(g.geom) as lat from compound_gates g join compounds c on c.id = g.compound_id
      where c.street_code = $1 and g.status = 'active' order by g.id limit 1`, [STREET]);
    const reachUrl = `/api/reach?lon=${gate.lon}&lat=${gate.lat}&minutes=15&per_category=1`;
    const before = (await call(b.base, null, 'GET', reachUrl)).body;
    const [category] = Object.entries(before.nearest as Record<string, { walk_m: number }[]>)
      .sort((x, y) => (y[1][0]?.walk_m ?? 1e9) - (x[1][0]?.walk_m ?? 1e9))[0];
    // Three rounds: the first also opens B's connections to the standby (its pool closes idle ones after 10 s).
    for (let round = 1; round <= 3; round += 1) {
      const name = `副本测试 ${round} ${Date.now()}`;
      const created = await call(a.base, onA, 'POST', '/api/points', { name, category, lon: gate.lon, lat: gate.lat, street_code: STREET });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const acknowledgedAt = Date.now();
      const delay = await waitForNearest(b.base, reachUrl, category, name, true, acknowledgedAt, 10);
      const closed = await call(a.base, onA, 'DELETE', `/api/points/${created.body.id ?? created.body.properties.id}`);
      expect(closed.status).toBe(200);
      const closedAt = Date.now();
      const gone = await waitForNearest(b.base, reachUrl, category, name, false, closedAt, 10);
      console.log(`replica, round ${round}: a point saved through A was B's nearest ${delay} ms after A acknowledged it, and gone ${gone} ms after A closed it (B reading the standby)`);
    }
    expect(b.output()).not.toContain('read replica is behind');
  });

  it('B\'s exports, basemap and coverage come from the replica: with its replay paused, B shows what the standby holds and A what the primary holds', async () => {
    const [onA, onB] = [await signIn(a.base, admin), await signIn(b.base, viewer)];
    const adminOnB = await signIn(b.base, admin);
    const { rows: [point] } = await onPrimary(`select id, name from service_points where street_code = $1 and status = 'active' order by id limit 1`, [STREET]);
    const { rows: [compound] } = await onPrimary(`select id, name from compounds where street_code = $1 order by id limit 1`, [STREET]);
    const coverageName = async (base: string, session: Session) => {
      const rows = (await call(base, session, 'GET', `/api/coverage?street=${STREET}&limit=5000`)).body.rows as { compound_id: number; compound_name: string }[];
      return rows.find((r) => r.compound_id === compound.id)?.compound_name;
    };
    const [tagA0, tagB0] = [await styleTag(a.base), await styleTag(b.base)];
    expect(tagB0).toBe(tagA0);
    expect(await coverageName(b.base, adminOnB)).toBe(compound.name);

    // A way both will hold, replayed; then the standby stops replaying and the primary moves on.
    await onPrimary(`insert into ways (source_ref, highway, name, layer, bridge, tunnel, walkable, length_m, geom)
      values ('test/replica-1', 'footway', '副本测试步道一', 0, false, false, true, 80,
              ST_SetSRID(ST_MakeLine(ST_MakePoint(117.2000, 39.1030), ST_MakePoint(117.2009, 39.1031)), 4326))`);
    const replayedTo = await primaryLsn();
    await waitFor('the standby to replay the first way', async () => ((await standbyHas(replayedTo)) ? true : undefined), 30_000, 20);
    await pauseReplay();
    const renamed = `${point.name}（主库改名）`;
    await onPrimary('update service_points set name = $1 where id = $2', [renamed, point.id]);
    await onPrimary('update compounds set name = $1 where id = $2', [`${compound.name}（主库改名）`, compound.id]);
    await onPrimary(`insert into ways (source_ref, highway, name, layer, bridge, tunnel, walkable, length_m, geom)
      values ('test/replica-2', 'footway', '副本测试步道二', 0, false, false, true, 80,
              ST_SetSRID(ST_MakeLine(ST_MakePoint(117.2010, 39.1032), ST_MakePoint(117.2019, 39.1033)), 4326))`);

    // Exports: no notice was sent, so B has nothing to wait for and reads the standby.
    expect((await exportNames(b.base, onB)).has(point.name)).toBe(true);
    expect((await exportNames(b.base, onB)).has(renamed)).toBe(false);
    expect((await exportNames(a.base, onA)).has(renamed)).toBe(true);
    // The read-your-writes cookie sends the same request on B to the primary.
    expect((await exportNames(b.base, withReadPrimary(onB))).has(renamed)).toBe(true);

    // An operator's notices that name the position the standby has replayed: B reloads from the standby
    // (the first way only), A from the primary (both ways, and the renamed compound).
    for (const kind of ['network', 'compounds']) {
      await onPrimary('select pg_notify($1, $2)', ['svc_changes', JSON.stringify({ kind, origin: 'operator', lsn: replayedTo })]);
    }
    const tagA1 = await waitFor('A to serve a new basemap', async () => { const t = await styleTag(a.base); return t !== tagA0 ? t : undefined; }, 60_000, 50);
    const tagB1 = await waitFor('B to serve a new basemap', async () => { const t = await styleTag(b.base); return t !== tagB0 ? t : undefined; }, 60_000, 50);
    expect(tagB1, 'B drew the standby\'s ways (one new way), A the primary\'s (two)').not.toBe(tagA1);
    expect(await coverageName(a.base, onA)).toBe(`${compound.name}（主库改名）`);
    expect(await coverageName(b.base, adminOnB)).toBe(compound.name);
    expect(b.output()).not.toContain('read replica is behind');

    // Replay resumes and a notice without a position comes: B asks the primary where it is, waits for
    // the standby to get there, and then draws and counts what A does.
    await resumeReplay();
    await onPrimary('select pg_notify($1, $2)', ['svc_changes', JSON.stringify({ kind: 'network', origin: 'operator' })]);
    await onPrimary('select pg_notify($1, $2)', ['svc_changes', JSON.stringify({ kind: 'compounds', origin: 'operator' })]);
    await waitFor('B to serve A\'s basemap', async () => ((await styleTag(b.base)) === tagA1 ? true : undefined), 60_000, 50);
    await waitFor('B\'s coverage to show the new name', async () => ((await coverageName(b.base, adminOnB)) === `${compound.name}（主库改名）` ? true : undefined), 30_000, 50);
    expect((await exportNames(b.base, onB)).has(renamed)).toBe(true);
  }, 240_000);

  it('the editor who saved through A reads it back at once through B; B\'s other readers wait for the lagging replica, then read the primary', async () => {
    const onA = await signIn(a.base, editor);
    const viewerOnB = await signIn(b.base, viewer);
    const { rows: [gate] } = await onPrimary(`
      select ST_X(g.geom) as lon, ST_Y(g.geom) as lat from compound_gates g join compounds c on c.id = g.compound_id
      where c.street_code = $1 and g.status = 'active' order by g.id desc limit 1`, [STREET]);
    await pauseReplay();
    try {
      const name = `读己所写 ${Date.now()}`;
      const res = await fetch(`${a.base}/api/points`, {
        method: 'POST',
        headers: { cookie: onA.cookie, 'x-csrf-token': onA.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ name, category: 'elder_care', lon: gate.lon, lat: gate.lat, street_code: STREET }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const savedAt = Date.now();
      const readPrimary = res.headers.getSetCookie().find((c) => c.startsWith('svc_read_primary='));
      expect(readPrimary, 'a staff write sets the read-your-writes cookie').toBeDefined();
      expect(readPrimary).toMatch(/Max-Age=15/);
      expect(readPrimary).toMatch(/HttpOnly/);
      expect(readPrimary).toMatch(/SameSite=Lax/);
      // The editor's browser sends it with the next request, here to B.
      const editorOnB: Session = { cookie: `${onA.cookie}; ${readPrimary!.split(';')[0]}`, csrf: onA.csrf };
      const mine = await exportNames(b.base, editorOnB);
      const mineMs = Date.now() - savedAt;
      expect(mine.has(name), 'the editor reads their own point back through B at once').toBe(true);

      // B was told of the change; its standby is stopped before it: the viewer's export waits, then reads the primary.
      const started = Date.now();
      const theirs = await exportNames(b.base, viewerOnB);
      const theirsMs = Date.now() - started;
      expect(theirs.has(name), 'never the stale rows of a replica behind a known change').toBe(true);
      const reachUrl = `/api/reach?lon=${gate.lon}&lat=${gate.lat}&minutes=15&per_category=3&categories=elder_care`;
      const walkMs = await waitFor('B\'s walking answers to hold the point', async () => {
        const answer = (await call(b.base, null, 'GET', reachUrl)).body;
        return (answer.nearest?.elder_care as { name: string }[] | undefined)?.some((p) => p.name === name) ? Date.now() - savedAt : undefined;
      }, 30_000, 20);
      await waitFor('B to log its fallback', async () => (b.output().includes('read replica is behind') ? true : undefined), 10_000);
      console.log(`replica paused: the editor's export through B held the point ${mineMs} ms after A saved it (primary, cookie); `
        + `a viewer's export through B took ${theirsMs} ms (waited for the replica up to ${WAIT_MS} ms, then the primary); `
        + `B's walking answers held it after ${walkMs} ms`);
    } finally {
      await resumeReplay();
    }
    // Once the standby catches up, B reads it again (its next read checks, and says so).
    await waitFor('B to say the replica caught up', async () => {
      await exportNames(b.base, viewerOnB);
      return b.output().includes('read replica caught up') ? true : undefined;
    }, 30_000, 100);
  }, 120_000);
});

describe('READ_DATABASE_URL with the embedded engine', () => {
  it('is refused at start with a reason, before any database is opened', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-replica-refused-'));
    const data: ServiceData = {
      engine: 'embedded', env: { DATA_DIR: path.join(dir, 'db') },
      open: () => openDatabase({ dataDir: path.join(dir, 'db') }),
      drop: async () => { fs.rmSync(dir, { recursive: true, force: true }); },
    };
    try {
      const refused = await startExpectingRefusal(data, { READ_DATABASE_URL: 'postgres://reader@127.0.0.1:1/hexi' });
      expect(refused.code).toBe(1);
      expect(refused.output).toContain('READ_DATABASE_URL is set but DATABASE_URL is not');
      expect(fs.existsSync(path.join(dir, 'db')), 'no embedded database was created').toBe(false);
    } finally { await data.drop(); }
  });
});
