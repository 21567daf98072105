// Benchmark sections of the walking engine on the real Hexi network: one reach (rings + nearest per
// category) and its parts, and the district batch (every gate × 10 categories).

import { registerBenchSection } from './registry.ts';
import { fmtMs, percentile } from './context.ts';
import type { LonLat } from '../../server/geo.ts';

registerBenchSection({
  name: 'reach',
  title: 'Walking engine: one 15-minute reach on the Hexi network (in process)',
  order: 10,
  async run(ctx) {
    const { graph, buildMs, engine, points, origins } = ctx.hexi();
    ctx.figure('graph build (from GeoJSON, incl. kerb-gap pass)', `${fmtMs(buildMs)} — ${graph.nodeCount} nodes, ${graph.edgeCount} edges`);
    ctx.note(`${points.length} points: ${points.filter((p) => !p.synthetic).length} from the sample set + ${points.filter((p) => p.synthetic).length} synthetic (50 per category district-wide); ${origins.length} random origins`);
    // Rings packed (what the resident map and the phone page ask for) and as GeoJSON. Every kind is warmed
    // up first (1 s each), so the figures are those of a running server's optimized code.
    const kinds = (['packed', 'geojson'] as const).flatMap((format) => ['standard', 'elderly'].map((profile) => ({ format, profile })));
    for (const { format, profile } of kinds) ctx.warm(origins, (o) => engine.reach(o, { profile, minutes: [5, 10, 15], perCategory: 3, ringFormat: format }), 1000);
    for (const [format, label] of [['packed', 'rings packed'], ['geojson', 'rings GeoJSON']] as const) {
      for (const profile of ['standard', 'elderly']) {
        const ask = (o: LonLat) => engine.reach(o, { profile, minutes: [5, 10, 15], perCategory: 3, ringFormat: format });
        ctx.warm(origins, ask, 300);
        const reach = ctx.time(origins, ask, 0);
        ctx.figure(`reach ${profile}, ${label}: rings 5/10/15 + nearest 3 × 10 categories`, `p50 ${fmtMs(percentile(reach, 50))}  p95 ${fmtMs(percentile(reach, 95))}  max ${fmtMs(reach.at(-1)!)}`);
        if (profile === 'standard') {
          ctx.results.set(`reach.${format}.p50`, percentile(reach, 50));
          if (format === 'packed') { ctx.results.set('reach.p50', percentile(reach, 50)); ctx.results.set('reach.p95', percentile(reach, 95)); }
          ctx.figure('  same, CPU time per reach (mean)', fmtMs(ctx.cpuPerCall(origins, ask)));
        }
      }
    }
    ctx.warm(origins, (o) => engine.travelTimes(o, 'standard', 15 * 60), 500);
    const times = ctx.time(origins, (o) => engine.travelTimes(o, 'standard', 15 * 60));
    ctx.results.set('travelTimes15.p50', percentile(times, 50));
    ctx.figure('  of which: travel times to every node within 15 min', `p50 ${fmtMs(percentile(times, 50))}  p95 ${fmtMs(percentile(times, 95))}`);
    ctx.warm(origins, (o) => engine.rings(o, 'standard', [5, 10, 15]), 500);
    const rings = ctx.time(origins, (o) => engine.rings(o, 'standard', [5, 10, 15]));
    ctx.figure('  of which: rings only (search + raster + marching squares)', `p50 ${fmtMs(percentile(rings, 50))}  p95 ${fmtMs(percentile(rings, 95))}`);
    ctx.warm(origins, (o) => engine.nearest(o, { profile: 'standard', perCategory: 3 }), 500);
    const nearest = ctx.time(origins, (o) => engine.nearest(o, { profile: 'standard', perCategory: 3 }));
    ctx.figure('  of which: nearest 3 per category only', `p50 ${fmtMs(percentile(nearest, 50))}  p95 ${fmtMs(percentile(nearest, 95))}`);
    const route = ctx.time(origins.slice(0, 200), (o) => engine.route(o, origins[(origins.indexOf(o) + 7) % origins.length], 'standard'));
    ctx.figure('route between two random places', `p50 ${fmtMs(percentile(route, 50))}  p95 ${fmtMs(percentile(route, 95))}`);
    const size = (format: 'packed' | 'geojson') => (JSON.stringify(engine.reach(origins[0], { profile: 'standard', minutes: [5, 10, 15], perCategory: 3, ringFormat: format })).length / 1024).toFixed(0);
    ctx.note(`a reach answer is about ${size('packed')} KB of JSON with packed rings, ${size('geojson')} KB with GeoJSON rings`);
  },
});

registerBenchSection({
  name: 'batch',
  title: 'Walking engine: every gate × 10 categories (one multi-source pass per category)',
  order: 20,
  async run(ctx) {
    const { engine, sampleGates, districtGates } = ctx.hexi();
    const runs = (n: number, fn: () => unknown) => ctx.time(Array.from({ length: n }, (_, i) => i), fn, 2);
    for (const [label, gates] of [['sample set gates', sampleGates], ['district-wide synthetic gates', districtGates]] as const) {
      for (const profile of ['standard', 'elderly']) {
        const ms = runs(7, () => engine.batchNearest(gates, { profile }));
        ctx.figure(`${gates.length} ${label} × 10 categories, ${profile}`, `median ${fmtMs(percentile(ms, 50))}  max ${fmtMs(ms.at(-1)!)}`);
        if (profile === 'standard') {
          ctx.results.set(`batch.${gates === districtGates ? 'district' : 'sample'}`, percentile(ms, 50));
          ctx.figure('  same, CPU time per batch (mean)', fmtMs(ctx.cpuPerCall([0, 1, 2], () => engine.batchNearest(gates, { profile }))));
        }
      }
    }
  },
});
