// The walking engine (server/network/walkingEngine.ts) on a hand-built network: exact minutes and metres
// to the nearest points of each category, routes and their geometry, step-free detours, many origins at
// once, and the errors for places off the network and unknown profiles.
//
//   two streets up x = 0 and x = 200 (y 0…1000, a vertex every 100 m), joined by footways along y = 0 and
//   y = 1000 and by a flight of steps along y = 500; an island street up x = 1000 (y 0…300), not joined.
//   Profiles: walk (1 m/s), slow (0.5 m/s), step_free (1 m/s, no steps).
// The second block holds the cases the mutation run of walkingEngine.ts showed untested (docs/testing.md):
// answers out of insertion order, limits met exactly, unreachable batch origins, route ends, a gate.
import { describe, it, expect } from 'vitest';
import { buildWalkingGraph } from '../../../server/network/walkingGraph.ts';
import { WalkingEngine, OutsideNetworkError, UnknownProfileError } from '../../../server/network/walkingEngine.ts';
import type { CategorisedPoint } from '../../../server/network/servicePoints.ts';
import type { SnappedLocation } from '../../../server/network/snapping.ts';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { parseDistrictTime } from '../../../server/network/corrections.ts';
import type { NetworkOverlay } from '../../../server/network/overlay.ts';
import { TravelTimeSearch, seedsOf } from '../../../server/network/travelTimes.ts';
import { ringsFromSearch, DEFAULT_RING_OPTIONS } from '../../../server/network/rings.ts';
import { way, at, nodeAt, edgeBetween, profile, PLANE } from './handNetwork.ts';

interface Point extends CategorisedPoint { name: string }

const column = (x: number, to = 1000) => Array.from({ length: to / 100 + 1 }, (_, i) => [x, i * 100] as [number, number]);
// Built per engine, inside each test (the mutation run counts which test runs which line).
const buildGraph = () => buildWalkingGraph([
  way('residential', column(0)),
  way('residential', column(200)),
  way('footway', [[0, 0], [200, 0]]),
  way('footway', [[0, 1000], [200, 1000]]),
  way('steps', [[0, 500], [200, 500]]),
  way('residential', column(1000, 300)),
]);
const PROFILES = [
  profile({ id: 'walk' as never }),
  profile({ id: 'slow' as never, speed_mps: 0.5 }),
  profile({ id: 'step_free' as never, excluded_highways: ['steps'] }),
];

let nextId = 1;
const pt = (category_id: string, x: number, y: number): Point => {
  const [lon, lat] = at(x, y);
  return { id: nextId++, category_id, lon, lat, name: `示例 ${category_id} ${x},${y}` };
};
const H1 = pt('health', -10, 200), H2 = pt('health', 10, 100), H3 = pt('health', 10, 850), H4 = pt('health', 10, 950);
const C1 = pt('culture', 190, 520);
const M1 = pt('market', 500, 500); // 300 m from any street: not snapped

function engine(options = {}) {
  const e = new WalkingEngine<Point>(buildGraph(), PROFILES, options);
  e.points.setAll([H1, H2, H3, H4, C1, M1]);
  return e;
}

// The origin: 10 m west of the street at (0,430). Walking seconds at 1 m/s: H1 10+230+10 = 250,
// H2 350, H3 440, H4 540; C1 over the steps 10+70+200+20+10 = 310, round by the south footway 1170.
const ORIGIN = at(-10, 430);

describe('walking engine on a hand-built network', () => {
  it('lists the nearest points of each category by walking time, with minutes, metres and the straight line', () => {
    const nearest = engine().nearest(ORIGIN, { profile: 'walk' });
    expect(Object.keys(nearest).sort()).toEqual(['culture', 'health']);
    expect(nearest.health.map((h) => h.point.id)).toEqual([H1.id, H2.id, H3.id]);
    expect(nearest.health.map((h) => h.walk_s)).toEqual([250, 350, 440]);
    expect(nearest.health.map((h) => h.walk_m)).toEqual([250, 350, 440]);
    expect(nearest.health[0]).toMatchObject({ walk_min: 4.2, straight_m: 230 });
    expect(nearest.health[0].route).toBeUndefined();
    expect(nearest.culture).toHaveLength(1);
    expect(nearest.culture[0]).toMatchObject({ walk_s: 310, walk_m: 310, walk_min: 5.2, point: C1 });
  });

  it('walks the same metres slower at a slower speed', () => {
    const nearest = engine().nearest(ORIGIN, { profile: 'slow', perCategory: 2 });
    expect(nearest.health.map((h) => [h.walk_s, h.walk_m])).toEqual([[500, 250], [700, 350]]);
    expect(nearest.culture[0]).toMatchObject({ walk_s: 620, walk_m: 310, walk_min: 10.3 });
  });

  it('sends a step-free walker round by the footway instead of up the steps', () => {
    const e = engine();
    const nearest = e.nearest(ORIGIN, { profile: 'step_free', categories: ['culture'] });
    expect(Object.keys(nearest)).toEqual(['culture']);
    expect(nearest.culture[0]).toMatchObject({ walk_s: 1170, walk_m: 1170, walk_min: 19.5 });
    const route = e.route(ORIGIN, at(190, 520), 'step_free')!;
    expect(route.properties.walk_s).toBe(1170);
    const ys = route.geometry.coordinates.map(([, lat]) => Math.round(PLANE.y(lat)));
    expect(Math.min(...ys)).toBe(0);
  });

  it('stops at the limit, takes the count asked for, and answers an empty list for a category without points', () => {
    const e = engine();
    const near = e.nearest(ORIGIN, { profile: 'walk', maxMinutes: 5, categories: ['health', 'culture', 'library'] });
    expect(near.health.map((h) => h.walk_s)).toEqual([250]);
    expect(near.culture).toEqual([]);
    expect(near.library).toEqual([]);
    const one = e.nearest(ORIGIN, { profile: 'walk', perCategory: 1 });
    expect(one.health.map((h) => h.point.id)).toEqual([H1.id]);
    const all = e.nearest(ORIGIN, { profile: 'walk', perCategory: 10, maxMinutes: 9 });
    expect(all.health.map((h) => h.walk_s)).toEqual([250, 350, 440, 540]);
    const within = e.nearest(ORIGIN, { profile: 'walk', perCategory: 10, maxMinutes: 8 });
    expect(within.health.map((h) => h.walk_s)).toEqual([250, 350, 440]);
  });

  it('draws each answer\'s route when asked: from the origin, along the streets, to the point', () => {
    const near = engine().nearest(ORIGIN, { profile: 'walk', withRoutes: true, categories: ['culture'] });
    const metres = near.culture[0].route!.geometry.coordinates.map(([lon, lat]) => [Math.round(PLANE.x(lon)), Math.round(PLANE.y(lat))]);
    expect(metres).toEqual([[-10, 430], [0, 430], [0, 500], [200, 500], [200, 520], [190, 520]]);
    expect(near.culture[0].route!.type).toBe('Feature');
  });

  it('routes between two places, also when both lie on one edge and when they are not connected', () => {
    const e = engine();
    const r = e.route(ORIGIN, at(190, 520), 'walk')!;
    expect(r.type).toBe('Feature');
    expect(r.properties).toEqual({ walk_s: 310, walk_m: 310, walk_min: 5.2, straight_m: 219 });
    expect(r.geometry.coordinates.map(([lon, lat]) => [Math.round(PLANE.x(lon)), Math.round(PLANE.y(lat))]))
      .toEqual([[-10, 430], [0, 430], [0, 500], [200, 500], [200, 520], [190, 520]]);
    // Both on the edge (0,400)–(0,500): straight along it.
    const direct = e.route(ORIGIN, at(10, 470), 'walk')!;
    expect(direct.properties).toMatchObject({ walk_s: 60, walk_m: 60 });
    expect(direct.geometry.coordinates.map(([lon, lat]) => [Math.round(PLANE.x(lon)), Math.round(PLANE.y(lat))]))
      .toEqual([[-10, 430], [0, 430], [0, 470], [10, 470]]);
    // A long way: the search grows until the answer is final.
    const far = e.route(at(-10, 30), at(210, 30), 'step_free')!;
    expect(far.properties.walk_s).toBe(10 + 30 + 200 + 30 + 10);
    const round = e.route(at(-10, 480), at(210, 480), 'step_free')!;
    expect(round.properties.walk_s).toBe(10 + 480 + 200 + 480 + 10);
    expect(e.route(ORIGIN, at(1010, 150), 'walk')).toBeNull();
    // The same place: a route of one point, drawn as two.
    const here = e.route(at(0, 430), at(0, 430), 'walk')!;
    expect(here.properties.walk_s).toBe(0);
    expect(here.geometry.coordinates).toHaveLength(2);
  });

  it('accepts a place snapped before, and gives travel times to every node within the limit', () => {
    const e = engine();
    const snapped = e.locate(ORIGIN, 'walk') as SnappedLocation;
    expect(e.locate(snapped, 'walk')).toBe(snapped);
    const tt = e.travelTimes(snapped, 'walk', 100);
    expect(Array.from(tt.nodes)).toEqual([nodeAt(e.graph, 0, 400), nodeAt(e.graph, 0, 500)]);
    const r6 = (a: Float64Array) => Array.from(a, (x) => Math.round(x * 100) / 100); // the 10 m access leg runs east–west: 9.9995 m
    expect(r6(tt.timesSec)).toEqual([40, 80]);
    expect(r6(tt.metres)).toEqual([40, 80]);
    const slow = e.travelTimes(ORIGIN, 'slow', 200);
    expect(r6(slow.timesSec)).toEqual([80, 160]);
    expect(r6(slow.metres)).toEqual([40, 80]);
  });

  it('draws rings at the profile\'s speed with the engine\'s ring options', () => {
    const e = engine();
    const [one, two] = e.rings(ORIGIN, 'walk', [1, 2]).features;
    expect([one.properties.minutes, two.properties.minutes]).toEqual([1, 2]);
    const inside = (f: typeof one, x: number, y: number) => booleanPointInPolygon(at(x, y), f);
    expect(inside(one, 0, 470)).toBe(true); // 50 s
    expect(inside(one, 0, 530)).toBe(false); // 110 s
    expect(inside(two, 0, 530)).toBe(true);
    const [slowOne] = e.rings(ORIGIN, 'slow', [1]).features;
    expect(inside(slowOne, 0, 470)).toBe(false); // 100 s
    expect(inside(slowOne, 0, 445)).toBe(true); // 50 s
    const wide = engine({ ring: { cellM: 10, offStreetM: 50, decimals: 6, simplifyM: 0 } });
    expect(inside(wide.rings(ORIGIN, 'walk', [2]).features[0], 40, 430)).toBe(true);
    expect(inside(two, 40, 430)).toBe(false);
  });

  it('answers rings and nearest points in one reach, looking at least as far as the largest ring', () => {
    const e = engine();
    const r = e.reach(ORIGIN, { profile: 'walk', minutes: [5], nearestMaxMinutes: 4 });
    expect(r.origin.snapDistM).toBeCloseTo(10, 2);
    expect(r.profile.id).toBe('walk');
    expect(r.rings.features.map((f) => f.properties.minutes)).toEqual([5]);
    expect(r.nearest.health.map((h) => h.walk_s)).toEqual([250]); // within 5 min although 4 asked
    expect(r.nearest.culture).toEqual([]);
    const longer = e.reach(ORIGIN, { profile: 'walk', minutes: [1], nearestMaxMinutes: 6 });
    expect(longer.nearest.health.map((h) => h.walk_s)).toEqual([250, 350]);
    expect(longer.nearest.culture.map((h) => h.walk_s)).toEqual([310]);
    const byDefault = e.reach(ORIGIN, { profile: 'walk', minutes: [1] });
    expect(byDefault.nearest.health.map((h) => h.walk_s)).toEqual([250, 350, 440]);
    expect(e.reach(ORIGIN, { profile: 'step_free', minutes: [1], categories: ['culture'] }).nearest.culture[0].walk_s).toBe(1170);
  });

  it('answers many origins at once: the nearest point of each category from each', () => {
    const e = engine();
    const out = e.batchNearest([
      { id: 'a', lon: ORIGIN[0], lat: ORIGIN[1] },
      { id: 'b', lon: at(190, 520)[0], lat: at(190, 520)[1] }, // where C1 is: on its edge
      { id: 'c', lon: at(500, 500)[0], lat: at(500, 500)[1] },
    ], { profile: 'walk' });
    expect(out.map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(out[0].nearest!.health).toEqual({ point: H1, walk_s: 250, walk_m: 250, walk_min: 4.2, straight_m: 230 });
    expect(out[0].nearest!.culture).toMatchObject({ point: C1, walk_s: 310, walk_m: 310 });
    expect(out[1].nearest!.culture).toMatchObject({ point: C1, walk_s: 20, walk_m: 20, straight_m: 0 });
    expect(out[1].nearest!.health).toMatchObject({ point: H1, walk_s: 10 + 20 + 200 + 300 + 10 });
    expect(out[2]).toMatchObject({ id: 'c', nearest: null, failure: { reason: 'too_far', nearestM: 300 } });
    const limited = e.batchNearest([{ id: 'a', lon: ORIGIN[0], lat: ORIGIN[1] }, { id: 'b', lon: at(190, 520)[0], lat: at(190, 520)[1] }],
      { profile: 'slow', categories: ['health', 'library'], maxMinutes: 9 });
    expect(Object.keys(limited[0].nearest!)).toEqual(['health', 'library']);
    expect(limited[0].nearest!.health).toMatchObject({ point: H1, walk_s: 500, walk_min: 8.3 });
    expect(limited[0].nearest!.library).toBeNull();
    expect(limited[1].nearest!.health).toBeNull();
    const stepFree = e.batchNearest([{ id: 'a', lon: ORIGIN[0], lat: ORIGIN[1] }], { profile: 'step_free', categories: ['culture'] });
    expect(stepFree[0].nearest!.culture!.walk_s).toBe(1170);
  });

  it('says where a place is off the network, and which profiles exist', () => {
    const e = engine();
    expect(e.listProfiles().map((p) => p.id)).toEqual(['walk', 'slow', 'step_free']);
    expect(e.profile('slow').speed_mps).toBe(0.5);
    expect(e.reachRadiusM('slow', 15)).toBe(450);
    expect(e.maxSnapM).toBe(150);
    expect(() => e.profile('run')).toThrow(UnknownProfileError);
    expect(() => e.profile('run')).toThrow('unknown walking profile "run" (known: walk, slow, step_free)');
    const far = at(500, 500);
    let err: unknown;
    try { e.locate(far, 'walk', 'from'); } catch (x) { err = x; }
    expect(err).toBeInstanceOf(OutsideNetworkError);
    expect((err as OutsideNetworkError).name).toBe('OutsideNetworkError');
    expect((err as OutsideNetworkError).role).toBe('from');
    expect((err as Error).message).toBe(`from (${far[0]}, ${far[1]}) is outside the walking network: the nearest walkable street is 300 m away (limit 150 m)`);
    expect(() => e.nearest([200, 95], { profile: 'walk' })).toThrow('origin (200, 95) is not a valid lon/lat');
    expect(() => e.route(ORIGIN, far, 'walk')).toThrow(/^to \(/);
    const nowhere = new OutsideNetworkError({ ok: false, lon: 1, lat: 2, reason: 'too_far', nearestM: null, maxSnapM: 150 });
    expect(nowhere.message).toBe('point (1, 2) is outside the walking network: the nearest walkable street is nowhere near (limit 150 m)');
    expect(new UnknownProfileError('x', []).name).toBe('UnknownProfileError');
    const tight = engine({ maxSnapM: 5 });
    expect(() => tight.locate(ORIGIN, 'walk')).toThrow('limit 5 m');
    expect(tight.snap(ORIGIN[0], ORIGIN[1], 'walk', 20).ok).toBe(true);
    expect(tight.snap(ORIGIN[0], ORIGIN[1], 'walk')).toMatchObject({ ok: false, nearestM: 10 });
  });

  it('snaps the points once per set of usable edges', () => {
    const e = engine();
    expect(e.pointView('walk')).toBe(e.pointView('slow')); // same edges usable
    expect(e.pointView('walk')).not.toBe(e.pointView('step_free'));
    expect(e.costs('slow')[0]).toBe(2 * e.costs('walk')[0]);
  });
});

// Route coordinates back in metres on the test plane.
const inMetres = (coords: number[][]) => coords.map(([lon, lat]) => [Math.round(PLANE.x(lon)), Math.round(PLANE.y(lat))]);

describe('walking engine: orders, limits, ends and names', () => {
  it('orders the nearest points by walking time, not by the order they were added', () => {
    // From 10 m west of (0,960): H4 on the same edge 10+10+10, H3 130, H1 780 (H2 880 is fourth).
    const near = engine().nearest(at(-10, 960), { profile: 'walk' });
    expect(near.health.map((h) => h.point.id)).toEqual([H4.id, H3.id, H1.id]);
    expect(near.health.map((h) => h.walk_s)).toEqual([30, 130, 780]);
  });

  it('keeps to a limit under five minutes, and counts a point reached exactly at the limit', () => {
    const e = engine();
    expect(e.nearest(ORIGIN, { profile: 'walk', maxMinutes: 4 }).health).toEqual([]); // H1 is 250 s away
    expect(e.nearest(ORIGIN, { profile: 'walk', maxMinutes: 4.5 }).health.map((h) => h.walk_s)).toEqual([250]);
    // A point on the street and an origin at the point itself: 0 s, within a limit of 0 minutes.
    const P1 = pt('post', 0, 700);
    e.points.setAll([H1, H2, H3, H4, C1, M1, P1]);
    const here = at(0, 700);
    expect(e.nearest(here, { profile: 'walk', categories: ['post'], maxMinutes: 0 }).post)
      .toMatchObject([{ point: P1, walk_s: 0, walk_m: 0 }]);
    expect(e.batchNearest([{ id: 'here', lon: here[0], lat: here[1] }], { profile: 'walk', categories: ['post'], maxMinutes: 0 })[0].nearest)
      .toEqual({ post: { point: P1, walk_s: 0, walk_m: 0, walk_min: 0, straight_m: 0 } });
  });

  it('answers null in a batch for a category out of reach of an origin, with or without a limit', () => {
    const e = engine();
    const island = at(1010, 150);
    const [out] = e.batchNearest([{ id: 'island', lon: island[0], lat: island[1] }], { profile: 'walk' });
    expect(out.nearest).toEqual({ health: null, culture: null });
    // 110 m off the street at (0,250): its edge end (0,200) is reached from H1 in 10 s, but H1 is
    // 10 + 50 + 110 = 170 s away: beyond a limit of 2 minutes, within 3.
    const off = at(-110, 250);
    const origins = [{ id: 'off', lon: off[0], lat: off[1] }];
    expect(e.batchNearest(origins, { profile: 'walk', categories: ['health'], maxMinutes: 2 })[0].nearest).toEqual({ health: null });
    expect(e.batchNearest(origins, { profile: 'walk', categories: ['health'], maxMinutes: 3 })[0].nearest!.health)
      .toMatchObject({ point: H1, walk_s: 170, walk_m: 170 });
  });

  it('answers a batch origin whose way to the point leaves through node 0', () => {
    const e = engine();
    const corner = nodeAt(e.graph, 0, 0);
    expect(corner).toBe(0);
    // 10 m south of the footway along y = 0: west to (0,0), north to H2: 10+100+100+10.
    const south = at(100, -10);
    const [out] = e.batchNearest([{ id: 's', lon: south[0], lat: south[1] }], { profile: 'walk', categories: ['health'] });
    expect(out.nearest!.health).toMatchObject({ point: H2, walk_s: 220, walk_m: 220 });
  });

  it('draws a route arriving through the far end of the last edge, and one along edge 0', () => {
    const e = engine();
    // (210,480) lies on the edge (200,400)→(200,500), reached from its end at (200,500).
    const down = e.route(ORIGIN, at(210, 480), 'walk')!;
    expect(down.geometry.type).toBe('LineString');
    expect(down.properties.walk_s).toBe(310);
    expect(inMetres(down.geometry.coordinates)).toEqual([[-10, 430], [0, 430], [0, 500], [200, 500], [200, 480], [210, 480]]);
    // The first edge of the graph, (0,0)–(0,100), walked whole: south from (0,150), then along the footway.
    expect(edgeBetween(e.graph, nodeAt(e.graph, 0, 0), nodeAt(e.graph, 0, 100))).toBe(0);
    const south = e.route(at(-10, 150), at(210, 30), 'walk')!;
    expect(south.properties.walk_s).toBe(10 + 50 + 100 + 200 + 30 + 10);
    expect(inMetres(south.geometry.coordinates)).toEqual([[-10, 150], [0, 150], [0, 100], [0, 0], [200, 0], [200, 30], [210, 30]]);
  });

  it('routes between two places far off a short path once the whole path is searched', () => {
    // One 20 m path; both places 140 m east of its ends. Every node is settled (at 140 and 160 s)
    // before the walk's own time (300 s) is within the search limit.
    const e = new WalkingEngine<Point>(buildWalkingGraph([way('footway', [[0, 0], [0, 20]])]), PROFILES);
    const r = e.route(at(140, 0), at(140, 20), 'walk')!;
    expect(r).not.toBeNull();
    expect(r.properties).toMatchObject({ walk_s: 300, walk_m: 300, straight_m: 20 });
    expect(inMetres(r.geometry.coordinates)).toEqual([[140, 0], [0, 0], [0, 20], [140, 20]]);
  });

  it('draws the same rings as a search run to the end: it searches far enough past the largest ring', () => {
    // At 1.7 min (102 s) the junction (0,500) is reached at 80 s, and the outline near it depends on
    // the times just beyond the ring (the steps east of it, reached after 102 s).
    const e = engine();
    const loc = e.locate(ORIGIN, 'walk') as SnappedLocation;
    const costs = e.costs('walk');
    const complete = new TravelTimeSearch(e.graph).start(costs, seedsOf(e.graph, costs, loc, 1, 0)).runAll();
    const reference = ringsFromSearch(e.graph, complete, loc, 1, [1, 1.7], DEFAULT_RING_OPTIONS);
    expect(reference.features[1].geometry.coordinates.length).toBeGreaterThan(0);
    expect(e.rings(ORIGIN, 'walk', [1, 1.7])).toEqual(reference);
    expect(e.reach(ORIGIN, { profile: 'walk', minutes: [1, 1.7] }).rings).toEqual(reference);
  });

  it('names the place that is off the network in each answer\'s error', () => {
    const e = engine();
    const far = at(500, 500);
    expect(() => e.locate(far, 'walk')).toThrow(/^point \(/);
    expect(() => e.travelTimes(far, 'walk', 100)).toThrow(/^origin \(/);
    expect(() => e.rings(far, 'walk', [5])).toThrow(/^origin \(/);
    expect(() => e.reach(far, { profile: 'walk', minutes: [5] })).toThrow(/^origin \(/);
    expect(() => e.route(far, ORIGIN, 'walk')).toThrow(/^from \(/);
  });

  it('snaps the points again when a gate shuts: a point by a shut gate is reached another way', () => {
    // A gate on the street (200,500)–(200,600), open 08:00–18:00. C1 lies 20 m from it; at night it
    // snaps to the steps beside it instead: 10+70+190+20 = 290 s instead of 310 s.
    const g = buildGraph();
    const edgeGate = new Int32Array(g.edgeCount).fill(-1);
    edgeGate[edgeBetween(g, nodeAt(g, 200, 500), nodeAt(g, 200, 600))] = 0;
    const overlay: NetworkOverlay = {
      edgeGate, gates: [{ id: 1, openingHours: 'Mo-Su 08:00-18:00', stepFree: true }], edgeClosures: new Map(), closures: [],
      crossings: new Map(), unplaced: [], applied: [],
    };
    const e = new WalkingEngine<Point>({ ...g, overlay }, PROFILES);
    e.points.setAll([H1, C1]);
    const day = parseDistrictTime('2026-12-04T10:00')!, night = parseDistrictTime('2026-12-04T22:00')!;
    expect(e.nearest(ORIGIN, { profile: 'walk', categories: ['culture'], at: day }).culture).toMatchObject([{ point: C1, walk_s: 310 }]);
    expect(e.nearest(ORIGIN, { profile: 'walk', categories: ['culture'], at: night }).culture).toMatchObject([{ point: C1, walk_s: 290, walk_m: 290 }]);
    expect(e.pointView('walk', night)).not.toBe(e.pointView('walk', day));
    expect(e.pointView('walk', night)).toBe(e.pointView('slow', night));
  });
});
