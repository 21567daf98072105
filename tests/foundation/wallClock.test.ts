// The one instant → wall-clock reading shared by the server (localTime.ts) and the pages (district.ts).
import { describe, expect, it } from 'vitest';
import { wallClock } from '../../server/wallClock.ts';
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
});
