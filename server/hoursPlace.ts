// Where opening hours are read: the district's place (its first-view centre, country and region, from the
// district file), which the opening_hours parser needs for public holidays (PH) and for sunrise/sunset.
// Pure and browser-shared: the server sets it from its district file (server/district.ts), the pages from
// GET /api/district/info (web/src/common/district.ts), and both read it here.
import { utcOffsetMinutes } from './wallClock.ts';

export interface HoursPlace {
  lon: number;
  lat: number;
  /** ISO 3166-1 alpha-2, lower case ("cn"): whose public holidays PH means; null = none known. */
  country_code: string | null;
  /** The region as the holiday tables name it (for China the province, e.g. "西藏自治区"), or null. */
  region: string | null;
  /** IANA time zone of the wall-clock Dates the parser is given. */
  time_zone: string;
}

/** The place of a district (server District or the pages' DistrictInfo): its centre, country, region, zone. */
export function placeOf(d: { center: number[]; country_code: string | null; region: string | null; time_zone: string }): HoursPlace {
  return { lon: d.center[0], lat: d.center[1], country_code: d.country_code, region: d.region, time_zone: d.time_zone };
}

let current: HoursPlace | null = null;

/** Makes `place` the one opening hours are read at (one district per process or page). */
export function useHoursPlace(place: HoursPlace | null): void {
  current = place;
}

export function hoursPlace(): HoursPlace | null {
  return current;
}

/** The second argument of `new OpeningHours(value, …)`. */
export interface OpeningHoursContext {
  lat: string;
  lon: string;
  address?: { country_code: string; state?: string };
}

/**
 * The parser's place argument for `place`, for wall-clock Dates near `at`. Two things the parser needs:
 * lat and lon as strings (given numbers, it ignores them and takes 06:00/18:00 for sunrise/sunset); and,
 * since it reads a sun event's hour in the process's own zone while our Dates carry the district's wall
 * clock in their local fields, the longitude moved by the difference of the two zones (15° an hour),
 * so that the event's local hour in this process is its hour on the district's clock.
 */
export function hoursContext(place: HoursPlace | null = current, at: Date = new Date()): OpeningHoursContext | undefined {
  if (!place) return undefined;
  const districtOffset = utcOffsetMinutes(place.time_zone, at);
  const processOffset = -at.getTimezoneOffset();
  const lon = place.lon - (districtOffset - processOffset) / 4;
  const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
  return {
    lat: String(place.lat),
    lon: String(wrapped),
    ...(place.country_code ? { address: { country_code: place.country_code, ...(place.region ? { state: place.region } : {}) } } : {}),
  };
}
