// Benchmark section: the street check-up. The whole-district 15-minute surface (every usable edge sampled
// at 50 m, 10 categories) for each of the 3 profiles, in process on the real Hexi network with the
// fixture's district-wide points; then one street's report (桃园街道, zh) through the app on a copy of
// the prepared embedded test database: gathering (coverage, surface, suggestions, history) and the PDF.

import { registerBenchSection } from './registry.ts';
import { fmtMs, percentile } from './context.ts';
import { benchApp, preparedTemplate } from './benchApp.ts';
import { loadCatalog } from '../../server/catalog.ts';
import { CoverageSettings } from '../../server/coverage/targets.ts';
import { computeSurface } from '../../server/checkup/surface.ts';

registerBenchSection({
  name: 'checkup',
  title: 'Check-up: the district 15-minute surface (10 categories × 3 profiles) and one street\'s report',
  order: 45,
  async run(ctx) {
    const { engine } = ctx.hexi();
    const catalog = loadCatalog();
    const categories = catalog.categories.map((c) => c.id);
    const settings = new CoverageSettings(catalog);
    const profiles = catalog.profiles.map((p) => p.id);
    const all = ctx.time([0, 1, 2], () => {
      for (const profile of profiles) computeSurface(engine, profile, categories, (_, c) => settings.defaultMinutes(c, profile));
    }, 1);
    const one = computeSurface(engine, 'standard', categories, (_, c) => settings.defaultMinutes(c, 'standard'));
    ctx.figure(`district surface: ${one.samples.count} samples every ${one.samples.spacingM} m × 10 categories × 3 profiles`, `median ${fmtMs(percentile(all, 50))}  max ${fmtMs(all.at(-1)!)}`);
    await streetReport(ctx);
  },
});

async function streetReport(ctx: Parameters<Parameters<typeof registerBenchSection>[0]['run']>[0]): Promise<void> {
  const template = preparedTemplate();
  if (!template) { ctx.note('no prepared test database in .cache/test-db (run a test once): skipping the report'); return; }
  const [{ gatherReport }, { writeReportPdf }] = await Promise.all([
    import('../../server/checkup/reportContent.ts'), import('../../server/checkup/report.ts'),
  ]);
  const app = await benchApp(ctx, 'checkup', template);
  const street = { code: '120103003000', name: '桃园街道' };
  const once = async () => {
    const t0 = performance.now();
    const content = await gatherReport(app, street, 'standard', 'zh', () => {});
    const t1 = performance.now();
    const pdf = await writeReportPdf(content);
    return { gather: t1 - t0, pdf: performance.now() - t1, bytes: pdf.length };
  };
  const cold = await once();
  ctx.figure('report: 桃园街道, first (coverage + surface computed)', `${fmtMs(cold.gather + cold.pdf)} (gather ${fmtMs(cold.gather)}, PDF ${fmtMs(cold.pdf)}, ${(cold.bytes / 1024).toFixed(0)} KB)`);
  const warm = await once();
  ctx.figure('report: 桃园街道, again (analyses cached)', `${fmtMs(warm.gather + warm.pdf)} (gather ${fmtMs(warm.gather)}, PDF ${fmtMs(warm.pdf)})`);
}
