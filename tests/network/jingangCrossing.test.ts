// Issue #12, "津港路": a signalised crossing of 友谊北路 at 津港路, on the real Hexi network and sample set,
// through the API (both engines). What the shipped extract says, measured:
//  - 友谊北路 is `secondary`, a dual carriageway (the two carriageways 13 m apart at 津港路's latitude);
//  - 津港路 (residential) ends at 117.1957561, 39.1023177, 153 m short of 友谊北路's west carriageway;
//  - no mapped way leaves 友谊北路 eastward between 津河南道 (39.1011) and 永安道 (39.1042): east of it lies
//    the block bounded by 友谊北路, 永安道 and 绍兴道, whose vertex 117.1998657, 39.1021986 is 190 m due east;
//  - 吉居新里's gate (board site "吉居新里正门", on 津河南道) walks to its nearest elder care (连荣里养老驿站,
//    east of 友谊北路) along 津河南道, north up the west carriageway past 津港路's latitude, and across at 永安道.
// So a link from 津港路's end to 友谊北路 alone shortens nothing: the crossing matters only if the walker can go
// on eastward. The street office therefore draws three strokes (sample scenario, 示例): 津港路's end to the
// west kerb, the crosswalk over both carriageways, and a ground-level passage on to 绍兴道; then records the
// crossing there as signalised with a 60 s mean wait, then as no crossing (a median fence).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

const TAOYUAN = '120103003000';
const JINGANG_END: [number, number] = [117.1957561, 39.1023177]; // 津港路's last vertex
const WEST_KERB: [number, number] = [117.1975232, 39.1023177]; // on 友谊北路's west (southbound) carriageway
const EAST_KERB: [number, number] = [117.1976703, 39.1023177]; // on its east (northbound) carriageway
const SHAOXING: [number, number] = [117.1998657, 39.1021986]; // a vertex of 绍兴道
const CROSSING: [number, number] = [117.1976, 39.10232]; // between the two kerbs: covers both junction nodes
const ELDER = 'elder_care';

let t: TestApp;
let editor: LoggedIn;
beforeAll(async () => {
  t = await buildTestApp();
  editor = await loginAs(t.app, 'editor', TAOYUAN);
});
afterAll(async () => { await t?.close(); });

const siteId = async (name: string) => (await t.app.db.selectFrom('board_sites').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
/** The nearest elder care of a board site, elderly walk, as /api/reach serves it (with the route). */
const nearestElder = async (site: number) => {
  const r = await t.app.inject(`/api/reach?site=${site}&profile=elderly&per_category=1&categories=${ELDER}&routes=true`);
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  const n = r.json().nearest[ELDER][0];
  return { walk_s: n.walk_s as number, walk_m: n.walk_m as number, walk_min: n.walk_min as number, name: n.name as string, point: [n.lon, n.lat] as [number, number], origin: r.json().origin, coords: n.route.geometry.coordinates as number[][] };
};
/** /api/route from a site's place to a point, elderly walk. */
const routeFrom = async (from: [number, number], to: [number, number]) => {
  const r = await t.app.inject(`/api/route?from=${from.join(',')}&to=${to.join(',')}&profile=elderly`);
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  return r.json();
};
const passes = (coords: number[][], p: [number, number]) => coords.some(([x, y]) => Math.abs(x - p[0]) < 2e-6 && Math.abs(y - p[1]) < 2e-6);
const create = (payload: Record<string, unknown>) => editor.inject({ method: 'POST', url: '/api/network/corrections', payload });
const publish = (id: number, version: number) => editor.inject({ method: 'POST', url: `/api/network/corrections/${id}/publish`, payload: { version } });

describe('津港路: a signalised crossing of 友谊北路 (60 s), then a median fence', () => {
  it('the elderly walk from 吉居新里 to elder care is shorter with the signal, longer with the fence; the preview predicted what publishing served', async () => {
    const jiju = await siteId('吉居新里正门');
    const jingang = await siteId('津港路正门'); // "the 津港路 gate (site 50)": on 津港路 itself, 40 m from its end
    const before = await nearestElder(jiju);
    const beforeJingang = await nearestElder(jingang);
    // Today's walk goes north up the west carriageway and crosses at 永安道; it never leaves at 津港路's latitude.
    expect(passes(before.coords, [117.1979597, 39.1042151])).toBe(true); // 永安道 × 友谊北路 (west carriageway)
    expect(passes(before.coords, WEST_KERB)).toBe(false);

    // A crossing needs a junction: before the link is drawn there is none within 25 m (400 naming geometry).
    const early = await create({ kind: 'crossing', geometry: { type: 'Point', coordinates: CROSSING }, crossing: 'signalised', wait_s: 60 });
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json().field).toBe('geometry');
    expect(early.json().message_zh).toContain('次干道');

    // The three strokes, ground level, published by the street office.
    const strokes: [number, number][][] = [[JINGANG_END, WEST_KERB], [WEST_KERB, EAST_KERB], [EAST_KERB, SHAOXING]];
    for (const coordinates of strokes) {
      const p = await create({ kind: 'path', geometry: { type: 'LineString', coordinates }, note: '示例：津港路过友谊北路' });
      expect(p.statusCode, p.body).toBe(201);
      expect(p.json().attributes).toMatchObject({ level: 'ground', steps: false });
      expect((await publish(p.json().id, 1)).statusCode).toBe(200);
    }
    // With the link and no crossing recorded, the general rule lets everyone cross a secondary road for free.
    const linked = await nearestElder(jiju);
    expect(linked.walk_s).toBeLessThan(before.walk_s);

    // The crossing: signalised, 60 s mean wait, at the new junction (both carriageways within 25 m).
    const signal = await create({ kind: 'crossing', geometry: { type: 'Point', coordinates: CROSSING }, crossing: 'signalised', wait_s: 60 });
    expect(signal.statusCode, signal.body).toBe(201);
    const preview = await editor.inject({ method: 'POST', url: `/api/network/corrections/${signal.json().id}/preview`, payload: { origin: [before.origin.lon, before.origin.lat], profile: 'elderly' } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().action).toBe('publish');
    const predicted = preview.json().sites.find((s: any) => s.site_id === jiju && s.profile === 'elderly' && s.category_id === ELDER);
    expect(predicted, JSON.stringify(preview.json().sites.filter((s: any) => s.site_id === jiju))).toBeTruthy();
    expect(predicted.before.walk_s).toBe(linked.walk_s);
    expect((await nearestElder(jiju)).walk_s).toBe(linked.walk_s); // a draft changes nothing live

    expect((await publish(signal.json().id, 1)).statusCode).toBe(200);
    const withSignal = await nearestElder(jiju);
    // What the preview said is what /api/reach and /api/route serve.
    expect(withSignal.walk_s).toBe(predicted.after.walk_s);
    expect(withSignal.name).toBe(predicted.after.point_name);
    expect(preview.json().origin.after.nearest[ELDER].walk_s).toBe(withSignal.walk_s);
    const served = await routeFrom([withSignal.origin.lon, withSignal.origin.lat], withSignal.point);
    expect(served.properties.walk_s).toBe(withSignal.walk_s);
    // Shorter than before, over the crossing.
    expect(withSignal.walk_s).toBeLessThan(before.walk_s);
    expect(passes(withSignal.coords, WEST_KERB) && passes(withSignal.coords, EAST_KERB)).toBe(true);
    // The wait as the engine counts it: 吉居新里's walk comes up 友谊北路 and turns across, so it pays the half
    // counted where the crossing is left (30 s); 津港路's gate comes straight over from 津港路 and pays all 60 s.
    expect(withSignal.walk_s - linked.walk_s).toBeCloseTo(30, 6);
    const jingangLinkedS = (preview.json().sites.find((s: any) => s.site_id === jingang && s.profile === 'elderly' && s.category_id === ELDER)?.before?.walk_s) as number;
    const jingangSignal = await nearestElder(jingang);
    expect(jingangSignal.walk_s).toBeLessThan(beforeJingang.walk_s);
    expect(passes(jingangSignal.coords, JINGANG_END) && passes(jingangSignal.coords, EAST_KERB)).toBe(true);
    expect(jingangSignal.walk_s - jingangLinkedS).toBeCloseTo(60, 6);

    // The office learns there is a median fence: the crossing becomes "none" (an edit of a published one is live).
    const fence = await editor.inject({ method: 'PATCH', url: `/api/network/corrections/${signal.json().id}`, payload: { version: 2, crossing: 'none' } });
    expect(fence.statusCode, fence.body).toBe(200);
    expect(fence.json()).toMatchObject({ status: 'published', attributes: { crossing: 'none', wait_s: null } });
    const fenced = await nearestElder(jiju);
    expect(fenced.walk_s).toBeGreaterThan(withSignal.walk_s);
    // Longer than with the signal, and the same as before anything was drawn: the link is a dead end at both kerbs.
    expect(fenced.walk_s).toBe(before.walk_s);
    // It walks past the west kerb (the link's landing is now a vertex of the carriageway) and crosses at 永安道 again.
    expect(passes(fenced.coords, EAST_KERB)).toBe(false);
    expect(passes(fenced.coords, [117.1979597, 39.1042151])).toBe(true);
    expect((await routeFrom([fenced.origin.lon, fenced.origin.lat], fenced.point)).properties.walk_s).toBe(fenced.walk_s);
    expect((await nearestElder(jingang)).walk_s).toBe(beforeJingang.walk_s);

    console.log(`津港路 crossing, elderly walk to ${before.name}: 吉居新里正门 (site ${jiju}) before ${before.walk_s} s / ${before.walk_m} m / ${before.walk_min} min;`
      + ` linked, crossing free ${linked.walk_s} s / ${linked.walk_m} m / ${linked.walk_min} min; signalised 60 s ${withSignal.walk_s} s / ${withSignal.walk_m} m / ${withSignal.walk_min} min (to ${withSignal.name});`
      + ` none ${fenced.walk_s} s / ${fenced.walk_min} min. 津港路正门 (site ${jingang}) before ${beforeJingang.walk_s} s / ${beforeJingang.walk_min} min,`
      + ` linked ${jingangLinkedS} s, signalised ${jingangSignal.walk_s} s / ${jingangSignal.walk_min} min`);
  });

  it('a crossing away from any junction with a trunk, primary or secondary road is a 400 naming geometry', async () => {
    // 津港路 meets an unnamed residential street at its end: a junction, but of two residential streets.
    const r = await create({ kind: 'crossing', geometry: { type: 'Point', coordinates: [117.1962835, 39.1037709] }, crossing: 'zebra' }); // 湛江路 × the same street
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().field).toBe('geometry');
    expect(r.json().message).toContain('secondary');
    expect(r.json().message_zh).toBeTruthy();
  });
});
