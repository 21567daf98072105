// Residents' 缺少服务 reports in planning, on the real network: a cluster of reports far from where the
// residents-only ranking puts its first site pulls the report-weighted first site towards the cluster
// (it answers them all), the answer says how reports were weighed, and the coverage map gets the
// demand by category.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { metresBetween, taoyuanSites, TAOYUAN } from '../desks/fixtures.ts';
import { loadFormKey, signFormToken } from '../../server/reports/formToken.ts';

let t: TestApp;
let viewer: LoggedIn;
const CLUSTER = 8;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  viewer = await loginAs(t.app, 'viewer');
});
afterAll(async () => { await t?.close(); });

const suggest = async (extra: Record<string, unknown> = {}) => {
  const res = await viewer.inject({ method: 'POST', url: '/api/coverage/suggest', payload: { category: 'elder_care', street: TAOYUAN, top: 3, ...extra } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('report-weighted site suggestions', () => {
  it('ranks the site answering a cluster of 缺少服务 reports higher as reports weigh more, and says so in the answer', async () => {
    const plain = await suggest();
    expect(plain.suggestions.length).toBeGreaterThan(0);
    expect(plain.report_weighting).toBeNull();
    const first = plain.suggestions[0].location;

    // The cluster: around the Taoyuan board site farthest from the residents-only first choice.
    const sites = await taoyuanSites(t.app);
    expect(sites.length).toBeGreaterThan(3);
    const far = sites.sort((a, b) => metresBetween(b, first) - metresBetween(a, first))[0];
    expect(metresBetween(far, first)).toBeGreaterThan(800);
    const key = await loadFormKey(t.app.db);
    for (let i = 0; i < CLUSTER; i++) {
      const res = await t.app.inject({
        method: 'POST', url: '/api/reports', remoteAddress: `10.7.${i}.1`,
        payload: { token: signFormToken(key, `cluster-device-${i}-xxxxxxxxxx`).token, kind: 'service_missing', category: 'elder_care',
          lon: far.lon + (i % 3 - 1) * 0.0003, lat: far.lat + (Math.floor(i / 3) - 1) * 0.0003 },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    // A report of another category nearby must not count.
    const other = await t.app.inject({ method: 'POST', url: '/api/reports', remoteAddress: '10.7.99.1',
      payload: { token: signFormToken(key, 'cluster-device-other-xxxxxxx').token, kind: 'service_missing', category: 'sports', lon: far.lon, lat: far.lat } });
    expect(other.statusCode).toBe(201);

    // At the default weight (100 residents a report) the three sites answer the whole cluster between them.
    const byDefault = await suggest({ weight_by_reports: true });
    expect(byDefault.report_weighting).toEqual({ residents_per_report: 100, reports_considered: CLUSTER, reports_answered: CLUSTER });
    // The residents-only ranking has no site near the cluster.
    for (const p of plain.suggestions) expect(metresBetween(p.location, far)).toBeGreaterThan(500);
    // Weighed more, the site answering the cluster climbs: above the residents-only second site at 1,000
    // residents a report (8 reports = 8,000 > its 4,346), first at 3,000 (24,000 > the first's 18,454).
    let previousRank = Infinity;
    for (const residentsPerReport of [1000, 3000]) {
      const weighted = await suggest({ weight_by_reports: true, residents_per_report: residentsPerReport });
      expect(weighted.report_weighting).toEqual({ residents_per_report: residentsPerReport, reports_considered: CLUSTER, reports_answered: CLUSTER });
      const answering = weighted.suggestions.findIndex((x: any) => x.answers_reports === CLUSTER);
      expect(answering).toBeGreaterThanOrEqual(0);
      const site = weighted.suggestions[answering];
      expect(site.answers_report_ids).toHaveLength(CLUSTER);
      // nearer the cluster than any residents-only choice
      for (const p of plain.suggestions) expect(metresBetween(site.location, far)).toBeLessThan(metresBetween(p.location, far));
      const plainRank = (k: number) => weighted.suggestions.findIndex((x: any) => x.location.lon === plain.suggestions[k].location.lon && x.location.lat === plain.suggestions[k].location.lat);
      if (plain.suggestions.length > 1 && plain.suggestions[1].adds_residents < CLUSTER * residentsPerReport) expect(answering).toBeLessThan(plainRank(1));
      if (plain.suggestions[0].adds_residents < CLUSTER * residentsPerReport) expect(answering).toBe(0);
      expect(answering).toBeLessThan(previousRank);
      previousRank = answering;
      const ids = weighted.suggestions.flatMap((x: any) => x.answers_report_ids);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(previousRank).toBe(0);
    // Unweighted again: unchanged by the reports.
    const again = await suggest();
    expect(again.suggestions[0].location).toEqual(first);
  });

  it('shows open 缺少服务 reports on the coverage map as demand by category', async () => {
    const res = await viewer.inject('/api/reports/demand?category=elder_care');
    expect(res.statusCode).toBe(200);
    expect(res.json().by_category).toEqual({ elder_care: CLUSTER });
    expect(res.json().features).toHaveLength(CLUSTER);
  });
});
