// Benchmark section: how cost grows with city size. A synthetic street grid of ≥1,000,000 nodes
// (1000 × 1000 vertices, 80 m blocks, every tenth street a primary road), built with the same
// builder and searched with the same engine: build time, memory, reach time.

import v8 from 'node:v8';
import vm from 'node:vm';
import { registerBenchSection } from './registry.ts';
import { fmtMs, percentile, seededRandom } from './context.ts';
import { buildWalkingGraph, type WalkingGraph, type WalkingWayInput } from '../../server/network/walkingGraph.ts';
import { LocalPlane, type LonLat } from '../../server/geo.ts';
import { loadWalkingProfiles } from '../../server/network/profiles.ts';
import { WalkingEngine } from '../../server/network/walkingEngine.ts';

const SIDE = Number(process.env.BENCH_GRID_SIDE || 1000);
const BLOCK_M = 80;

function gridWays(side: number): WalkingWayInput[] {
  const plane = new LocalPlane(117.2, 39.1);
  const lons = Array.from({ length: side }, (_, i) => plane.lon((i - side / 2) * BLOCK_M));
  const lats = Array.from({ length: side }, (_, j) => plane.lat((j - side / 2) * BLOCK_M));
  const ways: WalkingWayInput[] = [];
  for (let j = 0; j < side; j++) {
    ways.push({ id: ways.length + 1, highway: j % 10 === 0 ? 'primary' : 'residential', name: null, layer: 0, bridge: false, tunnel: false,
      coordinates: lons.map((lon): LonLat => [lon, lats[j]]) });
  }
  for (let i = 0; i < side; i++) {
    ways.push({ id: ways.length + 1, highway: i % 10 === 0 ? 'primary' : 'residential', name: null, layer: 0, bridge: false, tunnel: false,
      coordinates: lats.map((lat): LonLat => [lons[i], lat]) });
  }
  return ways;
}

function graphBytes(g: WalkingGraph): number {
  return [g.nodeLon, g.nodeLat, g.nodeX, g.nodeY, g.nodeFlags, g.nodeComponent, g.edgeFrom, g.edgeTo, g.edgeLengthM, g.edgeWay,
    g.edgeSegment, g.edgeClass, g.edgeFlags, g.adjOffsets, g.adjEdge, g.adjNode].reduce((n, a) => n + a.byteLength, 0);
}

const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

registerBenchSection({
  name: 'scale',
  title: `Scale: a synthetic ${SIDE} × ${SIDE} street grid (${(SIDE * SIDE).toLocaleString('en')} nodes)`,
  order: 90,
  async run(ctx) {
    gc();
    const before = process.memoryUsage();
    const t0 = performance.now();
    let ways: WalkingWayInput[] | null = gridWays(SIDE);
    const tInput = performance.now();
    const graph = buildWalkingGraph(ways);
    const tGraph = performance.now();
    ways = null;
    const engine = new WalkingEngine(graph, loadWalkingProfiles());
    const rnd = seededRandom(5);
    const span = (SIDE - 1) * BLOCK_M;
    const randomPlace = (): LonLat => [graph.plane.lon((rnd() - 0.5) * span * 0.9), graph.plane.lat((rnd() - 0.5) * span * 0.9)];
    engine.points.setAll(Array.from({ length: 20_000 }, (_, i) => {
      const [lon, lat] = randomPlace();
      return { id: i, category_id: `c${i % 10}`, lon, lat };
    }));
    engine.reach(randomPlace(), { profile: 'standard', minutes: [5, 10, 15] }); // snaps the points, allocates the workspace
    const tReady = performance.now();
    gc();
    const after = process.memoryUsage();
    ctx.figure('graph', `${graph.nodeCount.toLocaleString('en')} nodes, ${graph.edgeCount.toLocaleString('en')} edges, ${graph.report.totalLengthKm.toLocaleString('en')} km`);
    ctx.figure('build: input ways → CSR graph', `${fmtMs(tGraph - tInput)} (making the input: ${fmtMs(tInput - t0)})`);
    ctx.figure('engine ready: snapping index, 20,000 points snapped, workspace', fmtMs(tReady - tGraph));
    ctx.figure('memory: graph typed arrays', mb(graphBytes(graph)));
    ctx.figure('memory: process growth after GC (heap + array buffers)', `${mb(after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers)}  (rss ${mb(after.rss)})`);
    const origins = Array.from({ length: 60 }, randomPlace);
    const t15 = ctx.time(origins, (o) => engine.travelTimes(o, 'standard', 900), 5);
    ctx.figure('travel times within 15 min', `p50 ${fmtMs(percentile(t15, 50))}  p95 ${fmtMs(percentile(t15, 95))}`);
    for (const format of ['packed', 'geojson'] as const) {
      const ask = (o: LonLat) => engine.reach(o, { profile: 'standard', minutes: [5, 10, 15], perCategory: 3, ringFormat: format });
      ctx.warm(origins, ask, 2000);
      const reach = ctx.time(origins, ask, 0);
      ctx.figure(`reach, rings ${format}: rings 5/10/15 + nearest 3 × 10 categories (after 2 s of warm-up)`, `p50 ${fmtMs(percentile(reach, 50))}  p95 ${fmtMs(percentile(reach, 95))}; CPU ${fmtMs(ctx.cpuPerCall(origins, ask))} per reach`);
    }
    const t60 = ctx.time(origins.slice(0, 20), (o) => engine.travelTimes(o, 'standard', 3600), 2);
    ctx.figure('travel times within 60 min', `p50 ${fmtMs(percentile(t60, 50))}  p95 ${fmtMs(percentile(t60, 95))}`);
    const all = ctx.time(origins.slice(0, 5), (o) => engine.travelTimes(o, 'standard', Infinity), 1);
    ctx.figure('travel times to all nodes (whole graph)', `p50 ${fmtMs(percentile(all, 50))}`);
  },
});
