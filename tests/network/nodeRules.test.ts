// The walking rules for an extract's tagged nodes (server/network/walkingRules.ts): which barriers shut a
// way or keep out step-free walking, and what a crossing node at a major junction means. The import test
// (import.test.ts) proves the engine applies them to a real extract: a gate node shut at 23:00.
import { describe, expect, it } from 'vitest';
import { isOpenAt, nextOpening, parseDistrictTime } from '../../server/network/corrections.ts';
import { barrierRule, crossingRule, DEFAULT_SIGNAL_WAIT_S, type NodeAttributes } from '../../server/network/walkingRules.ts';

const node = (tags: Partial<NodeAttributes>): NodeAttributes => ({ barrier: null, crossing: null, opening_hours: null, wheelchair: null, access: null, ...tags });

describe('barrier nodes', () => {
  it('a gate with hours is shut outside them; a private one never opens; stiles and wheelchair=no are not step-free', () => {
    expect(barrierRule(node({ barrier: 'gate', opening_hours: 'Mo-Su 06:00-22:00' }))).toEqual({ opening_hours: 'Mo-Su 06:00-22:00', step_free: true });
    expect(barrierRule(node({ barrier: 'gate', access: 'private', opening_hours: 'Mo-Su 06:00-22:00' }))).toEqual({ opening_hours: 'off', step_free: true });
    expect(barrierRule(node({ barrier: 'lift_gate', access: 'no' }))).toEqual({ opening_hours: 'off', step_free: true });
    expect(barrierRule(node({ barrier: 'stile' }))).toEqual({ opening_hours: null, step_free: false });
    expect(barrierRule(node({ barrier: 'kissing_gate', opening_hours: 'Mo-Fr 08:00-18:00' }))).toEqual({ opening_hours: 'Mo-Fr 08:00-18:00', step_free: false });
    expect(barrierRule(node({ barrier: 'gate', wheelchair: 'no' }))).toEqual({ opening_hours: null, step_free: false });
    // "off" is shut at every hour (the overlay also shuts it when no time is asked).
    for (const h of ['00:00', '12:00', '23:59']) expect(isOpenAt('off', parseDistrictTime(`2026-12-09T${h}`)!)).toBe(false);
  });
  it('a gate open sunrise-sunset is read at the district file\'s place, on its clock: shut earlier in December than in June', () => {
    // data/district.json: sunset at its centre is about 16:50 in early December, about 19:30 in early June.
    const open = (t: string) => isOpenAt('sunrise-sunset', parseDistrictTime(t)!);
    expect([open('2026-12-09T16:30'), open('2026-12-09T17:10'), open('2026-06-09T19:10'), open('2026-06-09T19:50')]).toEqual([true, false, true, false]);
    expect(nextOpening('sunrise-sunset', parseDistrictTime('2026-12-09T05:00')!)).toMatch(/^2026-12-09T07:[0-3]\d$/);
  });
  it('a bollard, an open gate without hours, or no barrier change nothing', () => {
    expect(barrierRule(node({ barrier: 'bollard' }))).toBeNull();
    expect(barrierRule(node({ barrier: 'gate' }))).toBeNull();
    expect(barrierRule(node({ barrier: 'gate', access: 'yes' }))).toBeNull();
    expect(barrierRule(node({ barrier: 'no', access: 'private' }))).toBeNull();
    expect(barrierRule(node({ crossing: 'traffic_signals' }))).toBeNull();
  });
});

describe('crossing nodes', () => {
  it('signals wait the default mean, a zebra or an unmarked crossing is a zebra, crossing=no forbids it', () => {
    expect(crossingRule(node({ crossing: 'traffic_signals' }))).toEqual({ crossing: 'signalised', wait_s: DEFAULT_SIGNAL_WAIT_S });
    expect(DEFAULT_SIGNAL_WAIT_S).toBe(30);
    expect(crossingRule(node({ crossing: 'marked' }))).toEqual({ crossing: 'zebra', wait_s: null });
    expect(crossingRule(node({ crossing: 'uncontrolled' }))).toEqual({ crossing: 'zebra', wait_s: null });
    expect(crossingRule(node({ crossing: 'no' }))).toEqual({ crossing: 'none', wait_s: null });
    expect(crossingRule(node({ crossing: 'unknown' }))).toBeNull();
    expect(crossingRule(node({ barrier: 'gate' }))).toBeNull();
  });
});
