// Street offices' corrections to the imported network (路网纠错), applied while the graph is built: paths
// become ways joined to the network at their ends, closures, gates and crossings become an overlay that
// the edge costs read. The base ways are never changed. Pure: corrections in, ways and typed arrays out.

import OpeningHours from 'opening_hours';
import { haversineM, LocalPlane, projectOnSegment, type LonLat } from '../geo.ts';
import { buildWalkingGraph, buildWalkingGraphAsync, NODE_MAJOR_JUNCTION, NODE_SECONDARY_JUNCTION, type BuildOptions, type WalkingGraph, type WalkingWayInput } from './walkingGraph.ts';
import { isWalkable } from './walkingRules.ts';
import type { CrossingKind, NetworkOverlay, OverlayClosure, OverlayGate } from './overlay.ts';
import { toLocal } from '../localTime.ts';
import { configuredDistrict } from '../district.ts';
import { hoursContext, placeOf, type OpeningHoursContext } from '../hoursPlace.ts';

export type { CrossingKind, NetworkOverlay, OverlayClosure, OverlayGate } from './overlay.ts';

/** A path end within this many metres of a walkable way is joined to it. */
export const PATH_JOIN_M = 8;
/** A gate attaches to the nearest edge within this distance. */
export const GATE_SNAP_M = 10;
/** An edge is closed when both its ends lie within this distance of a closure line. */
export const CLOSURE_MATCH_M = 4;
/** A crossing covers every junction node it may stand at within this distance (both carriageways). */
export const CROSSING_SNAP_M = 25;

export type PathLevel = 'ground' | 'bridge' | 'tunnel';

export type NetworkCorrection =
  | { id: number; kind: 'path'; coordinates: LonLat[]; level: PathLevel; steps: boolean }
  | { id: number; kind: 'closure'; coordinates: LonLat[]; step_free_only: boolean; valid_from: string | null; valid_to: string | null }
  | { id: number; kind: 'gate'; lon: number; lat: number; opening_hours: string | null; step_free: boolean }
  | {
    id: number; kind: 'crossing'; lon: number; lat: number; crossing: CrossingKind; wait_s: number | null;
    /**
     * Where it may stand: a street office's crossing (default) at a junction with a trunk, primary or secondary
     * road; an extract's crossing tag ('major') only where the general rule already prices the crossing.
     */
    junctions?: 'major' | 'secondary';
  };

/** Highway class of a drawn path (steps keep 'steps' so that profiles price or forbid them). */
export const PATH_HIGHWAY = 'footway';

/** A time of day in the district, as wall-clock fields (the opening_hours package reads local fields). */
export interface DistrictTime {
  /** YYYY-MM-DD */
  date: string;
  /** A Date whose local fields (getHours…) are the district's wall clock, for opening_hours. */
  wallClock: Date;
}

/** The district's place for the parser (holidays, sunrise/sunset), made from the district file. */
function hoursAt(): OpeningHoursContext | undefined {
  return hoursContext(placeOf(configuredDistrict()));
}

/** Whether `value` parses as OSM opening_hours (null = it does). */
export function openingHoursProblem(value: string): string | null {
  try { new OpeningHours(value, hoursAt() as never); return null; } catch (err) {
    return String(err instanceof Error ? err.message : err).split('\n')[0].slice(0, 200);
  }
}

const hoursCache = new Map<string, OpeningHours | null>();
function hoursOf(value: string): OpeningHours | null {
  if (!hoursCache.has(value)) {
    let parsed: OpeningHours | null = null;
    try { parsed = new OpeningHours(value, hoursAt() as never); } catch { parsed = null; }
    if (hoursCache.size > 2000) hoursCache.clear();
    hoursCache.set(value, parsed);
  }
  return hoursCache.get(value)!;
}

/** Open at that time? A value that does not parse counts as open (validation refuses it on the way in). */
export function isOpenAt(openingHours: string | null, at: DistrictTime): boolean {
  if (!openingHours) return true;
  const oh = hoursOf(openingHours);
  return oh ? oh.getState(at.wallClock) : true;
}

/** The next time it opens after `at` (wall clock, 'YYYY-MM-DDTHH:mm'), or null if never / unknown. */
export function nextOpening(openingHours: string | null, at: DistrictTime): string | null {
  if (!openingHours) return null;
  const oh = hoursOf(openingHours);
  if (!oh || oh.getState(at.wallClock)) return null;
  const next = oh.getNextChange(at.wallClock);
  if (!next) return null;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${next.getFullYear()}-${p(next.getMonth() + 1)}-${p(next.getDate())}T${p(next.getHours())}:${p(next.getMinutes())}`;
}

/** 'YYYY-MM-DDTHH:mm[:ss]' (no zone) read as the district's wall clock; null if malformed. */
export function parseDistrictTime(value: string): DistrictTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const wallClock = new Date(y, mo - 1, d, h, mi, s);
  if (wallClock.getFullYear() !== y || wallClock.getMonth() !== mo - 1 || wallClock.getDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return { date: `${m[1]}-${m[2]}-${m[3]}`, wallClock };
}

/** Now, in the district's time zone (server/localTime.ts). */
export function districtNow(now = new Date()): DistrictTime {
  const local = toLocal(now);
  return parseDistrictTime(`${local.date}T${local.time}`)!;
}

// ---- paths: extra ways joined at their ends ------------------------------------------------------

interface SegmentHit { way: number; seg: number; t: number; dist: number; lon: number; lat: number }

/** The nearest segment of the given ways to a point, within `maxM` (brute force with a box test). */
function nearestSegment(ways: readonly WalkingWayInput[], plane: LocalPlane, lon: number, lat: number, maxM: number): SegmentHit | null {
  const px = plane.x(lon), py = plane.y(lat);
  const dLon = maxM / (111_320 * Math.cos((lat * Math.PI) / 180)) * 1.2, dLat = maxM / 111_320 * 1.2;
  let best: SegmentHit | null = null;
  ways.forEach((w, wi) => {
    const cs = w.coordinates;
    for (let i = 0; i + 1 < cs.length; i++) {
      const a = cs[i], b = cs[i + 1];
      if (Math.min(a[0], b[0]) > lon + dLon || Math.max(a[0], b[0]) < lon - dLon) continue;
      if (Math.min(a[1], b[1]) > lat + dLat || Math.max(a[1], b[1]) < lat - dLat) continue;
      const { t, dist } = projectOnSegment(px, py, plane.x(a[0]), plane.y(a[1]), plane.x(b[0]), plane.y(b[1]));
      if (dist <= maxM && (!best || dist < best.dist)) {
        best = { way: wi, seg: i, t, dist, lon: a[0] + t * (b[0] - a[0]), lat: a[1] + t * (b[1] - a[1]) };
      }
    }
  });
  return best;
}

/** For validation: how far each end of a line is from the given ways (null = farther than PATH_JOIN_M). */
export function pathEndJoins(ways: readonly WalkingWayInput[], coordinates: readonly LonLat[]): [number | null, number | null] {
  const [first, last] = [coordinates[0], coordinates[coordinates.length - 1]];
  const plane = new LocalPlane(first[0], first[1]);
  const hit = (c: LonLat) => nearestSegment(ways, plane, c[0], c[1], PATH_JOIN_M)?.dist ?? null;
  return [hit(first), hit(last)];
}

/**
 * The ways with the published paths added: each path end within PATH_JOIN_M of a way lands on it (a vertex
 * is inserted into that way there, so the two meet at a shared coordinate, as OSM ways do). Paths are
 * joined in id order, so a path may end on an earlier one.
 */
export function waysWithPaths(base: readonly WalkingWayInput[], corrections: readonly NetworkCorrection[]): WalkingWayInput[] {
  const paths = corrections.filter((c): c is Extract<NetworkCorrection, { kind: 'path' }> => c.kind === 'path')
    .sort((a, b) => a.id - b.id);
  if (paths.length === 0) return base as WalkingWayInput[];
  const ways: WalkingWayInput[] = base.map((w) => w);
  const plane = new LocalPlane(paths[0].coordinates[0][0], paths[0].coordinates[0][1]);
  for (const p of paths) {
    const coordinates = p.coordinates.map((c) => [c[0], c[1]] as LonLat);
    for (const end of [0, coordinates.length - 1]) {
      const hit = nearestSegment(ways, plane, coordinates[end][0], coordinates[end][1], PATH_JOIN_M);
      if (!hit) continue;
      const w = ways[hit.way];
      const cs = w.coordinates;
      let at: LonLat;
      if (hit.t <= 0 || haversineM(hit.lon, hit.lat, cs[hit.seg][0], cs[hit.seg][1]) < 0.5) at = cs[hit.seg];
      else if (hit.t >= 1 || haversineM(hit.lon, hit.lat, cs[hit.seg + 1][0], cs[hit.seg + 1][1]) < 0.5) at = cs[hit.seg + 1];
      else {
        at = [hit.lon, hit.lat];
        ways[hit.way] = { ...w, coordinates: [...cs.slice(0, hit.seg + 1), at, ...cs.slice(hit.seg + 1)] };
      }
      coordinates[end] = at;
    }
    ways.push({
      id: -1_000_000 - p.id, highway: p.steps ? 'steps' : PATH_HIGHWAY, name: null, layer: p.level === 'ground' ? 0 : p.level === 'bridge' ? 1 : -1,
      bridge: p.level === 'bridge', tunnel: p.level === 'tunnel', coordinates,
    });
  }
  return ways;
}

// ---- the overlay: closures, gates, crossings -----------------------------------------------------

/** Which gates are shut and which closures are in force; `key` is the same for equal states (a cache key for costs and snaps). */
export interface OverlayState {
  readonly closedGates: Uint8Array;
  readonly activeClosures: Uint8Array;
  readonly key: string;
}

const NO_OVERLAY: OverlayState = { closedGates: new Uint8Array(0), activeClosures: new Uint8Array(0), key: '' };

/** Which gates are shut and which closures are in force at a time; `at` undefined = gates open (except those never open), closures as of `today`. */
export function overlayState(overlay: NetworkOverlay | undefined, at: DistrictTime | undefined, today: string): OverlayState {
  if (!overlay) return NO_OVERLAY;
  const closedGates = new Uint8Array(overlay.gates.length);
  if (at) overlay.gates.forEach((g, i) => { if (!isOpenAt(g.openingHours, at)) closedGates[i] = 1; });
  // A barrier that never opens ("off": access=private in the extract) is shut at any time.
  else overlay.gates.forEach((g, i) => { if (g.openingHours === 'off') closedGates[i] = 1; });
  const date = at?.date ?? today;
  const activeClosures = new Uint8Array(overlay.closures.length);
  overlay.closures.forEach((c, i) => {
    if ((!c.validFrom || c.validFrom <= date) && (!c.validTo || date <= c.validTo)) activeClosures[i] = 1;
  });
  return { closedGates, activeClosures, key: `${closedGates.join('')}|${activeClosures.join('')}` };
}

/** Minutes of district time remembered per overlay (a resident's page asks for now, 中午 or 晚上; boards for one time). */
const OVERLAY_STATES_KEPT = 64;
const statesByOverlay = new WeakMap<NetworkOverlay, Map<string, OverlayState>>();
let todayMemo = { minute: NaN, date: '' };

/**
 * overlayState, worked out once per overlay and per minute of district time and then looked up: every
 * search of a request (snap, costs, point view) and every request in the same minute share it, instead
 * of asking each gate's opening_hours again (that made a reach with 1,000 corrections and `at=` 3–4 times
 * slower; docs/benchmarks.md). Keyed by the overlay object itself (a publish builds a new graph and
 * overlay, so it never meets an older state) and by the minute (opening_hours resolves to the minute, so
 * seconds never change the answer); without `at`, by today's date (only closures' dates and never-open
 * gates count then). A small LRU per overlay.
 */
export function overlayStateAt(overlay: NetworkOverlay | undefined, at?: DistrictTime, now = new Date()): OverlayState {
  if (!overlay) return NO_OVERLAY;
  let today = '';
  if (!at) {
    // The district's date changes only on a whole minute (zone offsets are whole minutes): one Intl call per minute.
    const minute = Math.floor(now.getTime() / 60_000);
    if (todayMemo.minute !== minute) todayMemo = { minute, date: districtNow(now).date };
    today = todayMemo.date;
  }
  const key = at ? `${at.date}@${Math.floor(at.wallClock.getTime() / 60_000)}` : `today ${today}`;
  let states = statesByOverlay.get(overlay);
  if (!states) { states = new Map(); statesByOverlay.set(overlay, states); }
  let state = states.get(key);
  if (state) {
    states.delete(key); // most recently used last
  } else {
    state = overlayState(overlay, at, today);
    if (states.size >= OVERLAY_STATES_KEPT) states.delete(states.keys().next().value!);
  }
  states.set(key, state);
  return state;
}

/** Places closures, gates and crossings on a built graph (brute force over edges: a few ms per thousand). */
export function buildOverlay(graph: WalkingGraph, corrections: readonly NetworkCorrection[]): NetworkOverlay {
  const edgeGate = new Int32Array(graph.edgeCount).fill(-1);
  const gates: OverlayGate[] = [];
  const edgeClosures = new Map<number, number[]>();
  const closures: OverlayClosure[] = [];
  const crossings = new Map<number, { id: number; kind: CrossingKind; waitSec: number }>();
  const unplaced: number[] = [];
  const applied: number[] = [];
  const { plane, nodeX, nodeY, edgeFrom, edgeTo } = graph;
  const distToLine = (x: number, y: number, line: { x: number; y: number }[]) => {
    let best = Infinity;
    for (let i = 0; i + 1 < line.length; i++) best = Math.min(best, projectOnSegment(x, y, line[i].x, line[i].y, line[i + 1].x, line[i + 1].y).dist);
    return best;
  };
  for (const c of corrections) {
    if (c.kind === 'path') { applied.push(c.id); continue; }
    if (c.kind === 'closure') {
      const line = c.coordinates.map(([lon, lat]) => ({ x: plane.x(lon), y: plane.y(lat) }));
      const minX = Math.min(...line.map((p) => p.x)) - CLOSURE_MATCH_M, maxX = Math.max(...line.map((p) => p.x)) + CLOSURE_MATCH_M;
      const minY = Math.min(...line.map((p) => p.y)) - CLOSURE_MATCH_M, maxY = Math.max(...line.map((p) => p.y)) + CLOSURE_MATCH_M;
      const index = closures.length;
      let hits = 0;
      for (let e = 0; e < graph.edgeCount; e++) {
        const a = edgeFrom[e], b = edgeTo[e];
        if (nodeX[a] < minX || nodeX[a] > maxX || nodeY[a] < minY || nodeY[a] > maxY) continue;
        if (distToLine(nodeX[a], nodeY[a], line) > CLOSURE_MATCH_M || distToLine(nodeX[b], nodeY[b], line) > CLOSURE_MATCH_M) continue;
        if (!edgeClosures.has(e)) edgeClosures.set(e, []);
        edgeClosures.get(e)!.push(index);
        hits++;
      }
      if (hits === 0) { unplaced.push(c.id); continue; }
      closures.push({ id: c.id, stepFreeOnly: c.step_free_only, validFrom: c.valid_from, validTo: c.valid_to });
      applied.push(c.id);
      continue;
    }
    const px = plane.x(c.lon), py = plane.y(c.lat);
    if (c.kind === 'gate') {
      let best = -1, bestDist = GATE_SNAP_M;
      for (let e = 0; e < graph.edgeCount; e++) {
        const a = edgeFrom[e], b = edgeTo[e];
        if (Math.min(nodeX[a], nodeX[b]) > px + GATE_SNAP_M || Math.max(nodeX[a], nodeX[b]) < px - GATE_SNAP_M) continue;
        if (Math.min(nodeY[a], nodeY[b]) > py + GATE_SNAP_M || Math.max(nodeY[a], nodeY[b]) < py - GATE_SNAP_M) continue;
        const { dist } = projectOnSegment(px, py, nodeX[a], nodeY[a], nodeX[b], nodeY[b]);
        if (dist <= bestDist) { best = e; bestDist = dist; }
      }
      if (best < 0) { unplaced.push(c.id); continue; }
      edgeGate[best] = gates.length;
      gates.push({ id: c.id, openingHours: c.opening_hours, stepFree: c.step_free });
      applied.push(c.id);
      continue;
    }
    // A junction of a dual carriageway is several nodes: the crossing covers all of them within reach.
    const mask = crossingJunctionMask(c.junctions);
    let placed = 0;
    for (let v = 0; v < graph.nodeCount; v++) {
      if (!(graph.nodeFlags[v] & mask)) continue;
      if (Math.hypot(nodeX[v] - px, nodeY[v] - py) > CROSSING_SNAP_M) continue;
      crossings.set(v, { id: c.id, kind: c.crossing, waitSec: c.wait_s ?? 0 });
      placed++;
    }
    if (placed === 0) { unplaced.push(c.id); continue; }
    applied.push(c.id);
  }
  return { edgeGate, gates, edgeClosures, closures, crossings, unplaced, applied };
}

/** The node flags a crossing may stand on: trunk/primary junctions, and secondary ones unless it is an extract's tag. */
const crossingJunctionMask = (junctions: 'major' | 'secondary' = 'secondary') =>
  junctions === 'major' ? NODE_MAJOR_JUNCTION : NODE_MAJOR_JUNCTION | NODE_SECONDARY_JUNCTION;

/**
 * The nearest junction where a street office's crossing may stand (a trunk, primary or secondary road meets
 * an at-grade way of a lower class) within CROSSING_SNAP_M, for validation (null = none).
 */
export function nearestCrossingJunctionM(graph: WalkingGraph, lon: number, lat: number): number | null {
  const px = graph.plane.x(lon), py = graph.plane.y(lat);
  const mask = crossingJunctionMask();
  let best: number | null = null;
  for (let v = 0; v < graph.nodeCount; v++) {
    if (!(graph.nodeFlags[v] & mask)) continue;
    const d = Math.hypot(graph.nodeX[v] - px, graph.nodeY[v] - py);
    if (d <= CROSSING_SNAP_M && (best === null || d < best)) best = d;
  }
  return best;
}

/** Paths join only ways a walker may use (as the graph's own build keeps them). */
function walkableWays(ways: readonly WalkingWayInput[]): WalkingWayInput[] {
  return ways.filter((w) => w.coordinates.length >= 2 && isWalkable(w));
}

/** The walking graph with published corrections: drawn paths join the ways, the rest become its overlay. */
export function buildCorrectedGraph(ways: readonly WalkingWayInput[], corrections: readonly NetworkCorrection[], options: BuildOptions = {}): WalkingGraph {
  if (corrections.length === 0) return buildWalkingGraph(ways, options);
  const graph = buildWalkingGraph(waysWithPaths(walkableWays(ways), corrections), options);
  return { ...graph, overlay: buildOverlay(graph, corrections) };
}

/** The same, giving the event loop turns while the graph is built (see buildWalkingGraphAsync). */
export async function buildCorrectedGraphAsync(ways: readonly WalkingWayInput[], corrections: readonly NetworkCorrection[], options: BuildOptions = {}): Promise<WalkingGraph> {
  if (corrections.length === 0) return buildWalkingGraphAsync(ways, options);
  const graph = await buildWalkingGraphAsync(waysWithPaths(walkableWays(ways), corrections), options);
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { ...graph, overlay: buildOverlay(graph, corrections) };
}
