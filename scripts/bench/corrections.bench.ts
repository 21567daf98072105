// Benchmark section of the network corrections (路网纠错) on the real Hexi network: what a publish costs
// the engine (the graph rebuilt with the published corrections, its points snapped again) and whether
// reach stays as fast with 1,000 corrections loaded.

import { fileURLToPath } from 'node:url';
import { registerBenchSection } from './registry.ts';
import { fmtMs, percentile } from './context.ts';
import { loadRoadsGeoJson } from '../../server/network/osmWays.ts';
import { buildWalkingGraph, NODE_MAJOR_JUNCTION } from '../../server/network/walkingGraph.ts';
import { WalkingEngine } from '../../server/network/walkingEngine.ts';
import { loadWalkingProfiles } from '../../server/network/profiles.ts';
import { buildCorrectedGraph, type NetworkCorrection } from '../../server/network/corrections.ts';

const ROADS = fileURLToPath(new URL('../../data/osm/hexi_osm_roads.geojson', import.meta.url));

/** `n` corrections spread over the network: a quarter each of paths, closures, gates and crossings. */
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
      case 1: out.push({ id, kind: 'closure', coordinates: [[g.nodeLon[a], g.nodeLat[a]], [g.nodeLon[b], g.nodeLat[b]]], step_free_only: i % 8 === 1, valid_from: null, valid_to: null }); break;
      case 2: out.push({ id, kind: 'gate', lon: mid[0], lat: mid[1], opening_hours: 'Mo-Su 06:00-22:00', step_free: true }); break;
      default: { const v = majors[i % majors.length]; out.push({ id, kind: 'crossing', lon: g.nodeLon[v], lat: g.nodeLat[v], crossing: 'signalised', wait_s: 40 }); }
    }
  }
  return out;
}

registerBenchSection({
  name: 'corrections',
  title: 'Network corrections: a publish (graph rebuild with the corrections, points snapped) and reach with 1,000 loaded',
  order: 15,
  async run(ctx) {
    const { engine: plain, points, origins } = ctx.hexi();
    const ways = loadRoadsGeoJson(ROADS);
    const profiles = loadWalkingProfiles();
    for (const n of [10, 1000]) {
      const corrections = syntheticCorrections(n);
      const t0 = performance.now();
      const graph = buildCorrectedGraph(ways, corrections);
      const engine = new WalkingEngine(graph, profiles);
      engine.points.setAll(points);
      for (const p of profiles) engine.pointView(p.id);
      ctx.figure(`publish with ${n} corrections: graph rebuild + points snapped for every profile`, fmtMs(performance.now() - t0));
      if (n === 1000) {
        const withCorrections = ctx.time(origins, (o) => engine.reach(o, { profile: 'standard', minutes: [5, 10, 15], perCategory: 3 }), 100);
        const without = ctx.time(origins, (o) => plain.reach(o, { profile: 'standard', minutes: [5, 10, 15], perCategory: 3 }), 100);
        ctx.figure('reach standard with 1,000 corrections vs none', `p50 ${fmtMs(percentile(withCorrections, 50))} vs ${fmtMs(percentile(without, 50))}`);
      }
    }
  },
});
