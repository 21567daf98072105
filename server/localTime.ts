// Desk visits, boards and `at=` speak the district's local time (its time_zone in the district file):
// "周三 14:00–17:00". This module turns local dates and clock times into instants and back, through Intl,
// so no UTC offset is written into the code.
import { configuredDistrict } from './district.ts';
import { wallClock } from './wallClock.ts';

/** The IANA time zone of every local date and time: the configured district's. */
export function localTimeZone(): string {
  return configuredDistrict().time_zone;
}

export const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
export const WEEKDAY_EN = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface LocalDateTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  time: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday */
  weekday: number;
}

/** The local date, clock time and weekday of an instant. */
export function toLocal(instant: Date): LocalDateTime {
  const c = wallClock(localTimeZone(), instant);
  const two = (n: number) => String(n).padStart(2, '0');
  return { date: `${c.year}-${two(c.month)}-${two(c.day)}`, time: `${two(c.hour)}:${two(c.minute)}`, weekday: c.weekday };
}

/** Offset of local time from UTC at an instant, in minutes. */
function offsetMinutes(instant: Date): number {
  const l = toLocal(instant);
  const [y, m, d] = l.date.split('-').map(Number);
  const [hh, mm] = l.time.split(':').map(Number);
  const asUtc = Date.UTC(y, m - 1, d, hh, mm);
  return Math.round((asUtc - Math.floor(instant.getTime() / 60000) * 60000) / 60000);
}

/** The instant of a local date and clock time ("2026-12-09", "14:00"). */
export function fromLocal(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Two passes settle the offset even if the zone ever changes it around this date.
  let guess = wall - offsetMinutes(new Date(wall)) * 60000;
  guess = wall - offsetMinutes(new Date(guess)) * 60000;
  return new Date(guess);
}

/** Today's local date. */
export function localToday(now = new Date()): string { return toLocal(now).date; }

/** A local date moved by whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (local dates). */
export function daysBetween(a: string, b: string): number {
  const [y1, m1, d1] = a.split('-').map(Number);
  const [y2, m2, d2] = b.split('-').map(Number);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/** ISO weekday of a local date. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/** True when the string is a real calendar date in YYYY-MM-DD form. */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** "YYYY-MM" of the month after the local date. */
export function nextMonth(date: string): string {
  const [y, m] = date.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Every local date of a "YYYY-MM" month. */
export function datesOfMonth(month: string): string[] {
  const [y, m] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

/** Local date and clock times to instants (the visit's window). */
export function windowOf(date: string, startTime: string, endTime: string): { starts_at: Date; ends_at: Date } {
  return { starts_at: fromLocal(date, startTime), ends_at: fromLocal(date, endTime) };
}
