// The rules for what a desk visit or plan may hold: local dates and time windows, a place that exists
// (an active board site, a gate of an active compound, or a point inside the district), services from
// the office's list, partners, a public contact phone; and the drafts a checked visit or plan becomes.
// Every problem names its field, in Chinese and English.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DeskPlaceKind } from '../db/schema.ts';
import { badRequest } from '../http/errors.ts';
import { invalidInput } from '../records/editing.ts';
import type { FieldIssue } from '../records/validation.ts';
import { normalizeText, validatePhone, validatePosition, type DistrictOutline } from '../records/validation.ts';
import { addDays, isCalendarDate, localToday, windowOf } from '../localTime.ts';
import { expandPlan, parseRule, RuleError } from './recurrence.ts';
import type { ServiceRef, TermList, TermValues } from './repository.ts';
import type { PlaceInput, PlanCreateBody, PlanPreviewBody, TermBody, VisitCreateBody } from './schemas.ts';

const FIELD_ZH: Record<string, string> = {
  street_code: '街道', date: '日期', start_time: '开始时间', end_time: '结束时间', place: '地点', 'place.kind': '地点类型',
  'place.site_id': '站点', 'place.gate_id': '小区大门', 'place.name': '地点名称', 'place.compound_id': '服务小区',
  lon: '经度', lat: '纬度', crs: '坐标系', services: '服务项目', partners: '合作单位', contact_phone: '联系电话', note: '备注',
  title: '计划名称', rule: '重复规则', start_date: '开始日期', until_date: '结束日期', topic: '诉求类别',
  description: '诉求内容', compound_id: '小区', contact_name: '联系人', resolution_note: '办理结果', assignee: '承办人', outcome: '办理方式',
};

export function deskIssue(field: string, message: string, messageZh: string): FieldIssue {
  return { field, message: `${field}: ${message}`, message_zh: `${FIELD_ZH[field] ?? field}：${messageZh}` };
}

/** How far back and ahead a visit may be dated: records of past desks, announcements up to a year out. */
export const VISIT_DATE_RANGE_DAYS = { past: 366, future: 366 };

export function checkDate(value: string, field: string, issues: FieldIssue[], now = new Date()): boolean {
  if (!isCalendarDate(value)) { issues.push(deskIssue(field, `"${value}" is not a calendar date (YYYY-MM-DD)`, `“${value}”不是有效日期`)); return false; }
  const today = localToday(now);
  if (value < addDays(today, -VISIT_DATE_RANGE_DAYS.past) || value > addDays(today, VISIT_DATE_RANGE_DAYS.future)) {
    issues.push(deskIssue(field, 'must be within a year of today', '须在今天前后一年之内'));
    return false;
  }
  return true;
}

export function checkWindow(start: string, end: string, issues: FieldIssue[]): void {
  if (end <= start) issues.push(deskIssue('end_time', `must be after the start time ${start}`, `须晚于开始时间 ${start}`));
}

export function checkServices(ids: readonly string[], known: readonly ServiceRef[], issues: FieldIssue[]): string[] {
  const active = new Set(known.filter((s) => s.active).map((s) => s.id));
  const out: string[] = [];
  for (const id of ids) {
    if (!active.has(id)) {
      issues.push(deskIssue('services', `unknown service "${id}"; known: ${[...active].join(', ')}`, `未知服务项目“${id}”`));
      continue;
    }
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

export function cleanPartners(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).map((p) => normalizeText(p)).filter(Boolean))];
}

export function cleanPhone(value: string | null | undefined, issues: FieldIssue[]): string | null {
  return validatePhone(value ?? null, issues, 'contact_phone');
}

export function cleanNote(value: string | null | undefined): string | null {
  return normalizeText(value ?? '') || null;
}

export interface ResolvedPlace {
  place_kind: DeskPlaceKind;
  site_id: number | null;
  gate_id: number | null;
  compound_id: number | null;
  place_name: string;
  lon: number;
  lat: number;
  street_code: string;
}

/**
 * Turns a place reference into stored columns. The street comes from the site or gate; a point on the
 * map belongs to `streetCode`. Reads run on the caller's transaction (the embedded engine has one connection).
 */
export async function resolvePlace(
  db: Kysely<Database> | Transaction<Database>, place: PlaceInput, streetCode: string | null | undefined,
  district: DistrictOutline, issues: FieldIssue[],
  /** Checks a map point against its street's area (throws); sites and gates were checked when placed. */
  checkPoint?: (lon: number, lat: number, streetCode: string) => void,
): Promise<ResolvedPlace | null> {
  const compoundOf = async (id: number) => db.selectFrom('compounds').select(['id', 'name', 'street_code', 'status'])
    .where('id', '=', id).executeTakeFirst();
  let resolved: ResolvedPlace | null = null;
  if (place.kind === 'site') {
    if (!place.site_id) { issues.push(deskIssue('place.site_id', 'is required for a board site', '请选择站点')); return null; }
    const site = await db.selectFrom('board_sites').select([
      'id', 'name', 'street_code', 'compound_id', 'status', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat'),
    ]).where('id', '=', place.site_id).executeTakeFirst();
    if (!site || site.status !== 'active') { issues.push(deskIssue('place.site_id', `no active board site ${place.site_id}`, `站点 ${place.site_id} 不存在或已停用`)); return null; }
    resolved = { place_kind: 'site', site_id: site.id, gate_id: null, compound_id: site.compound_id, place_name: site.name, lon: site.lon, lat: site.lat, street_code: site.street_code };
  } else if (place.kind === 'gate') {
    if (!place.gate_id) { issues.push(deskIssue('place.gate_id', 'is required for a compound gate', '请选择小区大门')); return null; }
    const gate = await db.selectFrom('compound_gates as g').innerJoin('compounds as c', 'c.id', 'g.compound_id').select([
      'g.id', 'g.name', 'g.status', 'c.id as compound_id', 'c.name as compound_name', 'c.street_code', 'c.status as compound_status',
      sql<number>`ST_X(g.geom)`.as('lon'), sql<number>`ST_Y(g.geom)`.as('lat'),
    ]).where('g.id', '=', place.gate_id).executeTakeFirst();
    if (!gate || gate.status !== 'active' || gate.compound_status !== 'active') {
      issues.push(deskIssue('place.gate_id', `no active gate ${place.gate_id}`, `小区大门 ${place.gate_id} 不存在或已停用`)); return null;
    }
    if (place.compound_id && place.compound_id !== gate.compound_id) {
      issues.push(deskIssue('place.compound_id', 'a gate serves its own compound', '大门所属小区与所选小区不一致')); return null;
    }
    resolved = {
      place_kind: 'gate', site_id: null, gate_id: gate.id, compound_id: gate.compound_id, place_name: `${gate.compound_name}${gate.name}`.slice(0, 100),
      lon: gate.lon, lat: gate.lat, street_code: gate.street_code,
    };
  } else {
    const position = validatePosition({ lon: place.lon, lat: place.lat, crs: place.crs ?? 'WGS84' }, district, issues);
    const name = normalizeText(place.name ?? '');
    if (!name) issues.push(deskIssue('place.name', 'is required for a point on the map', '地图选点须填写地点名称'));
    if (!streetCode) issues.push(deskIssue('street_code', 'is required for a point on the map', '地图选点须选择街道'));
    if (!position || !name || !streetCode) return null;
    checkPoint?.(position.lon, position.lat, streetCode);
    resolved = { place_kind: 'point', site_id: null, gate_id: null, compound_id: null, place_name: name, lon: position.lon, lat: position.lat, street_code: streetCode };
  }
  if (streetCode && resolved.street_code !== streetCode) {
    issues.push(deskIssue('street_code', `the place belongs to street ${resolved.street_code}`, '地点不属于所选街道'));
    return null;
  }
  if (place.compound_id !== undefined && place.kind !== 'gate') {
    if (place.compound_id === null) resolved.compound_id = null;
    else {
      const compound = await compoundOf(place.compound_id);
      if (!compound || compound.status !== 'active') { issues.push(deskIssue('place.compound_id', `no active compound ${place.compound_id}`, `小区 ${place.compound_id} 不存在或已停用`)); return null; }
      if (compound.street_code !== resolved.street_code) { issues.push(deskIssue('place.compound_id', 'the compound is in another street', '小区不在该街道')); return null; }
      resolved.compound_id = compound.id;
    }
  }
  return resolved;
}

/** Where a desk place may be: inside the district, and a map point inside its street's area (throws when not). */
export interface PlaceRules { district: DistrictOutline; checkPoint(lon: number, lat: number, streetCode: string, prefix: string): void }

/** A visit as checked, ready to store. */
export interface VisitDraft {
  street_code: string;
  starts_at: Date;
  ends_at: Date;
  place: ResolvedPlace;
  services: string[];
  partners: string[];
  contact_phone: string | null;
  note: string | null;
}

/** A recurring plan as checked, ready to store. */
export interface PlanDraft {
  street_code: string;
  title: string;
  rule: string;
  start_date: string;
  until_date: string | null;
  start_time: string;
  end_time: string;
  place: ResolvedPlace;
  services: string[];
  partners: string[];
  contact_phone: string | null;
  note: string | null;
}

/**
 * Checks a visit's body; its issues go to `issues` with `prefix` on each field (a rotation's
 * `visits.3.`), and the draft is null when there were any. Reads run on the caller's transaction.
 */
export async function visitDraft(
  trx: Transaction<Database>, input: VisitCreateBody, services: ServiceRef[], where: PlaceRules, issues: FieldIssue[], prefix = '',
): Promise<VisitDraft | null> {
  const own: FieldIssue[] = [];
  const dateOk = checkDate(input.date, 'date', own);
  checkWindow(input.start_time, input.end_time, own);
  const serviceIds = checkServices(input.services, services, own);
  const contact_phone = cleanPhone(input.contact_phone, own);
  const place = await resolvePlace(trx, input.place, input.street_code, where.district, own, (lon, lat, street) => where.checkPoint(lon, lat, street, prefix));
  issues.push(...own.map((i) => (prefix ? { ...i, field: `${prefix}${i.field}`, message: `${prefix}${i.message}` } : i)));
  if (own.length || !place || !dateOk) return null;
  return {
    street_code: place.street_code, ...windowOf(input.date, input.start_time, input.end_time), place, services: serviceIds,
    partners: cleanPartners(input.partners), contact_phone, note: cleanNote(input.note),
  };
}

/** The rule in its normal form, or '' with an issue naming `rule`. */
function checkRule(text: string, issues: FieldIssue[]): string {
  try { return parseRule(text).text; } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    issues.push(deskIssue('rule', e.message, e.messageZh));
    return '';
  }
}

/** A rule that gives no date in its first year (or before its end date) is refused. */
function checkRuleGivesDates(rule: string, startDate: string, until: string | null, issues: FieldIssue[]): void {
  const horizon = addDays(startDate, 366);
  if (!expandPlan({ rule, startDate, untilDate: until, startTime: '00:00', endTime: '00:01' }, startDate, until && until < horizon ? until : horizon).length) {
    issues.push(deskIssue('rule', 'gives no dates between the start and end dates', '在起止日期之间没有任何活动日期'));
  }
}

/** Checks a plan's body (throws invalidInput naming every problem). An existing plan keeps its start date even when that is long past. */
export async function planDraft(trx: Transaction<Database>, input: PlanCreateBody, services: ServiceRef[], where: PlaceRules, editingExisting: boolean): Promise<PlanDraft> {
  const issues: FieldIssue[] = [];
  const title = cleanNote(input.title);
  if (!title) issues.push(deskIssue('title', 'is required', '必填'));
  const rule = checkRule(input.rule, issues);
  const startOk = editingExisting ? isCalendarDate(input.start_date) : checkDate(input.start_date, 'start_date', issues);
  if (!startOk && editingExisting) issues.push(deskIssue('start_date', 'is not a calendar date', '日期无效'));
  const until = input.until_date ?? null;
  if (until !== null && checkDate(until, 'until_date', issues) && startOk && until < input.start_date) {
    issues.push(deskIssue('until_date', 'must not be before the start date', '不能早于开始日期'));
  }
  checkWindow(input.start_time, input.end_time, issues);
  const serviceIds = checkServices(input.services, services, issues);
  const contact_phone = cleanPhone(input.contact_phone, issues);
  const place = await resolvePlace(trx, input.place, input.street_code, where.district, issues, (lon, lat, street) => where.checkPoint(lon, lat, street, ''));
  if (rule && startOk && !issues.some((i) => i.field === 'until_date')) checkRuleGivesDates(rule, input.start_date, until, issues);
  if (issues.length || !place) throw invalidInput(issues.length ? issues : [deskIssue('place', 'is invalid', '地点无效')]);
  return {
    street_code: place.street_code, title: title!, rule, start_date: input.start_date, until_date: until,
    start_time: input.start_time, end_time: input.end_time, place, services: serviceIds,
    partners: cleanPartners(input.partners), contact_phone, note: cleanNote(input.note),
  };
}

/** Checks a rule preview's body; returns the rule in its normal form (throws invalidInput). */
export function checkPlanPreview(b: PlanPreviewBody): string {
  const issues: FieldIssue[] = [];
  const rule = checkRule(b.rule, issues);
  if (!isCalendarDate(b.start_date)) issues.push(deskIssue('start_date', 'is not a calendar date', '日期无效'));
  checkWindow(b.start_time, b.end_time, issues);
  if (issues.length) throw invalidInput(issues);
  return rule;
}

/**
 * An entry of the office's lists from its body: names trimmed (a name that is only spaces is missing),
 * a service's stand-in category known to the catalog (400 naming the field).
 */
export function termValues(b: TermBody, list: TermList, categories: ReadonlyMap<string, unknown>): TermValues {
  if (list === 'desk_services' && b.fills_category && !categories.has(b.fills_category)) {
    throw badRequest('fills_category', `unknown category "${b.fills_category}"`, `fills_category：未知类别 ${b.fills_category}`);
  }
  const name_zh = b.name_zh.trim();
  const name_en = b.name_en.trim();
  if (!name_zh) throw badRequest('name_zh', 'is empty', 'name_zh：不能为空');
  if (!name_en) throw badRequest('name_en', 'is empty', 'name_en：不能为空');
  if (list === 'desk_request_topics') return { name_zh, name_en, active: b.active ?? true };
  // The validator turns a JSON null into "" for a nullable string (coerceTypes): both mean "none".
  return { name_zh, name_en, fills_category: b.fills_category || null, active: b.active ?? true };
}
