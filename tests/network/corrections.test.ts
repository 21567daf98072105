// Network corrections (路网纠错) on the real Hexi network, through the API: a path makes a place 272 m from
// any mapped way reachable, a compound passage with a gate shut at night is used at noon and not at 22:30,
// a crossing at a real trunk junction (围堤道 × 越秀路) replaces the general crossing rule, and the preview
// predicts exactly what publishing then serves. Roles, versions, audit, history, restore, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { metresOutside } from '../../server/records/placement.ts';
import { pdfTextCompact, tempPdf } from '../boards/boardCheck.ts';
import { boardDistrictTime } from '../../server/boards/boardTime.ts';
import { localToday } from '../../server/localTime.ts';

const TAOYUAN = '120103003000';
const YOUYI = '120103004000';

// The place 272 m from the nearest mapped way (a compound interior), and that way's nearest point.
const PLACE: [number, number] = [117.19372, 39.10697];
// 津港路 ends 160 m short of 友谊北路: a compound passage joins them (west end on 津港路's last vertex,
// east end on 友谊北路's west carriageway), with a gate in the middle shut 22:00–06:00.
const PASSAGE: [number, number][] = [[117.1957561, 39.1023177], [117.19753, 39.10232]];
const PASSAGE_GATE: [number, number] = [117.19665, 39.10232];
const ON_JINGANG: [number, number] = [117.1945, 39.1025];
const ON_YOUYI: [number, number] = [117.1974, 39.1026]; // beside the west carriageway
// 越秀路 crosses the dual carriageway of 围堤道 (trunk): a place on each side of it.
const WEIDI_JUNCTION: [number, number] = [117.2041, 39.0960];
const SOUTH_OF_WEIDI: [number, number] = [117.2040772, 39.095324];
const NORTH_OF_WEIDI: [number, number] = [117.2041866, 39.0968097];

let t: TestApp;
let admin: LoggedIn, editor: LoggedIn, stranger: LoggedIn, viewer: LoggedIn;

beforeAll(async () => {
  t = await buildTestApp();
  [admin, editor, stranger, viewer] = await Promise.all([
    loginAs(t.app, 'admin'), loginAs(t.app, 'editor', TAOYUAN), loginAs(t.app, 'editor', YOUYI), loginAs(t.app, 'viewer'),
  ]);
});
afterAll(async () => { await t?.close(); });

const route = async (from: [number, number], to: [number, number], profile: string, at?: string) => {
  const res = await t.app.inject(`/api/route?from=${from.join(',')}&to=${to.join(',')}&profile=${profile}${at ? `&at=${at}` : ''}`);
  return { status: res.statusCode, body: res.json() };
};
const reach = async (at: [number, number], profile: string, extra = '') => {
  const res = await t.app.inject(`/api/reach?lon=${at[0]}&lat=${at[1]}&profile=${profile}&per_category=1${extra}`);
  return { status: res.statusCode, body: res.json() };
};
const create = (who: LoggedIn, payload: Record<string, unknown>) => who.inject({ method: 'POST', url: '/api/network/corrections', payload });
const publish = (who: LoggedIn, id: number, version: number) => who.inject({ method: 'POST', url: `/api/network/corrections/${id}/publish`, payload: { version } });
const retire = (who: LoggedIn, id: number, version: number) => who.inject({ method: 'POST', url: `/api/network/corrections/${id}/retire`, payload: { version } });
const predictedSeconds = (nearest: Record<string, any>) => Object.fromEntries(Object.entries(nearest).map(([c, w]) => [c, w?.walk_s ?? null]));
const nearestSeconds = (body: any) => Object.fromEntries(Object.entries(body.nearest).map(([c, l]: [string, any]) => [c, l[0]?.walk_s ?? null]));

describe('a path into a compound', () => {
  it('the place 272 m from any way is refused (422) before the path is drawn and answered after it is published', async () => {
    const before = await reach(PLACE, 'standard');
    expect(before.status).toBe(422);
    expect(before.body.nearest_m).toBeGreaterThan(250);

    // Draw from the nearest point of the network (where the 422 says the street is) to the place.
    const engine = await t.app.walking.engine();
    const street = engine.snap(PLACE[0], PLACE[1], 'standard', 400);
    if (!street.ok) throw new Error('no street within 400 m');
    // The place lies outside every street's area (at the district's edge): an editor cannot draw there,
    // the district admin can, filed under the nearest street.
    const areas = await t.app.areaIndex();
    expect(areas.streetAt(PLACE[0], PLACE[1])).toBeUndefined();
    const code = [...areas.streets.values()].sort((a, b) => metresOutside(a, ...PLACE) - metresOutside(b, ...PLACE))[0].code;
    const line = { kind: 'path', geometry: { type: 'LineString', coordinates: [[street.snapLon, street.snapLat], PLACE] } };
    const refused = await create(await loginAs(t.app, 'editor', code), line);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().field).toBe('geometry');
    const local = admin;
    const created = await create(local, { ...line, street_code: code });
    expect(created.statusCode, created.body).toBe(201);
    const path = created.json();
    expect(path).toMatchObject({ status: 'draft', street_code: code, version: 1, attributes: { level: 'ground', steps: false } });
    // A draft changes nothing live.
    expect((await reach(PLACE, 'standard')).status).toBe(422);

    const preview = await local.inject({ method: 'POST', url: `/api/network/corrections/${path.id}/preview`, payload: { origin: PLACE, profile: 'standard' } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().origin.before.reachable).toBe(false);
    expect(preview.json().origin.after.reachable).toBe(true);

    const published = await publish(local, path.id, 1);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ status: 'published', version: 2 });
    const after = await reach(PLACE, 'standard');
    expect(after.status, JSON.stringify(after.body).slice(0, 300)).toBe(200);
    expect(after.body.origin.snap_distance_m).toBeLessThan(1);
    expect(after.body.rings.features.length).toBe(3);
    // What the preview promised is what is served.
    expect(nearestSeconds(after.body)).toEqual(predictedSeconds(preview.json().origin.after.nearest));

    // The base network is untouched: the ways table has the same rows.
    const status = await t.app.inject('/api/walking/status');
    expect(status.json().graph.waysIn).toBeGreaterThan(0);

    const retired = await retire(local, path.id, 2);
    expect(retired.statusCode, retired.body).toBe(200);
    expect((await reach(PLACE, 'standard')).status).toBe(422);
  });
});

let passageSites: { site_id: number; profile: string; category_id: string; before: { walk_s: number } | null; after: { walk_s: number } | null }[] = [];

describe('a compound passage with a gate shut at night', () => {
  it('reach and route use it at 12:00 and not at 22:30; at= is checked', async () => {
    const base = await route(ON_JINGANG, ON_YOUYI, 'standard');
    expect(base.status).toBe(200);
    const baseReach = await reach(ON_JINGANG, 'standard');

    const p = await create(editor, { kind: 'path', geometry: { type: 'LineString', coordinates: PASSAGE }, note: '示例：小区内部通道' });
    expect(p.statusCode, p.body).toBe(201);
    const preview = await editor.inject({ method: 'POST', url: `/api/network/corrections/${p.json().id}/preview`, payload: {} });
    expect(preview.statusCode, preview.body).toBe(200);
    // Print the boards the passage will change (standard walk) before publishing it.
    const printedIds: number[] = [...new Set<number>(preview.json().sites.filter((c: any) => c.profile === 'standard').map((c: any) => c.site_id as number))].slice(0, 3);
    expect(printedIds.length).toBeGreaterThan(0);
    const job = await admin.inject({ method: 'POST', url: '/api/boards/jobs', payload: { site_ids: printedIds, size: 'A4', format: 'pdf' } });
    expect(job.statusCode, job.body).toBe(202);
    await t.app.boards.jobs.idle();
    expect((await publish(editor, p.json().id, 1)).statusCode).toBe(200);
    // The reprint list names the passage as the reason those boards changed.
    const printedStreet = (await t.app.boards.printer.site(printedIds[0])).street_code;
    const reprint = await admin.inject(`/api/boards/reprint?street=${printedStreet}`);
    expect(reprint.statusCode, reprint.body).toBe(200);
    const flagged = reprint.json().needs_reprint.filter((e: any) => printedIds.includes(e.site_id));
    expect(flagged.length).toBeGreaterThan(0);
    for (const e of flagged) {
      expect(e.corrections.map((c: any) => c.id)).toContain(p.json().id);
      expect(e.summary_zh).toContain(`路网纠错：#${p.json().id}（通道，已发布）`);
      expect(e.summary_en).toContain(`#${p.json().id} (path, published)`);
    }
    // A board far from the passage that changed for another reason would not name it; none changed here.
    expect(reprint.json().needs_reprint.filter((e: any) => !printedIds.includes(e.site_id))).toEqual([]);
    // The board sites the preview listed (nearest per category, per profile) now get what it said they would.
    const changedSites = preview.json().sites;
    expect(changedSites.length).toBeGreaterThan(0);
    passageSites = changedSites;
    for (const s of changedSites.slice(0, 8)) {
      expect(s.after?.walk_s ?? Infinity).toBeLessThan(s.before?.walk_s ?? Infinity);
      const r = await t.app.inject(`/api/reach?site=${s.site_id}&profile=${s.profile}&per_category=1&categories=${s.category_id}`);
      expect(r.json().nearest[s.category_id][0]?.walk_s ?? null, JSON.stringify(s)).toBe(s.after?.walk_s ?? null);
    }
    const g = await create(editor, { kind: 'gate', geometry: { type: 'Point', coordinates: PASSAGE_GATE }, opening_hours: 'Mo-Su 06:00-22:00', step_free: true });
    expect(g.statusCode, g.body).toBe(201);
    expect((await publish(editor, g.json().id, 1)).statusCode).toBe(200);

    const noon = await route(ON_JINGANG, ON_YOUYI, 'standard', '2026-12-07T12:00');
    const night = await route(ON_JINGANG, ON_YOUYI, 'standard', '2026-12-07T22:30');
    expect(noon.status).toBe(200);
    expect(night.status).toBe(200);
    expect(noon.body.properties.walk_m).toBeLessThan(base.body.properties.walk_m - 100);
    expect(night.body.properties.walk_s).toBe(base.body.properties.walk_s);
    // The noon route goes through the gate; the night one does not come near it.
    const near = (coords: number[][], p: [number, number]) => coords.some(([x, y]) => Math.abs(x - p[0]) < 0.0006 && Math.abs(y - p[1]) < 0.0001);
    expect(near(noon.body.geometry.coordinates, PASSAGE[1])).toBe(true);
    expect(near(night.body.geometry.coordinates, PASSAGE[1])).toBe(false);

    const reachNoon = await reach(ON_JINGANG, 'standard', '&at=2026-12-07T12:00');
    const reachNight = await reach(ON_JINGANG, 'standard', '&at=2026-12-07T22:30');
    expect(reachNoon.status).toBe(200);
    expect(nearestSeconds(reachNight.body)).toEqual(nearestSeconds(baseReach.body));
    const faster = Object.keys(nearestSeconds(baseReach.body)).filter((c) =>
      (nearestSeconds(reachNoon.body)[c] ?? Infinity) < (nearestSeconds(baseReach.body)[c] ?? Infinity));
    expect(faster.length).toBeGreaterThan(0);
    // Services are marked open or closed at that time, with when they next open.
    const listed = Object.values(reachNight.body.nearest).flat() as any[];
    expect(listed.length).toBeGreaterThan(3);
    expect(listed.every((n) => typeof n.open_at === 'boolean')).toBe(true);
    const closedAtNight = listed.filter((n) => n.open_at === false && n.opening_hours);
    expect(closedAtNight.length).toBeGreaterThan(0);
    expect(closedAtNight[0].next_open).toMatch(/^2026-12-0[78]T\d\d:\d\d$/);

    for (const bad of ['22:30', '2026-13-01T10:00', '2026-12-07 10:00', 'now']) {
      const r = await t.app.inject(`/api/route?from=${ON_JINGANG.join(',')}&to=${ON_YOUYI.join(',')}&at=${encodeURIComponent(bad)}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().field).toBe('at');
      const r2 = await t.app.inject(`/api/reach?lon=${ON_JINGANG[0]}&lat=${ON_JINGANG[1]}&at=${encodeURIComponent(bad)}`);
      expect(r2.statusCode, bad).toBe(400);
      expect(r2.json().field).toBe('at');
    }
  });
});

describe('a board is drawn for a stated time', () => {
  it('by default a weekday at 10:00 (the gate open); at 22:30 the walk goes round, the board says which, and bad times are 400', async () => {
    // The passage and its night gate are published above; a site whose walk the passage shortened.
    const gain = (c: typeof passageSites[number]) => (c.before?.walk_s ?? 3600) - c.after!.walk_s;
    const within = passageSites.filter((c) => c.after && c.after.walk_s < 14 * 60).sort((a, b) => gain(b) - gain(a));
    expect(within.length).toBeGreaterThan(0);
    const s = within[0];
    const printer = t.app.boards.printer;
    const site = await printer.site(s.site_id);
    const firstOf = (rows: { category_id: string; minutes: number }[]) => rows.find((r) => r.category_id === s.category_id)?.minutes ?? null;
    const metresOf = (rows: { category_id: string; walk_m: number }[]) => rows.find((r) => r.category_id === s.category_id)?.walk_m ?? Infinity;
    const minutesAt = async (when: string) => {
      const r = await t.app.inject(`/api/reach?site=${s.site_id}&profile=${s.profile}&per_category=1&categories=${s.category_id}&at=${when}`);
      expect(r.statusCode, r.body).toBe(200);
      const walk = r.json().nearest[s.category_id][0]?.walk_s;
      return walk === undefined || walk > 15 * 60 ? null : Math.max(1, Math.ceil(walk / 60 - 1e-9));
    };
    const day = boardDistrictTime({ day: 'weekday', time: '10:00' }, localToday()).date;
    const byDay = await printer.content(site, s.profile);
    const byNight = await printer.content(site, s.profile, { day: 'weekday', time: '22:30' });
    expect(byDay.snapshot.drawn_for).toBe('weekday 10:00');
    expect(byNight.snapshot.drawn_for).toBe('weekday 22:30');
    // Each board agrees with /api/reach at its own time, and the two differ (the gate is shut at 22:30).
    expect(firstOf(byDay.rows)).toBe(await minutesAt(`${day}T10:00`));
    expect(firstOf(byNight.rows)).toBe(await minutesAt(`${day}T22:30`));
    expect(metresOf(byNight.rows)).toBeGreaterThan(metresOf(byDay.rows) + 50);
    expect(byNight.version).not.toBe(byDay.version);

    // The printed board says the time, in both languages.
    const zh = await t.app.inject(`/api/boards/${s.site_id}.pdf?size=A4&profile=${s.profile}&time=22:30`);
    expect(zh.statusCode, zh.body.slice(0, 200)).toBe(200);
    expect(zh.headers['x-content-version']).toBe(byNight.version);
    expect(pdfTextCompact(tempPdf(zh.rawPayload, 'board-time-zh'))).toContain('工作日22:30');
    const en = await t.app.inject(`/api/boards/${s.site_id}.pdf?size=A4&profile=${s.profile}&lang=en&day=weekend&time=09:00`);
    expect(en.statusCode).toBe(200);
    expect(pdfTextCompact(tempPdf(en.rawPayload, 'board-time-en'))).toContain('(weekends09:00)');
    const plain = await t.app.inject(`/api/boards/${s.site_id}.pdf?size=A4&profile=${s.profile}`);
    expect(pdfTextCompact(tempPdf(plain.rawPayload, 'board-time-default'))).toContain('工作日10:00');

    for (const [query, field] of [['time=25:00', 'time'], ['time=9:00', 'time'], ['day=monday', 'day']]) {
      const r = await t.app.inject(`/api/boards/${s.site_id}.svg?${query}`);
      expect(r.statusCode, query).toBe(400);
      expect(r.json().field, query).toBe(field);
    }
  });
});

describe('a crossing at a trunk junction (围堤道 × 越秀路)', () => {
  it('signalised (10 s) makes the elderly walk shorter, "none" longer, and the preview predicted what publishing served', async () => {
    const areas = await t.app.areaIndex();
    const street = areas.streetAt(WEIDI_JUNCTION[0], WEIDI_JUNCTION[1])!.code;
    const base = await route(SOUTH_OF_WEIDI, NORTH_OF_WEIDI, 'elderly');
    expect(base.status).toBe(200);

    const signal = await create(admin, { street_code: street, kind: 'crossing', geometry: { type: 'Point', coordinates: WEIDI_JUNCTION }, crossing: 'signalised', wait_s: 10 });
    expect(signal.statusCode, signal.body).toBe(201);
    const preview = await admin.inject({ method: 'POST', url: `/api/network/corrections/${signal.json().id}/preview`, payload: { origin: SOUTH_OF_WEIDI, profile: 'elderly' } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().action).toBe('publish');
    const predicted = preview.json().origin.after.nearest;
    expect((await route(SOUTH_OF_WEIDI, NORTH_OF_WEIDI, 'elderly')).body.properties.walk_s).toBe(base.body.properties.walk_s); // nothing live yet

    expect((await publish(admin, signal.json().id, 1)).statusCode).toBe(200);
    const withSignal = await route(SOUTH_OF_WEIDI, NORTH_OF_WEIDI, 'elderly');
    expect(withSignal.body.properties.walk_s).toBeLessThan(base.body.properties.walk_s);
    const served = await reach(SOUTH_OF_WEIDI, 'elderly');
    expect(Object.keys(predicted).length).toBeGreaterThan(5);
    expect(nearestSeconds(served.body)).toEqual(predictedSeconds(predicted));
    expect((await retire(admin, signal.json().id, 2)).statusCode).toBe(200);
    expect((await route(SOUTH_OF_WEIDI, NORTH_OF_WEIDI, 'elderly')).body.properties.walk_s).toBe(base.body.properties.walk_s);

    const fence = await create(admin, { street_code: street, kind: 'crossing', geometry: { type: 'Point', coordinates: WEIDI_JUNCTION }, crossing: 'none' });
    expect(fence.statusCode, fence.body).toBe(201);
    expect((await publish(admin, fence.json().id, 1)).statusCode).toBe(200);
    const fenced = await route(SOUTH_OF_WEIDI, NORTH_OF_WEIDI, 'elderly');
    expect(fenced.status).toBe(200);
    expect(fenced.body.properties.walk_m).toBeGreaterThan(base.body.properties.walk_m + 50);
    expect((await retire(admin, fence.json().id, 2)).statusCode).toBe(200);
  });
});

describe('roles, versions, audit, history, restore', () => {
  it('another street 403, viewer 403, stale 409, an audit row per change, restore brings an earlier state back', async () => {
    const line = { kind: 'closure', geometry: { type: 'LineString', coordinates: [[117.19741, 39.10108], [117.19863, 39.10085]] } }; // 津河南道
    expect((await create(stranger, { ...line, street_code: TAOYUAN })).statusCode).toBe(403);
    expect((await create(viewer, { ...line, street_code: TAOYUAN })).statusCode).toBe(403);
    const c = await create(editor, { ...line, step_free_only: true, valid_from: '2026-12-01', valid_to: '2026-12-31' });
    expect(c.statusCode, c.body).toBe(201);
    const id = c.json().id;
    const edited = await editor.inject({ method: 'PATCH', url: `/api/network/corrections/${id}`, payload: { version: 1, step_free_only: false } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, attributes: { step_free_only: false } });
    const stale = await editor.inject({ method: 'PATCH', url: `/api/network/corrections/${id}`, payload: { version: 1, note: 'x' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current.version).toBe(2);
    expect((await stranger.inject({ method: 'PATCH', url: `/api/network/corrections/${id}`, payload: { version: 2, note: 'x' } })).statusCode).toBe(403);

    const history = (await editor.inject(`/api/network/corrections/${id}/history`)).json().entries;
    expect(history.map((h: any) => h.action)).toEqual(['update', 'create']);
    const audit = await t.app.db.selectFrom('audit_log').select(['action']).where('entity', '=', 'network_correction').where('entity_id', '=', String(id)).execute();
    expect(audit.length).toBe(2);

    const restored = await editor.inject({ method: 'POST', url: `/api/network/corrections/${id}/restore`, payload: { audit_id: history[1].id, version: 2 } });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ version: 3, attributes: { step_free_only: true, valid_from: '2026-12-01' } });
    expect((await editor.inject(`/api/network/corrections?street=${TAOYUAN}`)).json().corrections.some((x: any) => x.id === id)).toBe(true);
  });

  it('bad input gets a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'path', geometry: { type: 'LineString', coordinates: [[117.1950, 39.1060], [117.1965, 39.1068], [117.1965, 39.1060], [117.1950, 39.1068]] } }, 'geometry'], // crosses itself
      [{ kind: 'path', geometry: { type: 'LineString', coordinates: [PLACE, [117.19380, 39.10720]] } }, 'geometry'], // no end on the network
      [{ kind: 'gate', geometry: { type: 'Point', coordinates: [117.19741, 39.10108] }, opening_hours: 'Mo-Xx 25:00-99:00' }, 'opening_hours'],
      [{ kind: 'closure', geometry: { type: 'LineString', coordinates: [[117.2040772, 39.095324], [117.2041866, 39.0968097]] } }, 'geometry'], // across 围堤道, outside 桃园
      [{ kind: 'crossing', geometry: { type: 'Point', coordinates: [117.1962835, 39.1037709] }, crossing: 'zebra' }, 'geometry'], // 湛江路 × a residential street: no trunk/primary/secondary junction
      [{ kind: 'closure', geometry: { type: 'LineString', coordinates: [[117.19741, 39.10108], [117.19863, 39.10085]] }, valid_from: '2026-12-31', valid_to: '2026-12-01' }, 'valid_to'],
    ];
    const unknownStreet = await create(admin, { street_code: '120103999000', kind: 'gate', geometry: { type: 'Point', coordinates: [117.19741, 39.10108] } });
    expect(unknownStreet.statusCode).toBe(400);
    expect(unknownStreet.json().field).toBe('street_code');
    for (const [payload, field] of cases) {
      const res = await create(editor, payload);
      expect(res.statusCode, `${JSON.stringify(payload)} ${res.body}`).toBe(400);
      expect(res.json().field).toBe(field);
      expect(res.json().message_zh).toBeTruthy();
    }
  });
});

describe('backup and restore', () => {
  it('the corrections travel in the archive and come back with their geometry, attributes, status and version', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { writeBackup } = await import('../../server/backup/backup.ts');
    const { restoreBackup } = await import('../../server/backup/restore.ts');
    const { openDatabase } = await import('../../server/db/engine.ts');
    const { PROJECT_ROOT } = await import('../../server/config.ts');
    const { loadCatalog } = await import('../../server/catalog.ts');
    const { listCorrections } = await import('../../server/network/correctionsRepository.ts');
    const before = await listCorrections(t.app.db, {});
    expect(before.length).toBeGreaterThan(3);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-corrections-backup-'));
    const archive = path.join(work, 'backup.zip');
    await writeBackup(t.database.handle, archive);
    const target = await openDatabase({ dataDir: path.join(work, 'restored') });
    try {
      await restoreBackup(target.db, fs.readFileSync(archive), { catalog: loadCatalog() });
      const after = await listCorrections(target.db, {});
      const comparable = (rows: typeof before) => rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString() }));
      expect(comparable(after)).toEqual(comparable(before));
    } finally {
      await target.close();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 480_000);
});
