// "Open now" without the OSM parser: the plain weekly values (every value of the sample set, and the shapes
// around them) give the same state and the same next change as the opening_hours library itself, at
// instants all through a week; anything beyond the plain form is left to the library.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpeningHours from 'opening_hours';
import { hhmm, openNow, plainWeek } from '../../web/src/common/hours.ts';
import { PROJECT_ROOT } from '../../server/config.ts';
import { readDistrictFile } from '../../server/district.ts';
import { hoursContext, placeOf, useHoursPlace, type HoursPlace } from '../../server/hoursPlace.ts';

const sample = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'data/sample/taoyuan-sample.json'), 'utf8')) as { points: { opening_hours?: string | null }[] };
const sampleValues = [...new Set(sample.points.map((p) => p.opening_hours).filter((v): v is string => !!v))];
const shapes = ['Fr-Mo 09:00-18:00', 'Mo-Fr 08:00-12:00, 13:00-17:00', 'Mo-Su 08:00-18:00; Su off', '08:00-17:00', 'Sa 09:00-24:00', 'Mo,We,Fr 07:00-09:00', 'Mo-Su off'];
// The shipped district's place (data/district.json), as the pages set it once /api/district/info answers.
const district = readDistrictFile(path.join(PROJECT_ROOT, 'data', 'district.json'));
const PLACE = placeOf(district);
const WHERE = hoursContext(PLACE);
beforeAll(() => useHoursPlace(PLACE));
afterAll(() => useHoursPlace(null));

describe('open now for plain weekly hours', () => {
  it('agrees with the opening_hours library on every sample value and plain shape, all through a week', async () => {
    expect(sampleValues.length).toBeGreaterThan(15);
    let compared = 0;
    for (const value of [...sampleValues, ...shapes]) {
      expect(plainWeek(value), value).not.toBeNull();
      const oh = new OpeningHours(value, WHERE as never);
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

describe('hours beyond the plain form are read at the district\'s place', () => {
  const closes = async (at: Date, place?: HoursPlace | null) => {
    const o = await openNow('Mo-Su sunrise-sunset', at, place ?? undefined);
    expect(o.state, at.toString()).toBe('open');
    return hhmm(o.next!);
  };
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

  it('the place is the district file\'s: its centre, country and region', () => {
    expect(PLACE).toEqual({ lon: district.center[0], lat: district.center[1], country_code: district.country_code, region: district.region, time_zone: district.time_zone });
    expect(district.country_code).toMatch(/^[a-z]{2}$/);
  });

  it('sunset moves with the season and the place, on the district\'s clock whatever the process zone', async () => {
    // Noon on the district's wall clock (the form districtNow gives): sunset in early December is about
    // 16:50 at the shipped district's centre, about 19:30 in early June; never the parser's 18:00 default.
    const december = new Date(2026, 11, 4, 12, 0);
    const june = new Date(2026, 5, 4, 12, 0);
    const dec = await closes(december);
    const jun = await closes(june);
    expect(minutes(dec)).toBeGreaterThan(16 * 60 + 35);
    expect(minutes(dec)).toBeLessThan(17 * 60 + 5);
    expect(minutes(jun)).toBeGreaterThan(19 * 60 + 15);
    expect(minutes(jun)).toBeLessThan(19 * 60 + 45);
    // A place 15° further west on the same clock sees the sun set about an hour later.
    const west: HoursPlace = { ...PLACE, lon: PLACE.lon - 15 };
    expect(minutes(await closes(december, west)) - minutes(dec)).toBeGreaterThan(50);
    // The same wall-clock answer when the process itself runs in another zone (the parser reads the
    // sun's hour in the process zone).
    const zone = process.env.TZ;
    try {
      for (const tz of ['America/New_York', 'Asia/Shanghai', 'UTC']) {
        process.env.TZ = tz;
        expect(await closes(new Date(2026, 11, 4, 12, 0)), tz).toBe(dec);
      }
    } finally {
      if (zone === undefined) delete process.env.TZ; else process.env.TZ = zone;
    }
  });

  it('public holidays follow the district\'s country; with none known, a PH rule is not guessed', async () => {
    expect((await openNow('Mo-Fr 08:00-17:00; PH off', new Date(2027, 0, 1, 10, 0), { ...PLACE, country_code: null })).state).toBe('unknown');
    // 1 October (National Day) 2027 is a Friday
    expect((await openNow('Mo-Fr 08:00-17:00; PH off', new Date(2027, 9, 1, 10, 0))).state).toBe('closed');
    expect((await openNow('Mo-Fr 08:00-17:00; PH off', new Date(2027, 9, 8, 10, 0))).state).toBe('open');
  });
});
