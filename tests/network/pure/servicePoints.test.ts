// The point index (server/network/servicePoints.ts) on a hand-built street with a flight of steps:
// points grouped by category and by edge per set of usable edges, points too far left out with the
// reason, and adding, moving and removing points seen by the next question.
//
//   a street up x = 0 (y 0…400, a vertex every 100 m) and steps from (0,200) west to (−60,200).
import { describe, it, expect } from 'vitest';
import { buildWalkingGraph } from '../../../server/network/walkingGraph.ts';
import { EdgeSnapper } from '../../../server/network/snapping.ts';
import { ServicePointIndex, type CategorisedPoint } from '../../../server/network/servicePoints.ts';
import { way, at, nodeAt, edgeBetween } from './handNetwork.ts';

interface Point extends CategorisedPoint { name: string }

function setup() {
  const g = buildWalkingGraph([
    way('residential', [[0, 0], [0, 100], [0, 200], [0, 300], [0, 400]]),
    way('steps', [[0, 200], [-60, 200]]),
  ]);
  const steps = edgeBetween(g, nodeAt(g, 0, 200), nodeAt(g, -60, 200));
  const all = new Float64Array(g.edgeCount).fill(1);
  const stepFree = all.slice();
  stepFree[steps] = Infinity;
  const index = new ServicePointIndex<Point>(new EdgeSnapper(g), 50);
  const e = (y0: number) => edgeBetween(g, nodeAt(g, 0, y0), nodeAt(g, 0, y0 + 100));
  return { g, steps, all, stepFree, index, e };
}

const pt = (id: number, category_id: string, x: number, y: number): Point => {
  const [lon, lat] = at(x, y);
  return { id, category_id, lon, lat, name: `示例点 ${id}` };
};

describe('service point index on a hand-built street', () => {
  it('groups points by category and by edge, and leaves out a point too far from the street', () => {
    const s = setup();
    s.index.setAll([pt(1, 'health', 10, 50), pt(2, 'health', -10, 60), pt(3, 'culture', 10, 350), pt(4, 'culture', 80, 150)]);
    expect(s.index.size).toBe(4);
    const view = s.index.view('all', s.all);
    expect([...view.byCategory.keys()]).toEqual(['health', 'culture']);
    expect(view.byCategory.get('health')!.map((lp) => lp.point.id)).toEqual([1, 2]);
    expect(view.byCategory.get('culture')!.map((lp) => lp.point.id)).toEqual([3]);
    expect(view.byCategory.get('health')![0].loc.edge).toBe(s.e(0));
    expect(view.byCategory.get('health')![0].loc.t).toBeCloseTo(0.5, 4);
    expect([...view.byEdge.keys()].sort()).toEqual([s.e(0), s.e(300)].sort());
    expect(view.byEdge.get(s.e(0))!.map((lp) => lp.point.id)).toEqual([1, 2]);
    expect(view.byEdge.get(s.e(300))!.map((lp) => lp.point.name)).toEqual(['示例点 3']);
    // 80 m from the street, the index's limit is 50 m.
    expect(view.unsnapped).toHaveLength(1);
    expect(view.unsnapped[0].point.id).toBe(4);
    expect(view.unsnapped[0].failure).toMatchObject({ ok: false, reason: 'too_far', nearestM: 80, maxSnapM: 50 });
  });

  it('snaps once per set of usable edges: a step-free view puts the point by the steps on the street', () => {
    const s = setup();
    s.index.setAll([pt(1, 'health', -40, 205)]);
    const all = s.index.view('all', s.all);
    expect(all.byCategory.get('health')![0].loc.edge).toBe(s.steps);
    const stepFree = s.index.view('steps', s.stepFree);
    expect(stepFree.byCategory.get('health')![0].loc.edge).toBe(s.e(200));
    expect(s.index.view('all', s.all)).toBe(all); // unchanged: the same view
    expect(s.index.view('steps', s.stepFree)).toBe(stepFree);
  });

  it('sees an added, moved and removed point in the next view of every set, and counts the changes', () => {
    const s = setup();
    s.index.setAll([pt(1, 'health', 10, 50)]);
    const v0 = s.index.version;
    s.index.view('all', s.all);
    s.index.view('steps', s.stepFree);
    s.index.upsert(pt(2, 'health', 10, 150));
    expect(s.index.version).toBe(v0 + 1);
    expect(s.index.view('all', s.all).byCategory.get('health')!.map((lp) => lp.point.id)).toEqual([1, 2]);
    expect(s.index.view('steps', s.stepFree).byCategory.get('health')!.map((lp) => lp.point.id)).toEqual([1, 2]);
    // Moved next to the steps: the step-free view keeps it on the street.
    s.index.upsert(pt(2, 'health', -40, 205));
    expect(s.index.view('all', s.all).byEdge.get(s.steps)!.map((lp) => lp.point.id)).toEqual([2]);
    expect(s.index.view('steps', s.stepFree).byEdge.get(s.e(200))!.map((lp) => lp.point.id)).toEqual([2]);
    expect(s.index.view('steps', s.stepFree).byEdge.has(s.e(100))).toBe(false);
    // Re-categorised.
    s.index.upsert(pt(2, 'culture', -40, 205));
    expect(s.index.view('all', s.all).byCategory.get('culture')!.map((lp) => lp.point.id)).toEqual([2]);
    expect(s.index.get(2)!.category_id).toBe('culture');
    expect(s.index.version).toBe(v0 + 3);
    expect(s.index.remove(1)).toBe(true);
    expect(s.index.remove(1)).toBe(false);
    expect(s.index.version).toBe(v0 + 4);
    expect(s.index.get(1)).toBeUndefined();
    expect(s.index.size).toBe(1);
    expect(s.index.view('all', s.all).byCategory.has('health')).toBe(false);
    expect(s.index.view('steps', s.stepFree).byEdge.has(s.e(0))).toBe(false);
    expect(s.index.all().map((p) => p.id)).toEqual([2]);
  });

  it('replaces every point on setAll, in every set', () => {
    const s = setup();
    s.index.setAll([pt(1, 'health', 10, 50), pt(2, 'health', 10, 150)]);
    s.index.view('all', s.all);
    const v = s.index.version;
    s.index.setAll([pt(1, 'health', 10, 350)]);
    expect(s.index.version).toBe(v + 1);
    const view = s.index.view('all', s.all);
    expect(view.byCategory.get('health')!.map((lp) => lp.point.id)).toEqual([1]);
    expect(view.byCategory.get('health')![0].loc.edge).toBe(s.e(300));
    expect(s.index.all()).toHaveLength(1);
  });
});
