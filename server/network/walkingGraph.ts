// Builds the segment-level walking graph: every vertex of every walkable way becomes a node (vertices
// joined per the rules in walkingRules.ts), every consecutive vertex pair an undirected edge. Stored as
// compact typed arrays in CSR form so that searches touch no objects. Pure: ways in, arrays out.

import Flatbush from 'flatbush';
import { isWalkable, wayLevel, MAJOR_ROADS, SECONDARY_ROADS, KERB_GAP_M, CONNECTOR_HIGHWAY } from './walkingRules.ts';
import { haversineM, LocalPlane, projectOnSegment, type LonLat } from '../geo.ts';
import type { NetworkOverlay } from './overlay.ts';

/** One way as the caller supplies it (MultiLineStrings already split into parts). */
export interface WalkingWayInput {
  id: number;
  highway: string;
  name: string | null;
  layer: number;
  bridge: boolean;
  tunnel: boolean;
  /** OSM foot=* / access=* where the base has them (walkingRules.isWalkable reads them). */
  foot?: string | null;
  access?: string | null;
  coordinates: LonLat[];
}

/** Per-edge flag bits (`edgeFlags`). */
export const EDGE_STEPS = 1;
/** The edge belongs to a trunk/primary road (MAJOR_ROADS). */
export const EDGE_MAJOR_ROAD = 2;
/** The edge is on the ground (level 'ground') and is not steps: it can meet a major road at grade. */
export const EDGE_AT_GRADE = 4;
/** The edge belongs to a secondary road (SECONDARY_ROADS): free to cross, unless a crossing correction says otherwise. */
export const EDGE_SECONDARY_ROAD = 8;

/** Per-node flag bits (`nodeFlags`). */
export const NODE_MAJOR_JUNCTION = 1;
/** At least one ground-level way passes through the node. */
export const NODE_GROUND = 2;
/**
 * A secondary road meets an at-grade way of a lower class (not major, not secondary) there, and the node is
 * not a major junction: the general rule charges nothing, a crossing correction may (corrections.ts).
 */
export const NODE_SECONDARY_JUNCTION = 4;

export interface WalkingGraphReport {
  waysIn: number;
  waysWalkable: number;
  nodes: number;
  edges: number;
  totalLengthKm: number;
  components: number;
  /** Component sizes in nodes, largest first (at most 20 listed). */
  largestComponents: number[];
  largestComponentShare: number;
  majorJunctions: number;
  /** Nodes where a secondary road meets a lower at-grade way (NODE_SECONDARY_JUNCTION). */
  secondaryJunctions: number;
  stepsEdges: number;
  /** Kerb-gap connectors added (see KERB_GAP_M). */
  kerbConnectors: number;
}

export interface BuildOptions {
  /** Join dead ends of islands to the network within this many metres (default KERB_GAP_M; 0 = off). */
  kerbGapM?: number;
}

export interface WalkingGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** The metric plane used for snapping and rasterising (centre of the network's bounding box). */
  readonly plane: LocalPlane;
  readonly nodeLon: Float64Array;
  readonly nodeLat: Float64Array;
  readonly nodeX: Float64Array;
  readonly nodeY: Float64Array;
  readonly nodeFlags: Uint8Array;
  /** Component id per node; 0 is the largest component. */
  readonly nodeComponent: Int32Array;
  readonly componentSizes: Int32Array;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeLengthM: Float64Array;
  /** Index into `ways` of the way the edge comes from. */
  readonly edgeWay: Int32Array;
  /** Index in that way's coordinates of the edge's first vertex. */
  readonly edgeSegment: Int32Array;
  /** Index into `highwayClasses`. */
  readonly edgeClass: Uint8Array;
  readonly edgeFlags: Uint8Array;
  readonly highwayClasses: readonly string[];
  /** CSR adjacency: the half-edges of node v are adjOffsets[v] .. adjOffsets[v+1]-1. */
  readonly adjOffsets: Int32Array;
  readonly adjEdge: Int32Array;
  readonly adjNode: Int32Array;
  readonly ways: readonly { id: number; highway: string; name: string | null }[];
  readonly report: WalkingGraphReport;
  /** Closures, gates and crossings from the corrections the graph was built with (absent: none). */
  readonly overlay?: NetworkOverlay;
}

/**
 * Groups occurrences by exact coordinate with an open-addressing hash table on the coordinates' bits
 * (a Map with string keys costs seconds at a million vertices). Returns the first occurrence of each
 * coordinate (`heads`) and, per occurrence, the next one at the same coordinate (-1 at the end).
 */
function coordinateChains(lon: Float64Array, lat: Float64Array): { heads: Int32Array; nextAt: Int32Array } {
  const n = lon.length;
  let size = 1;
  while (size < n * 2) size <<= 1;
  const table = new Int32Array(size).fill(-1);
  const nextAt = new Int32Array(n).fill(-1);
  const heads = new Int32Array(n);
  let headCount = 0;
  const lonBits = new Uint32Array(lon.buffer, lon.byteOffset, n * 2);
  const latBits = new Uint32Array(lat.buffer, lat.byteOffset, n * 2);
  const mask = size - 1;
  for (let i = 0; i < n; i++) {
    let h = Math.imul(lonBits[2 * i] ^ Math.imul(lonBits[2 * i + 1], 0x9e3779b1), 0x85ebca6b);
    h = Math.imul(h ^ latBits[2 * i] ^ Math.imul(latBits[2 * i + 1], 0xc2b2ae35), 0x27d4eb2f);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const head = table[slot];
      if (head === -1) { table[slot] = i; heads[headCount++] = i; break; }
      if (lon[head] === lon[i] && lat[head] === lat[i]) { nextAt[i] = nextAt[head]; nextAt[head] = i; break; }
      slot = (slot + 1) & mask;
    }
  }
  return { heads: heads.subarray(0, headCount), nextAt };
}

class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(a: number): number {
    const p = this.parent;
    while (p[a] !== a) { p[a] = p[p[a]]; a = p[a]; }
    return a;
  }
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Build the walking graph. Non-walkable ways (per `isWalkable`) are skipped, so callers may pass the
 * whole network. Vertices are joined by exact coordinate: way endpoints join everything at their
 * coordinate, interior vertices only vertices of the same level (`wayLevel`).
 */
export function buildWalkingGraph(input: readonly WalkingWayInput[], options: BuildOptions = {}): WalkingGraph {
  const steps = buildSteps(input, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same build, giving the event loop a turn between its phases (each tens of milliseconds on a
 * district), so a service rebuilding its graph keeps answering requests meanwhile.
 */
export async function buildWalkingGraphAsync(input: readonly WalkingWayInput[], options: BuildOptions = {}): Promise<WalkingGraph> {
  const steps = buildSteps(input, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The build as a sequence of phases; each `yield` is a point where the caller may pause. */
function* buildSteps(input: readonly WalkingWayInput[], options: BuildOptions): Generator<void, WalkingGraph> {
  return yield* buildBase(input, options);
}

function* buildBase(input: readonly WalkingWayInput[], options: BuildOptions): Generator<void, WalkingGraph> {
  const kerbGapM = options.kerbGapM ?? KERB_GAP_M;
  const walkable = input.filter((w) => w.coordinates.length >= 2 && isWalkable(w));
  const first = yield* assembleGraph(walkable, input.length, 0);
  if (kerbGapM <= 0 || first.componentSizes.length <= 1) return first;
  const joined = withKerbConnectors(first, walkable, kerbGapM);
  yield;
  return joined.connectors > 0 ? yield* assembleGraph(joined.ways, input.length, joined.connectors) : first;
}

function* assembleGraph(ways: readonly WalkingWayInput[], waysIn: number, kerbConnectors: number): Generator<void, WalkingGraph> {
  // 1. Occurrences: one per (way, vertex).
  let occCount = 0;
  for (const w of ways) occCount += w.coordinates.length;
  const occLon = new Float64Array(occCount);
  const occLat = new Float64Array(occCount);
  const occWay = new Int32Array(occCount);
  const occEndpoint = new Uint8Array(occCount);
  const levelIds = new Map<string, number>();
  const wayLevelId = new Int32Array(ways.length);
  let o = 0;
  ways.forEach((w, wi) => {
    const level = wayLevel(w);
    if (!levelIds.has(level)) levelIds.set(level, levelIds.size);
    wayLevelId[wi] = levelIds.get(level)!;
    const cs = w.coordinates;
    for (let i = 0; i < cs.length; i++, o++) {
      occLon[o] = cs[i][0];
      occLat[o] = cs[i][1];
      occWay[o] = wi;
      occEndpoint[o] = i === 0 || i === cs.length - 1 ? 1 : 0;
    }
  });

  yield;
  // 2. Join occurrences at the same coordinate according to the level rules.
  const uf = new UnionFind(occCount);
  const heads = coordinateChains(occLon, occLat);
  const nextAt = heads.nextAt;
  for (const head of heads.heads) {
    if (nextAt[head] === -1) continue;
    let anyEndpoint = false;
    for (let i = head; i !== -1; i = nextAt[i]) if (occEndpoint[i]) { anyEndpoint = true; break; }
    if (anyEndpoint) {
      for (let i = nextAt[head]; i !== -1; i = nextAt[i]) uf.union(head, i);
    } else {
      // Interior vertices only: join those of the same level. Usually all share one level.
      const headLevel = wayLevelId[occWay[head]];
      let mixed = false;
      for (let i = nextAt[head]; i !== -1; i = nextAt[i]) {
        if (wayLevelId[occWay[i]] === headLevel) uf.union(head, i); else mixed = true;
      }
      if (mixed) {
        const firstOfLevel = new Map<number, number>();
        for (let i = head; i !== -1; i = nextAt[i]) {
          const lvl = wayLevelId[occWay[i]];
          const f = firstOfLevel.get(lvl);
          if (f === undefined) firstOfLevel.set(lvl, i); else uf.union(f, i);
        }
      }
    }
  }

  yield;
  // 3. Compact node ids.
  const nodeOfOcc = new Int32Array(occCount);
  const rootNode = new Int32Array(occCount).fill(-1);
  let nodeCount = 0;
  for (let i = 0; i < occCount; i++) {
    const r = uf.find(i);
    if (rootNode[r] === -1) rootNode[r] = nodeCount++;
    nodeOfOcc[i] = rootNode[r];
  }
  const nodeLon = new Float64Array(nodeCount);
  const nodeLat = new Float64Array(nodeCount);
  const nodeFlags = new Uint8Array(nodeCount);
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  for (let i = 0; i < occCount; i++) {
    const v = nodeOfOcc[i];
    nodeLon[v] = occLon[i];
    nodeLat[v] = occLat[i];
    if (occLon[i] < minLon) minLon = occLon[i];
    if (occLon[i] > maxLon) maxLon = occLon[i];
    if (occLat[i] < minLat) minLat = occLat[i];
    if (occLat[i] > maxLat) maxLat = occLat[i];
    if (levelIds.get('ground') === wayLevelId[occWay[i]]) nodeFlags[v] |= NODE_GROUND;
  }

  yield;
  // 4. Edges: consecutive occurrences of a way that are different nodes.
  const classIds = new Map<string, number>();
  let edgeCap = occCount - ways.length;
  const edgeFrom = new Int32Array(edgeCap);
  const edgeTo = new Int32Array(edgeCap);
  const edgeLengthM = new Float64Array(edgeCap);
  const edgeWay = new Int32Array(edgeCap);
  const edgeSegment = new Int32Array(edgeCap);
  const edgeClass = new Uint8Array(edgeCap);
  const edgeFlags = new Uint8Array(edgeCap);
  let edgeCount = 0;
  o = 0;
  ways.forEach((w, wi) => {
    if (!classIds.has(w.highway)) classIds.set(w.highway, classIds.size);
    const cls = classIds.get(w.highway)!;
    let flags = 0;
    if (w.highway === 'steps') flags |= EDGE_STEPS;
    if (MAJOR_ROADS.has(w.highway)) flags |= EDGE_MAJOR_ROAD;
    if (SECONDARY_ROADS.has(w.highway)) flags |= EDGE_SECONDARY_ROAD;
    if (wayLevel(w) === 'ground' && w.highway !== 'steps' && w.highway !== CONNECTOR_HIGHWAY) flags |= EDGE_AT_GRADE;
    const n = w.coordinates.length;
    for (let i = 0; i + 1 < n; i++) {
      const a = nodeOfOcc[o + i], b = nodeOfOcc[o + i + 1];
      if (a === b) continue; // repeated vertex: no segment
      edgeFrom[edgeCount] = a;
      edgeTo[edgeCount] = b;
      edgeLengthM[edgeCount] = haversineM(nodeLon[a], nodeLat[a], nodeLon[b], nodeLat[b]);
      edgeWay[edgeCount] = wi;
      edgeSegment[edgeCount] = i;
      edgeClass[edgeCount] = cls;
      edgeFlags[edgeCount] = flags;
      edgeCount++;
    }
    o += n;
  });
  edgeCap = edgeCount;

  yield;
  // 5. CSR adjacency (each undirected edge appears once per end).
  const adjOffsets = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) { adjOffsets[edgeFrom[e] + 1]++; adjOffsets[edgeTo[e] + 1]++; }
  for (let v = 0; v < nodeCount; v++) adjOffsets[v + 1] += adjOffsets[v];
  const fill = adjOffsets.slice(0, nodeCount);
  const adjEdge = new Int32Array(2 * edgeCount);
  const adjNode = new Int32Array(2 * edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const a = edgeFrom[e], b = edgeTo[e];
    adjEdge[fill[a]] = e; adjNode[fill[a]++] = b;
    adjEdge[fill[b]] = e; adjNode[fill[b]++] = a;
  }

  yield;
  // 6. Major junctions: a trunk/primary road meets an at-grade, non-major way.
  //    Secondary junctions: a secondary road meets an at-grade way below it (where a crossing correction may stand).
  let majorJunctions = 0, secondaryJunctions = 0;
  for (let v = 0; v < nodeCount; v++) {
    let major = false, minorAtGrade = false, secondary = false, lowerAtGrade = false;
    for (let i = adjOffsets[v]; i < adjOffsets[v + 1]; i++) {
      const f = edgeFlags[adjEdge[i]];
      if (f & EDGE_MAJOR_ROAD) major = true;
      else if (f & EDGE_AT_GRADE) {
        minorAtGrade = true;
        if (f & EDGE_SECONDARY_ROAD) secondary = true;
        else lowerAtGrade = true;
      }
    }
    if (major && minorAtGrade) { nodeFlags[v] |= NODE_MAJOR_JUNCTION; majorJunctions++; }
    else if (secondary && lowerAtGrade) { nodeFlags[v] |= NODE_SECONDARY_JUNCTION; secondaryJunctions++; }
  }

  yield;
  // 7. Connected components, relabelled so that 0 is the largest.
  const { nodeComponent, componentSizes } = connectedComponents(nodeCount, adjOffsets, adjNode);

  const plane = new LocalPlane(nodeCount ? (minLon + maxLon) / 2 : 0, nodeCount ? (minLat + maxLat) / 2 : 0);
  const nodeX = new Float64Array(nodeCount);
  const nodeY = new Float64Array(nodeCount);
  for (let v = 0; v < nodeCount; v++) { nodeX[v] = plane.x(nodeLon[v]); nodeY[v] = plane.y(nodeLat[v]); }

  let totalLength = 0, stepsEdges = 0;
  for (let e = 0; e < edgeCount; e++) {
    totalLength += edgeLengthM[e];
    if (edgeFlags[e] & EDGE_STEPS) stepsEdges++;
  }
  const highwayClasses: string[] = [];
  for (const [name, id] of classIds) highwayClasses[id] = name;

  return {
    nodeCount, edgeCount, plane, nodeLon, nodeLat, nodeX, nodeY, nodeFlags, nodeComponent, componentSizes,
    edgeFrom: edgeFrom.subarray(0, edgeCap), edgeTo: edgeTo.subarray(0, edgeCap),
    edgeLengthM: edgeLengthM.subarray(0, edgeCap), edgeWay: edgeWay.subarray(0, edgeCap),
    edgeSegment: edgeSegment.subarray(0, edgeCap),
    edgeClass: edgeClass.subarray(0, edgeCap), edgeFlags: edgeFlags.subarray(0, edgeCap),
    highwayClasses, adjOffsets, adjEdge, adjNode,
    ways: ways.map((w) => ({ id: w.id, highway: w.highway, name: w.name })),
    report: {
      waysIn,
      waysWalkable: ways.length,
      nodes: nodeCount,
      edges: edgeCount,
      totalLengthKm: Math.round(totalLength) / 1000,
      components: componentSizes.length,
      largestComponents: Array.from(componentSizes.subarray(0, 20)),
      largestComponentShare: nodeCount ? componentSizes[0] / nodeCount : 0,
      majorJunctions,
      secondaryJunctions,
      stepsEdges,
      kerbConnectors,
    },
  };
}

/**
 * The kerb-gap rule (see KERB_GAP_M): find dead ends of ground-level islands and the nearest ground
 * edge of another component within the gap; return the ways with a vertex inserted where each
 * connector lands and one two-vertex 'connector' way per join.
 */
function withKerbConnectors(g: WalkingGraph, ways: readonly WalkingWayInput[], gapM: number) {
  const groundEdge = new Uint8Array(g.edgeCount);
  const index = new Flatbush(Math.max(1, g.edgeCount));
  for (let e = 0; e < g.edgeCount; e++) {
    groundEdge[e] = wayLevel(ways[g.edgeWay[e]]) === 'ground' ? 1 : 0;
    const ax = g.nodeX[g.edgeFrom[e]], ay = g.nodeY[g.edgeFrom[e]], bx = g.nodeX[g.edgeTo[e]], by = g.nodeY[g.edgeTo[e]];
    index.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
  }
  index.finish();

  const inserts = new Map<number, { seg: number; t: number; lon: number; lat: number }[]>();
  const connectors: WalkingWayInput[] = [];
  for (let v = 0; v < g.nodeCount; v++) {
    const comp = g.nodeComponent[v];
    if (comp === 0 || g.adjOffsets[v + 1] - g.adjOffsets[v] !== 1) continue;
    if (!(g.nodeFlags[v] & NODE_GROUND)) continue;
    const px = g.nodeX[v], py = g.nodeY[v];
    let best = -1, bestDist = gapM, bestT = 0;
    for (const e of index.search(px - gapM, py - gapM, px + gapM, py + gapM)) {
      if (!groundEdge[e] || g.nodeComponent[g.edgeFrom[e]] === comp) continue;
      const a = g.edgeFrom[e], b = g.edgeTo[e];
      const { t, dist } = projectOnSegment(px, py, g.nodeX[a], g.nodeY[a], g.nodeX[b], g.nodeY[b]);
      if (dist <= bestDist) { best = e; bestDist = dist; bestT = t; }
    }
    if (best < 0) continue;
    const a = g.edgeFrom[best], b = g.edgeTo[best];
    let lon: number, lat: number;
    if (bestT <= 0) { lon = g.nodeLon[a]; lat = g.nodeLat[a]; }
    else if (bestT >= 1) { lon = g.nodeLon[b]; lat = g.nodeLat[b]; }
    else {
      // edgeFrom is the way's vertex at edgeSegment, so bestT runs along the way's direction.
      lon = g.nodeLon[a] + bestT * (g.nodeLon[b] - g.nodeLon[a]);
      lat = g.nodeLat[a] + bestT * (g.nodeLat[b] - g.nodeLat[a]);
      const wi = g.edgeWay[best];
      if (!inserts.has(wi)) inserts.set(wi, []);
      inserts.get(wi)!.push({ seg: g.edgeSegment[best], t: bestT, lon, lat });
    }
    connectors.push({
      id: -(connectors.length + 1), highway: CONNECTOR_HIGHWAY, name: null, layer: 0, bridge: false, tunnel: false,
      coordinates: [[g.nodeLon[v], g.nodeLat[v]], [lon, lat]],
    });
  }
  const out: WalkingWayInput[] = ways.map((w, wi) => {
    const ins = inserts.get(wi);
    if (!ins) return w;
    ins.sort((p, q) => p.seg - q.seg || p.t - q.t);
    const coordinates: LonLat[] = [];
    let k = 0;
    w.coordinates.forEach((c, i) => {
      coordinates.push(c);
      while (k < ins.length && ins[k].seg === i) { coordinates.push([ins[k].lon, ins[k].lat]); k++; }
    });
    return { ...w, coordinates };
  });
  return { ways: out.concat(connectors), connectors: connectors.length };
}

function connectedComponents(n: number, adjOffsets: Int32Array, adjNode: Int32Array) {
  const comp = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const stack = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (comp[s] !== -1) continue;
    const c = sizes.length;
    let top = 0, size = 0;
    stack[top++] = s;
    comp[s] = c;
    while (top > 0) {
      const v = stack[--top];
      size++;
      for (let i = adjOffsets[v]; i < adjOffsets[v + 1]; i++) {
        const u = adjNode[i];
        if (comp[u] === -1) { comp[u] = c; stack[top++] = u; }
      }
    }
    sizes.push(size);
  }
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a]);
  const rank = new Int32Array(sizes.length);
  order.forEach((c, r) => { rank[c] = r; });
  for (let v = 0; v < n; v++) comp[v] = rank[comp[v]];
  return { nodeComponent: comp, componentSizes: Int32Array.from(order.map((c) => sizes[c])) };
}
