// The point index: service points (or any category-tagged points) snapped to the walking graph once
// per set of usable edges and grouped by category and by edge, ready for searches. A point that is
// added, moved or removed costs one snap; the grouping is rebuilt lazily on the next question.

import type { EdgeSnapper, SnapResult, SnappedLocation, SnapFailure } from './snapping.ts';

/** What the index needs of a point; anything else rides along untouched. */
export interface CategorisedPoint {
  id: number | string;
  category_id: string;
  lon: number;
  lat: number;
}

export interface LocatedPoint<P extends CategorisedPoint> {
  point: P;
  loc: SnappedLocation;
}

/** The points as one profile sees them. */
export interface PointView<P extends CategorisedPoint> {
  byCategory: Map<string, LocatedPoint<P>[]>;
  /** Points per edge id (for the same-edge case). */
  byEdge: Map<number, LocatedPoint<P>[]>;
  /** Points that could not be snapped, with the reason. */
  unsnapped: { point: P; failure: SnapFailure }[];
}

interface SnapClass<P extends CategorisedPoint> {
  costs: Float64Array;
  snaps: Map<P['id'], SnapResult>;
  view: PointView<P> | null;
}

export class ServicePointIndex<P extends CategorisedPoint> {
  private readonly points = new Map<P['id'], P>();
  private readonly classes = new Map<string, SnapClass<P>>();
  /** Increments on every change; lets callers see whether their cached answers are stale. */
  version = 0;

  constructor(private readonly snapper: EdgeSnapper, private readonly maxSnapM: number) {}

  get size(): number { return this.points.size; }

  /** Every point in the index. */
  all(): P[] { return [...this.points.values()]; }

  /** Replace all points. */
  setAll(points: Iterable<P>): void {
    this.points.clear();
    for (const p of points) this.points.set(p.id, p);
    for (const c of this.classes.values()) { c.snaps.clear(); c.view = null; }
    this.version++;
  }

  /** Add or replace one point (moved, re-categorised, reopened). */
  upsert(point: P): void {
    this.points.set(point.id, point);
    for (const c of this.classes.values()) {
      c.snaps.set(point.id, this.snapper.snap(point.lon, point.lat, c.costs, this.maxSnapM));
      c.view = null;
    }
    this.version++;
  }

  /** Remove one point (deleted or closed). Returns whether it was there. */
  remove(id: P['id']): boolean {
    if (!this.points.delete(id)) return false;
    for (const c of this.classes.values()) { c.snaps.delete(id); c.view = null; }
    this.version++;
    return true;
  }

  get(id: P['id']): P | undefined { return this.points.get(id); }

  /**
   * The points snapped for a set of usable edges. `key` identifies the set (profiles excluding the
   * same classes share it); `costs` is any cost array of that set (only finiteness matters).
   */
  view(key: string, costs: Float64Array): PointView<P> {
    let c = this.classes.get(key);
    if (!c) { c = { costs, snaps: new Map(), view: null }; this.classes.set(key, c); }
    if (c.view) return c.view;
    const view: PointView<P> = { byCategory: new Map(), byEdge: new Map(), unsnapped: [] };
    for (const p of this.points.values()) {
      let s = c.snaps.get(p.id);
      if (!s) { s = this.snapper.snap(p.lon, p.lat, c.costs, this.maxSnapM); c.snaps.set(p.id, s); }
      if (!s.ok) { view.unsnapped.push({ point: p, failure: s }); continue; }
      const lp = { point: p, loc: s };
      if (!view.byCategory.has(p.category_id)) view.byCategory.set(p.category_id, []);
      view.byCategory.get(p.category_id)!.push(lp);
      if (!view.byEdge.has(s.edge)) view.byEdge.set(s.edge, []);
      view.byEdge.get(s.edge)!.push(lp);
    }
    c.view = view;
    return view;
  }
}
