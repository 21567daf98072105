// Benchmark section: coverage. The whole-district analysis (every compound × 10 categories), one
// what-if and one suggestion run, in process on the real Hexi network — for the sample set and for a
// district-sized synthetic set — and once through the app on the embedded database (GET /api/coverage
// with the database reads, then the cached answer).

import fs from 'node:fs';
import path from 'node:path';
import { registerBenchSection } from './registry.ts';
import { fmtMs, percentile, seededRandom, ROOT } from './context.ts';
import { benchApp, preparedTemplate } from './benchApp.ts';
import { loadCatalog } from '../../server/catalog.ts';
import { analyseCoverage, type CoverageCompound } from '../../server/coverage/analysis.ts';
import { CoverageSettings } from '../../server/coverage/targets.ts';
import { planFewestSites, suggest, whatIf } from '../../server/coverage/planning.ts';
import { WalkingEngine } from '../../server/network/walkingEngine.ts';
import { loadWalkingProfiles } from '../../server/network/profiles.ts';

interface SampleFile {
  street_code: string;
  points: { external_id: string; name: string; category: string; lon: number; lat: number }[];
  compounds: { name: string; community_code: string; lon: number; lat: number; households: number; residents: number;
    gates: { name: string; lon: number; lat: number; step_free: boolean }[] }[];
}

registerBenchSection({
  name: 'coverage',
  title: 'Coverage: whole-district analysis, what-if and suggestions (in process, then through the app)',
  order: 40,
  async run(ctx) {
    const { engine: districtEngine, graph, districtGates, points } = ctx.hexi();
    const catalog = loadCatalog();
    const categories = catalog.categories.map((c) => c.id);
    const settings = new CoverageSettings(catalog);
    const sample = JSON.parse(fs.readFileSync(path.join(ROOT, 'data/sample/taoyuan-sample.json'), 'utf8')) as SampleFile;
    let gateId = 1;
    const sampleCompounds: CoverageCompound[] = sample.compounds.map((c, i) => ({
      id: i + 1, name: c.name, street_code: sample.street_code, community_code: c.community_code, households: c.households,
      residents: c.residents, lon: c.lon, lat: c.lat, gates: c.gates.map((g) => ({ id: gateId++, ...g })),
    }));
    // The sample set against its own points only (the real story: the deliberate gaps); the synthetic
    // district against the fixture's district-wide points.
    const sampleEngine = new WalkingEngine<{ id: string; category_id: string; lon: number; lat: number; name: string }>(graph, loadWalkingProfiles());
    sampleEngine.points.setAll(sample.points.map((p) => ({ id: p.external_id, category_id: p.category, lon: p.lon, lat: p.lat, name: p.name })));
    const rnd = seededRandom(77);
    const districtCompounds: CoverageCompound[] = districtGates.map((g, i) => {
      const households = Math.round(200 + rnd() * 1200);
      return {
        id: 100000 + i, name: `synthetic ${i}`, street_code: '120103000000', community_code: null, households,
        residents: Math.round(households * 2.6), lon: g.lon, lat: g.lat, gates: [{ id: 100000 + i, name: 'gate', lon: g.lon, lat: g.lat, step_free: true }],
      };
    });
    ctx.note(`sample set: ${sampleCompounds.length} compounds, ${sample.points.length} points; district: ${districtCompounds.length} synthetic compounds (one gate each) against ${points.length} points (sample + synthetic, 50 per category)`);
    const runs = (n: number, fn: () => unknown) => ctx.time(Array.from({ length: n }, (_, i) => i), fn, 2);

    for (const [label, compounds, engine] of [['sample set', sampleCompounds, sampleEngine], ['district-wide synthetic', districtCompounds, districtEngine]] as const) {
      for (const profile of ['standard', 'elderly']) {
        const ms = runs(7, () => analyseCoverage(engine, compounds, settings, profile, categories));
        ctx.figure(`analysis: ${compounds.length} ${label} compounds × 10 categories, ${profile}`, `median ${fmtMs(percentile(ms, 50))}  max ${fmtMs(ms.at(-1)!)}`);
        if (profile === 'standard') ctx.results.set(`coverage.${compounds === districtCompounds ? 'district' : 'sample'}`, percentile(ms, 50));
      }
    }

    const engine = sampleEngine;
    const sampleModel = analyseCoverage(sampleEngine, sampleCompounds, settings, 'standard', categories);
    const districtModel = analyseCoverage(districtEngine, districtCompounds, settings, 'standard', categories);
    const gapsOf = (m: typeof sampleModel, category: string) => m.rows.filter((r) => r.category === category && r.status === 'gap').length;
    const canteen = { category: 'elder_care', lon: 117.1955, lat: 39.1032 };
    const w = whatIf(engine, sampleModel, settings, canteen);
    const wMs = runs(20, () => whatIf(engine, sampleModel, settings, canteen));
    ctx.figure('what-if: elder canteen by 津港路, sample set', `median ${fmtMs(percentile(wMs, 50))} — covers ${w.newly_covered_compounds} compounds, ${w.newly_covered_residents} residents`);
    const dMs = runs(20, () => whatIf(districtEngine, districtModel, settings, canteen));
    ctx.figure(`what-if: same place, ${districtCompounds.length} synthetic compounds`, `median ${fmtMs(percentile(dMs, 50))}`);

    const s = suggest(engine, sampleModel, settings, { category: 'elder_care', street: sample.street_code });
    const sMs = runs(5, () => suggest(engine, sampleModel, settings, { category: 'elder_care', street: sample.street_code }));
    const best = s.suggestions[0];
    ctx.figure(`suggest: elder care in 桃园街道 (${s.gap_compounds} gap compounds, ${s.candidates_evaluated} candidates every ${s.spacing_m} m)`,
      `median ${fmtMs(percentile(sMs, 50))} — best ${best?.location.lon},${best?.location.lat} (${best?.location.road ?? 'unnamed way'}) covers ${best?.newly_covered_residents} residents`);
    const category = categories.reduce((a, b) => (gapsOf(districtModel, b) > gapsOf(districtModel, a) ? b : a));
    const ds = suggest(districtEngine, districtModel, settings, { category });
    const dsMs = runs(3, () => suggest(districtEngine, districtModel, settings, { category }));
    ctx.figure(`suggest: ${category}, whole district (${ds.gap_compounds} gap compounds, ${ds.candidates_evaluated} candidates every ${Math.round(ds.spacing_m ?? 0)} m)`,
      `median ${fmtMs(percentile(dsMs, 50))} — best covers ${ds.suggestions[0]?.newly_covered_compounds ?? 0} compounds`);

    await throughTheApp(ctx);
  },
});

registerBenchSection({
  name: 'fewest-sites',
  title: 'Coverage: the fewest new sites closing the gaps of one category, district-wide, solved exactly (HiGHS) beside greedy',
  order: 41,
  async run(ctx) {
    const { engine, districtGates } = ctx.hexi();
    const catalog = loadCatalog();
    const categories = catalog.categories.map((c) => c.id);
    const settings = new CoverageSettings(catalog);
    const rnd = seededRandom(77);
    const compounds: CoverageCompound[] = districtGates.map((g, i) => ({
      id: 100000 + i, name: `synthetic ${i}`, street_code: '120103000000', community_code: null, households: null,
      residents: Math.round((200 + rnd() * 1200) * 2.6), lon: g.lon, lat: g.lat, gates: [{ id: 100000 + i, name: 'gate', lon: g.lon, lat: g.lat, step_free: true }],
    }));
    for (const profile of ['standard', 'elderly']) {
      const model = analyseCoverage(engine, compounds, settings, profile, categories);
      const gaps = (c: string) => model.rows.filter((r) => r.category === c && r.status === 'gap').length;
      const category = categories.reduce((a, b) => (gaps(b) > gaps(a) ? b : a));
      const a = await planFewestSites(engine, model, settings, { category, budget: 5 });
      ctx.figure(`fewest sites: ${category}, district, ${profile} (${a.gap_compounds} gap compounds, ${a.candidates_evaluated} candidates every ${Math.round(a.spacing_m ?? 0)} m, ${a.uncoverable.length} uncoverable)`,
        `${a.cover.proven_optimal ? 'proven optimal' : a.cover.status} ${a.cover.count} sites (greedy ${a.cover.greedy_count}); HiGHS ${fmtMs(a.cover.solve_ms)} on ${a.cover.variables} variables × ${a.cover.constraints} rows; whole answer ${fmtMs(a.computed_ms)}`);
      if (a.budget) {
        ctx.figure(`best 5 sites by residents: ${category}, district, ${profile}`,
          `${a.budget.proven_optimal ? 'proven optimal' : a.budget.status} ${a.budget.residents_covered} residents (greedy ${a.budget.greedy_residents}); HiGHS ${fmtMs(a.budget.solve_ms)}`);
      }
      if (profile === 'standard') ctx.results.set('coverage.fewest_sites_solve', a.cover.solve_ms);
    }
  },
});

/** GET /api/coverage for the whole district on the embedded database: first answer, then cached. */
async function throughTheApp(ctx: Parameters<Parameters<typeof registerBenchSection>[0]['run']>[0]): Promise<void> {
  const template = preparedTemplate();
  if (!template) { ctx.note('no prepared test database in .cache/test-db (run npm test once): skipping the in-app measurement'); return; }
  const [{ createStaffUser }, { generatePassword }] = await Promise.all([
    import('../../server/auth/users.ts'), import('../../server/auth/passwords.ts'),
  ]);
  const app = await benchApp(ctx, 'coverage', template);
  const password = generatePassword();
  await createStaffUser(app.db, { username: 'bench_viewer', password, role: 'viewer', street_code: null });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench_viewer', password } });
  const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const get = async (url: string) => {
    const t0 = performance.now();
    const res = await app.inject({ url, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    return { ms: performance.now() - t0, body: res.json() as { analysis_ms: number; rows_total: number } };
  };
  const first = await get('/api/coverage?profile=standard');
  ctx.figure('GET /api/coverage (district, standard): first answer', `${fmtMs(first.ms)} (analysis ${fmtMs(first.body.analysis_ms)}, ${first.body.rows_total} rows, incl. database reads)`);
  const again = await get('/api/coverage?profile=standard');
  ctx.figure('GET /api/coverage again (nothing changed: cached analysis)', fmtMs(again.ms));
  await app.dataEvents.publish(app.db, { kind: 'settings' });
  const after = await get('/api/coverage?profile=standard');
  ctx.figure('GET /api/coverage after a data change (recomputed)', fmtMs(after.ms));
}
