// Staff routes for desk visits, recurring plans and the rotation planner. The rules are those of points:
// admins write everywhere, street editors only their own street, viewers read; every write carries the
// version it was based on (stale: 409 with the current record), commits with its audit row, then
// publishes a 'desks' change.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/schema.ts';
import { recordAudit } from '../records/audit.ts';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import { checkVersion, commitEdit, ConflictResponse, defaultStreet, invalidInput, staffOf, ValidationErrorResponse } from '../records/editing.ts';
import type { FieldIssue } from '../records/validation.ts';
import { placeRecord } from '../records/placementCheck.ts';
import { addDays, fromLocal, isCalendarDate, localToday, toLocal, WEEKDAY_ZH } from '../localTime.ts';
import { describeRule, expandPlan } from './recurrence.ts';
import {
  getPlan, getVisit, listPlans, listVisits, loadServices, upsertTerm, visitReports, type PlanRow, type ServiceRef, type TermList,
  type VisitRow,
} from './repository.ts';
import { planAsInput, planSnapshot, presentPlan, serviceNames, staffVisit, visitAsInput, visitSnapshot } from './present.ts';
import { rotationDrafts, rotationProposal } from './rotation.ts';
import { checkPlanPreview, cleanNote, planDraft, termValues, visitDraft, type PlaceRules } from './validation.ts';
import { closePlan, insertPlan, insertVisit, materializePlan, setVisitStatus, updatePlan, updateVisit } from './writes.ts';
import {
  CancelBody, IdParams, Plan, PlanCancelBody, PlanCreateBody, PlanPatchBody, PlanPreviewBody, PlanPreviewResponse,
  RotationProposal, RotationPublishBody, RotationQuery, ServiceTerm, StaffVisit, StreetCode, TermBody, TopicTerm,
  VersionBody, VisitCreateBody, VisitPatchBody,
} from './schemas.ts';

const VISIT = { en: 'The desk visit', zh: '该流动办公桌活动' };
const PLAN = { en: 'The desk plan', zh: '该流动办公桌计划' };
const editors = ['admin', 'editor'] as const;
const writeResponses = {
  400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse,
};

type Trx = Transaction<Database>;

/** The office's two lists, written by one handler: where each is posted, what it answers, how the audit names it. */
const TERM_LISTS: { path: string; list: TermList; entity: string; summary: string; response: typeof ServiceTerm | typeof TopicTerm }[] = [
  { path: '/api/desks/services', list: 'desk_services', entity: 'desk_service', summary: 'Add or rename a desk service (district admin)', response: ServiceTerm },
  { path: '/api/desks/topics', list: 'desk_request_topics', entity: 'desk_topic', summary: 'Add or rename a request topic (district admin)', response: TopicTerm },
];

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
    const rule = checkPlanPreview(b);
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
  }, async (request) => rotationProposal(app, request.query));

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
      const drafts = await rotationDrafts(trx, request.body, ctx.services, ctx, (street, field) => app.assertStreetAccess(request, street, field));
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

  for (const term of TERM_LISTS) {
    app.post(term.path, {
      preHandler: app.requireStaff(['admin']),
      schema: { tags: ['desks'], summary: term.summary, body: TermBody, response: { 200: term.response, ...writeResponses } },
    }, async (request) => {
      const staff = staffOf(request);
      const values = termValues(request.body, term.list, app.catalog.categoryById);
      return commitEdit(app, async (trx) => {
        const { before, after } = await upsertTerm(trx, term.list, request.body.id, values);
        await recordAudit(trx, { staff, action: before ? 'update' : 'create', entity: term.entity, entity_id: request.body.id, before: before ?? null, after });
        return { result: after, changes: [{ kind: 'desks', ids: [] }] };
      });
    });
  }
};
