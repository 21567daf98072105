// Planning that ends in a decision, on the real Hexi network and the Taoyuan sample set: suggestions
// where every site adds compounds, the fewest new sites (exact, HiGHS) checked independently against the
// reverse-search coverage sets, a brute force over smaller sets and the forward what-if.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { siteInstanceFor } from '../../server/coverage/planning.ts';
import { undominated } from '../../server/coverage/siteSelection.ts';

const TAOYUAN = '120103003000';

let t: TestApp;
let viewer: LoggedIn, editor: LoggedIn, otherEditor: LoggedIn;
const OTHER_STREET = '120103001000';

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  [viewer, editor, otherEditor] = await Promise.all([loginAs(t.app, 'viewer'), loginAs(t.app, 'editor', TAOYUAN), loginAs(t.app, 'editor', OTHER_STREET)]);
});
afterAll(async () => { await t?.close(); });

/** Whether some `size` of `sets` together cover all of `must` (plain enumeration of combinations). */
function someSubsetCovers(sets: readonly (readonly number[])[], must: ReadonlySet<number>, size: number): boolean {
  const pick: number[] = [];
  const covers = () => {
    const got = new Set<number>();
    for (const i of pick) for (const j of sets[i]) got.add(j);
    for (const j of must) if (!got.has(j)) return false;
    return true;
  };
  const walk = (from: number): boolean => {
    if (pick.length === size) return covers();
    for (let i = from; i <= sets.length - (size - pick.length); i++) {
      pick.push(i);
      if (walk(i + 1)) return true;
      pick.pop();
    }
    return false;
  };
  return size === 0 ? must.size === 0 : walk(0);
}

describe('suggestions are diverse', () => {
  it('elder care in 桃园街道: every suggested site adds compounds the earlier ones do not cover', async () => {
    const res = await viewer.inject({ method: 'POST', url: '/api/coverage/suggest', payload: { category: 'elder_care', street: TAOYUAN, top: 5 } });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.suggestions.length).toBeGreaterThanOrEqual(2);
    const seen = new Set<number>();
    for (const x of s.suggestions) {
      expect(x.adds_compounds, x.place_name).toBeGreaterThan(0);
      expect(x.adds_compound_ids).toHaveLength(x.adds_compounds);
      for (const id of x.adds_compound_ids) {
        expect(seen.has(id), `${x.place_name} repeats compound ${id}`).toBe(false);
        seen.add(id);
        // the forward what-if of the same place confirms the compound it claims
        expect(x.newly_covered.map((c: { compound_id: number }) => c.compound_id)).toContain(id);
      }
      expect(x.place_name).not.toMatch(/无名道路/);
    }
    const gains = s.suggestions.map((x: { adds_residents: number }) => x.adds_residents);
    expect(gains).toEqual([...gains].sort((a: number, b: number) => b - a));
    // places are named by street and cross street
    expect(s.suggestions.some((x: { place_name: string }) => /与.+交口附近$/.test(x.place_name))).toBe(true);
  });
});

describe('the fewest new sites, solved exactly', () => {
  for (const profile of ['standard', 'elderly']) {
    it(`elder care in 桃园街道 (${profile}): proven optimal, not more than greedy, covers every coverable gap, and no smaller set exists`, async () => {
      const res = await viewer.inject({ method: 'POST', url: '/api/coverage/fewest-sites', payload: { category: 'elder_care', street: TAOYUAN, profile, budget: 2 } });
      expect(res.statusCode, res.body).toBe(200);
      const a = res.json();
      expect(a.gap_compounds).toBeGreaterThan(0);
      expect(a.cover.status).toBe('optimal');
      expect(a.cover.proven_optimal).toBe(true);
      expect(a.cover.count).toBe(a.cover.sites.length);
      expect(a.cover.count).toBeGreaterThan(0);
      expect(a.cover.count).toBeLessThanOrEqual(a.cover.greedy_count);

      // Independently: the coverage sets the reverse search computes for the same scope.
      const snap = await t.app.coverage.snapshot(profile);
      const { gaps, candidates, instance } = siteInstanceFor(snap.engine, snap.model, snap.settings, { category: 'elder_care', street: TAOYUAN });
      expect(gaps.length).toBe(a.gap_compounds);
      const coverableIds = new Set(instance.sets.flat().map((k) => gaps[k].c.id));
      expect(coverableIds.size + a.uncoverable.length).toBe(a.gap_compounds);
      // the chosen places really cover every coverable gap compound (sets looked up by position, not trusted from the answer)
      const union = new Set<number>();
      for (const site of a.cover.sites) {
        const i = candidates.findIndex((c) => c.lon === site.lon && c.lat === site.lat);
        expect(i, site.place_name).toBeGreaterThanOrEqual(0);
        for (const k of instance.sets[i]) union.add(gaps[k].c.id);
      }
      expect([...coverableIds].filter((id) => !union.has(id))).toEqual([]);

      // no smaller set exists: a brute force over every set of (optimum − 1) places
      const keep = undominated(instance.sets).map((i) => instance.sets[i]);
      const must = new Set(instance.sets.flat());
      const combos = (n: number, k: number) => { let c = 1; for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1); return c; };
      expect(combos(keep.length, a.cover.count - 1)).toBeLessThan(5e6);
      expect(someSubsetCovers(keep, must, a.cover.count - 1)).toBe(false);
      expect(someSubsetCovers(keep, must, a.cover.count)).toBe(true);

      // the forward what-if of each chosen place confirms the compounds the reverse search assigned it
      const first = a.cover.sites[0];
      const w = await viewer.inject({ method: 'POST', url: '/api/coverage/what-if', payload: { category: 'elder_care', lon: first.lon, lat: first.lat, profile } });
      expect(w.statusCode, w.body).toBe(200);
      const forward = new Set(w.json().newly_covered.map((c: { compound_id: number }) => c.compound_id));
      for (const id of first.compound_ids) expect(forward.has(id), `compound ${id}`).toBe(true);

      // the budget answer: k places, at least as many residents as greedy's k
      expect(a.budget.status).toBe('optimal');
      expect(a.budget.sites.length).toBeLessThanOrEqual(2);
      expect(a.budget.residents_covered).toBeGreaterThanOrEqual(a.budget.greedy_residents);
      console.log(`[fewest-sites ${profile}] gaps ${a.gap_compounds}, uncoverable ${a.uncoverable.length}, candidates ${a.candidates_evaluated} → ${keep.length} undominated; optimum ${a.cover.count} (greedy ${a.cover.greedy_count}), solve ${a.cover.solve_ms} ms; budget 2: ${a.budget.residents_covered} residents (greedy ${a.budget.greedy_residents})`);
    });
  }

  it('refuses an unknown category or street with a 400 naming the field', async () => {
    const bad = await viewer.inject({ method: 'POST', url: '/api/coverage/fewest-sites', payload: { category: 'nonsense' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('category');
    const street = await viewer.inject({ method: 'POST', url: '/api/coverage/fewest-sites', payload: { category: 'elder_care', street: '120103999000' } });
    expect(street.statusCode).toBe(400);
    expect(street.json().field).toBe('street');
    expect((await t.app.inject({ method: 'POST', url: '/api/coverage/fewest-sites', payload: { category: 'elder_care' } })).statusCode).toBe(401);
  });
});

describe('saved scenarios', () => {
  it('a scenario with two points compared with another, one point turned into a draft service point', async () => {
    // the second point: a place the exact answer picks, away from 津港路
    const fewest = (await viewer.inject({ method: 'POST', url: '/api/coverage/fewest-sites', payload: { category: 'elder_care', street: TAOYUAN } })).json();
    const jingang = { category: 'elder_care', lon: 117.1955, lat: 39.1032, label: '津港路北侧' };
    const other = fewest.cover.sites.find((x: { compound_ids: number[]; lon: number; lat: number }) => x.compound_ids.length > 0 && Math.hypot(x.lon - jingang.lon, x.lat - jingang.lat) > 0.004);
    expect(other).toBeDefined();

    const a = await editor.inject({ method: 'POST', url: '/api/coverage/scenarios', payload: {
      name: '两处老人家食堂', points: [jingang, { category: 'elder_care', lon: other.lon, lat: other.lat }] } });
    expect(a.statusCode, a.body).toBe(201);
    const A = a.json();
    expect(A.street_code).toBe(TAOYUAN); // the editor's own street by default
    expect(A.points).toHaveLength(2);
    expect(A.version).toBe(1);
    const b = await editor.inject({ method: 'POST', url: '/api/coverage/scenarios', payload: { street_code: TAOYUAN, name: '只在津港路', points: [jingang] } });
    expect(b.statusCode, b.body).toBe(201);
    const B = b.json();
    expect(B.effect.compounds).toBeGreaterThan(0);
    expect(A.effect.compounds).toBeGreaterThan(B.effect.compounds);

    const cmp = await viewer.inject({ url: `/api/coverage/scenarios/compare?a=${A.id}&b=${B.id}` });
    expect(cmp.statusCode, cmp.body).toBe(200);
    const c = cmp.json();
    expect(c.both.items).toBe(B.effect.items.length); // B's point is also in A
    expect(c.only_b.items).toBe(0);
    expect(c.only_a.items).toBe(A.effect.items.length - B.effect.items.length);
    expect(c.only_a.items).toBeGreaterThan(0);
    expect(c.only_a.list.map((x: { compound_id: number }) => x.compound_id).every((id: number) => other.compound_ids.includes(id))).toBe(true);

    // roles: another street's editor cannot save in or change this street; a viewer cannot write
    const foreign = await otherEditor.inject({ method: 'POST', url: '/api/coverage/scenarios', payload: { street_code: TAOYUAN, name: 'x', points: [jingang] } });
    expect(foreign.statusCode).toBe(403);
    expect((await otherEditor.inject({ method: 'PATCH', url: `/api/coverage/scenarios/${A.id}`, payload: { version: 1, name: 'y' } })).statusCode).toBe(403);
    expect((await viewer.inject({ method: 'POST', url: '/api/coverage/scenarios', payload: { street_code: TAOYUAN, name: 'x', points: [jingang] } })).statusCode).toBe(403);
    const badCat = await editor.inject({ method: 'POST', url: '/api/coverage/scenarios', payload: { name: 'x', points: [{ ...jingang, category: 'nonsense' }] } });
    expect(badCat.statusCode).toBe(400);
    expect(badCat.json().field).toBe('points.0.category');

    // versions: a rename moves to version 2; an edit based on version 1 is refused
    const renamed = await editor.inject({ method: 'PATCH', url: `/api/coverage/scenarios/${A.id}`, payload: { version: 1, name: '两处老人家食堂（方案甲）' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().version).toBe(2);
    expect((await editor.inject({ method: 'PATCH', url: `/api/coverage/scenarios/${A.id}`, payload: { version: 1, name: 'stale' } })).statusCode).toBe(409);

    // one point becomes a draft service point: created closed, marked 规划草稿, so coverage does not change
    const gapsBefore = (await viewer.inject({ url: `/api/coverage?street=${TAOYUAN}&category=elder_care&status=gap` })).json().rows_total;
    const draft = await editor.inject({ method: 'POST', url: `/api/coverage/scenarios/${A.id}/points/0/draft`, payload: { version: 2 } });
    expect(draft.statusCode, draft.body).toBe(201);
    const d = draft.json();
    expect(d.point_status).toBe('closed');
    expect(d.point_name).toBe('【规划草稿】津港路北侧');
    expect(d.scenario.points[0].draft_point_id).toBe(d.point_id);
    expect(d.scenario.version).toBe(3);
    const stored = await t.app.db.selectFrom('service_points').select(['status', 'source', 'category_id', 'street_code']).where('id', '=', d.point_id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'closed', source: 'planning', category_id: 'elder_care', street_code: TAOYUAN });
    expect((await viewer.inject({ url: `/api/coverage?street=${TAOYUAN}&category=elder_care&status=gap` })).json().rows_total).toBe(gapsBefore);
    const again = await editor.inject({ method: 'POST', url: `/api/coverage/scenarios/${A.id}/points/0/draft`, payload: { version: 3 } });
    expect(again.statusCode).toBe(400);
    expect(again.json().field).toBe('index');
    expect((await editor.inject({ method: 'POST', url: `/api/coverage/scenarios/${A.id}/points/5/draft`, payload: { version: 3 } })).json().field).toBe('index');

    // listed for the street, and every step is in the audit log
    const list = (await viewer.inject({ url: `/api/coverage/scenarios?street=${TAOYUAN}` })).json();
    expect(list.scenarios.map((x: { id: number }) => x.id)).toEqual(expect.arrayContaining([A.id, B.id]));
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'entity', 'entity_id'])
      .where((eb) => eb.or([eb('entity', '=', 'coverage_scenario'), eb.and([eb('entity', '=', 'point'), eb('entity_id', '=', String(d.point_id))])])).orderBy('id').execute();
    expect(audit.filter((x) => x.entity_id === String(A.id)).map((x) => x.action)).toEqual(['create', 'update', 'draft_point']);
    expect(audit.some((x) => x.entity === 'point' && x.action === 'create')).toBe(true);

    // delete with the current version
    expect((await editor.inject({ method: 'DELETE', url: `/api/coverage/scenarios/${B.id}?version=1` })).statusCode).toBe(204);
    expect((await viewer.inject({ url: `/api/coverage/scenarios/${B.id}` })).statusCode).toBe(404);
  });
});
