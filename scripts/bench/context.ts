// Shared resources and reporting for benchmark sections: the real Hexi network as a walking engine
// with the sample points (plus clearly labelled synthetic district-wide points and gates), timing
// helpers, a figures table printed at the end, and clean-up hooks. Resources are built on first use.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWalkingGraph, type WalkingGraph } from '../../server/network/walkingGraph.ts';
import { loadRoadsGeoJson } from '../../server/network/osmWays.ts';
import { loadWalkingProfiles } from '../../server/network/profiles.ts';
import { WalkingEngine, type BatchOrigin } from '../../server/network/walkingEngine.ts';
import type { CategorisedPoint } from '../../server/network/servicePoints.ts';
import type { LonLat } from '../../server/geo.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BenchPoint extends CategorisedPoint { name: string; synthetic: boolean }

export interface HexiFixture {
  graph: WalkingGraph;
  buildMs: number;
  engine: WalkingEngine<BenchPoint>;
  /** The sample set's points (data/sample) plus synthetic points so that every category has 50 district-wide. */
  points: BenchPoint[];
  /** Every gate in the sample set (the compounds the data has). */
  sampleGates: BatchOrigin[];
  /** 3,000 synthetic gates spread over the whole district's network (about Hexi's number of compound gates). */
  districtGates: BatchOrigin[];
  /** Random origins near the network, for repeated single reaches. */
  origins: LonLat[];
}

export interface Figure { section: string; label: string; value: string }

export function seededRandom(seed: number): () => number {
  let s = seed % 2147483647;
  if (s <= 0) s += 2147483646;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

export const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)) + ' ms';

export class BenchContext {
  readonly figures: Figure[] = [];
  /** Raw numbers sections share (e.g. our reach time, for the pgRouting ratio). */
  readonly results = new Map<string, number>();
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private hexiFixture: HexiFixture | null = null;
  currentSection = '';

  /** Print a line now and keep it for the summary table. */
  figure(label: string, value: string): void {
    this.figures.push({ section: this.currentSection, label, value });
    console.log(`  ${label.padEnd(58)} ${value}`);
  }

  note(text: string): void { console.log(`  · ${text}`); }

  onCleanup(fn: () => Promise<void> | void): void { this.cleanups.push(fn); }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.reverse()) {
      try { await fn(); } catch (e) { console.error(`cleanup failed: ${(e as Error).message}`); }
    }
  }

  /** Run `fn` on each input after `warmup` untimed runs; returns sorted milliseconds. */
  time<T>(inputs: readonly T[], fn: (input: T) => unknown, warmup = 20): number[] {
    for (let i = 0; i < Math.min(warmup, inputs.length); i++) fn(inputs[i]);
    const samples: number[] = [];
    for (const input of inputs) {
      const t0 = performance.now();
      fn(input);
      samples.push(performance.now() - t0);
    }
    return samples.sort((a, b) => a - b);
  }

  /**
   * Runs `fn` over the inputs again and again for `ms` milliseconds: a running server has long since
   * compiled its hot paths with the optimizing compiler, which a hundred calls do not reach.
   */
  warm<T>(inputs: readonly T[], fn: (input: T) => unknown, ms = 1500): void {
    const t0 = performance.now();
    while (performance.now() - t0 < ms) for (const input of inputs) fn(input);
  }

  /** CPU milliseconds (user + system) per call of `fn` over the inputs: less sensitive than wall time to other load on the machine. */
  cpuPerCall<T>(inputs: readonly T[], fn: (input: T) => unknown): number {
    const c0 = process.cpuUsage();
    for (const input of inputs) fn(input);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / inputs.length;
  }

  hexi(): HexiFixture {
    if (this.hexiFixture) return this.hexiFixture;
    const t0 = performance.now();
    const graph = buildWalkingGraph(loadRoadsGeoJson(path.join(ROOT, 'data/osm/hexi_osm_roads.geojson')));
    const buildMs = performance.now() - t0;
    const engine = new WalkingEngine<BenchPoint>(graph, loadWalkingProfiles());
    const rnd = seededRandom(20261121);
    const nearNetwork = (jitterM: number): LonLat => {
      for (;;) {
        const v = Math.floor(rnd() * graph.nodeCount);
        if (graph.nodeComponent[v] !== 0) continue;
        return [graph.plane.lon(graph.nodeX[v] + (rnd() * 2 - 1) * jitterM), graph.plane.lat(graph.nodeY[v] + (rnd() * 2 - 1) * jitterM)];
      }
    };
    const sample = JSON.parse(fs.readFileSync(path.join(ROOT, 'data/sample/taoyuan-sample.json'), 'utf8')) as {
      points: { external_id: string; name: string; category: string; lon: number; lat: number }[];
      compounds: { name: string; gates: { name: string; lon: number; lat: number }[] }[];
    };
    const categories = (JSON.parse(fs.readFileSync(path.join(ROOT, 'data/categories.json'), 'utf8')) as { categories: { id: string }[] }).categories.map((c) => c.id);
    const points: BenchPoint[] = sample.points.map((p) => ({ id: p.external_id, category_id: p.category, lon: p.lon, lat: p.lat, name: p.name, synthetic: false }));
    for (const category of categories) {
      const have = points.filter((p) => p.category_id === category).length;
      for (let i = have; i < 50; i++) {
        const [lon, lat] = nearNetwork(60);
        points.push({ id: `synthetic-${category}-${i}`, category_id: category, lon, lat, name: `synthetic ${category} ${i}`, synthetic: true });
      }
    }
    engine.points.setAll(points);
    const sampleGates: BatchOrigin[] = sample.compounds.flatMap((c, ci) => c.gates.map((g, gi) => ({ id: `${ci}-${gi}`, lon: g.lon, lat: g.lat })));
    const districtGates: BatchOrigin[] = Array.from({ length: 3000 }, (_, i) => { const [lon, lat] = nearNetwork(40); return { id: i, lon, lat }; });
    const origins = Array.from({ length: 400 }, () => nearNetwork(40));
    this.hexiFixture = { graph, buildMs, engine, points, sampleGates, districtGates, origins };
    return this.hexiFixture;
  }
}
