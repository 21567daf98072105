// Refreshing the base network from an OpenStreetMap extract (npm run network:import, POST /api/network/imports).
// The test writes its own extract: the real ways around 桃园街道 from the test database as .osm XML, one way
// removed and a compound passage (津港路 → 友谊北路) added, converted to .osm.pbf with osmium. The import
// replaces the base (routes stop using the removed way and use the added one), keeps the corrections that
// still fit and marks the one on the removed way for review, reports km, components and the board sites
// whose minutes change; broken extracts and dry runs change nothing. The full Hexi network is imported
// back from the shipped GeoJSON at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, openTestDatabase, type LoggedIn, type TestApp } from '../helper.ts';
import { haversineM, type LonLat } from '../../server/geo.ts';
import { importNetwork, readExtract } from '../../server/network/networkImport.ts';
import { PROJECT_ROOT } from '../../server/config.ts';

const TAOYUAN = '120103003000';
// 津港路 ends 160 m short of 友谊北路 (see corrections.test.ts): the extract adds a passage from its last vertex.
const JINGANG_END: LonLat = [117.1957561, 39.1023177];
const YOUYI_WEST: LonLat = [117.19753, 39.10232];
const HOURS = 'Mo-Su 06:00-22:00';

interface BaseWay { id: number; highway: string; name: string | null; ref: string | null; layer: number; bridge: boolean; tunnel: boolean; walkable: boolean; coords: LonLat[] }

let t: TestApp;
let admin: LoggedIn;
let dir: string;
let ways: BaseWay[];
let removed: BaseWay;
/** A vertex of the removed way that no other way shares: a route through it uses the way. */
let removedMid: LonLat;
let added: { coords: LonLat[]; lengthM: number };
let keptId: number, goneId: number;
let baseWayCount: number;
const files: Record<'osm' | 'pbf' | 'badXml' | 'noWays' | 'elsewhere', string> = {} as never;

const key = (c: LonLat) => `${c[0].toFixed(7)},${c[1].toFixed(7)}`;
const lengthM = (cs: LonLat[]) => cs.slice(1).reduce((s, c, i) => s + haversineM(cs[i][0], cs[i][1], c[0], c[1]), 0);
const passesBy = (coords: number[][], c: LonLat) => coords.some((p) => haversineM(p[0], p[1], c[0], c[1]) < 1);

/** OSM XML for the ways (nodes shared by coordinate, as in OSM), with extra tags per way and tagged nodes. */
function osmXml(list: { coords: LonLat[]; tags: Record<string, string> }[], nodeTags: Map<string, Record<string, string>> = new Map()): string {
  const ids = new Map<string, number>();
  const nodes: string[] = [];
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const tagXml = (tags: Record<string, string>) => Object.entries(tags).map(([k, v]) => `<tag k="${esc(k)}" v="${esc(v)}"/>`).join('');
  const wayXml = list.map((w, i) => {
    const refs = w.coords.map((c) => {
      const k = key(c);
      if (!ids.has(k)) {
        ids.set(k, ids.size + 1);
        const extra = nodeTags.get(k);
        nodes.push(` <node id="${ids.get(k)}" version="1" lat="${c[1].toFixed(7)}" lon="${c[0].toFixed(7)}">${extra ? tagXml(extra) : ''}</node>`);
      }
      return `<nd ref="${ids.get(k)}"/>`;
    }).join('');
    return ` <way id="${i + 1}" version="1">${refs}${tagXml(w.tags)}</way>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="import.test">\n${nodes.join('\n')}\n${wayXml.join('\n')}\n</osm>\n`;
}
const tagsOf = (w: BaseWay): Record<string, string> => ({
  highway: w.highway, ...(w.name ? { name: w.name } : {}), ...(w.ref ? { ref: w.ref } : {}),
  ...(w.layer ? { layer: String(w.layer) } : {}), ...(w.bridge ? { bridge: 'yes' } : {}), ...(w.tunnel ? { tunnel: 'yes' } : {}),
});

const route = async (from: LonLat, to: LonLat, at?: string) => {
  const res = await t.app.inject(`/api/route?from=${from.join(',')}&to=${to.join(',')}&profile=standard${at ? `&at=${at}` : ''}`);
  return { status: res.statusCode, body: res.json() };
};
function multipart(file: Buffer, filename: string) {
  const boundary = '----hexiNetworkImportBoundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const upload = (who: LoggedIn, file: string, dryRun = false, async = false) => {
  const { payload, headers } = multipart(fs.readFileSync(file), path.basename(file));
  const query = [dryRun ? 'dry_run=true' : '', async ? 'async=true' : ''].filter(Boolean).join('&');
  return who.inject({ method: 'POST', url: `/api/network/imports${query ? `?${query}` : ''}`, payload, headers });
};
const wayCount = async () => Number((await sql<{ n: number }>`select count(*)::int as n from ways`.execute(t.app.db)).rows[0].n);
const importCount = async () => Number((await sql<{ n: number }>`select count(*)::int as n from network_imports`.execute(t.app.db)).rows[0].n);

beforeAll(async () => {
  t = await buildTestApp();
  admin = await loginAs(t.app, 'admin');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'network-import-test-'));
  baseWayCount = await wayCount();
  const rows = await sql<{ id: number; highway: string; name: string | null; ref: string | null; layer: number; bridge: boolean; tunnel: boolean; walkable: boolean; geojson: string }>`
    select w.id, w.highway, w.name, w.ref, w.layer, w.bridge, w.tunnel, w.walkable, ST_AsGeoJSON(w.geom) as geojson
    from ways w, division_areas a where a.code = ${TAOYUAN} and ST_Intersects(w.geom, ST_Expand(a.geom, 0.003)) order by w.id`.execute(t.app.db);
  ways = rows.rows.map((r) => ({ ...r, coords: (JSON.parse(r.geojson).coordinates as LonLat[]) }));
  expect(ways.length).toBeGreaterThan(100);

  // How many ways touch each vertex: a way's ends must be junctions (so its removal leaves a detour) and the
  // vertex the route is checked at must belong to it alone.
  const uses = new Map<string, number>();
  for (const w of ways) for (const c of new Set(w.coords.map(key))) uses.set(c, (uses.get(c) ?? 0) + 1);
  const near = (w: BaseWay, c: LonLat, m: number) => w.coords.some((p) => haversineM(p[0], p[1], c[0], c[1]) < m);
  const candidates = ways.filter((w) => w.walkable && w.name && w.highway === 'residential' && !w.bridge && !w.tunnel && w.coords.length >= 3
    && (uses.get(key(w.coords[0]))! > 1) && (uses.get(key(w.coords.at(-1)!))! > 1) && !near(w, JINGANG_END, 400)
    && lengthM(w.coords) > 120 && lengthM(w.coords) < 600 && w.coords.slice(1, -1).some((c) => uses.get(key(c)) === 1))
    .sort((a, b) => lengthM(b.coords) - lengthM(a.coords));
  expect(candidates.length).toBeGreaterThan(0);
  for (const w of candidates) {
    const mid = w.coords.slice(1, -1).find((c) => uses.get(key(c)) === 1)!;
    const r = await route(w.coords[0], w.coords.at(-1)!);
    if (r.status === 200 && passesBy(r.body.geometry.coordinates, mid)) { removed = w; removedMid = mid; break; }
  }
  expect(removed, 'a residential way that the route between its ends follows').toBeDefined();

  // The passage: from 津港路's last vertex to 友谊北路's nearest vertex, through a gate open 06:00–22:00.
  expect(ways.some((w) => w.coords.some((c) => key(c) === key(JINGANG_END)))).toBe(true);
  const youyi = ways.filter((w) => w.name === '友谊北路').flatMap((w) => w.coords)
    .sort((a, b) => haversineM(a[0], a[1], ...YOUYI_WEST) - haversineM(b[0], b[1], ...YOUYI_WEST))[0];
  expect(haversineM(youyi[0], youyi[1], ...YOUYI_WEST)).toBeLessThan(150);
  const gate: LonLat = [Number(((JINGANG_END[0] + youyi[0]) / 2).toFixed(7)), Number(((JINGANG_END[1] + youyi[1]) / 2).toFixed(7))];
  added = { coords: [JINGANG_END, gate, youyi], lengthM: lengthM([JINGANG_END, gate, youyi]) };
  // A private shortcut beside it, which no pedestrian may use (access=private).
  const privateWay: LonLat[] = [JINGANG_END, [JINGANG_END[0] + 0.0005, JINGANG_END[1] - 0.0008]];

  // Corrections before the refresh: a published closure on a way that stays, a draft closure on the removed one.
  const stays = ways.find((w) => w.walkable && w.id !== removed.id && w.highway === 'residential' && w.coords.length >= 2
    && lengthM(w.coords.slice(0, 2)) > 20 && !near(w, JINGANG_END, 400) && !w.coords.some((c) => near(removed, c, 300)))!;
  const make = async (coords: LonLat[]) => {
    const res = await admin.inject({ method: 'POST', url: '/api/network/corrections', payload: { street_code: TAOYUAN, kind: 'closure', geometry: { type: 'LineString', coordinates: coords } } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const kept = await make(stays.coords.slice(0, 2));
  expect((await admin.inject({ method: 'POST', url: `/api/network/corrections/${kept.id}/publish`, payload: { version: kept.version } })).statusCode).toBe(200);
  keptId = kept.id;
  goneId = (await make(removed.coords.slice(0, 2))).id;

  const extract = [
    ...ways.filter((w) => w.id !== removed.id).map((w) => ({ coords: w.coords, tags: tagsOf(w) })),
    { coords: added.coords, tags: { highway: 'footway', name: '示例通道', foot: 'designated', wheelchair: 'yes', incline: '0%' } },
    { coords: privateWay, tags: { highway: 'service', access: 'private' } },
  ];
  files.osm = path.join(dir, 'taoyuan.osm');
  fs.writeFileSync(files.osm, osmXml(extract, new Map([[key(gate), { barrier: 'gate', opening_hours: HOURS, wheelchair: 'yes' }]])));
  files.pbf = path.join(dir, 'taoyuan.osm.pbf');
  execFileSync('osmium', ['cat', files.osm, '-o', files.pbf, '-O']);
  files.badXml = path.join(dir, 'broken.osm');
  fs.writeFileSync(files.badXml, fs.readFileSync(files.osm, 'utf8').slice(0, 5000));
  files.noWays = path.join(dir, 'nodes-only.osm');
  fs.writeFileSync(files.noWays, osmXml([]).replace('</osm>', ` <node id="1" version="1" lat="39.1" lon="117.2"><tag k="barrier" v="gate"/></node>\n</osm>`));
  files.elsewhere = path.join(dir, 'elsewhere.osm');
  fs.writeFileSync(files.elsewhere, osmXml(ways.slice(0, 50).map((w) => ({ coords: w.coords.map(([x, y]) => [x - 15.4, y - 2.5] as LonLat), tags: tagsOf(w) }))));
}, 180_000);

afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a broken extract changes nothing', () => {
  it('bad XML, no ways and an extract outside the district are refused with a 400 naming the problem in English and Chinese', async () => {
    const before = await route(removed.coords[0], removed.coords.at(-1)!);
    const cases: [string, RegExp, RegExp][] = [
      [files.badXml, /broken\.osm: not a readable OpenStreetMap XML file/, /无法读取的 OpenStreetMap XML 文件/],
      [files.noWays, /no walkable ways/, /没有可步行的道路/],
      [files.elsewhere, /outside the district/, /不在本区内/],
    ];
    for (const [file, en, zh] of cases) {
      const res = await upload(admin, file);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().field).toBe('file');
      expect(res.json().message).toMatch(en);
      expect(res.json().message_zh).toMatch(zh);
    }
    const wrongType = await upload(admin, path.join(PROJECT_ROOT, 'data', 'profiles.json'));
    expect(wrongType.statusCode).toBe(400); // a JSON file that is not GeoJSON
    expect(wrongType.json().message_zh).toMatch(/GeoJSON/);
    expect(await wayCount()).toBe(baseWayCount);
    expect(await importCount()).toBe(0);
    const after = await route(removed.coords[0], removed.coords.at(-1)!);
    expect(after.body.properties.walk_m).toBe(before.body.properties.walk_m);
  });

  it('only the district admin imports', async () => {
    for (const who of [await loginAs(t.app, 'editor', TAOYUAN), await loginAs(t.app, 'viewer')]) {
      expect((await upload(who, files.osm, true)).statusCode).toBe(403);
      expect((await who.inject('/api/network/imports')).statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/network/imports' })).statusCode).toBe(401);
  });
});

describe('the script (npm run network:import)', () => {
  const runScript = promisify(execFile);
  it('--dry-run prints the report and writes nothing; a broken file exits 1 with both languages and nothing changed', async () => {
    const copy = await openTestDatabase();
    const env = { ...process.env, ...(copy.url ? { DATABASE_URL: copy.url } : { DATABASE_URL: '', DATA_DIR: copy.handle.location }), LOAD_SAMPLE: 'true' };
    const count = async () => Number((await sql<{ n: number }>`select (select count(*) from ways) * 1000000 + (select count(*) from network_imports) as n`.execute(copy.handle.db)).rows[0].n);
    const atStart = await count();
    // The embedded engine's directory is locked by its one opener: the script opens it after us.
    if (!copy.url) await copy.handle.close();
    const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
    const script = path.join(PROJECT_ROOT, 'scripts', 'network-import.ts');
    try {
      const dry = await runScript(tsx, [script, files.osm, '--dry-run'], { env, cwd: PROJECT_ROOT });
      expect(dry.stdout).toMatch(/DRY RUN \(nothing written\) 试运行（未写入）: taoyuan\.osm \(osm\)/);
      expect(dry.stdout).toMatch(/added 新增 0\.\d+ km/);
      expect(dry.stdout).toMatch(/need review 需复核/);

      const broken = await runScript(tsx, [script, files.badXml], { env, cwd: PROJECT_ROOT }).then(() => null, (err) => err);
      expect(broken?.code).toBe(1);
      expect(broken.stderr).toMatch(/not a readable OpenStreetMap XML file/);
      expect(broken.stderr).toMatch(/无法读取的 OpenStreetMap XML 文件/);
      expect(broken.stderr).toMatch(/nothing was changed 未做任何更改/);

      const reopened = await import('../../server/db/engine.ts').then((m) => m.openDatabase(copy.url ? { databaseUrl: copy.url, dataDir: '' } : { dataDir: copy.handle.location }));
      const n = Number((await sql<{ n: number }>`select (select count(*) from ways) * 1000000 + (select count(*) from network_imports) as n`.execute(reopened.db)).rows[0].n);
      expect(n).toBe(atStart);
      await reopened.close();
    } finally {
      if (copy.url) await copy.drop();
      else fs.rmSync(copy.handle.location, { recursive: true, force: true });
    }
  }, 400_000);
});

describe('importing the changed extract', () => {
  let report: any;

  it('a dry run through the API reports without writing', async () => {
    const dry = await upload(admin, files.pbf, true);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dry_run: true, import_id: null, format: 'osm.pbf' });
    expect(await wayCount()).toBe(baseWayCount);
    expect(await importCount()).toBe(0);
  });

  it('replaces the base: routes stop using the removed way and use the added passage', async () => {
    const [a, b] = [removed.coords[0], removed.coords.at(-1)!];
    const passageBefore = await route(JINGANG_END, added.coords[2]);
    expect(passageBefore.status).toBe(200);
    expect(passesBy(passageBefore.body.geometry.coordinates, added.coords[1])).toBe(false);
    expect(passageBefore.body.properties.walk_m).toBeGreaterThan(added.lengthM * 1.5);

    // As a durable job (async=true): 202, then its status until done, with the report.
    const res = await upload(admin, files.pbf, false, true);
    expect(res.statusCode, res.body).toBe(202);
    let job: any;
    for (let i = 0; i < 600; i++) {
      job = (await admin.inject(res.json().status_url)).json();
      if (job.status === 'done' || job.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job, JSON.stringify(job.error)).toMatchObject({ status: 'done', phase: 'done', dry_run: false, error: null });
    report = job.report;
    await t.app.jobs.idle(); // the job publishes the network change after its commit
    expect(report).toMatchObject({ dry_run: false, format: 'osm.pbf', source: 'taoyuan.osm.pbf' });
    expect(report.import_id).toBeGreaterThan(0);

    const detour = await route(a, b);
    expect(detour.status).toBe(200);
    expect(passesBy(detour.body.geometry.coordinates, removedMid)).toBe(false);
    const passage = await route(JINGANG_END, added.coords[2]);
    expect(passage.status).toBe(200);
    expect(passesBy(passage.body.geometry.coordinates, added.coords[1])).toBe(true);
    expect(Math.abs(passage.body.properties.walk_m - added.lengthM)).toBeLessThan(5);
    // The extract's gate node is read by the walking rules: open at noon, shut at 23:00 (Mo-Su 06:00-22:00).
    const noon = await route(JINGANG_END, added.coords[2], '2026-12-09T12:00');
    const night = await route(JINGANG_END, added.coords[2], '2026-12-09T23:00');
    expect(passesBy(noon.body.geometry.coordinates, added.coords[1])).toBe(true);
    expect(night.status).toBe(200);
    expect(passesBy(night.body.geometry.coordinates, added.coords[1])).toBe(false);
    expect(night.body.properties.walk_m).toBeGreaterThan(added.lengthM * 1.5);

    // The tags are kept: the gate node with its hours, the passage's foot/wheelchair/incline, the private way not walkable.
    const gate = await sql<{ barrier: string; opening_hours: string; wheelchair: string }>`select barrier, opening_hours, wheelchair from network_nodes`.execute(t.app.db);
    expect(gate.rows).toEqual([{ barrier: 'gate', opening_hours: HOURS, wheelchair: 'yes' }]);
    const tagged = await sql<{ highway: string; foot: string | null; access: string | null; wheelchair: string | null; incline: string | null; walkable: boolean }>`
      select highway, foot, access, wheelchair, incline, walkable from ways where foot is not null or access is not null order by highway`.execute(t.app.db);
    expect(tagged.rows).toEqual([
      { highway: 'footway', foot: 'designated', access: null, wheelchair: 'yes', incline: '0%', walkable: true },
      { highway: 'service', foot: null, access: 'private', wheelchair: null, incline: null, walkable: false },
    ]);
  });

  it('keeps the correction that still fits and marks the one on the removed way for review, with the reason', async () => {
    const kept = (await admin.inject(`/api/network/corrections/${keptId}`)).json();
    expect(kept).toMatchObject({ status: 'published', needs_review: false, review_reason: null });
    const gone = (await admin.inject(`/api/network/corrections/${goneId}`)).json();
    expect(gone).toMatchObject({ status: 'draft', needs_review: true, review_reason: 'the way it closed is gone from the new network', review_reason_zh: '它封闭的道路已不在新路网中' });
    expect(report.corrections.reanchored).toContain(keptId);
    expect(report.corrections.needs_review).toEqual([expect.objectContaining({ id: goneId, kind: 'closure', reason: 'the way it closed is gone from the new network' })]);
    const history = (await admin.inject(`/api/network/corrections/${goneId}/history`)).json().entries;
    expect(history[0]).toMatchObject({ action: 'needs_review', username: expect.any(String) });
  });

  it('reports km added and removed, components and the board sites whose minutes change, and keeps the report', async () => {
    expect(report.km.added).toBeCloseTo(added.lengthM / 1000, 2);
    // Everything outside the 桃园 extract goes, the removed way among it.
    expect(report.km.removed).toBeGreaterThan(lengthM(removed.coords) / 1000);
    expect(report.km.after).toBeLessThan(report.km.before);
    expect(report.components.before).toBeGreaterThan(0);
    expect(report.components.after).toBeGreaterThan(0);
    expect(report.board_sites.sites_checked).toBeGreaterThan(0);
    expect(report.board_sites.sites_affected).toBeGreaterThan(0);
    expect(report.board_sites.changes.length).toBeGreaterThan(0);
    for (const c of report.board_sites.changes) {
      expect(c.site_name.length).toBeGreaterThan(0);
      expect(c.before_min).not.toBe(c.after_min);
    }
    const kept = (await admin.inject('/api/network/imports')).json().imports;
    expect(kept).toHaveLength(1);
    expect(kept[0]).toEqual(report);
  });

  it('importing the shipped Hexi GeoJSON brings the full network back and re-anchors the marked correction', async () => {
    const extract = await readExtract(path.join(PROJECT_ROOT, 'data', 'osm', 'hexi_osm_roads.geojson'));
    const back = await importNetwork(t.app.db, extract, { source: 'hexi_osm_roads.geojson', dryRun: false, profiles: t.app.catalog.profiles, maxSnapM: t.app.config.maxSnapM });
    await t.app.dataEvents.publish(t.app.db, { kind: 'network' });
    expect(await wayCount()).toBe(baseWayCount);
    expect(back.km.added).toBeCloseTo(report.km.removed, 0);
    expect(back.corrections.reanchored).toEqual(expect.arrayContaining([keptId, goneId]));
    expect((await admin.inject(`/api/network/corrections/${goneId}`)).json()).toMatchObject({ needs_review: false, review_reason: null });
    const r = await route(removed.coords[0], removed.coords.at(-1)!);
    expect(passesBy(r.body.geometry.coordinates, removedMid)).toBe(true);
  }, 60_000);
});
