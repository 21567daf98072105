// Benchmark section of the network corrections (路网纠错) on the real Hexi network: what a publish costs
// (the graph rebuilt with the published corrections, the points snapped again, the district's coverage)
// and whether reach stays as fast with 1,000 corrections loaded, with and without a time of day (`at=`).

import { fileURLToPath } from 'node:url';
import { registerBenchSection } from './registry.ts';
import { fmtMs, percentile, seededRandom } from './context.ts';
import { loadRoadsGeoJson } from '../../server/network/osmWays.ts';
import { buildWalkingGraph, NODE_MAJOR_JUNCTION } from '../../server/network/walkingGraph.ts';
import { WalkingEngine } from '../../server/network/walkingEngine.ts';
import { loadWalkingProfiles } from '../../server/network/profiles.ts';
import { buildCorrectedGraph, parseDistrictTime, type DistrictTime, type NetworkCorrection } from '../../server/network/corrections.ts';
import { loadCatalog } from '../../server/catalog.ts';
import { analyseCoverage, type CoverageCompound } from '../../server/coverage/analysis.ts';
import { CoverageSettings } from '../../server/coverage/targets.ts';
import type { LonLat } from '../../server/geo.ts';

const ROADS = fileURLToPath(new URL('../../data/osm/hexi_osm_roads.geojson', import.meta.url));

/**
 * `n` corrections spread over the network: a quarter each of paths, closures, gates and crossings.
 * Half the gates are open 06:00–22:00, the other half keep office hours on weekdays; every other
 * closure is dated (in force through 2026, or only in 2025, so it has lapsed by the times asked).
 */
export function syntheticCorrections(n: number): NetworkCorrection[] {
  const ways = loadRoadsGeoJson(ROADS);
  const g = buildWalkingGraph(ways);
  const majors: number[] = [];
  for (let v = 0; v < g.nodeCount; v++) if (g.nodeFlags[v] & NODE_MAJOR_JUNCTION) majors.push(v);
  const out: NetworkCorrection[] = [];
  for (let i = 0; i < n; i++) {
    const e = (i * 7919) % g.edgeCount;
    const a = g.edgeFrom[e], b = g.edgeTo[e];
    const mid: [number, number] = [(g.nodeLon[a] + g.nodeLon[b]) / 2, (g.nodeLat[a] + g.nodeLat[b]) / 2];
    const id = i + 1;
    switch (i % 4) {
      case 0: out.push({ id, kind: 'path', coordinates: [[g.nodeLon[a], g.nodeLat[a]], [g.nodeLon[a] + 0.0008, g.nodeLat[a] + 0.0005]], level: 'ground', steps: false }); break;
      case 1: {
        const dated = i % 8 === 5 ? (i % 16 === 5 ? ['2026-01-01', '2026-12-31'] : ['2025-01-01', '2025-12-31']) : [null, null];
        out.push({ id, kind: 'closure', coordinates: [[g.nodeLon[a], g.nodeLat[a]], [g.nodeLon[b], g.nodeLat[b]]], step_free_only: i % 8 === 1, valid_from: dated[0], valid_to: dated[1] });
        break;
      }
      case 2: out.push({ id, kind: 'gate', lon: mid[0], lat: mid[1], opening_hours: i % 8 === 2 ? 'Mo-Su 06:00-22:00' : 'Mo-Fr 07:30-19:00; Sa,Su 08:00-18:00', step_free: true }); break;
      default: { const v = majors[i % majors.length]; out.push({ id, kind: 'crossing', lon: g.nodeLon[v], lat: g.nodeLat[v], crossing: 'signalised', wait_s: 40 }); }
    }
  }
  return out;
}

/** A compound per synthetic district gate (as the coverage section builds them), for the publish's coverage run. */
function districtCompounds(gates: readonly { lon: number; lat: number }[]): CoverageCompound[] {
  const rnd = seededRandom(77);
  return gates.map((g, i) => {
    const households = Math.round(200 + rnd() * 1200);
    return {
      id: 100000 + i, name: `synthetic ${i}`, street_code: '120103000000', community_code: null, households,
      residents: Math.round(households * 2.6), lon: g.lon, lat: g.lat, gates: [{ id: 100000 + i, name: 'gate', lon: g.lon, lat: g.lat, step_free: true }],
    };
  });
}

registerBenchSection({
  name: 'corrections',
  title: 'Network corrections: a publish (graph rebuild, points snapped, coverage) and reach with 1,000 loaded, with and without at=',
  order: 15,
  async run(ctx) {
    const { engine: plain, graph: plainGraph, points, origins, districtGates } = ctx.hexi();
    const ways = loadRoadsGeoJson(ROADS);
    const profiles = loadWalkingProfiles();
    const catalog = loadCatalog();
    const settings = new CoverageSettings(catalog);
    const categories = catalog.categories.map((c) => c.id);
    const compounds = districtCompounds(districtGates);
    let engine!: WalkingEngine<(typeof points)[number]>;
    for (const n of [10, 1000]) {
      const corrections = syntheticCorrections(n);
      const t0 = performance.now();
      const graph = buildCorrectedGraph(ways, corrections);
      const t1 = performance.now();
      engine = new WalkingEngine(graph, profiles);
      engine.points.setAll(points);
      for (const p of profiles) engine.pointView(p.id);
      const t2 = performance.now();
      analyseCoverage(engine, compounds, settings, 'standard', categories);
      const t3 = performance.now();
      ctx.figure(`publish with ${n} corrections: graph rebuild`, fmtMs(t1 - t0));
      ctx.figure(`publish with ${n} corrections: points snapped for every profile`, fmtMs(t2 - t1));
      ctx.figure(`publish with ${n} corrections: coverage, ${compounds.length} compounds × 10`, fmtMs(t3 - t2));
      ctx.figure(`publish with ${n} corrections: total`, fmtMs(t3 - t0));
    }
    const o = engine.graph.overlay!;
    ctx.figure('graph without corrections: nodes / edges', `${plainGraph.nodeCount} / ${plainGraph.edgeCount}`);
    ctx.figure('graph with 1,000 corrections: nodes / edges', `${engine.graph.nodeCount} / ${engine.graph.edgeCount}`);
    ctx.note(`overlay: ${o.gates.length} gates, ${o.closures.length} closures (${o.closures.filter((c) => c.validFrom).length} dated), ${o.crossings.size} crossing nodes, ${o.unplaced.length} unplaced`);

    // One interleaved run: each origin is asked in all four ways in turn (the order rotating), so that
    // other load on the machine falls on every variant alike.
    const noon = parseDistrictTime('2026-12-09T12:00')!, lateEvening = parseDistrictTime('2026-12-09T22:30')!; // a Wednesday
    const variants: { label: string; engine: WalkingEngine<(typeof points)[number]>; at?: DistrictTime }[] = [
      { label: 'no corrections', engine: plain },
      { label: '1,000 corrections, no at=', engine },
      { label: '1,000 corrections, at= Wed 12:00', engine, at: noon },
      { label: '1,000 corrections, at= Wed 22:30', engine, at: lateEvening },
    ];
    const reach = (v: (typeof variants)[number], origin: LonLat) =>
      v.engine.reach(origin, { profile: 'standard', minutes: [5, 10, 15], perCategory: 3, at: v.at });
    // Only origins every variant can answer (a closure or a gate shut at 22:30 can cut a few off the network).
    const askable = origins.filter((origin) => variants.every((v) => v.engine.snap(origin[0], origin[1], 'standard', v.engine.maxSnapM, v.at).ok));
    ctx.note(`${askable.length} of ${origins.length} origins can be answered in all four ways`);
    for (let i = 0; i < 40; i++) for (const v of variants) reach(v, askable[i]); // warm-up
    const samples = variants.map(() => [] as number[]);
    const cpuMicros = variants.map(() => 0); // CPU time moves less than wall time with other load on the machine
    for (let pass = 0; pass < 2; pass++) {
      askable.forEach((origin, i) => {
        for (let k = 0; k < variants.length; k++) {
          const vi = (i + k + pass) % variants.length;
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          reach(variants[vi], origin);
          samples[vi].push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          cpuMicros[vi] += c.user + c.system;
        }
      });
    }
    for (const s of samples) s.sort((a, b) => a - b);
    const [base50, base99] = [percentile(samples[0], 50), percentile(samples[0], 99)];
    const pct = (x: number, base: number) => `${x >= base ? '+' : ''}${(((x - base) / base) * 100).toFixed(1)} %`;
    const cpuOf = (vi: number) => cpuMicros[vi] / 1000 / samples[vi].length;
    variants.forEach((v, vi) => {
      const p50 = percentile(samples[vi], 50), p99 = percentile(samples[vi], 99), cpu = cpuOf(vi);
      ctx.figure(`reach standard 5/10/15, ${v.label} (${samples[vi].length})`,
        vi === 0 ? `p50 ${fmtMs(p50)}  p99 ${fmtMs(p99)}  CPU ${fmtMs(cpu)}/reach`
          : `p50 ${fmtMs(p50)} (${pct(p50, base50)})  p99 ${fmtMs(p99)} (${pct(p99, base99)})  CPU ${fmtMs(cpu)}/reach (${pct(cpu, cpuOf(0))})`);
    });
    // The worst case for any per-time cache: every question at another minute of the day.
    const minuteOf = (i: number) => parseDistrictTime(`2026-12-09T${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`)!;
    const everyMinute = ctx.time(askable.map((origin, i) => ({ origin, at: minuteOf(i * 7 + 3) })).filter((q) => engine.snap(q.origin[0], q.origin[1], 'standard', engine.maxSnapM, q.at).ok),
      (q) => engine.reach(q.origin, { profile: 'standard', minutes: [5, 10, 15], perCategory: 3, at: q.at }), 20);
    ctx.figure(`reach, 1,000 corrections, at= another minute each time (${everyMinute.length})`, `p50 ${fmtMs(percentile(everyMinute, 50))}  p99 ${fmtMs(percentile(everyMinute, 99))}`);
  },
});
