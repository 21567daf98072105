// Several service instances on one PostGIS server (real processes on loopback ports): an edit made
// through instance A reaches instance B's walking answers, coverage and tiles (NOTIFY on
// svc_changes → app.dataEvents → each subscriber), and a session made on A works on B; an address gets the sign-in limits and a route's request limit once across both. Delays are printed, not asserted: the bench owns the 1 s figure.
// Runs on the server leg (DATABASE_URL); the embedded engine is one process by design.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../server/db/engine.ts';
import { addStaff, adminQuery, call, copyTestData, signIn, startService, waitFor, waitForNearest, type ServiceData, type ServiceProcess, type Session } from './processes.ts';

const onServer = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onServer)('two instances on one PostGIS', () => {
  let data: ServiceData;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let admin: { username: string; password: string };
  let onA: Session;

  beforeAll(async () => {
    data = await copyTestData();
    admin = await addStaff(data, 'admin');
    [a, b] = await Promise.all([startService(data), startService(data)]);
    onA = await signIn(a.base, admin);
  });
  afterAll(async () => {
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await data?.drop();
  });

  it('runs as two processes on two ports against the same database', async () => {
    expect(a.port).not.toBe(b.port);
    const [ha, hb] = await Promise.all([call(a.base, null, 'GET', '/api/health'), call(b.base, null, 'GET', '/api/health')]);
    expect(ha.body.engine).toBe('postgres');
    expect(hb.body.counts ?? hb.body).toEqual(ha.body.counts ?? ha.body);
  });

  it('a session made on A works on B, including a CSRF-checked write, and signing out on B ends it on A', async () => {
    const me = await call(b.base, onA, 'GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(admin.username);
    expect(me.body.csrf_token).toBe(onA.csrf);
    const second = await signIn(a.base, admin);
    expect((await call(b.base, second, 'POST', '/api/auth/logout')).status).toBe(204);
    expect((await call(a.base, second, 'GET', '/api/auth/me')).status).toBe(401);
  });

  it('a point created through A reaches B\'s walking answers, and its closing leaves them (delay printed; the 1 s figure is the bench\'s)', async () => {
    // A place on the network in 桃园街道, and the category whose nearest point is farthest from it.
    const handle = await data.open();
    const { rows: [gate] } = await sql<{ lon: number; lat: number }>`
      select ST_X(g.geom) as lon, ST_Y(g.geom) as lat from compound_gates g join compounds c on c.id = g.compound_id
      where c.street_code = '120103003000' and g.status = 'active' order by g.id limit 1`.execute(handle.db);
    await handle.close();
    const reachUrl = `/api/reach?lon=${gate.lon}&lat=${gate.lat}&minutes=15&per_category=1`;
    const before = (await call(b.base, null, 'GET', reachUrl)).body;
    const [category] = Object.entries(before.nearest as Record<string, { walk_m: number }[]>)
      .sort((x, y) => (y[1][0]?.walk_m ?? 1e9) - (x[1][0]?.walk_m ?? 1e9))[0];
    const name = `多实例测试 ${Date.now()}`;
    const created = await call(a.base, onA, 'POST', '/api/points', { name, category, lon: gate.lon, lat: gate.lat, street_code: '120103003000' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const acknowledgedAt = Date.now();
    const seenAfter = await waitForNearest(b.base, reachUrl, category, name, true, acknowledgedAt);
    console.log(`walking: a point created through A was B's nearest ${seenAfter} ms after A acknowledged it`);
    // And closing it through A takes it out of B's answers just as fast.
    const closed = await call(a.base, onA, 'DELETE', `/api/points/${created.body.id ?? created.body.properties.id}`);
    expect(closed.status).toBe(200);
    const closedAt = Date.now();
    const goneAfter = await waitForNearest(b.base, reachUrl, category, name, false, closedAt);
    console.log(`walking: closed through A, gone from B's answers after ${goneAfter} ms`);
  });

  it('a network correction published through A reaches B\'s walking answers, and retiring it leaves them (delays printed)', async () => {
    // The place 272 m from any mapped way (a compound interior) and the street point a path joins it to.
    const place = [117.19372, 39.10697], street = [117.1957316, 39.1050791];
    const reachUrl = `/api/reach?lon=${place[0]}&lat=${place[1]}&minutes=15&per_category=1`;
    expect((await call(b.base, null, 'GET', reachUrl)).status).toBe(422);
    const created = await call(a.base, onA, 'POST', '/api/network/corrections', {
      street_code: '120103003000', kind: 'path', geometry: { type: 'LineString', coordinates: [street, place] }, note: '示例：多实例测试通道',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const published = await call(a.base, onA, 'POST', `/api/network/corrections/${created.body.id}/publish`, { version: created.body.version });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const publishedAt = Date.now();
    const seenAfter = await waitFor('B to answer the place through the published path', async () => {
      const answer = await call(b.base, null, 'GET', reachUrl);
      return answer.status === 200 && answer.body.rings?.features?.length === 1 ? Date.now() - publishedAt : undefined;
    }, 30_000, 20);
    console.log(`network: a correction published through A was in B's answers ${seenAfter} ms after A acknowledged it`);
    // B answers what A answers.
    const [fromA, fromB] = await Promise.all([call(a.base, null, 'GET', reachUrl), call(b.base, null, 'GET', reachUrl)]);
    expect(fromB.body.nearest).toEqual(fromA.body.nearest);

    const retired = await call(a.base, onA, 'POST', `/api/network/corrections/${created.body.id}/retire`, { version: published.body.version });
    expect(retired.status, JSON.stringify(retired.body)).toBe(200);
    const retiredAt = Date.now();
    const goneAfter = await waitFor('B to refuse the place again', async () => {
      const answer = await call(b.base, null, 'GET', reachUrl);
      return answer.status === 422 && answer.body.field ? Date.now() - retiredAt : undefined;
    }, 30_000, 20);
    console.log(`network: retired through A, B refused the place again after ${goneAfter} ms`);
  });

  it('B\'s coverage follows an edit made through A (delay printed)', async () => {
    const onB = await signIn(b.base, admin);
    const gaps = (await call(b.base, onB, 'GET', '/api/coverage?street=120103003000&status=gap&limit=200')).body.rows as
      { compound_id: number; category: string; gate: { id: number | null } | null; status: string }[];
    const row = gaps.find((r) => r.gate?.id);
    expect(row, 'the sample street has a coverage gap at a compound with a gate').toBeDefined();
    const handle = await data.open();
    const { rows: [gate] } = await sql<{ lon: number; lat: number }>`select ST_X(geom) as lon, ST_Y(geom) as lat from compound_gates where id = ${row!.gate!.id}`.execute(handle.db);
    await handle.close();
    const name = `补缺测试 ${Date.now()}`;
    const created = await call(a.base, onA, 'POST', '/api/points', { name, category: row!.category, lon: gate.lon, lat: gate.lat, street_code: '120103003000' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const acknowledgedAt = Date.now();
    const after = await waitFor('B\'s coverage to show the gap closed', async () => {
      const rows = (await call(b.base, onB, 'GET', `/api/coverage?street=120103003000&category=${row!.category}`)).body.rows as
        { compound_id: number; status: string; nearest: { name: string } | null }[];
      const r = rows.find((x) => x.compound_id === row!.compound_id);
      return r?.status === 'covered' && r.nearest?.name === name ? Date.now() - acknowledgedAt : undefined;
    }, 30_000, 20);
    console.log(`coverage: B showed the gap closed ${after} ms after A acknowledged the point`);
  });

  it('B\'s tiles follow a network change announced on the channel (delay printed)', async () => {
    const style = async (base: string) => (await call(base, null, 'GET', '/style.json')).headers.get('etag');
    const [beforeA, beforeB] = [await style(a.base), await style(b.base)];
    expect(beforeB).toBe(beforeA);
    // No API edits the network (it comes from data/osm); an operator's re-import writes the table and
    // announces it on the same channel the service uses. A new footway across a square:
    const handle = await data.open();
    await sql`insert into ways (source_ref, highway, name, layer, bridge, tunnel, walkable, length_m, geom)
      values ('test/multi-instance', 'footway', '多实例测试步道', 0, false, false, true, 80,
              ST_SetSRID(ST_MakeLine(ST_MakePoint(117.2000, 39.1030), ST_MakePoint(117.2009, 39.1031)), 4326))`.execute(handle.db);
    await sql`select pg_notify('svc_changes', ${JSON.stringify({ kind: 'network', origin: 'operator' })})`.execute(handle.db);
    await handle.close();
    const changedAt = Date.now();
    const after = await waitFor('B to serve a new basemap version', async () => {
      const etag = await style(b.base);
      return etag && etag !== beforeB ? Date.now() - changedAt : undefined;
    }, 30_000, 20);
    console.log(`tiles: B served the new basemap version ${after} ms after the change was announced`);
    expect(await style(a.base)).toBe(await style(b.base));
  });

  // Last in this block: it uses up the sign-in allowance of the loopback address for a minute.
  it('an address gets the sign-in limits once across both instances, not once per instance', async () => {
    const handle = await data.open();
    try {
      await sql`delete from rate_limit_windows where key like 'signin|%'`.execute(handle.db);
      await sql`delete from signin_throttle`.execute(handle.db);
    } finally { await handle.close(); }
    const attempt = (base: string, username: string) => call(base, null, 'POST', '/api/auth/login', { username, password: 'wrong-password' });
    // One username from one address: 5 free failures in all, spread over A and B, then the delay, on both.
    const name = `nobody_${Date.now()}`;
    const perName: number[] = [];
    for (let i = 0; i < 5; i += 1) perName.push((await attempt(i % 2 ? b.base : a.base, name)).status);
    const delayedOnA = await attempt(a.base, name);
    const delayedOnB = await attempt(b.base, name);
    expect([...perName, delayedOnA.status, delayedOnB.status]).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(Number(delayedOnB.headers.get('retry-after'))).toBeGreaterThan(0);

    // Any usernames from one address: 10 attempts a minute in all, spread over A and B (each instance
    // counting only its own would allow 20).
    const handle2 = await data.open();
    try { await sql`delete from rate_limit_windows where key like 'signin|%'`.execute(handle2.db); } finally { await handle2.close(); }
    const perAddress: number[] = [];
    for (let i = 0; i < 12; i += 1) perAddress.push((await attempt(i % 2 ? b.base : a.base, `someone_${i}_${Date.now()}`)).status);
    expect(perAddress).toEqual([...Array(10).fill(401), 429, 429]);
    const refused = await attempt(a.base, 'someone_else');
    expect(refused.status).toBe(429);
    expect(refused.body.message_zh).toMatch(/频繁/);
    expect(refused.body.message).toMatch(/from your address/);
  });

  it('an address gets a route\'s request limit once across both instances (the receipt page: 60 a minute)', async () => {
    const receipt = (base: string) => call(base, null, 'GET', '/r/ABCD-2345');
    const statuses: number[] = [];
    for (let i = 0; i < 62; i += 1) statuses.push((await receipt(i % 2 ? b.base : a.base)).status);
    // Each instance counting only its own would allow 120.
    expect(statuses.slice(0, 60).every((s) => s === 404), statuses.join(',')).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429]);
  });
});

describe.skipIf(!onServer)('two instances starting together on a new, empty database', () => {
  it('load the network, the divisions and the sample set once, and both come up', async () => {
    const name = `hexi_twostart_${process.pid}_${Date.now() % 100000}`;
    await adminQuery(process.env.DATABASE_URL!, `create database ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const data: ServiceData = {
      engine: 'postgres', env: { DATABASE_URL: url.toString() },
      open: () => openDatabase({ databaseUrl: url.toString(), dataDir: '' }),
      drop: async () => { await adminQuery(process.env.DATABASE_URL!, `drop database if exists ${name} with (force)`); },
    };
    try {
      const [a, b] = await Promise.all([startService(data), startService(data)]);
      try {
        const [ha, hb] = await Promise.all([call(a.base, null, 'GET', '/api/health'), call(b.base, null, 'GET', '/api/health')]);
        expect(ha.status).toBe(200);
        expect(hb.status).toBe(200);
      } finally {
        await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
      }
      const handle = await data.open();
      try {
        const count = sql<{ ways: number; points: number; sites: number; streets: number }>`
          select (select count(*) from ways)::int as ways, (select count(*) from service_points)::int as points,
                 (select count(*) from board_sites)::int as sites, (select count(*) from streets)::int as streets`;
        const { rows: [counts] } = await count.execute(handle.db);
        // The same as one process preparing a database alone: a copy of the test template (never the
        // template itself, which other test files are copying at the same time).
        const reference = await copyTestData();
        const referenceHandle = await reference.open();
        const { rows: [expected] } = await count.execute(referenceHandle.db);
        await referenceHandle.close();
        await reference.drop();
        expect(counts).toEqual(expected);
        expect(counts.points).toBeGreaterThan(0);
      } finally { await handle.close(); }
    } finally { await data.drop(); }
  }, 600_000);
});
