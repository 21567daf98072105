// The one set of rules for what a service point (and the position of a site, compound or gate) may
// hold. The API, the spreadsheet import and the /admin form all run these same functions, so a
// message reads the same wherever it appears: in Chinese and English, naming the field.
// Pure TypeScript with no Node imports: the browser bundles this file too.
import OpeningHours from 'opening_hours';
import gcoordModule from 'gcoord';
import { ringContains } from '../geo.ts';
import { hoursContext } from '../hoursPlace.ts';

// gcoord ships CommonJS for Node (module.exports = the API) and ESM for bundlers (export default);
// its typings describe only the second. Take whichever this runtime gave us.
type Gcoord = typeof gcoordModule.default;
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord);

export interface FieldIssue { field: string; message: string; message_zh: string }

/** Chinese names of the fields, as staff see them in the form and in spreadsheet headers. */
export const FIELD_NAMES_ZH: Record<string, string> = {
  name: '名称', category: '类别', subtype: '子类型', address: '地址', phone: '电话', opening_hours: '开放时间',
  lon: '经度', lat: '纬度', crs: '坐标系', street_code: '街道', community_code: '社区', external_id: '外部编号',
  kind: '站点类型', compound_id: '小区', gate_id: '大门', households: '户数', residents: '人口', step_free: '无障碍',
  version: '版本',
};

export function issue(field: string, message: string, messageZh: string): FieldIssue {
  return { field, message: `${field}: ${message}`, message_zh: `${FIELD_NAMES_ZH[field] ?? field}：${messageZh}` };
}

// ---------------------------------------------------------------------------------------------
// Text

/** Trimmed text with runs of white space (including the ideographic space) collapsed. */
export function normalizeText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Control characters (NUL from a mis-saved spreadsheet, escape codes) are never part of a name or an
  // address, and PostgreSQL text cannot hold NUL at all. Bidirectional overrides, embeddings and isolates
  // (U+202A–202E, U+2066–2069) would reverse the text around a name on boards and phones ("展板\u202E测试"
  // shows as 展板试测 and drags the next label into it): dropped too.
  return String(value).replace(/[\u0000-\u0008\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g, '').replace(/[\s\u3000]+/g, ' ').trim();
}

/**
 * For numbers, codes and phone numbers only: full-width digits, letters and signs (typed with a Chinese
 * IME) become ASCII. Names and addresses keep their Chinese punctuation.
 */
export function asciiText(value: unknown): string {
  return normalizeText(value).replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0));
}

export function optionalText(value: unknown, field: string, max: number, issues: FieldIssue[]): string | null {
  const text = normalizeText(value);
  if (!text) return null;
  if (text.length > max) { issues.push(issue(field, `is longer than ${max} characters`, `不能超过${max}个字`)); return null; }
  return text;
}

export function requiredText(value: unknown, field: string, max: number, issues: FieldIssue[]): string {
  const text = normalizeText(value);
  if (!text) { issues.push(issue(field, 'is required', '必填')); return ''; }
  if (text.length > max) issues.push(issue(field, `is longer than ${max} characters`, `不能超过${max}个字`));
  return text;
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

// One number: a landline with area code (022-2345 6789, (022)23456789, 0222345678), a local 7–8 digit
// landline, a mobile (1[3-9] + 9 digits, optionally +86), or a 400/800 service line; then an optional
// extension (转123, -123 after a full landline, ext 123, x123).
const LANDLINE = String.raw`(?:\+?86[- ]?)?(?:\(0\d{2,3}\)|0\d{2,3})[- ]?[2-9]\d{2,3}[- ]?\d{4}`;
const LOCAL = String.raw`[2-9]\d{2,3}[- ]?\d{4}`;
const MOBILE = String.raw`(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}`;
const SERVICE = String.raw`[48]00[- ]?\d{3}[- ]?\d{4}`;
const EXTENSION = String.raw`(?:\s*(?:转|分机|ext\.?|x|#|-)\s*\d{1,6})?`;
const ONE_PHONE = new RegExp(`^(?:${MOBILE}|${SERVICE}|(?:${LANDLINE}|${LOCAL})${EXTENSION})$`, 'i');

/** Accepts up to three numbers separated by / , ; 、 or spaces around them; returns the normalized text. */
export function validatePhone(value: unknown, issues: FieldIssue[], field = 'phone'): string | null {
  const text = asciiText(value).replace(/[—–]/g, '-');
  if (!text) return null;
  const parts = text.split(/\s*[/,;、，；]\s*/).filter(Boolean);
  if (parts.length > 3) {
    issues.push(issue(field, 'give at most three numbers', '最多填写三个号码'));
    return null;
  }
  const bad = parts.find((p) => !ONE_PHONE.test(p));
  if (bad !== undefined) {
    issues.push(issue(field,
      `"${bad}" is not a phone number (e.g. 022-23456789, 23456789, 13812345678, 022-23456789转801)`,
      `“${bad}”不是有效的电话号码（例如 022-23456789、23456789、13812345678、022-23456789转801）`));
    return null;
  }
  return parts.join(' / ');
}

// ---------------------------------------------------------------------------------------------
// Opening hours (OpenStreetMap opening_hours syntax)

const hoursCache = new Map<string, { problem: string | null; pretty: string }>();

// Words Chinese offices write that the parser does not know; it already understands 周一…周日.
const HOURS_WORDS: [RegExp, string][] = [
  [/^(24小时|全天|全天候|24h)$/i, '24/7'], [/每天|每日|全周/g, 'Mo-Su '], [/工作日/g, 'Mo-Fr '], [/法定节假日|节假日/g, 'PH '],
  [/休息|闭馆|不开放/g, ' off'], [/[：]/g, ':'], [/[—–－~～至到]/g, '-'], [/[，、]/g, ','], [/[；]/g, ';'],
];

/**
 * Parses with the opening_hours package at the district's place (server/hoursPlace.ts: its country's
 * public holidays): the problem, or the tidy value.
 */
export function parseOpeningHours(value: string): { problem: string | null; pretty: string } {
  const cached = hoursCache.get(value);
  if (cached) return cached;
  let result: { problem: string | null; pretty: string };
  try {
    // Parsing is slow (about 2 ms); spreadsheets repeat a handful of values, so results are cached.
    const parsed = new OpeningHours(value, hoursContext() as never);
    result = { problem: null, pretty: parsed.prettifyValue() };
  } catch (err) {
    result = { problem: String(err instanceof Error ? err.message : err).split('\n')[0].slice(0, 200), pretty: value };
  }
  if (hoursCache.size > 5000) hoursCache.clear();
  hoursCache.set(value, result);
  return result;
}

/** Stores the parser's tidy form: "周一-周五 8:30-17:30" becomes "Mo-Fr 08:30-17:30". */
export function validateOpeningHours(value: unknown, issues: FieldIssue[], field = 'opening_hours'): string | null {
  let text = asciiText(value);
  if (!text) return null;
  for (const [pattern, replacement] of HOURS_WORDS) text = text.replace(pattern, replacement);
  text = text.replace(/\s+/g, ' ').trim();
  if (text.length > 255) { issues.push(issue(field, 'is longer than 255 characters', '不能超过255个字符')); return null; }
  const { problem, pretty } = parseOpeningHours(text);
  if (problem) {
    issues.push(issue(field,
      `does not parse as OpenStreetMap opening_hours (e.g. "Mo-Fr 08:30-17:30; Sa 09:00-12:00", "24/7"): ${problem}`,
      `格式不正确，请使用 OSM opening_hours 写法（例如 “Mo-Fr 08:30-17:30; Sa 09:00-12:00”、“24/7”）`));
    return null;
  }
  return pretty.length <= 255 ? pretty : text;
}

// ---------------------------------------------------------------------------------------------
// Coordinates

export type Crs = 'WGS84' | 'GCJ-02' | 'BD-09';
export const CRS_VALUES: Crs[] = ['WGS84', 'GCJ-02', 'BD-09'];

/** Accepts the names staff use: WGS84 / GPS, GCJ-02 / 高德 / 腾讯 / 火星, BD-09 / 百度. Empty means WGS84. */
export function parseCrs(value: unknown, issues: FieldIssue[], field = 'crs'): Crs | null {
  const raw = asciiText(value).toUpperCase().replace(/[\s_]/g, '');
  if (!raw || ['WGS84', 'WGS-84', 'EPSG:4326', '4326', 'GPS', 'OSM'].includes(raw)) return 'WGS84';
  if (['GCJ-02', 'GCJ02', 'GCJ', '高德', '腾讯', '火星', '火星坐标', 'AMAP', 'GAODE', 'TENCENT'].includes(raw)) return 'GCJ-02';
  if (['BD-09', 'BD09', 'BD09LL', '百度', 'BAIDU'].includes(raw)) return 'BD-09';
  issues.push(issue(field, 'must be WGS84, GCJ-02 or BD-09', '应为 WGS84、GCJ-02（高德/腾讯）或 BD-09（百度）'));
  return null;
}

/** Converts to WGS84 (the database's system); GCJ-02 and BD-09 come from Amap/Tencent and Baidu. */
export function toWgs84(lon: number, lat: number, crs: Crs): [number, number] {
  if (crs === 'WGS84') return [lon, lat];
  const from = crs === 'GCJ-02' ? gcoord.GCJ02 : gcoord.BD09;
  const [x, y] = gcoord.transform([lon, lat], from, gcoord.WGS84) as [number, number];
  return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
}

export function fromWgs84(lon: number, lat: number, crs: Crs): [number, number] {
  if (crs === 'WGS84') return [lon, lat];
  const to = crs === 'GCJ-02' ? gcoord.GCJ02 : gcoord.BD09;
  const [x, y] = gcoord.transform([lon, lat], gcoord.WGS84, to) as [number, number];
  return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
}

function parseCoordinate(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = asciiText(value).replace(/[°度]$/, '');
  if (!text || !/^[-+]?\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

/** The district outline (derived from the network, see server/points/district.ts): rings of [lon, lat]. */
export interface DistrictOutline {
  /** Polygons, each a list of rings (outer first, then holes). */
  polygons: [number, number][][][];
  bbox: [number, number, number, number];
  /** The district's name, for messages ("outside …"); absent, messages say "the district". */
  name?: { zh: string; en: string };
}

export function insideDistrict(outline: DistrictOutline, lon: number, lat: number): boolean {
  const [minX, minY, maxX, maxY] = outline.bbox;
  if (lon < minX || lon > maxX || lat < minY || lat > maxY) return false;
  return outline.polygons.some(([outer, ...holes]) => ringContains(outer, lon, lat) && !holes.some((h) => ringContains(h, lon, lat)));
}

/** Reads lon/lat in the given system, converts to WGS84 and checks the district. */
export function validatePosition(
  input: { lon: unknown; lat: unknown; crs?: unknown },
  district: DistrictOutline,
  issues: FieldIssue[],
): { lon: number; lat: number } | null {
  const crs = parseCrs(input.crs, issues);
  const lon = parseCoordinate(input.lon);
  const lat = parseCoordinate(input.lat);
  if (lon === null) issues.push(issue('lon', 'is required and must be a decimal number (e.g. 117.2035)', '必填，应为小数形式的经度（例如 117.2035）'));
  if (lat === null) issues.push(issue('lat', 'is required and must be a decimal number (e.g. 39.1042)', '必填，应为小数形式的纬度（例如 39.1042）'));
  if (lon === null || lat === null || crs === null) return null;
  if (Math.abs(lat) > Math.abs(lon) && Math.abs(lon) <= 90 && Math.abs(lat) <= 180) {
    // 39.1, 117.2 typed the other way round is the commonest spreadsheet mistake.
    const [sx, sy] = toWgs84(lat, lon, crs);
    if (insideDistrict(district, sx, sy)) {
      issues.push(issue('lon', 'longitude and latitude seem swapped', '经度和纬度似乎填反了'));
      return null;
    }
  }
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    issues.push(issue(lon < -180 || lon > 180 ? 'lon' : 'lat', 'is out of range', '超出取值范围'));
    return null;
  }
  const [x, y] = toWgs84(lon, lat, crs);
  if (!insideDistrict(district, x, y)) {
    const crsHint = crs === 'WGS84' ? '; if the coordinates come from Amap or Baidu, set crs to GCJ-02 or BD-09' : '';
    const crsHintZh = crs === 'WGS84' ? '；如坐标取自高德或百度地图，请将坐标系设为 GCJ-02 或 BD-09' : '';
    const name = district.name ?? { en: 'the district', zh: '本区' };
    issues.push(issue('lon', `${lon}, ${lat} (${crs}) is outside ${name.en}${crsHint}`, `${lon}, ${lat}（${crs}）不在${name.zh}范围内${crsHintZh}`));
    return null;
  }
  return { lon: x, lat: y };
}

// ---------------------------------------------------------------------------------------------
// Streets and communities

export interface StreetsRef { code: string; name: string; communities: { code: string; name: string }[] }

/** Accepts a street code or its Chinese name (桃园街道 or 桃园). */
export function resolveStreet(streets: StreetsRef[], value: unknown, issues: FieldIssue[], field = 'street_code'): StreetsRef | null {
  const text = asciiText(value);
  if (!text) { issues.push(issue(field, 'is required', '必填')); return null; }
  const street = streets.find((s) => s.code === text || s.name === text || s.name.replace(/街道$/, '') === text);
  if (!street) issues.push(issue(field, `unknown street "${text}"`, `未知街道“${text}”`));
  return street ?? null;
}

export function resolveCommunity(street: StreetsRef | null, value: unknown, issues: FieldIssue[], field = 'community_code'): string | null {
  const text = asciiText(value);
  if (!text || !street) return null;
  const community = street.communities.find((c) => c.code === text || c.name === text || c.name.replace(/(社区)?(居委会)?$/, '') === text.replace(/(社区)?(居委会)?$/, ''));
  if (!community) {
    issues.push(issue(field, `"${text}" is not a community of ${street.name}`, `“${text}”不是${street.name}的社区`));
    return null;
  }
  return community.code;
}

// ---------------------------------------------------------------------------------------------
// Service points

export interface CategoryRef { id: string; name_zh: string; name_en: string; dimension: string }

/** Accepts a category id or its Chinese or English name, as staff type them in spreadsheets. */
export function resolveCategoryRef(categories: CategoryRef[], value: unknown): CategoryRef | undefined {
  const text = normalizeText(value);
  const lower = text.toLowerCase();
  return categories.find((c) => c.id === lower || c.name_zh === text || c.name_en.toLowerCase() === lower);
}

export interface PointInput {
  name?: unknown; category?: unknown; subtype?: unknown; address?: unknown; phone?: unknown; opening_hours?: unknown;
  lon?: unknown; lat?: unknown; crs?: unknown; street_code?: unknown; community_code?: unknown; external_id?: unknown;
}

/** A point ready for the database: WGS84, normalized text, a known category and street. */
export interface PointDraft {
  name: string;
  category_id: string;
  dimension_id: string;
  subtype: string | null;
  address: string | null;
  phone: string | null;
  opening_hours: string | null;
  lon: number;
  lat: number;
  street_code: string;
  community_code: string | null;
  external_id: string | null;
}

export interface ValidationContext { categories: CategoryRef[]; streets: StreetsRef[]; district: DistrictOutline }

/** Every problem of the input at once (the form marks each field), or the clean draft. */
export function validatePoint(input: PointInput, ctx: ValidationContext): { draft: PointDraft | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const name = requiredText(input.name, 'name', 100, issues);
  let category: CategoryRef | undefined;
  if (!normalizeText(input.category)) issues.push(issue('category', 'is required', '必填'));
  else {
    category = resolveCategoryRef(ctx.categories, input.category);
    if (!category) {
      issues.push(issue('category', `unknown category "${normalizeText(input.category)}"; use one of ${ctx.categories.map((c) => c.id).join(', ')}`,
        `未知类别“${normalizeText(input.category)}”，应为 ${ctx.categories.map((c) => c.name_zh).join('、')} 之一`));
    }
  }
  const subtype = optionalText(input.subtype, 'subtype', 50, issues);
  const address = optionalText(input.address, 'address', 200, issues);
  const phone = validatePhone(input.phone, issues);
  const openingHours = validateOpeningHours(input.opening_hours, issues);
  const position = validatePosition({ lon: input.lon, lat: input.lat, crs: input.crs }, ctx.district, issues);
  const street = resolveStreet(ctx.streets, input.street_code, issues);
  const community = resolveCommunity(street, input.community_code, issues);
  const externalId = optionalText(input.external_id, 'external_id', 64, issues);
  if (issues.length || !category || !position || !street) return { draft: null, issues };
  return {
    draft: {
      name, category_id: category.id, dimension_id: category.dimension, subtype, address, phone, opening_hours: openingHours,
      lon: position.lon, lat: position.lat, street_code: street.code, community_code: community, external_id: externalId,
    },
    issues,
  };
}
