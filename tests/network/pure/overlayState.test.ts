// The time-dependent state of the corrections (which gates are shut, which closures in force), worked
// out once per overlay and per minute of district time and then looked up (server/network/corrections.ts
// overlayStateAt). The key must hold both the minute and the overlay: a walk through a gate shut
// 22:00–06:00 goes round it at 22:30 but not at noon, and a published change (a new overlay) never
// reuses the state of the one before it.
//
//   a street up x = 0 (y 0…200, a vertex every 100 m) with a gate on its northern half, and a detour by
//   footways (0,0)–(300,0)–(300,200)–(0,200). From 5 m west of (0,50) to 5 m west of (0,200) at 1 m/s:
//   through the gate 5+150+5 = 160 s; round it 5+50+300+200+300+5 = 860 s.
import { describe, it, expect } from 'vitest';
import { buildWalkingGraph, type WalkingGraph } from '../../../server/network/walkingGraph.ts';
import { WalkingEngine } from '../../../server/network/walkingEngine.ts';
import { overlayStateAt, parseDistrictTime } from '../../../server/network/corrections.ts';
import type { NetworkOverlay } from '../../../server/network/overlay.ts';
import { way, at, nodeAt, edgeBetween, profile } from './handNetwork.ts';

const FROM = at(-5, 50), TO = at(-5, 200);
const time = (text: string) => parseDistrictTime(text)!;

function gated(openingHours: string): { graph: WalkingGraph; overlay: NetworkOverlay } {
  const g = buildWalkingGraph([
    way('residential', [[0, 0], [0, 100], [0, 200]]),
    way('footway', [[0, 0], [300, 0], [300, 200], [0, 200]]),
  ]);
  const edgeGate = new Int32Array(g.edgeCount).fill(-1);
  edgeGate[edgeBetween(g, nodeAt(g, 0, 100), nodeAt(g, 0, 200))] = 0;
  const overlay: NetworkOverlay = {
    edgeGate, gates: [{ id: 1, openingHours, stepFree: true }], edgeClosures: new Map(), closures: [],
    crossings: new Map(), unplaced: [], applied: [1],
  };
  return { graph: { ...g, overlay }, overlay };
}

const walkSec = (e: WalkingEngine, when: string) => e.route(FROM, TO, 'walk', time(when))?.properties.walk_s;

describe('overlay state remembered per overlay and minute', () => {
  it('a gate shut 22:00–06:00 is passed at noon and walked round at 22:30, asked in either order', () => {
    const { graph } = gated('Mo-Su 06:00-22:00');
    const e = new WalkingEngine(graph, [profile({ id: 'walk' as never })]);
    expect(walkSec(e, '2026-12-09T12:00')).toBe(160);
    expect(walkSec(e, '2026-12-09T22:30')).toBe(860);
    expect(walkSec(e, '2026-12-09T12:00')).toBe(160);
    expect(walkSec(e, '2026-12-09T21:59:30')).toBe(160);
    expect(walkSec(e, '2026-12-09T22:00')).toBe(860);
    expect(walkSec(e, '2026-12-10T05:59')).toBe(860);
    expect(walkSec(e, '2026-12-10T06:00')).toBe(160);
  });

  it('works a minute out once: the same state for every second of that minute, another for the next', () => {
    const { overlay } = gated('Mo-Su 06:00-22:00');
    const first = overlayStateAt(overlay, time('2026-12-09T21:59:05'));
    expect(overlayStateAt(overlay, time('2026-12-09T21:59:55'))).toBe(first);
    expect(Array.from(first.closedGates)).toEqual([0]);
    const next = overlayStateAt(overlay, time('2026-12-09T22:00:00'));
    expect(Array.from(next.closedGates)).toEqual([1]);
    expect(overlayStateAt(overlay, time('2026-12-09T21:59:30'))).toBe(first);
  });

  it('a published change (a new overlay) is worked out afresh, not taken from the one before', () => {
    const before = gated('Mo-Su 06:00-22:00');
    const old = new WalkingEngine(before.graph, [profile({ id: 'walk' as never })]);
    expect(walkSec(old, '2026-12-09T22:30')).toBe(860);
    // The street office publishes new hours for the same gate: open round the clock.
    const after = gated('24/7');
    const fresh = new WalkingEngine(after.graph, [profile({ id: 'walk' as never })]);
    expect(walkSec(fresh, '2026-12-09T22:30')).toBe(160);
    expect(overlayStateAt(after.overlay, time('2026-12-09T22:30')).closedGates[0]).toBe(0);
    expect(overlayStateAt(before.overlay, time('2026-12-09T22:30')).closedGates[0]).toBe(1);
    // And back: the old engine still answers from its own overlay.
    expect(walkSec(old, '2026-12-09T22:30')).toBe(860);
  });
});
