// The district the service runs for, read once from data/district.json (or the DISTRICT_FILE setting) and
// checked on the way in: its code, names, time zone, extent, first map view, country and region, and the data files of its divisions and its
// street network. No other code names a district; everything shown to people takes the names from here.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config.ts';
import { placeOf, useHoursPlace } from './hoursPlace.ts';

export interface District {
  /** 12-digit official code of the district (区/县). */
  code: string;
  name_zh: string;
  name_en: string;
  city_zh: string;
  city_en: string;
  /** IANA time zone of every local date and time (desk visits, `at=`, boards, calendars). */
  time_zone: string;
  /** [west, south, east, north], WGS84: where the district lies; the first view of the maps. */
  extent: [number, number, number, number];
  /** [lon, lat] where the maps open (inside the extent; its middle when the file gives none). */
  center: [number, number];
  /** Zoom the maps open at (10–19; 14 when the file gives none). */
  zoom: number;
  /** ISO 3166-1 alpha-2 country code, lower case ("cn"): whose public holidays opening hours' PH means. */
  country_code: string | null;
  /** The region (province) as the opening_hours holiday tables name it ("天津市", "青海省"), or null. */
  region: string | null;
  /** The street the staff pages open on for an account without a street of its own. */
  default_street: string | null;
  /** Absolute paths of the district's data files. */
  files: {
    divisions: string;
    roads: string;
    subway: string | null;
    traffic_a: string | null;
    transport_a: string | null;
    /** The sample set (示例), loaded into an empty database when LOAD_SAMPLE is on. */
    sample: string | null;
  };
}

/** The district's name in a language (name_zh or name_en of the district file). */
export function districtName(district: District, lang: 'zh' | 'en'): string {
  return lang === 'zh' ? district.name_zh : district.name_en;
}

function fail(file: string, message: string): never {
  throw new Error(`${file}: ${message}`);
}

/** Read and check a district file. Data file paths are relative to the district file's folder. */
export function readDistrictFile(file: string): District {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    return fail(file, `cannot be read as JSON (${(err as Error).message})`);
  }
  const text = (key: string, required = true): string | null => {
    const v = raw[key];
    if (v === undefined || v === null || v === '') {
      if (required) fail(file, `"${key}" is required`);
      return null;
    }
    if (typeof v !== 'string') fail(file, `"${key}" must be a string`);
    return v.trim();
  };
  const code = text('code')!;
  if (!/^[0-9]{12}$/.test(code)) fail(file, `"code" must be the 12-digit division code, got "${code}"`);
  const timeZone = text('time_zone')!;
  try {
    new Intl.DateTimeFormat('en', { timeZone }).format(0);
  } catch {
    fail(file, `"time_zone" is not an IANA time zone: "${timeZone}"`);
  }
  const extent = raw.extent;
  if (!Array.isArray(extent) || extent.length !== 4 || !extent.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    fail(file, '"extent" must be [west, south, east, north] in degrees');
  }
  const [w, s, e, n] = extent as number[];
  if (!(w >= -180 && e <= 180 && w < e && s >= -90 && n <= 90 && s < n)) fail(file, `"extent" ${JSON.stringify(extent)} is not a box west < east, south < north`);
  let center: [number, number] = [(w + e) / 2, (s + n) / 2];
  if (raw.center !== undefined && raw.center !== null) {
    const c = raw.center;
    if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => typeof v === 'number' && Number.isFinite(v))
      || !(c[0] >= w && c[0] <= e && c[1] >= s && c[1] <= n)) {
      fail(file, `"center" must be [lon, lat] inside "extent", got ${JSON.stringify(c)} / "center"（地图初始中心）须为 extent 范围内的 [经度, 纬度]`);
    }
    center = [c[0], c[1]];
  }
  let zoom = 14;
  if (raw.zoom !== undefined && raw.zoom !== null) {
    if (typeof raw.zoom !== 'number' || !(raw.zoom >= 10 && raw.zoom <= 19)) {
      fail(file, `"zoom" must be a number from 10 to 19, got ${JSON.stringify(raw.zoom)} / "zoom"（地图初始缩放级别）须为 10 至 19 的数字`);
    }
    zoom = raw.zoom;
  }
  const countryCode = text('country_code', false)?.toLowerCase() ?? null;
  if (countryCode !== null && !/^[a-z]{2}$/.test(countryCode)) {
    fail(file, `"country_code" must be a two-letter ISO 3166-1 code such as "cn", got "${countryCode}" / "country_code"（国家代码）须为两个字母的 ISO 3166-1 代码，例如 "cn"`);
  }
  const region = text('region', false);
  const defaultStreet = text('default_street', false);
  if (defaultStreet !== null && !/^[0-9]{12}$/.test(defaultStreet)) fail(file, `"default_street" must be a 12-digit street code, got "${defaultStreet}"`);

  const folder = path.dirname(path.resolve(file));
  const dataFile = (value: unknown, key: string, required: boolean): string | null => {
    if (value === undefined || value === null || value === '') {
      if (required) fail(file, `"${key}" is required`);
      return null;
    }
    if (typeof value !== 'string') fail(file, `"${key}" must be a file path`);
    const resolved = path.resolve(folder, value);
    if (!fs.existsSync(resolved)) fail(file, `"${key}": ${resolved} does not exist`);
    return resolved;
  };
  const network = (raw.network ?? {}) as Record<string, unknown>;
  if (typeof network !== 'object' || Array.isArray(network)) fail(file, '"network" must be an object of file paths');
  return {
    code,
    name_zh: text('name_zh')!,
    name_en: text('name_en')!,
    city_zh: text('city_zh', false) ?? '',
    city_en: text('city_en', false) ?? '',
    time_zone: timeZone,
    extent: [w, s, e, n],
    center,
    zoom,
    country_code: countryCode,
    region,
    default_street: defaultStreet,
    files: {
      divisions: dataFile(raw.divisions, 'divisions', true)!,
      roads: dataFile(network.roads, 'network.roads', true)!,
      subway: dataFile(network.subway, 'network.subway', false),
      traffic_a: dataFile(network.traffic_a, 'network.traffic_a', false),
      transport_a: dataFile(network.transport_a, 'network.transport_a', false),
      sample: dataFile(raw.sample, 'sample', false),
    },
  };
}

let configured: District | null = null;

/**
 * The district of this process: read from the configured file on first use, or set by `useDistrict`
 * when the app is built. Local dates and times (server/localTime.ts) read its time zone; opening hours (server/hoursPlace.ts) its place.
 */
export function configuredDistrict(): District {
  if (!configured) {
    configured = readDistrictFile(loadConfig().districtFile);
    useHoursPlace(placeOf(configured));
  }
  return configured;
}

/** Reads the district file and makes it this process's district (one district per process). */
export function useDistrict(file: string): District {
  const district = readDistrictFile(file);
  configured = district;
  useHoursPlace(placeOf(district));
  return district;
}
