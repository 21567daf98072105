// Shared pieces of the desk tests: local (Asia/Shanghai) dates computed independently of the code
// under test, the sample street's sites looked up through the public API, and a street without the
// sample set's desks for tests that must know every visit there.
import type { FastifyInstance } from 'fastify';

export const TAOYUAN = '120103003000'; // 桃园街道: the sample street
export const DAYINGMEN = '120103001000'; // 大营门街道: another street

/** Today's date in Shanghai (UTC+8 all year; China has no daylight saving time). */
export function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function plusDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** "YYYY-MM" of the month `n` months after this one. */
export function monthAfter(n: number): string {
  const [y, m] = shanghaiToday().split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

export function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The n-th given ISO weekday (1 = Monday) of a month, for each n, by counting days. */
export function nthWeekdays(month: string, isoWeekday: number, ns: number[]): string[] {
  const out: string[] = [];
  let count = 0;
  for (let day = 1; day <= 31; day++) {
    const date = `${month}-${String(day).padStart(2, '0')}`;
    const d = new Date(`${date}T00:00:00Z`);
    if (d.toISOString().slice(0, 7) !== month) break;
    if (((d.getUTCDay() + 6) % 7) + 1 === isoWeekday) {
      count += 1;
      if (ns.includes(count)) out.push(date);
    }
  }
  return out;
}

export interface SiteFeature { id: number; kind: string; name: string; compound_id: number | null; gate_id: number | null; lon: number; lat: number }

export async function taoyuanSites(app: FastifyInstance): Promise<SiteFeature[]> {
  const res = await app.inject(`/api/sites?street=${TAOYUAN}`);
  return res.json().features.map((f: any) => ({ ...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
}

export function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const r = 6_371_008.8, rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}

/**
 * Removes the sample set's desk plans and their visits from this test file's own database copy. For tests
 * that book visits and then ask which one is next: the sample plans fall on different days of the week,
 * so with them the answer would depend on the day the suite runs.
 */
export async function withoutSampleDesks(app: FastifyInstance): Promise<void> {
  await app.db.deleteFrom('desk_visits').where('is_sample', '=', true).execute();
  await app.db.deleteFrom('desk_plans').where('is_sample', '=', true).execute();
  await app.dataEvents.publish(app.db, { kind: 'desks', ids: [], street: TAOYUAN });
}
