// The one instant → wall-clock reading shared by the server (localTime.ts) and the pages (district.ts).
import { describe, expect, it } from 'vitest';
import { utcOffsetMinutes, wallClock, wallClockAtOffset } from '../../server/wallClock.ts';
import { districtNow } from '../../web/src/common/district.ts';

describe('wallClock', () => {
  it('reads Tianjin time (UTC+8, no daylight saving) with its ISO weekday', () => {
    // 2026-12-06 is a Sunday in Tianjin from 16:00 UTC on the 5th.
    expect(wallClock('Asia/Shanghai', new Date('2026-12-05T16:30:05Z')))
      .toEqual({ year: 2026, month: 12, day: 6, hour: 0, minute: 30, second: 5, weekday: 7 });
    expect(wallClock('Asia/Shanghai', new Date('2026-12-07T01:59:00Z')).weekday).toBe(1);
  });

  it('follows a zone across its daylight-saving change (New York, 8 March 2026)', () => {
    expect(wallClock('America/New_York', new Date('2026-03-08T06:59:00Z'))).toMatchObject({ day: 8, hour: 1, minute: 59 });
    expect(wallClock('America/New_York', new Date('2026-03-08T07:00:00Z'))).toMatchObject({ day: 8, hour: 3, minute: 0 });
  });

  it('gives the pages a Date whose local fields are the district clock, whatever the phone’s zone', () => {
    const d = districtNow('Asia/Shanghai', new Date('2026-12-09T04:15:00Z'));
    expect([d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()]).toEqual([2026, 12, 9, 12, 15]);
  });

  it('gives the zone\'s UTC offset, and the clock read at that offset is the zone\'s clock', () => {
    expect(utcOffsetMinutes('Asia/Shanghai', new Date('2026-12-04T10:00:00Z'))).toBe(480);
    expect(utcOffsetMinutes('America/New_York', new Date('2026-03-08T06:59:00Z'))).toBe(-300);
    expect(utcOffsetMinutes('America/New_York', new Date('2026-03-08T07:00:00Z'))).toBe(-240);
    expect(utcOffsetMinutes('Asia/Kathmandu', new Date('2026-12-04T10:00:00Z'))).toBe(345);
    let compared = 0;
    for (const zone of ['Asia/Shanghai', 'Asia/Urumqi', 'America/New_York', 'Asia/Kathmandu']) {
      for (let t = Date.UTC(2026, 0, 1, 0, 7, 31); t < Date.UTC(2027, 0, 1); t += 7 * 86_400_000 + 3_600_000 * 5 + 61_000) {
        const at = new Date(t);
        expect(wallClockAtOffset(at, utcOffsetMinutes(zone, at))).toEqual(wallClock(zone, at));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });
});
