// "Open now" without the OSM parser: the plain weekly values (every value of the sample set, and the shapes
// around them) give the same state and the same next change as the opening_hours library itself, at
// instants all through a week; anything beyond the plain form is left to the library.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import OpeningHours from 'opening_hours';
import { openNow, plainWeek } from '../../web/src/common/hours.ts';
import { PROJECT_ROOT } from '../../server/config.ts';

const sample = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'data/sample/taoyuan-sample.json'), 'utf8')) as { points: { opening_hours?: string | null }[] };
const sampleValues = [...new Set(sample.points.map((p) => p.opening_hours).filter((v): v is string => !!v))];
const shapes = ['Fr-Mo 09:00-18:00', 'Mo-Fr 08:00-12:00, 13:00-17:00', 'Mo-Su 08:00-18:00; Su off', '08:00-17:00', 'Sa 09:00-24:00', 'Mo,We,Fr 07:00-09:00', 'Mo-Su off'];
const WHERE = { lat: 39.1, lon: 117.2, address: { country_code: 'cn', state: '天津市' } };

describe('open now for plain weekly hours', () => {
  it('agrees with the opening_hours library on every sample value and plain shape, all through a week', async () => {
    expect(sampleValues.length).toBeGreaterThan(15);
    let compared = 0;
    for (const value of [...sampleValues, ...shapes]) {
      expect(plainWeek(value), value).not.toBeNull();
      const oh = new OpeningHours(value, WHERE);
      // Every 37 minutes for eight days from a Monday, and exactly on a few changes.
      const instants = Array.from({ length: (8 * 24 * 60) / 37 }, (_, i) => new Date(2026, 11, 7, 0, i * 37));
      instants.push(new Date(2026, 11, 7, 8, 0), new Date(2026, 11, 7, 17, 0), new Date(2026, 11, 12, 23, 59, 30));
      for (const at of instants) {
        const ours = await openNow(value, at);
        const theirs = { state: oh.getState(at) ? 'open' : 'closed', next: oh.getNextChange(at)?.getTime() };
        expect({ value, at: at.toString(), state: ours.state, next: ours.next?.getTime() }).toEqual({ value, at: at.toString(), ...theirs });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('leaves holidays, months, times past midnight and text to the library', async () => {
    for (const value of ['Mo-Fr 08:00-17:00; PH off', 'Jan-Mar Mo-Fr 08:00-12:00', 'Mo-Su 22:00-02:00', 'Mo-Fr 08:00-17:00 "by appointment"', 'sunrise-sunset']) {
      expect(plainWeek(value), value).toBeNull();
    }
    // through the library: a public holiday (New Year's Day 2027, a Friday) is closed by the PH rule
    expect((await openNow('Mo-Fr 08:00-17:00; PH off', new Date(2027, 0, 1, 10, 0))).state).toBe('closed');
    expect((await openNow('Mo-Fr 08:00-17:00; PH off', new Date(2027, 0, 4, 10, 0))).state).toBe('open');
  });
});
