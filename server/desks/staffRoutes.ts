// Staff routes for desk visits, recurring plans and the rotation planner. The rules are those of points:
// admins write everywhere, street editors only their own street, viewers read; every write carries the
// version it was based on (stale: 409 with the current record), commits with its audit row, then
// publishes a 'desks' change.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/schema.ts';
import { recordAudit } from '../records/audit.ts';
import { DEFAULT_PROFILE } from '../records/schemas.ts';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import { checkVersion, commitEdit, ConflictResponse, defaultStreet, invalidInput, staffOf, ValidationErrorResponse } from '../records/editing.ts';
import type { DistrictOutline, FieldIssue } from '../records/validation.ts';
import { placeRecord } from '../records/placementCheck.ts';

/** Where a desk place may be: inside the district, and a map point inside its street's area. */
interface PlaceRules { district: DistrictOutline; checkPoint(lon: number, lat: number, streetCode: string, prefix: string): void }
import { addDays, datesOfMonth, fromLocal, isCalendarDate, localToday, nextMonth, toLocal, WEEKDAY_ZH } from './localTime.ts';
import { describeRule, expandPlan, parseRule, RuleError } from './recurrence.ts';
import {
  getPlan, getVisit, lastVisitByCompound, listPlans, listVisits, loadServices, visitReports, type PlanRow, type VisitRow,
} from './repository.ts';
import { planSnapshot, presentPlan, staffVisit, visitSnapshot } from './present.ts';
import { serviceNames } from './present.ts';
import { proposeRotation, type PlannerCompound } from './planner.ts';
import { coverageGapsByCompound, GAP_SOURCE } from './coverageGaps.ts';
import {
  checkDate, checkServices, checkWindow, cleanNote, cleanPartners, cleanPhone, deskIssue, resolvePlace, type ServiceRef,
} from './validation.ts';
import {
  closePlan, insertPlan, insertVisit, materializePlan, setVisitStatus, updatePlan, updateVisit, windowOf,
  type PlanDraft, type VisitDraft,
} from './writes.ts';
import {
  CancelBody, IdParams, Plan, PlanCancelBody, PlanCreateBody, PlanPatchBody, PlanPreviewBody, PlanPreviewResponse,
  RotationProposal, RotationPublishBody, RotationQuery, ServiceTerm, StaffVisit, StreetCode, TermBody, TopicTerm,
  VersionBody, VisitCreateBody, VisitPatchBody, type PlaceInput,
} from './schemas.ts';

const VISIT = { en: 'The desk visit', zh: '该流动办公桌活动' };
const PLAN = { en: 'The desk plan', zh: '该流动办公桌计划' };
const editors = ['admin', 'editor'] as const;
const writeResponses = {
  400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse,
};
const DEFAULT_ROTATION = { start_time: '09:00', end_time: '11:30', services: ['policy', 'anti_fraud'] };

type Trx = Transaction<Database>;

/** A visit's fields in the create-body shape, for merging a PATCH. */
function visitAsInput(row: VisitRow): VisitCreateBody {
  const start = toLocal(row.starts_at);
  return {
    street_code: row.street_code, date: start.date, start_time: start.time, end_time: toLocal(row.ends_at).time,
    place: placeAsInput(row), services: row.services, partners: row.partners, contact_phone: row.contact_phone, note: row.note,
  };
}

function placeAsInput(row: Pick<VisitRow, 'place_kind' | 'site_id' | 'gate_id' | 'lon' | 'lat' | 'place_name' | 'compound_id'>): PlaceInput {
  if (row.place_kind === 'site') return { kind: 'site', site_id: row.site_id!, compound_id: row.compound_id };
  if (row.place_kind === 'gate') return { kind: 'gate', gate_id: row.gate_id! };
  return { kind: 'point', lon: row.lon, lat: row.lat, crs: 'WGS84', name: row.place_name, compound_id: row.compound_id };
}

async function visitDraft(
  trx: Trx, input: VisitCreateBody, services: ServiceRef[], where: PlaceRules, issues: FieldIssue[], prefix = '',
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

function planAsInput(row: PlanRow): PlanCreateBody {
  return {
    street_code: row.street_code, title: row.title, rule: row.rrule, start_date: row.start_date, until_date: row.until_date,
    start_time: row.start_time, end_time: row.end_time, place: placeAsInput(row), services: row.services,
    partners: row.partners, contact_phone: row.contact_phone, note: row.note,
  };
}

async function planDraft(trx: Trx, input: PlanCreateBody, services: ServiceRef[], where: PlaceRules, editingExisting: boolean): Promise<PlanDraft> {
  const issues: FieldIssue[] = [];
  const title = cleanNote(input.title);
  if (!title) issues.push(deskIssue('title', 'is required', '必填'));
  let rule = '';
  try { rule = parseRule(input.rule).text; } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    issues.push(deskIssue('rule', e.message, e.messageZh));
  }
  // An existing plan keeps its start date even when that is long past.
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
  if (rule && startOk && !issues.some((i) => i.field === 'until_date')) {
    const horizon = addDays(input.start_date, 366);
    if (!expandPlan({ rule, startDate: input.start_date, untilDate: until, startTime: '00:00', endTime: '00:01' }, input.start_date, until && until < horizon ? until : horizon).length) {
      issues.push(deskIssue('rule', 'gives no dates between the start and end dates', '在起止日期之间没有任何活动日期'));
    }
  }
  if (issues.length || !place) throw invalidInput(issues.length ? issues : [deskIssue('place', 'is invalid', '地点无效')]);
  return {
    street_code: place.street_code, title: title!, rule, start_date: input.start_date, until_date: until,
    start_time: input.start_time, end_time: input.end_time, place, services: serviceIds,
    partners: cleanPartners(input.partners), contact_phone, note: cleanNote(input.note),
  };
}

export const deskStaffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const presentVisits = async (rows: VisitRow[]) => {
    const [names, counts] = await Promise.all([serviceNames(app), visitReports(app.db, rows.map((r) => r.id))]);
    return rows.map((r) => staffVisit(r, names, counts.get(r.id)));
  };
  const presentPlanRow = async (row: PlanRow) => {
    const next = await listVisits(app.db, { planId: row.id, from: new Date(), status: 'all', limit: 6 });
    return presentPlan(row, await serviceNames(app), next.map((v) => ({ visit_id: v.id, date: toLocal(v.starts_at).date, status: v.status })));
  };
  // A visit at a bare map point must lie in its street (server/records/placement.ts). Desk bodies carry no
  // confirmation flag, so only what is certain is refused: an official boundary, or far outside an
  // approximate one.
  const writeContext = async (request: FastifyRequest): Promise<{ services: ServiceRef[] } & PlaceRules> => {
    const [services, district, areas] = await Promise.all([loadServices(app.db), app.districtOutline(), app.areaIndex()]);
    const checkPoint = (lon: number, lat: number, street_code: string, prefix: string) => {
      placeRecord(areas, request, { lon, lat, street_code, community_code: undefined, community_picked: false }, true,
        { lon: `${prefix}place.lon`, street_code: `${prefix}street_code`, community_code: `${prefix}place.compound_id` });
    };
    return { services, district, checkPoint };
  };

  async function lockVisit(trx: Trx, id: number, request: FastifyRequest): Promise<VisitRow> {
    const row = await getVisit(trx, id, true);
    if (!row) throw notFound(`desk visit ${id}`, `流动办公桌活动 ${id} 不存在`);
    app.assertStreetAccess(request, row.street_code);
    return row;
  }
  async function lockPlan(trx: Trx, id: number, request: FastifyRequest): Promise<PlanRow> {
    const row = await getPlan(trx, id, true);
    if (!row) throw notFound(`desk plan ${id}`, `流动办公桌计划 ${id} 不存在`);
    app.assertStreetAccess(request, row.street_code);
    return row;
  }

  // ---- visits --------------------------------------------------------------------------------

  app.get('/api/desks/staff/visits', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['desks'], summary: 'Desk visits of a street for staff: versions and request counts (any staff role)',
      querystring: Type.Object({
        street: StreetCode,
        from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
        to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
      }, { additionalProperties: false }),
      response: { 200: Type.Array(StaffVisit), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    },
  }, async (request) => {
    const from = request.query.from ?? addDays(localToday(), -30);
    const to = request.query.to ?? addDays(from, 120);
    for (const [field, value] of [['from', from], ['to', to]] as const) {
      if (!isCalendarDate(value)) throw badRequest(field, `"${value}" is not a calendar date`, `${field}：日期无效`);
    }
    const rows = await listVisits(app.db, { street: request.query.street, from: fromLocal(from, '00:00'), to: fromLocal(addDays(to, 1), '00:00'), status: 'all', limit: 2000 });
    return presentVisits(rows);
  });

  app.get('/api/desks/staff/visits/:id', {
    preHandler: app.requireStaff(),
    schema: { tags: ['desks'], summary: 'One desk visit for staff', params: IdParams, response: { 200: StaffVisit, 401: ErrorResponse, 404: ErrorResponse } },
  }, async (request) => {
    const row = await getVisit(app.db, request.params.id);
    if (!row) throw notFound(`desk visit ${request.params.id}`, `流动办公桌活动 ${request.params.id} 不存在`);
    return (await presentVisits([row]))[0];
  });

  app.post('/api/desks/visits', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Create a one-off desk visit (street editor: own street)',
      body: VisitCreateBody, response: { 201: StaffVisit, ...writeResponses },
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const ctx = await writeContext(request);
    const input = { ...request.body, street_code: request.body.place.kind === 'point' ? defaultStreet(request, request.body.street_code) ?? undefined : request.body.street_code };
    const row = await commitEdit(app, async (trx) => {
      const issues: FieldIssue[] = [];
      const draft = await visitDraft(trx, input, ctx.services, ctx, issues);
      if (!draft) throw invalidInput(issues);
      app.assertStreetAccess(request, draft.street_code);
      const created = await insertVisit(trx, draft, 'manual', staff.id);
      await recordAudit(trx, { staff, action: 'create', entity: 'desk_visit', entity_id: created.id, street_code: created.street_code, after: visitSnapshot(created) });
      return { result: created, changes: [{ kind: 'desks', ids: [created.id], street: created.street_code }] };
    });
    return reply.code(201).send((await presentVisits([row]))[0]);
  });

  app.patch('/api/desks/visits/:id', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Edit a desk visit (an occurrence of a plan becomes an exception that later plan edits leave alone)',
      params: IdParams, body: VisitPatchBody, response: { 200: StaffVisit, ...writeResponses, 409: ConflictResponse(StaffVisit) },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const ctx = await writeContext(request);
    const { version, ...changes } = request.body;
    const row = await commitEdit(app, async (trx) => {
      const before = await lockVisit(trx, request.params.id, request);
      checkVersion(VISIT, before, version, () => presentVisitSync(before));
      const issues: FieldIssue[] = [];
      const merged = { ...visitAsInput(before), ...changes };
      if (changes.place && !changes.street_code) merged.street_code = changes.place.kind === 'point' ? before.street_code : undefined;
      const draft = await visitDraft(trx, merged, ctx.services, ctx, issues);
      if (!draft) throw invalidInput(issues);
      if (draft.street_code !== before.street_code) app.assertStreetAccess(request, draft.street_code);
      const after = await updateVisit(trx, before.id, draft);
      await recordAudit(trx, { staff, action: 'update', entity: 'desk_visit', entity_id: after.id, street_code: after.street_code, before: visitSnapshot(before), after: visitSnapshot(after) });
      const streets = [...new Set([before.street_code, after.street_code])];
      return { result: after, changes: streets.map((street) => ({ kind: 'desks' as const, ids: [after.id], street })) };
    });
    return (await presentVisits([row]))[0];
  });

  // The 409 body needs the current record synchronously (inside the transaction): services by id only.
  const presentVisitSync = (row: VisitRow) => staffVisit(row, new Map());

  const setStatus = (status: 'scheduled' | 'cancelled') => async (request: FastifyRequest, id: number, version: number, reason: string | null) => {
    const staff = staffOf(request);
    const row = await commitEdit(app, async (trx) => {
      const before = await lockVisit(trx, id, request);
      checkVersion(VISIT, before, version, () => presentVisitSync(before));
      if (before.status === status) return { result: before, changes: [] };
      if (before.ends_at.getTime() < Date.now()) {
        throw new HttpError(400, 'status: this visit has already taken place', 'status', '该活动已经结束，不能再取消或恢复');
      }
      const after = await setVisitStatus(trx, before.id, status, reason);
      await recordAudit(trx, {
        staff, action: status === 'cancelled' ? 'cancel' : 'reinstate', entity: 'desk_visit', entity_id: after.id,
        street_code: after.street_code, before: visitSnapshot(before), after: visitSnapshot(after),
      });
      return { result: after, changes: [{ kind: 'desks', ids: [after.id], street: after.street_code }] };
    });
    return (await presentVisits([row]))[0];
  };

  app.post('/api/desks/visits/:id/cancel', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Cancel a desk visit: it stays on every list and calendar, marked cancelled with the reason',
      params: IdParams, body: CancelBody, response: { 200: StaffVisit, ...writeResponses, 409: ConflictResponse(StaffVisit) },
    },
  }, async (request) => setStatus('cancelled')(request, request.params.id, request.body.version, cleanNote(request.body.reason)));

  app.post('/api/desks/visits/:id/reinstate', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Undo the cancellation of a desk visit',
      params: IdParams, body: VersionBody, response: { 200: StaffVisit, ...writeResponses, 409: ConflictResponse(StaffVisit) },
    },
  }, async (request) => setStatus('scheduled')(request, request.params.id, request.body.version, null));

  // ---- plans ---------------------------------------------------------------------------------

  app.get('/api/desks/plans', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['desks'], summary: 'Recurring desk plans of a street',
      querystring: Type.Object({
        street: Type.Optional(StreetCode),
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed'), Type.Literal('all')])),
      }, { additionalProperties: false }),
      response: { 200: Type.Array(Plan), 400: ErrorResponse, 401: ErrorResponse },
    },
  }, async (request) => Promise.all((await listPlans(app.db, request.query)).map(presentPlanRow)));

  app.get('/api/desks/plans/:id', {
    preHandler: app.requireStaff(),
    schema: { tags: ['desks'], summary: 'One recurring desk plan with its next dates', params: IdParams, response: { 200: Plan, 401: ErrorResponse, 404: ErrorResponse } },
  }, async (request) => {
    const row = await getPlan(app.db, request.params.id);
    if (!row) throw notFound(`desk plan ${request.params.id}`, `流动办公桌计划 ${request.params.id} 不存在`);
    return presentPlanRow(row);
  });

  app.post('/api/desks/plans/preview', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['desks'], summary: 'The dates a recurring rule gives (nothing is saved)',
      body: PlanPreviewBody, response: { 200: PlanPreviewResponse, 400: ValidationErrorResponse, 401: ErrorResponse },
    },
  }, async (request) => {
    const b = request.body;
    const issues: FieldIssue[] = [];
    let rule = '';
    try { rule = parseRule(b.rule).text; } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      issues.push(deskIssue('rule', e.message, e.messageZh));
    }
    if (!isCalendarDate(b.start_date)) issues.push(deskIssue('start_date', 'is not a calendar date', '日期无效'));
    checkWindow(b.start_time, b.end_time, issues);
    if (issues.length) throw invalidInput(issues);
    const words = describeRule(rule);
    const to = addDays(b.start_date, 31 * (b.months ?? 3));
    const dates = expandPlan({ rule, startDate: b.start_date, untilDate: b.until_date ?? null, startTime: b.start_time, endTime: b.end_time }, b.start_date, to);
    return {
      rule, zh: words.zh, en: words.en,
      dates: dates.map((o) => ({ date: o.date, weekday_zh: WEEKDAY_ZH[toLocal(o.startsAt).weekday], starts_at: o.startsAt.toISOString(), ends_at: o.endsAt.toISOString() })),
    };
  });

  app.post('/api/desks/plans', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Create a recurring desk plan (RFC 5545 rule); its occurrences appear as visits',
      body: PlanCreateBody, response: { 201: Plan, ...writeResponses },
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const ctx = await writeContext(request);
    const input = { ...request.body, street_code: request.body.place.kind === 'point' ? defaultStreet(request, request.body.street_code) ?? undefined : request.body.street_code };
    const row = await commitEdit(app, async (trx) => {
      const draft = await planDraft(trx, input, ctx.services, ctx, false);
      app.assertStreetAccess(request, draft.street_code);
      const created = await insertPlan(trx, draft, staff.id);
      const occurrences = await materializePlan(trx, created);
      const after = (await getPlan(trx, created.id))!;
      await recordAudit(trx, { staff, action: 'create', entity: 'desk_plan', entity_id: after.id, street_code: after.street_code, after: { ...planSnapshot(after), occurrences } });
      return { result: after, changes: [{ kind: 'desks', ids: [], street: after.street_code }] };
    });
    return reply.code(201).send(await presentPlanRow(row));
  });

  app.patch('/api/desks/plans/:id', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Edit a recurring plan: future occurrences follow, except those edited or cancelled by hand',
      params: IdParams, body: PlanPatchBody, response: { 200: Plan, ...writeResponses, 409: ConflictResponse(Type.Object({ id: Type.Integer(), version: Type.Integer() }, { additionalProperties: true })) },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const ctx = await writeContext(request);
    const { version, ...changes } = request.body;
    const row = await commitEdit(app, async (trx) => {
      const before = await lockPlan(trx, request.params.id, request);
      checkVersion(PLAN, before, version, () => ({ ...planSnapshot(before) }));
      if (before.status === 'closed') throw new HttpError(400, 'status: the plan has ended; create a new one', 'status', '该计划已结束，请新建计划');
      const merged = { ...planAsInput(before), ...changes };
      if (changes.place && !changes.street_code) merged.street_code = changes.place.kind === 'point' ? before.street_code : undefined;
      const draft = await planDraft(trx, merged, ctx.services, ctx, true);
      if (draft.street_code !== before.street_code) app.assertStreetAccess(request, draft.street_code);
      const updated = await updatePlan(trx, before.id, draft);
      const occurrences = await materializePlan(trx, updated);
      const after = (await getPlan(trx, updated.id))!;
      await recordAudit(trx, { staff, action: 'update', entity: 'desk_plan', entity_id: after.id, street_code: after.street_code, before: planSnapshot(before), after: { ...planSnapshot(after), occurrences } });
      const streets = [...new Set([before.street_code, after.street_code])];
      return { result: after, changes: streets.map((street) => ({ kind: 'desks' as const, ids: [], street })) };
    });
    return presentPlanRow(row);
  });

  app.post('/api/desks/plans/:id/cancel', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'End a recurring plan: its future visits show as cancelled with the reason',
      params: IdParams, body: PlanCancelBody, response: { 200: Plan, ...writeResponses, 409: ConflictResponse(Type.Object({ id: Type.Integer(), version: Type.Integer() }, { additionalProperties: true })) },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const row = await commitEdit(app, async (trx) => {
      const before = await lockPlan(trx, request.params.id, request);
      checkVersion(PLAN, before, request.body.version, () => ({ ...planSnapshot(before) }));
      if (before.status === 'closed') return { result: before, changes: [] };
      const { plan: after, cancelled } = await closePlan(trx, before, cleanNote(request.body.reason)!);
      await recordAudit(trx, { staff, action: 'close', entity: 'desk_plan', entity_id: after.id, street_code: after.street_code, before: planSnapshot(before), after: { ...planSnapshot(after), cancelled_visits: cancelled } });
      return { result: after, changes: [{ kind: 'desks', ids: [], street: after.street_code }] };
    });
    return presentPlanRow(row);
  });

  // ---- rotation planner ----------------------------------------------------------------------

  app.get('/api/desks/rotation', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['desks'],
      summary: 'Propose a month of desk visits for a street, rotating over its compounds (nothing is saved: edit, then publish)',
      description: 'Compounds not visited within the current rotation cycle come first; among them, the most coverage gaps, then the longest since the last visit.',
      querystring: RotationQuery,
      response: { 200: RotationProposal, 400: ErrorResponse, 401: ErrorResponse },
    },
  }, async (request) => {
    const q = request.query;
    const today = localToday();
    const month = q.month ?? nextMonth(today);
    if (month < today.slice(0, 7)) throw badRequest('month', 'must be this month or later', 'month：只能规划本月或以后的月份');
    const profile = q.profile ?? DEFAULT_PROFILE;
    const services = await loadServices(app.db);
    const baseIssues: FieldIssue[] = [];
    const baseServices = checkServices(q.services ? q.services.split(',').map((s) => s.trim()) : DEFAULT_ROTATION.services, services, baseIssues);
    if (baseIssues.length) throw invalidInput(baseIssues);
    const startTime = q.start_time ?? DEFAULT_ROTATION.start_time;
    const endTime = q.end_time ?? DEFAULT_ROTATION.end_time;
    if (endTime <= startTime) throw badRequest('end_time', `must be after ${startTime}`, `end_time：须晚于 ${startTime}`);

    let compoundsQuery = app.db.selectFrom('compounds as c')
      .select(['c.id', 'c.name', 'c.community_code', 'c.residents',
        sql<number | null>`ST_X(c.geom)`.as('lon'), sql<number | null>`ST_Y(c.geom)`.as('lat'),
        sql<number | null>`(select s.id from board_sites s where s.compound_id = c.id and s.status = 'active' order by s.id limit 1)`.as('site_id'),
        sql<string | null>`(select s.name from board_sites s where s.compound_id = c.id and s.status = 'active' order by s.id limit 1)`.as('site_name'),
        sql<number | null>`(select g.id from compound_gates g where g.compound_id = c.id and g.status = 'active' order by g.id limit 1)`.as('gate_id'),
        sql<string | null>`(select g.name from compound_gates g where g.compound_id = c.id and g.status = 'active' order by g.id limit 1)`.as('gate_name'),
      ])
      .where('c.street_code', '=', q.street).where('c.status', '=', 'active');
    if (q.community) compoundsQuery = compoundsQuery.where('c.community_code', '=', q.community);
    const compounds = await compoundsQuery.orderBy('c.id').execute();

    const monthDates = datesOfMonth(month);
    const monthStart = fromLocal(monthDates[0], '00:00');
    const monthEnd = fromLocal(addDays(monthDates[monthDates.length - 1], 1), '00:00');
    const [gaps, lastVisits, monthVisits] = await Promise.all([
      coverageGapsByCompound(app, compounds.map((c) => c.id), profile),
      lastVisitByCompound(app.db, q.street, monthStart),
      listVisits(app.db, { street: q.street, from: monthStart, to: monthEnd, status: 'scheduled' }),
    ]);
    const visitedInMonth = new Set(monthVisits.map((v) => v.compound_id).filter((id): id is number => id !== null));
    const skipped: { compound_id: number; compound_name: string; reason: string }[] = [];
    const plannerCompounds: PlannerCompound[] = [];
    for (const c of compounds) {
      let place: PlaceInput, placeName: string;
      if (c.site_id) { place = { kind: 'site', site_id: c.site_id }; placeName = c.site_name!; }
      else if (c.gate_id) { place = { kind: 'gate', gate_id: c.gate_id }; placeName = `${c.name}${c.gate_name}`; }
      else if (c.lon !== null && c.lat !== null) { place = { kind: 'point', lon: Number(c.lon), lat: Number(c.lat), name: c.name, compound_id: c.id }; placeName = c.name; }
      else { skipped.push({ compound_id: c.id, compound_name: c.name, reason: '小区没有位置，无法安排' }); continue; }
      const last = lastVisits.get(c.id);
      plannerCompounds.push({
        id: c.id, name: c.name, community_code: c.community_code, residents: c.residents, place, place_name: placeName,
        gap_categories: gaps.get(c.id)?.gap_categories ?? [], last_visit_date: last ? toLocal(last).date : null,
        visited_in_month: visitedInMonth.has(c.id),
      });
    }
    const proposal = proposeRotation(plannerCompounds, {
      street_code: q.street, month, visits: q.visits ?? 3,
      weekdays: (q.weekdays ?? '1,2,3,4,5').split(',').map(Number), start_time: startTime, end_time: endTime,
      base_services: baseServices, services, busy_dates: new Set(monthVisits.map((v) => toLocal(v.starts_at).date)), today,
    });
    return {
      street_code: q.street, month, profile, cycle_months: proposal.cycle_months, visits: proposal.visits,
      ranking: proposal.ranking, skipped: [...skipped, ...proposal.skipped], gap_source: GAP_SOURCE,
    };
  });

  app.post('/api/desks/rotation/publish', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Publish a (possibly edited) rotation proposal: all visits are created in one transaction, or none',
      body: RotationPublishBody, response: { 201: Type.Array(StaffVisit), ...writeResponses },
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    app.assertStreetAccess(request, request.body.street_code);
    const ctx = await writeContext(request);
    const rows = await commitEdit(app, async (trx) => {
      const issues: FieldIssue[] = [];
      const drafts: VisitDraft[] = [];
      for (const [i, input] of request.body.visits.entries()) {
        // A site or gate carries its own street; only a bare map point takes the rotation's.
        const street_code = input.street_code ?? (input.place.kind === 'point' ? request.body.street_code : undefined);
        const draft = await visitDraft(trx, { ...input, street_code }, ctx.services, ctx, issues, `visits.${i}.`);
        if (!draft) continue;
        // Each visit is checked like a single write: its street comes from its place (a site or gate
        // of another street carries that street), so the body's street_code alone proves nothing.
        const field = `visits.${i}.${input.street_code ? 'street_code' : 'place'}`;
        app.assertStreetAccess(request, draft.street_code, field);
        if (draft.street_code !== request.body.street_code) {
          issues.push({ field, message: `${field}: is in street ${draft.street_code}, not in ${request.body.street_code} (one street per rotation)`, message_zh: `${field}：不在本次轮换的街道 ${request.body.street_code} 内` });
          continue;
        }
        drafts.push(draft);
      }
      if (issues.length) throw invalidInput(issues);
      const created: VisitRow[] = [];
      for (const draft of drafts) {
        const row = await insertVisit(trx, draft, 'rotation', staff.id);
        await recordAudit(trx, { staff, action: 'create', entity: 'desk_visit', entity_id: row.id, street_code: row.street_code, after: { ...visitSnapshot(row), source: 'rotation' } });
        created.push(row);
      }
      return { result: created, changes: [{ kind: 'desks', ids: created.map((r) => r.id), street: request.body.street_code }] };
    });
    return reply.code(201).send(await presentVisits(rows));
  });

  // ---- the office's lists (district admin) ---------------------------------------------------

  app.post('/api/desks/services', {
    preHandler: app.requireStaff(['admin']),
    schema: { tags: ['desks'], summary: 'Add or rename a desk service (district admin)', body: TermBody, response: { 200: ServiceTerm, ...writeResponses } },
  }, async (request) => {
    const staff = staffOf(request);
    const b = request.body;
    if (b.fills_category && !app.catalog.categoryById.has(b.fills_category)) {
      throw badRequest('fills_category', `unknown category "${b.fills_category}"`, `fills_category：未知类别 ${b.fills_category}`);
    }
    const names = termNames(b);
    return commitEdit(app, async (trx) => {
      const before = await trx.selectFrom('desk_services').selectAll().where('id', '=', b.id).executeTakeFirst();
      // The validator turns a JSON null into "" for a nullable string (coerceTypes): both mean "none".
      const values = { ...names, fills_category: b.fills_category || null, active: b.active ?? true };
      const after = await trx.insertInto('desk_services').values({ id: b.id, ...values, sort_order: sql`(select coalesce(max(sort_order), 0) + 10 from desk_services)` })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .returning(['id', 'name_zh', 'name_en', 'fills_category', 'active']).executeTakeFirstOrThrow();
      await recordAudit(trx, { staff, action: before ? 'update' : 'create', entity: 'desk_service', entity_id: b.id, before: before ?? null, after });
      return { result: after, changes: [{ kind: 'desks', ids: [] }] };
    });
  });

  app.post('/api/desks/topics', {
    preHandler: app.requireStaff(['admin']),
    schema: { tags: ['desks'], summary: 'Add or rename a request topic (district admin)', body: TermBody, response: { 200: TopicTerm, ...writeResponses } },
  }, async (request) => {
    const staff = staffOf(request);
    const b = request.body;
    const names = termNames(b);
    return commitEdit(app, async (trx) => {
      const before = await trx.selectFrom('desk_request_topics').selectAll().where('id', '=', b.id).executeTakeFirst();
      const values = { ...names, active: b.active ?? true };
      const after = await trx.insertInto('desk_request_topics').values({ id: b.id, ...values, sort_order: sql`(select coalesce(max(sort_order), 0) + 10 from desk_request_topics)` })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .returning(['id', 'name_zh', 'name_en', 'active']).executeTakeFirstOrThrow();
      await recordAudit(trx, { staff, action: before ? 'update' : 'create', entity: 'desk_topic', entity_id: b.id, before: before ?? null, after });
      return { result: after, changes: [{ kind: 'desks', ids: [] }] };
    });
  });
};

/** A vocabulary entry's names, trimmed; a name that is only spaces is missing (400 naming it). */
function termNames(b: { name_zh: string; name_en: string }): { name_zh: string; name_en: string } {
  const name_zh = b.name_zh.trim();
  const name_en = b.name_en.trim();
  if (!name_zh) throw badRequest('name_zh', 'is empty', 'name_zh：不能为空');
  if (!name_en) throw badRequest('name_en', 'is empty', 'name_en：不能为空');
  return { name_zh, name_en };
}
