// The 15-minute surface (体检 map): every usable network edge cut into pieces of about `spacingM`
// metres, each read at its middle: minutes to the nearest active point of every category and the
// 15-minute score (categories within target). One multi-source search per category, as coverage does.
// Pure: an engine and targets in, typed arrays out; no database, no HTTP.
import type { WalkingEngine } from '../network/walkingEngine.ts';
import type { CategorisedPoint } from '../network/servicePoints.ts';
import { exclusionKey } from '../network/profiles.ts';
import { MIN_SNAP_COMPONENT_SHARE } from '../network/snapping.ts';
import { TravelTimeSearch, seedsOf, type Seed } from '../network/travelTimes.ts';
import type { WalkingGraph } from '../network/walkingGraph.ts';

export const DEFAULT_SPACING_M = 50;

/** Where each sample lies: edge, fraction along it, and the stretch [t0, t1] it stands for. */
export interface SurfaceSamples {
  spacingM: number;
  count: number;
  edge: Int32Array;
  t: Float64Array;
  t0: Float64Array;
  t1: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
  /** Metres of street each sample stands for (its weight in length-weighted shares). */
  lengthM: Float64Array;
}

export interface CheckupSurface {
  profile: string;
  categories: readonly string[];
  samples: SurfaceSamples;
  /** minutes[sample * categories.length + c], one decimal; NaN when no point of the category is reachable. */
  minutes: Float32Array;
  /** Target minutes in force at each sample, same layout. */
  targets: Float32Array;
  /** Categories within target, 0–10. */
  score: Uint8Array;
  computedMs: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The samples a profile may stand on: edges it can walk (finite cost) in a component large enough to
 * snap to (the same rule as the snapper, so /api/reach from a sample lands on the same edge).
 */
export function sampleEdges(graph: WalkingGraph, costs: Float64Array, spacingM = DEFAULT_SPACING_M): SurfaceSamples {
  const minSize = (graph.componentSizes[0] ?? 0) * MIN_SNAP_COMPONENT_SHARE;
  const pieces: number[] = [];
  let count = 0;
  for (let e = 0; e < graph.edgeCount; e++) {
    const n = costs[e] === Infinity || graph.componentSizes[graph.nodeComponent[graph.edgeFrom[e]]] < minSize
      ? 0 : Math.max(1, Math.round(graph.edgeLengthM[e] / spacingM));
    pieces.push(n);
    count += n;
  }
  const s: SurfaceSamples = {
    spacingM, count, edge: new Int32Array(count), t: new Float64Array(count), t0: new Float64Array(count), t1: new Float64Array(count),
    lon: new Float64Array(count), lat: new Float64Array(count), lengthM: new Float64Array(count),
  };
  let i = 0;
  for (let e = 0; e < graph.edgeCount; e++) {
    const n = pieces[e];
    const a = graph.edgeFrom[e], b = graph.edgeTo[e];
    for (let k = 0; k < n; k++, i++) {
      const t = (k + 0.5) / n;
      s.edge[i] = e; s.t[i] = t; s.t0[i] = k / n; s.t1[i] = (k + 1) / n;
      s.lon[i] = graph.nodeLon[a] + t * (graph.nodeLon[b] - graph.nodeLon[a]);
      s.lat[i] = graph.nodeLat[a] + t * (graph.nodeLat[b] - graph.nodeLat[a]);
      s.lengthM[i] = graph.edgeLengthM[e] / n;
    }
  }
  return s;
}

/**
 * Minutes from every sample to the nearest active point of each category under a profile.
 * `targetAt(sample, category)` gives the target in force there (a street's own, else the default).
 */
export function computeSurface<P extends CategorisedPoint>(
  engine: WalkingEngine<P>,
  profileId: string,
  categories: readonly string[],
  targetAt: (sample: number, category: string) => number,
  spacingM = DEFAULT_SPACING_M,
  /** Called once the samples are placed, before any target is asked for (e.g. to find their streets). */
  onSamples?: (samples: SurfaceSamples) => void,
): CheckupSurface {
  const started = performance.now();
  const p = engine.profile(profileId);
  const costs = engine.costs(profileId);
  const graph = engine.graph;
  const samples = sampleEdges(graph, costs, spacingM);
  onSamples?.(samples);
  const view = engine.points.view(exclusionKey(p), costs);
  const search = new TravelTimeSearch(graph);
  const nc = categories.length;
  const minutes = new Float32Array(samples.count * nc).fill(NaN);
  const targets = new Float32Array(samples.count * nc);
  const score = new Uint8Array(samples.count);
  const { edgeFrom, edgeTo } = graph;
  categories.forEach((cat, ci) => {
    const pts = view.byCategory.get(cat) ?? [];
    if (pts.length === 0) return;
    const seeds: Seed[] = [];
    pts.forEach((lp, i) => seeds.push(...seedsOf(graph, costs, lp.loc, p.speed_mps, i)));
    const s = search.start(costs, seeds).runTo(Infinity);
    for (let i = 0; i < samples.count; i++) {
      const e = samples.edge[i], t = samples.t[i], c = costs[e];
      let best = Infinity;
      const a = edgeFrom[e], b = edgeTo[e];
      if (s.isSettled(a)) best = Math.min(best, s.time[a] + t * c);
      if (s.isSettled(b)) best = Math.min(best, s.time[b] + (1 - t) * c);
      const onEdge = view.byEdge.get(e);
      if (onEdge) {
        for (const lp of onEdge) {
          if (lp.point.category_id !== cat) continue;
          best = Math.min(best, Math.abs(t - lp.loc.t) * c + lp.loc.snapDistM / p.speed_mps);
        }
      }
      if (best < Infinity) minutes[i * nc + ci] = round1(best / 60);
    }
  });
  for (let i = 0; i < samples.count; i++) {
    let n = 0;
    for (let ci = 0; ci < nc; ci++) {
      const target = targetAt(i, categories[ci]);
      targets[i * nc + ci] = target;
      const m = minutes[i * nc + ci];
      if (!Number.isNaN(m) && m <= target) n++;
    }
    score[i] = n;
  }
  return { profile: profileId, categories, samples, minutes, targets, score, computedMs: performance.now() - started };
}

export interface LengthShare {
  /** Metres of sampled street within target / all sampled street metres. */
  share: number | null;
  within_m: number;
  total_m: number;
}

/** Street-length-weighted shares per category (and of the mean score) over the samples `inArea` keeps. */
export function lengthShares(surface: CheckupSurface, inArea: (sample: number) => boolean): { by_category: Record<string, LengthShare>; mean_score: number | null; total_m: number } {
  const nc = surface.categories.length;
  const within = new Float64Array(nc);
  let total = 0, scoreSum = 0;
  for (let i = 0; i < surface.samples.count; i++) {
    if (!inArea(i)) continue;
    const w = surface.samples.lengthM[i];
    total += w;
    scoreSum += surface.score[i] * w;
    for (let ci = 0; ci < nc; ci++) {
      const m = surface.minutes[i * nc + ci];
      if (!Number.isNaN(m) && m <= surface.targets[i * nc + ci]) within[ci] += w;
    }
  }
  const by_category: Record<string, LengthShare> = {};
  surface.categories.forEach((c, ci) => {
    by_category[c] = { share: total > 0 ? Math.round((within[ci] / total) * 1000) / 1000 : null, within_m: Math.round(within[ci]), total_m: Math.round(total) };
  });
  return { by_category, mean_score: total > 0 ? Math.round((scoreSum / total) * 10) / 10 : null, total_m: Math.round(total) };
}
