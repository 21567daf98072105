// The wall clock of an IANA time zone at an instant, read through Intl: the one place that turns an
// instant into a zone's calendar fields. No imports, so the server (server/localTime.ts) and the pages
// (web/src/common/district.ts) share it.

export interface WallClock {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday */
  weekday: number;
}

const WEEKDAY_INDEX: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: making one costs far more than using it (the zone data is loaded then). */
function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23', weekday: 'short',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The calendar fields of `instant` on the wall clocks of `timeZone`. */
export function wallClock(timeZone: string, instant: Date): WallClock {
  const p: Record<string, string> = {};
  for (const part of formatOf(timeZone).formatToParts(instant)) if (part.type !== 'literal') p[part.type] = part.value;
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day),
    hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second), weekday: WEEKDAY_INDEX[p.weekday],
  };
}

/** How far the zone's wall clocks are ahead of UTC at `instant`, in whole minutes (480 for Asia/Shanghai). */
export function utcOffsetMinutes(timeZone: string, instant: Date): number {
  const c = wallClock(timeZone, instant);
  const wallAsUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return Math.round((wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/**
 * The wall clock at a known UTC offset: plain arithmetic, no zone data. The pages use it with the offset the
 * server gives, because making their first zone-aware formatter costs a phone tens of milliseconds.
 */
export function wallClockAtOffset(instant: Date, offsetMinutes: number): WallClock {
  const d = new Date(instant.getTime() + offsetMinutes * 60000);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: ((d.getUTCDay() + 6) % 7) + 1,
  };
}
