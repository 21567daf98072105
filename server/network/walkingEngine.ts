// The walking engine: one object holding the graph, the profiles, the snapper and the point index,
// answering the product's questions — walking times within a limit, nearest points per category,
// routes, rings, and many origins at once. Pure: no database, no HTTP; the fastify plugin wraps it.

import type { Feature, LineString, Position } from 'geojson';
import { haversineM, type LonLat } from '../geo.ts';
import type { WalkingGraph } from './walkingGraph.ts';
import { type WalkingProfile, edgeCostsSec, exclusionKey } from './profiles.ts';
import { overlayStateAt, type DistrictTime } from './corrections.ts';
import { EdgeSnapper, DEFAULT_MAX_SNAP_M, type SnappedLocation, type SnapFailure, type SnapResult } from './snapping.ts';
import { TravelTimeSearch, arrivalAt, seedsOf, type Seed } from './travelTimes.ts';
import { ServicePointIndex, type CategorisedPoint, type LocatedPoint, type PointView } from './servicePoints.ts';

/** A point view by edge, flat: edge e's points are items[start[e] … start[e + 1] − 1]; seq is each one's place in its category. */
interface DensePoints<P extends CategorisedPoint> { start: Int32Array; items: LocatedPoint<P>[]; seq: Int32Array }
import { ringsFromSearch, ringSearchMarginSec, DEFAULT_RING_OPTIONS, type RingOptions, type RingCollection, type RingFormat, type RingsIn } from './rings.ts';

/** Thrown when an origin or destination cannot be attached to the network. */
export class OutsideNetworkError extends Error {
  constructor(readonly failure: SnapFailure, readonly role: string = 'point') {
    super(failure.reason === 'invalid_coordinates'
      ? `${role} (${failure.lon}, ${failure.lat}) is not a valid lon/lat`
      : `${role} (${failure.lon}, ${failure.lat}) is outside the walking network: the nearest walkable street is ` +
        (failure.nearestM === null ? 'nowhere near' : `${failure.nearestM} m away`) + ` (limit ${failure.maxSnapM} m)`);
    this.name = 'OutsideNetworkError';
  }
}

/** Thrown for a profile id that the profiles file does not define. */
export class UnknownProfileError extends Error {
  constructor(readonly profileId: string, known: string[]) {
    super(`unknown walking profile "${profileId}" (known: ${known.join(', ')})`);
    this.name = 'UnknownProfileError';
  }
}

export interface EngineOptions {
  /** Maximum snapping distance in metres (default 150). */
  maxSnapM?: number;
  ring?: RingOptions;
}

/**
 * Where a walk starts or ends: raw lon/lat (snapped on the way in), or a snap made by this engine for
 * the same profile (snaps depend on the profile's usable edges and on the graph).
 */
export type Place = LonLat | SnappedLocation;

export interface WalkAnswer {
  /** Walking seconds, including the access legs between the points and the street. */
  walk_s: number;
  walk_m: number;
  /** Walking minutes, one decimal. */
  walk_min: number;
  /** Great-circle metres between the two points. */
  straight_m: number;
}

export interface NearestPoint<P extends CategorisedPoint> extends WalkAnswer {
  point: P;
  route?: Feature<LineString>;
}

export interface NearestOptions {
  profile: string;
  /** How many points per category (default 3). */
  perCategory?: number;
  /** Categories to answer (default: every category that has points). */
  categories?: readonly string[];
  /** Do not look further than this (default 60 minutes). */
  maxMinutes?: number;
  /** Include the route geometry of each answer. */
  withRoutes?: boolean;
  /** The district's time of day: gates shut then cannot be passed (absent: gates open). */
  at?: DistrictTime;
}

export interface ReachOptions<F extends RingFormat = RingFormat> extends Omit<NearestOptions, 'maxMinutes'> {
  /** Ring minutes, e.g. [5, 10, 15]. */
  minutes: readonly number[];
  /** 'packed': the rings as integer differences (./packedRings.ts) instead of GeoJSON. */
  ringFormat?: F;
  /** Limit for the nearest lists (default 60 minutes, never less than the largest ring). */
  nearestMaxMinutes?: number;
}

export interface ReachAnswer<P extends CategorisedPoint, F extends RingFormat = 'geojson'> {
  origin: SnappedLocation;
  profile: WalkingProfile;
  rings: RingsIn<F>;
  /** Per category, nearest first; categories without a point within the limit have []. */
  nearest: Record<string, NearestPoint<P>[]>;
}

export interface BatchOrigin {
  id: number | string;
  lon: number;
  lat: number;
}

export interface BatchAnswer<P extends CategorisedPoint> {
  id: BatchOrigin['id'];
  /** Null when the origin could not be snapped (see `failure`). */
  nearest: Record<string, (WalkAnswer & { point: P }) | null> | null;
  failure?: SnapFailure;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export class WalkingEngine<P extends CategorisedPoint = CategorisedPoint> {
  readonly snapper: EdgeSnapper;
  readonly points: ServicePointIndex<P>;
  readonly maxSnapM: number;
  readonly ringOptions: RingOptions;
  private readonly profiles: Map<string, WalkingProfile>;
  private readonly search: TravelTimeSearch;
  private readonly denseViews = new WeakMap<PointView<P>, DensePoints<P>>();
  private candidateMark = new Uint32Array(0);
  private candidateGen = 0;

  constructor(readonly graph: WalkingGraph, profiles: readonly WalkingProfile[], options: EngineOptions = {}) {
    this.maxSnapM = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
    this.ringOptions = options.ring ?? DEFAULT_RING_OPTIONS;
    this.profiles = new Map(profiles.map((p) => [p.id, p]));
    this.snapper = new EdgeSnapper(graph);
    this.points = new ServicePointIndex<P>(this.snapper, this.maxSnapM);
    this.search = new TravelTimeSearch(graph);
  }

  /** The profiles, in file order. */
  listProfiles(): WalkingProfile[] { return [...this.profiles.values()]; }

  /** A profile by id; throws UnknownProfileError. */
  profile(id: string): WalkingProfile {
    const p = this.profiles.get(id);
    if (!p) throw new UnknownProfileError(id, [...this.profiles.keys()]);
    return p;
  }

  /** The straight-line distance no place within `minutes` of walking can exceed (a prefilter radius). */
  reachRadiusM(profileId: string, minutes: number): number {
    return minutes * 60 * this.profile(profileId).speed_mps;
  }

  /** Per-edge seconds for a profile (cached). */
  costs(profileId: string, at?: DistrictTime): Float64Array { return edgeCostsSec(this.graph, this.profile(profileId), at); }

  /** The service points as snapped for a profile at a time (cached per set of usable edges). */
  pointView(profileId: string, at?: DistrictTime) {
    const p = this.profile(profileId);
    const state = overlayStateAt(this.graph.overlay, at).key;
    return this.points.view(state ? `${exclusionKey(p)}#${state}` : exclusionKey(p), this.costs(profileId, at));
  }

  /** Attach a lon/lat to the nearest edge this profile may use; a failure says how far the network is. */
  snap(lon: number, lat: number, profileId: string, maxSnapM = this.maxSnapM, at?: DistrictTime): SnapResult {
    return this.snapper.snap(lon, lat, this.costs(profileId, at), maxSnapM);
  }

  /** Like `snap`, but throws OutsideNetworkError (role names the point in the message). */
  locate(place: Place, profileId: string, role = 'point', at?: DistrictTime): SnappedLocation {
    if (!Array.isArray(place)) return place as SnappedLocation;
    const s = this.snap(place[0], place[1], profileId, this.maxSnapM, at);
    if (!s.ok) throw new OutsideNetworkError(s, role);
    return s;
  }

  /**
   * Walking seconds (and metres of that walk) from an origin to every node reachable within
   * `limitSec`. Parallel arrays in order of increasing time.
   */
  travelTimes(origin: Place, profileId: string, limitSec: number, at?: DistrictTime): { nodes: Int32Array; timesSec: Float64Array; metres: Float64Array } {
    const p = this.profile(profileId);
    const loc = this.locate(origin, profileId, 'origin', at);
    const s = this.startFrom(loc, p, at).runTo(limitSec);
    const nodes = s.settledOrder.slice(0, s.settledCount);
    const timesSec = new Float64Array(nodes.length), metres = new Float64Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) { timesSec[i] = s.time[nodes[i]]; metres[i] = s.metres[nodes[i]]; }
    return { nodes, timesSec, metres };
  }

  /** Rings for the given minutes: (Multi)Polygons from one travel-time field, nested by construction. */
  rings(origin: Place, profileId: string, minutes: readonly number[], at?: DistrictTime): RingCollection {
    const p = this.profile(profileId);
    const loc = this.locate(origin, profileId, 'origin', at);
    const maxSec = Math.max(0, ...minutes) * 60;
    this.startFrom(loc, p, at).runTo(maxSec + ringSearchMarginSec(this.ringOptions, p.speed_mps));
    return ringsFromSearch(this.graph, this.search, loc, p.speed_mps, minutes, this.ringOptions);
  }

  /** The nearest N points of each category by walking time. */
  nearest(origin: Place, options: NearestOptions): Record<string, NearestPoint<P>[]> {
    const p = this.profile(options.profile);
    const loc = this.locate(origin, options.profile, 'origin', options.at);
    this.startFrom(loc, p, options.at);
    return this.nearestFromSearch(loc, p, options, 0);
  }

  /** Rings and nearest points from one origin, in one search. */
  reach<F extends RingFormat = 'geojson'>(origin: Place, options: ReachOptions<F>): ReachAnswer<P, F> {
    const p = this.profile(options.profile);
    const loc = this.locate(origin, options.profile, 'origin', options.at);
    const maxRingSec = Math.max(0, ...options.minutes) * 60;
    this.startFrom(loc, p, options.at).runTo(maxRingSec + ringSearchMarginSec(this.ringOptions, p.speed_mps));
    const rings = ringsFromSearch<F>(this.graph, this.search, loc, p.speed_mps, options.minutes, this.ringOptions, options.ringFormat);
    const nearest = this.nearestFromSearch(loc, p, {
      ...options,
      maxMinutes: Math.max(options.nearestMaxMinutes ?? 60, maxRingSec / 60),
    }, maxRingSec);
    return { origin: loc, profile: p, rings, nearest };
  }

  /**
   * The walking route between two places: a LineString from the first point, along its access leg
   * and partial edge, over the network, to the second point. Null if they are not connected.
   */
  route(from: Place, to: Place, profileId: string, at?: DistrictTime): Feature<LineString, WalkAnswer> | null {
    const p = this.profile(profileId);
    const a = this.locate(from, profileId, 'from', at);
    const b = this.locate(to, profileId, 'to', at);
    const s = this.startFrom(a, p, at);
    // Grow the search until the destination's arrival time is final (≤ the settled limit).
    let limit = (haversineM(a.lon, a.lat, b.lon, b.lat) / p.speed_mps) * 1.5 + 60;
    for (;;) {
      s.runTo(limit);
      const arr = this.arrival(a, b, p);
      // Final once within the settled limit, or once nothing is left to settle.
      if (arr.timeSec <= limit || (s.exhausted && arr.timeSec < Infinity)) {
        const answer = this.answer(a, b, arr.timeSec, arr.metres);
        return { type: 'Feature', properties: answer, geometry: this.routeGeometry(a, b, arr.via) };
      }
      if (s.exhausted) return null; // the two places are not connected for this profile
      limit *= 2;
    }
  }

  /**
   * Many origins (e.g. every compound gate) to the nearest point of each category: one multi-source
   * search per category, started from that category's points. Valid because the graph and the costs
   * are symmetric (walking A→B costs what B→A does), so "nearest point from each origin" equals
   * "nearest origin-reaching point" computed outward from the points.
   */
  batchNearest(origins: readonly BatchOrigin[], options: { profile: string; categories?: readonly string[]; maxMinutes?: number; at?: DistrictTime }): BatchAnswer<P>[] {
    const p = this.profile(options.profile);
    const costs = this.costs(p.id, options.at);
    const view = this.pointView(p.id, options.at);
    const categories = options.categories ?? [...view.byCategory.keys()];
    const limitSec = (options.maxMinutes ?? Infinity) * 60;
    const snaps = origins.map((o) => this.snapper.snap(o.lon, o.lat, costs, this.maxSnapM));
    const out: BatchAnswer<P>[] = origins.map((o, i) => {
      const s = snaps[i];
      return s.ok ? { id: o.id, nearest: {} } : { id: o.id, nearest: null, failure: s };
    });
    const speed = p.speed_mps;
    for (const cat of categories) {
      const pts = view.byCategory.get(cat) ?? [];
      const indexOf = new Map(pts.map((lp, i) => [lp, i]));
      const seeds: Seed[] = [];
      pts.forEach((lp, i) => seeds.push(...seedsOf(this.graph, costs, lp.loc, speed, i)));
      const s = this.search.start(costs, seeds).runTo(limitSec);
      snaps.forEach((o, i) => {
        if (!o.ok) return;
        const sameEdge = (view.byEdge.get(o.edge) ?? []).filter((lp) => lp.point.category_id === cat);
        const arr = arrivalAt(s, this.graph, costs, o, speed, sameEdge.map((lp) => lp.loc));
        const best = arr.timeSec, bestM = arr.metres;
        const bestPoint = arr.node >= 0 ? s.label[arr.node] : arr.start >= 0 ? indexOf.get(sameEdge[arr.start])! : -1;
        out[i].nearest![cat] = bestPoint < 0 || best > limitSec ? null : {
          point: pts[bestPoint].point,
          walk_s: round1(best),
          walk_m: Math.round(bestM),
          walk_min: round1(best / 60),
          straight_m: Math.round(haversineM(o.lon, o.lat, pts[bestPoint].loc.lon, pts[bestPoint].loc.lat)),
        };
      });
    }
    return out;
  }

  // ---- internals -------------------------------------------------------------------------------

  private startFrom(loc: SnappedLocation, p: WalkingProfile, at?: DistrictTime): TravelTimeSearch {
    const costs = this.costs(p.id, at);
    return this.search.start(costs, seedsOf(this.graph, costs, loc, p.speed_mps, 0));
  }

  /** Arrival at `b` in the current single-source search from `a` (directly when both lie on one edge). */
  /** A view's points grouped by edge in flat arrays (edge e's are items[start[e] … start[e + 1] − 1]), built once per view. */
  private densePoints(view: PointView<P>): DensePoints<P> {
    let dense = this.denseViews.get(view);
    if (dense) return dense;
    const start = new Int32Array(this.graph.edgeCount + 1);
    for (const [e, list] of view.byEdge) start[e + 1] = list.length;
    for (let e = 0; e < this.graph.edgeCount; e++) start[e + 1] += start[e];
    const items: LocatedPoint<P>[] = new Array(start[this.graph.edgeCount]);
    const seq = new Int32Array(items.length);
    const order = new Map<LocatedPoint<P>, number>();
    for (const list of view.byCategory.values()) list.forEach((lp, k) => order.set(lp, k));
    const fill = start.slice(0, this.graph.edgeCount);
    for (const [e, list] of view.byEdge) for (const lp of list) { seq[fill[e]] = order.get(lp)!; items[fill[e]++] = lp; }
    dense = { start, items, seq };
    this.denseViews.set(view, dense);
    return dense;
  }

  private arrival(a: SnappedLocation, b: SnappedLocation, p: WalkingProfile) {
    return arrivalAt(this.search, this.graph, this.search.edgeCosts, b, p.speed_mps, a.edge === b.edge ? [a] : []);
  }

  private answer(a: SnappedLocation, b: SnappedLocation, timeSec: number, metres: number): WalkAnswer {
    return {
      walk_s: round1(timeSec),
      walk_m: Math.round(metres),
      walk_min: round1(timeSec / 60),
      straight_m: Math.round(haversineM(a.lon, a.lat, b.lon, b.lat)),
    };
  }

  private routeGeometry(a: SnappedLocation, b: SnappedLocation, via: 'from' | 'to' | 'direct'): LineString {
    const g = this.graph, s = this.search;
    const coords: Position[] = [[a.lon, a.lat], [a.snapLon, a.snapLat]];
    if (via !== 'direct') {
      const nodes: number[] = [];
      let v = via === 'from' ? g.edgeFrom[b.edge] : g.edgeTo[b.edge];
      for (;;) {
        nodes.push(v);
        const e = s.prevEdge[v];
        if (e < 0) break;
        v = g.edgeFrom[e] === v ? g.edgeTo[e] : g.edgeFrom[e];
      }
      for (let i = nodes.length - 1; i >= 0; i--) coords.push([g.nodeLon[nodes[i]], g.nodeLat[nodes[i]]]);
    }
    coords.push([b.snapLon, b.snapLat], [b.lon, b.lat]);
    const clean = coords.filter((c, i) => i === 0 || c[0] !== coords[i - 1][0] || c[1] !== coords[i - 1][1]);
    if (clean.length === 1) clean.push(clean[0]);
    return { type: 'LineString', coordinates: clean };
  }

  private nearestFromSearch(
    loc: SnappedLocation, p: WalkingProfile, options: NearestOptions, alreadySec: number,
  ): Record<string, NearestPoint<P>[]> {
    const n = options.perCategory ?? 3;
    const maxSec = (options.maxMinutes ?? 60) * 60;
    const view = this.pointView(p.id, options.at);
    const categories = options.categories ?? [...view.byCategory.keys()];
    // Grow the search in steps until every category has n answers or the limit is reached; an
    // answer is final once its arrival time is within the settled limit.
    let limit = Math.min(maxSec, Math.max(alreadySec, 300));
    // Candidates are the points on edges next to a settled node (and on the origin's own edge): no
    // point elsewhere can be reached yet. Each round adds the edges of the nodes settled since the
    // last, so the work follows the searched area, not the number of points in the district.
    const { start, items, seq } = this.densePoints(view);
    const wanted = new Set(categories);
    if (this.candidateMark.length < items.length) this.candidateMark = new Uint32Array(items.length);
    const mark = this.candidateMark, gen = ++this.candidateGen;
    const candidates: number[] = [];
    const addEdge = (e: number) => {
      for (let i = start[e]; i < start[e + 1]; i++) {
        if (mark[i] !== gen && wanted.has(items[i].point.category_id)) { mark[i] = gen; candidates.push(i); }
      }
    };
    addEdge(loc.edge);
    const { settledOrder } = this.search, { adjOffsets, adjEdge } = this.graph;
    let scanned = 0;
    // A candidate's arrival is final once it is within the settled limit (an end settled later is later
    // than that limit, so it cannot do better): final ones are kept, the others are asked again next round.
    type Hit = { lp: LocatedPoint<P>; timeSec: number; metres: number; via: 'from' | 'to' | 'direct'; seq: number };
    const found: Record<string, Hit[]> = {};
    for (const cat of categories) found[cat] = [];
    let pending: number[] = [], taken = 0;
    for (;;) {
      this.search.runTo(limit);
      for (; scanned < this.search.settledCount; scanned++) {
        const v = settledOrder[scanned];
        for (let i = adjOffsets[v]; i < adjOffsets[v + 1]; i++) addEdge(adjEdge[i]);
      }
      // Arrivals are final up to the settled limit, or all of them once the search is exhausted.
      const finalUpTo = this.search.exhausted ? maxSec : limit;
      for (; taken < candidates.length; taken++) pending.push(candidates[taken]);
      const still: number[] = [];
      // A candidate not yet final has a walk through an end already settled, or none (Infinity): a bound
      // its arrival can only improve on.
      const bounds = new Map<string, number[]>();
      for (const i of pending) {
        const lp = items[i];
        const arr = this.arrival(loc, lp.loc, p);
        if (arr.timeSec <= finalUpTo) found[lp.point.category_id].push({ lp, timeSec: arr.timeSec, metres: arr.metres, via: arr.via, seq: seq[i] });
        else {
          still.push(i);
          if (arr.timeSec < Infinity) {
            const list = bounds.get(lp.point.category_id);
            if (list) list.push(arr.timeSec); else bounds.set(lp.point.category_id, [arr.timeSec]);
          }
        }
      }
      pending = still;
      // Small steps (a tenth): the search resumes where it stopped, and each step only re-reads the
      // candidates not yet final; doubling would often search four times the area the last answer needed
      // (a quarter settled 15 % more nodes than a tenth; a twentieth settled 5 % fewer, and was no faster for its extra rounds). A
      // category with as many bounded candidates as it misses needs no more than the largest of those
      // bounds (they are all final there), so the step is no longer than the most a short category needs.
      let complete = true, next = 0;
      for (const cat of categories) {
        const missing = Math.min(n, view.byCategory.get(cat)?.length ?? 0) - found[cat].length;
        if (missing <= 0) continue;
        complete = false;
        const b = bounds.get(cat);
        const enough = b && b.length >= missing ? b.sort((x, y) => x - y)[missing - 1] : Infinity;
        next = Math.max(next, Math.min(enough, limit * 1.1));
      }
      if (complete || limit >= maxSec || this.search.exhausted) break;
      limit = Math.min(maxSec, next);
    }
    // Ties keep the category's own order, as a full scan of it would.
    for (const cat of categories) found[cat] = found[cat].sort((x, y) => x.timeSec - y.timeSec || x.seq - y.seq).slice(0, n);
    const out: Record<string, NearestPoint<P>[]> = {};
    for (const cat of categories) {
      out[cat] = found[cat].map((h) => ({
        point: h.lp.point,
        ...this.answer(loc, h.lp.loc, h.timeSec, h.metres),
        ...(options.withRoutes ? { route: { type: 'Feature' as const, properties: {}, geometry: this.routeGeometry(loc, h.lp.loc, h.via) } } : {}),
      }));
    }
    return out;
  }
}
