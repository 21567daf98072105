// Planning that ends in a decision, on the real Hexi network and the Taoyuan sample set: suggestions
// where every site adds compounds, the fewest new sites (exact, HiGHS) checked independently against the
// reverse-search coverage sets, a brute force over smaller sets and the forward what-if.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { siteInstanceFor } from '../../server/coverage/planning.ts';
import { undominated } from '../../server/coverage/siteSelection.ts';

const TAOYUAN = '120103003000';

let t: TestApp;
let viewer: LoggedIn;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  viewer = await loginAs(t.app, 'viewer');
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
