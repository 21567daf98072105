// Walking profiles on the real network: the elderly are slower everywhere, step-free walkers never
// take stairs and must go round where the short way is a footbridge with steps.
import { describe, it, expect } from 'vitest';
import { EDGE_STEPS } from '../../server/network/walkingGraph.ts';
import { hexiGraph, hexiEngine, seededRandom, randomPlaceNearNetwork } from './hexiNetwork.ts';

const g = hexiGraph();
const engine = hexiEngine();

/** Keys of every steps segment, in both directions, to recognise stairs in a route's geometry. */
const stepSegments = new Set<string>();
for (let e = 0; e < g.edgeCount; e++) {
  if (!(g.edgeFlags[e] & EDGE_STEPS)) continue;
  const a = `${g.nodeLon[g.edgeFrom[e]]},${g.nodeLat[g.edgeFrom[e]]}`, b = `${g.nodeLon[g.edgeTo[e]]},${g.nodeLat[g.edgeTo[e]]}`;
  stepSegments.add(`${a}|${b}`);
  stepSegments.add(`${b}|${a}`);
}
const usesSteps = (coords: number[][]) => coords.some((c, i) => i > 0 && stepSegments.has(`${coords[i - 1][0]},${coords[i - 1][1]}|${c[0]},${c[1]}`));

// Real places on either side of footbridges whose only short crossing is by stairs.
const FOOTBRIDGES = [
  { name: '解放南路 footbridge', from: [117.2257299, 39.0568719], to: [117.2260901, 39.0555345] },
  { name: '大沽南路 footbridge', from: [117.2650705, 39.0718491], to: [117.2664166, 39.0717733] },
  { name: '郁江道 footbridge', from: [117.2086786, 39.072756], to: [117.2072068, 39.0740848] },
] as const;

describe('profiles', () => {
  it('are read from data/profiles.json', () => {
    expect(engine.listProfiles().map((p) => p.id)).toEqual(['standard', 'elderly', 'step_free']);
    expect(engine.profile('step_free').excluded_highways).toContain('steps');
    expect(() => engine.profile('jogging')).toThrow(/unknown walking profile "jogging"/);
  });

  it('elderly walking takes at least speed-ratio times as long as standard, everywhere', () => {
    const rnd = seededRandom(17);
    const ratio = engine.profile('standard').speed_mps / engine.profile('elderly').speed_mps;
    let compared = 0;
    for (let k = 0; k < 200; k++) {
      const a = randomPlaceNearNetwork(rnd), b = randomPlaceNearNetwork(rnd);
      const std = engine.route(a, b, 'standard'), old = engine.route(a, b, 'elderly');
      if (!std || !old) continue;
      compared += 1;
      expect(old.properties.walk_s, `${a} → ${b}`).toBeGreaterThanOrEqual(std.properties.walk_s * ratio - 0.5);
    }
    expect(compared).toBeGreaterThanOrEqual(130);
  });

  it('step_free never returns a route that uses steps (300 random routes)', () => {
    const rnd = seededRandom(23);
    let checked = 0;
    for (let k = 0; k < 300; k++) {
      const r = engine.route(randomPlaceNearNetwork(rnd), randomPlaceNearNetwork(rnd), 'step_free');
      if (!r) continue;
      checked++;
      expect(usesSteps(r.geometry.coordinates)).toBe(false);
    }
    expect(checked).toBeGreaterThan(250);
  });

  for (const fb of FOOTBRIDGES) {
    it(`step_free goes round the ${fb.name}; standard takes its stairs`, () => {
      const std = engine.route([...fb.from], [...fb.to], 'standard')!;
      const free = engine.route([...fb.from], [...fb.to], 'step_free')!;
      expect(usesSteps(std.geometry.coordinates)).toBe(true);
      expect(usesSteps(free.geometry.coordinates)).toBe(false);
      expect(free.properties.walk_m).toBeGreaterThan(std.properties.walk_m * 2);
    });
  }

  it('elderly pays the crossing cost at major junctions, so its time exceeds metres / speed', () => {
    const rnd = seededRandom(31);
    const speed = engine.profile('elderly').speed_mps;
    let withCrossing = 0;
    for (let k = 0; k < 100; k++) {
      const r = engine.route(randomPlaceNearNetwork(rnd), randomPlaceNearNetwork(rnd), 'elderly');
      if (r && r.properties.walk_s > r.properties.walk_m / speed + 15) withCrossing++;
    }
    expect(withCrossing).toBeGreaterThan(30);
  });
});
