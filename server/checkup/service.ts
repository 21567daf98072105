// The check-up service: the 15-minute surface per profile, cached until points, the network, targets or
// the street areas change (their data-change events plus the engine's point-index version), its vector
// tiles, and the per-street shares that say which weighting they use (residents where compounds with
// residents exist — the coverage analysis' numbers — and street length elsewhere).
import type { FastifyInstance } from 'fastify';
import type { DataKind } from '../events.ts';
import { ringContains } from '../geo.ts';
import type { CoverageTally } from '../coverage/analysis.ts';
import { tally } from '../coverage/analysis.ts';
import { computeSurface, lengthShares, DEFAULT_SPACING_M, type CheckupSurface } from './surface.ts';
import { SurfaceTiles } from './tiles.ts';

const SURFACE_INPUTS = new Set<DataKind>(['points', 'network', 'settings', 'areas', 'resync']);

export interface StreetShape { code: string; name: string; polygons: [number, number][][][] }

export interface SurfaceState {
  surface: CheckupSurface;
  /** Index into `streets` of the street each sample lies in; -1 outside every street area. */
  streetOf: Int16Array;
  streets: StreetShape[];
  tiles: SurfaceTiles;
  /** Changes whenever the surface is recomputed (part of the tile URLs). */
  version: string;
  /** lon/lat of an edge's two ends. */
  edgeEnds(edge: number): [number, number, number, number];
}

export type Weighting = 'residents' | 'street_length';

export interface CategoryShare {
  category: string;
  /** The share this figure reports, 0–1; null when nothing can be said. */
  share: number | null;
  weighting: Weighting;
  target_min: number;
  /** Street-length share (always given, for comparison). */
  length_share: number | null;
  /** Residents share from the coverage analysis, when compounds with residents exist. */
  residents_share: number | null;
  residents_covered: number;
  residents_counted: number;
  compounds_covered: number;
  compounds_gap: number;
}

export interface AreaCheckup {
  street_code: string | null;
  street_name: string;
  profile: string;
  spacing_m: number;
  sampled_m: number;
  /** Mean 15-minute score of the sampled street length (weighting: street_length). */
  mean_score: number | null;
  categories: CategoryShare[];
}

function bboxOf(polygons: [number, number][][][]): [number, number, number, number] {
  let a = Infinity, b = Infinity, c = -Infinity, d = -Infinity;
  for (const poly of polygons) for (const [x, y] of poly[0]) { a = Math.min(a, x); b = Math.min(b, y); c = Math.max(c, x); d = Math.max(d, y); }
  return [a, b, c, d];
}

export class CheckupService {
  private readonly cache = new Map<string, { stamp: string; graph: unknown; state: SurfaceState }>();
  private readonly pending = new Map<string, Promise<SurfaceState>>();
  private revision = 0;
  private computed = 0;

  constructor(private readonly app: FastifyInstance, readonly spacingM = DEFAULT_SPACING_M) {
    app.dataEvents.on((change) => { if (SURFACE_INPUTS.has(change.kind)) this.revision++; });
  }

  /** The surface for a profile, recomputed after any change to its inputs. */
  async surface(profile: string): Promise<SurfaceState> {
    const engine = await this.app.walking.engine();
    const stamp = `${this.revision}:${engine.points.version}`;
    const hit = this.cache.get(profile);
    if (hit && hit.stamp === stamp && hit.graph === engine.graph) return hit.state;
    const key = `${profile}@${stamp}`;
    let job = this.pending.get(key);
    if (!job) {
      job = this.compute(profile).then((state) => {
        this.cache.set(profile, { stamp, graph: engine.graph, state });
        return state;
      }).finally(() => this.pending.delete(key));
      this.pending.set(key, job);
    }
    return job;
  }

  private async compute(profile: string): Promise<SurfaceState> {
    const engine = await this.app.walking.engine();
    const [areaIndex, coverage] = await Promise.all([this.app.areaIndex(), this.app.coverage.snapshot(profile)]);
    const names = new Map(coverage.streets.map((s) => [s.code, s.name]));
    const streets: StreetShape[] = [...areaIndex.streets.values()].map((a) => ({ code: a.code, name: names.get(a.code) ?? a.name, polygons: a.polygons }));
    const boxes = streets.map((s) => bboxOf(s.polygons));
    const categories = this.app.catalog.categories.map((c) => c.id);
    const settings = coverage.settings;
    let streetOf = new Int16Array(0);
    const surface = computeSurface(engine, profile, categories, (i, category) => {
      const si = streetOf[i];
      return si >= 0 ? settings.target(streets[si].code, category, profile).minutes : settings.defaultMinutes(category, profile);
    }, this.spacingM, (samples) => {
      streetOf = new Int16Array(samples.count).fill(-1);
      for (let i = 0; i < samples.count; i++) {
        const x = samples.lon[i], y = samples.lat[i];
        for (let si = 0; si < streets.length; si++) {
          const [a, b, c, d] = boxes[si];
          if (x < a || x > c || y < b || y > d) continue;
          if (streets[si].polygons.some(([outer, ...holes]) => ringContains(outer, x, y) && !holes.some((h) => ringContains(h, x, y)))) { streetOf[i] = si; break; }
        }
      }
    });
    this.computed++;
    const version = `${profile.slice(0, 2)}${Date.now().toString(36)}${this.computed}`;
    const tiles = new SurfaceTiles(surface, engine.graph);
    const g = engine.graph;
    const edgeEnds = (e: number): [number, number, number, number] => [g.nodeLon[g.edgeFrom[e]], g.nodeLat[g.edgeFrom[e]], g.nodeLon[g.edgeTo[e]], g.nodeLat[g.edgeTo[e]]];
    return { surface, streetOf, streets, tiles, version, edgeEnds };
  }

  /**
   * Shares for one street (or the district with `street` null): per category, the residents share from
   * the coverage analysis when the area has compounds with residents, else the street-length share.
   */
  async areaCheckup(profile: string, street: string | null): Promise<AreaCheckup> {
    const [state, coverage] = await Promise.all([this.surface(profile), this.app.coverage.snapshot(profile)]);
    const si = street ? state.streets.findIndex((s) => s.code === street) : -1;
    const lengths = lengthShares(state.surface, street ? (i) => state.streetOf[i] === si : () => true);
    const rows = street ? coverage.model.rows.filter((r) => r.street_code === street) : coverage.model.rows;
    const categories: CategoryShare[] = state.surface.categories.map((category) => {
      const t: CoverageTally = tally(rows.filter((r) => r.category === category));
      const residentsCounted = t.residents_covered + t.residents_gap;
      const useResidents = residentsCounted > 0 && t.share_residents_covered !== null;
      const length = lengths.by_category[category];
      const target = street ? coverage.settings.target(street, category, profile).minutes : coverage.settings.defaultMinutes(category, profile);
      return {
        category,
        share: useResidents ? t.share_residents_covered : length.share,
        weighting: useResidents ? 'residents' : 'street_length',
        target_min: target,
        length_share: length.share,
        residents_share: useResidents ? t.share_residents_covered : null,
        residents_covered: t.residents_covered,
        residents_counted: residentsCounted,
        compounds_covered: t.covered,
        compounds_gap: t.gaps,
      };
    });
    return {
      street_code: street,
      street_name: street ? (coverage.streets.find((s) => s.code === street)?.name ?? street) : this.app.district.name_zh,
      profile,
      spacing_m: state.surface.samples.spacingM,
      sampled_m: lengths.total_m,
      mean_score: lengths.mean_score,
      categories,
    };
  }
}
