// Dijkstra over the CSR walking graph with a binary heap (flatqueue), single- or multi-source,
// bounded by a time limit and resumable to a larger one. Seeds are snapped locations, entering the
// graph through both ends of their edge; each node remembers which seed reached it first (its label).

import FlatQueue from 'flatqueue';
import type { WalkingGraph } from './walkingGraph.ts';
import type { SnappedLocation } from './snapping.ts';

/** A starting point of a search: a node, the time and metres already spent, and a label. */
export interface Seed {
  node: number;
  timeSec: number;
  metres: number;
  label: number;
}

/** Both graph entries of a snapped location, walking the access leg at `speedMps`. */
export function seedsOf(graph: WalkingGraph, costs: Float64Array, loc: SnappedLocation, speedMps: number, label: number): Seed[] {
  const c = costs[loc.edge], len = graph.edgeLengthM[loc.edge];
  const accessSec = loc.snapDistM / speedMps;
  return [
    { node: graph.edgeFrom[loc.edge], timeSec: accessSec + loc.t * c, metres: loc.snapDistM + loc.t * len, label },
    { node: graph.edgeTo[loc.edge], timeSec: accessSec + (1 - loc.t) * c, metres: loc.snapDistM + (1 - loc.t) * len, label },
  ];
}

/** Where an arrival came from: an end of the location's edge (`node`), or a start on the same edge. */
export interface Arrival {
  timeSec: number;
  metres: number;
  via: 'from' | 'to' | 'direct';
  /** The settled end node passed through (via from/to), else -1. */
  node: number;
  /** The index in `sameEdge` walked from directly (via direct), else -1. */
  start: number;
}

/**
 * Arrival at a snapped location in a finished search: through either end of its edge, or straight
 * along the edge from one of `sameEdge` (starts lying on that edge, which the graph cannot see).
 * The mirror of seedsOf; every walking time to a place is computed here. Unsettled ends count as unreached.
 */
export function arrivalAt(
  search: TravelTimeSearch, graph: WalkingGraph, costs: Float64Array, loc: SnappedLocation, speedMps: number,
  sameEdge: readonly Pick<SnappedLocation, 't' | 'snapDistM'>[] = [],
): Arrival {
  const c = costs[loc.edge], len = graph.edgeLengthM[loc.edge], access = loc.snapDistM / speedMps;
  let timeSec = Infinity, metres = Infinity, via: Arrival['via'] = 'direct', node = -1, start = -1;
  const from = graph.edgeFrom[loc.edge], to = graph.edgeTo[loc.edge];
  if (search.isSettled(from)) {
    const t = search.time[from] + loc.t * c + access;
    if (t < timeSec) { timeSec = t; metres = search.metres[from] + loc.t * len + loc.snapDistM; via = 'from'; node = from; }
  }
  if (search.isSettled(to)) {
    const t = search.time[to] + (1 - loc.t) * c + access;
    if (t < timeSec) { timeSec = t; metres = search.metres[to] + (1 - loc.t) * len + loc.snapDistM; via = 'to'; node = to; }
  }
  for (let i = 0; i < sameEdge.length; i++) {
    const s = sameEdge[i];
    const t = Math.abs(s.t - loc.t) * c + access + s.snapDistM / speedMps;
    if (t <= timeSec) { timeSec = t; metres = Math.abs(s.t - loc.t) * len + loc.snapDistM + s.snapDistM; via = 'direct'; node = -1; start = i; }
  }
  return { timeSec, metres, via, node, start };
}

/**
 * A reusable search workspace. Arrays are allocated once per graph and invalidated by a generation
 * counter, so a search costs only what it touches. A finished search's results stay readable until
 * the next `start` on the same workspace — callers consume them synchronously.
 */
export class TravelTimeSearch {
  readonly time: Float64Array;
  readonly metres: Float64Array;
  readonly prevEdge: Int32Array;
  readonly label: Int32Array;
  /** Settled nodes in order of increasing time; `settledCount` of them are valid. */
  readonly settledOrder: Int32Array;
  settledCount = 0;
  private readonly touched: Uint32Array;
  private readonly settled: Uint32Array;
  private queue: FlatQueue<number>;
  private gen = 0;
  private costs: Float64Array = new Float64Array(0);
  /** Time up to which the current search is complete. */
  limitSec = 0;

  constructor(readonly graph: WalkingGraph) {
    const n = graph.nodeCount;
    this.time = new Float64Array(n);
    this.metres = new Float64Array(n);
    this.prevEdge = new Int32Array(n);
    this.label = new Int32Array(n);
    this.settledOrder = new Int32Array(n);
    this.touched = new Uint32Array(n);
    this.settled = new Uint32Array(n);
    this.queue = this.queueFor(0);
  }

  // The heap in typed arrays of a fixed size (faster than growing arrays): each relaxation pushes at most
  // once per adjacency entry, plus once per seed.
  private queueFor(seeds: number): FlatQueue<number> {
    return new FlatQueue<number>(this.graph.adjEdge.length + Math.max(seeds, this.graph.nodeCount) + 16, Float64Array, Uint32Array);
  }

  /** Begin a new search from the seeds (nothing is expanded until `runTo`). */
  start(costs: Float64Array, seeds: Iterable<Seed>): this {
    this.gen++;
    if (this.gen === 0xffffffff) { this.touched.fill(0); this.settled.fill(0); this.gen = 1; }
    this.costs = costs;
    this.settledCount = 0;
    this.limitSec = 0;
    const seedList = Array.isArray(seeds) ? seeds as Seed[] : [...seeds];
    if (this.queue.capacity < this.graph.adjEdge.length + seedList.length + 16) this.queue = this.queueFor(seedList.length);
    this.queue.clear();
    for (const s of seedList) {
      if (!(s.timeSec < Infinity)) continue;
      if (this.touched[s.node] !== this.gen || s.timeSec < this.time[s.node]) {
        this.touched[s.node] = this.gen;
        this.time[s.node] = s.timeSec;
        this.metres[s.node] = s.metres;
        this.prevEdge[s.node] = -1;
        this.label[s.node] = s.label;
        this.queue.push(s.node, s.timeSec);
      }
    }
    return this;
  }

  /** Settle every node whose walking time is ≤ limitSec (may be called again with a larger limit). */
  runTo(limitSec: number): this {
    const { time, metres, prevEdge, label, touched, settled, settledOrder, queue, costs, gen } = this;
    const { adjOffsets, adjEdge, adjNode, edgeLengthM } = this.graph;
    while (queue.length > 0 && (queue.peekValue() as number) <= limitSec) {
      const tv = queue.peekValue() as number;
      const v = queue.pop() as number;
      if (settled[v] === gen || tv > time[v]) continue; // stale heap entry
      settled[v] = gen;
      settledOrder[this.settledCount++] = v;
      const mv = metres[v], lv = label[v];
      for (let i = adjOffsets[v], end = adjOffsets[v + 1]; i < end; i++) {
        const u = adjNode[i];
        if (settled[u] === gen) continue;
        const e = adjEdge[i];
        const nt = tv + costs[e];
        if (nt === Infinity) continue;
        if (touched[u] !== gen || nt < time[u]) {
          touched[u] = gen;
          time[u] = nt;
          metres[u] = mv + edgeLengthM[e];
          prevEdge[u] = e;
          label[u] = lv;
          queue.push(u, nt);
        }
      }
    }
    if (limitSec > this.limitSec) this.limitSec = limitSec;
    return this;
  }

  /** Run until nothing is left to settle. */
  runAll(): this { return this.runTo(Infinity); }

  /** True when nothing is left to settle (every reachable node is settled). */
  get exhausted(): boolean { return this.queue.length === 0; }

  isSettled(v: number): boolean { return this.settled[v] === this.gen; }

  /** Walking seconds to node v, or Infinity if not settled within the limit. */
  timeTo(v: number): number { return this.settled[v] === this.gen ? this.time[v] : Infinity; }

  /** The edge costs the current search runs on. */
  get edgeCosts(): Float64Array { return this.costs; }
}
