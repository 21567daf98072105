// The district the service runs for (GET /api/district/info, from the server's district file): its names
// fill the {district} placeholder of every page's strings, its time zone dates what the pages show, its
// centre and zoom are the maps' first view, its place (centre, country, region) the one opening hours use.
import type { Static } from 'typebox';
import type { DistrictInfoResponse } from '../../../server/divisions/schemas.ts';
import { setDistrictNames } from '../lang.ts';
import { wallClock, wallClockAtOffset } from '../../../server/wallClock.ts';
import { placeOf, useHoursPlace } from '../../../server/hoursPlace.ts';

/** The answer's type is the server's schema (server/divisions/schemas.ts). */
export type DistrictInfo = Static<typeof DistrictInfoResponse>;

let pending: Promise<DistrictInfo | null> | undefined;
let loaded: DistrictInfo | null = null;
/** When the district's answer (and so its UTC offset) was read, by the phone's clock. */
let loadedAt = 0;

/** The district once loadDistrict() has answered (null before, or when it could not be read). */
export function knownDistrict(): DistrictInfo | null {
  return loaded;
}

/** Fetched once per page; null if it cannot be read (the strings then say 本区 / the district). */
export function loadDistrict(): Promise<DistrictInfo | null> {
  pending ??= fetch('/api/district/info', { headers: { accept: 'application/json' } })
    .then((res) => (res.ok ? res.json() as Promise<DistrictInfo> : null))
    .then((info) => {
      if (info) {
        setDistrictNames({ zh: info.name_zh, en: info.name_en });
        // Opening hours (web/src/common/hours.ts) are read at the district's place.
        useHoursPlace(placeOf(info));
      }
      loaded = info;
      loadedAt = Date.now();
      return info;
    })
    .catch(() => null);
  return pending;
}

/**
 * The district's wall clock now, as a Date whose local fields (getHours…) read the district's time: the
 * form the opening-hours parser and atParam take. The phone's own clock until the district is known.
 */
export function districtNow(timeZone = knownDistrict()?.time_zone, at = new Date()): Date {
  if (!timeZone) return at;
  // Near the time the server gave the zone's offset, that offset is the clock (no zone data to load);
  // further away a daylight-saving change could lie between, so the zone itself is asked.
  const known = knownDistrict();
  const c = known && known.time_zone === timeZone && Math.abs(at.getTime() - loadedAt) < OFFSET_TRUSTED_MS
    ? wallClockAtOffset(at, known.utc_offset_minutes)
    : wallClock(timeZone, at);
  return new Date(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
}

/** How long the server's offset is used for: shorter than any gap between two daylight-saving changes. */
const OFFSET_TRUSTED_MS = 6 * 3600_000;
