// Staff routes for 民情日记: record a resident's request at a visit (resolved on the spot or registered),
// move it through assigned → in progress → closed with dated notes, list a street's open requests with
// their age, export them, and report a street's month. Contacts only for admins and the street's editors.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { Type } from 'typebox';
import { recordAudit } from '../records/audit.ts';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import { checkVersion, commitEdit, ConflictResponse, invalidInput, staffOf, ValidationErrorResponse } from '../records/editing.ts';
import { validatePhone, type FieldIssue } from '../records/validation.ts';
import { neutraliseCell } from '../importexport/spreadsheet.ts';
import { addDays, datesOfMonth, fromLocal, localToday, toLocal } from '../localTime.ts';
import { compoundStreet, getVisit, listVisits, topicStates, visitReports } from './repository.ts';
import { visitReport } from './present.ts';
import {
  addRequestNote, canSeeContacts, getRequest, insertRequest, listRequests, moveRequest, NEXT_STATUS, presentRequest,
  requestNotes, requestSnapshot, STATUS_ZH, type RequestRow,
} from './requests.ts';
import { cleanNote, deskIssue } from './validation.ts';
import {
  DeskRequest, IdParams, RequestCreateBody, RequestExportQuery, RequestListQuery, RequestNoteBody, RequestStatusBody, StreetReportQuery, VisitReport,
} from './schemas.ts';

const REQUEST = { en: 'The request', zh: '该诉求' };
const editors = ['admin', 'editor'] as const;
const writeResponses = { 400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export const deskRequestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const present = (request: FastifyRequest, row: RequestRow, notes?: Awaited<ReturnType<typeof requestNotes>>) =>
    presentRequest(row, canSeeContacts(request.staff, row.street_code), notes);

  async function lockRequest(trx: Parameters<Parameters<typeof commitEdit>[1]>[0], id: number, request: FastifyRequest): Promise<RequestRow> {
    const row = await getRequest(trx, id, true);
    if (!row) throw notFound(`request ${id}`, `诉求 ${id} 不存在`);
    app.assertStreetAccess(request, row.street_code);
    return row;
  }

  app.post('/api/desks/visits/:id/requests', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Record a resident\'s request at a desk visit: resolved on the spot (即办) or registered for follow-up',
      params: IdParams, body: RequestCreateBody, response: { 201: DeskRequest, ...writeResponses },
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const b = request.body;
    const topics = await topicStates(app.db);
    const row = await commitEdit(app, async (trx) => {
      const visit = await getVisit(trx, request.params.id);
      if (!visit) throw notFound(`desk visit ${request.params.id}`, `流动办公桌活动 ${request.params.id} 不存在`);
      app.assertStreetAccess(request, visit.street_code);
      const issues: FieldIssue[] = [];
      if (visit.status === 'cancelled') issues.push(deskIssue('visit', 'the visit was cancelled', '该活动已取消，不能登记诉求'));
      if (visit.starts_at.getTime() > Date.now() + 3600_000) issues.push(deskIssue('visit', 'the visit has not started yet', '活动尚未开始，不能登记诉求'));
      if (!topics.some((t) => t.id === b.topic && t.active)) {
        issues.push(deskIssue('topic', `unknown topic "${b.topic}"; known: ${topics.filter((t) => t.active).map((t) => t.id).join(', ')}`, `未知诉求类别“${b.topic}”`));
      }
      const description = cleanNote(b.description);
      if (!description) issues.push(deskIssue('description', 'is required', '必填'));
      const resolution = cleanNote(b.resolution_note);
      if (b.outcome === 'on_site' && !resolution) issues.push(deskIssue('resolution_note', 'is required when the request is resolved on the spot', '现场办结须填写办理结果'));
      if (b.outcome === 'follow_up' && resolution) issues.push(deskIssue('resolution_note', 'is given when the request is closed', '登记待办的诉求请在办结时填写办理结果'));
      const contactPhone = validatePhone(b.contact_phone ?? null, issues, 'contact_phone');
      let compoundId: number | null = b.compound_id ?? visit.compound_id;
      if (b.compound_id) {
        const compound = await compoundStreet(trx, b.compound_id);
        if (!compound || compound.street_code !== visit.street_code) { issues.push(deskIssue('compound_id', 'is not a compound of this street', '不是本街道的小区')); compoundId = null; }
      }
      if (issues.length) throw invalidInput(issues);
      const created = await insertRequest(trx, {
        visit_id: visit.id, street_code: visit.street_code, topic_id: b.topic, description: description!, compound_id: compoundId,
        contact_name: cleanNote(b.contact_name), contact_phone: contactPhone, on_site: b.outcome === 'on_site',
        resolution_note: b.outcome === 'on_site' ? resolution : null, assignee: b.outcome === 'follow_up' ? cleanNote(b.assignee) : null,
      }, staff);
      await recordAudit(trx, { staff, action: 'create', entity: 'desk_request', entity_id: created.id, street_code: created.street_code, after: requestSnapshot(created) });
      return { result: created, changes: [{ kind: 'desks', ids: [visit.id], street: visit.street_code }] };
    });
    return reply.code(201).send(present(request, row, await requestNotes(app.db, row.id)));
  });

  app.get('/api/desks/requests', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['desks'], summary: 'A street\'s requests (default: the open ones, oldest first, with their age in days)',
      querystring: RequestListQuery,
      response: { 200: Type.Object({ street_code: Type.String(), count: Type.Integer(), requests: Type.Array(DeskRequest) }), 400: ErrorResponse, 401: ErrorResponse },
    },
  }, async (request) => {
    const q = request.query;
    const rows = await listRequests(app.db, { street: q.street, status: q.status ?? 'open', visitId: q.visit });
    return { street_code: q.street, count: rows.length, requests: rows.map((r) => present(request, r)) };
  });

  app.get('/api/desks/requests/:id', {
    preHandler: app.requireStaff(),
    schema: { tags: ['desks'], summary: 'One request with its follow-up notes', params: IdParams, response: { 200: DeskRequest, 401: ErrorResponse, 404: ErrorResponse } },
  }, async (request) => {
    const row = await getRequest(app.db, request.params.id);
    if (!row) throw notFound(`request ${request.params.id}`, `诉求 ${request.params.id} 不存在`);
    return present(request, row, await requestNotes(app.db, row.id));
  });

  app.post('/api/desks/requests/:id/status', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Move a request on: assigned (needs assignee) → in_progress → closed (needs resolution_note)',
      params: IdParams, body: RequestStatusBody, response: { 200: DeskRequest, ...writeResponses, 409: ConflictResponse(DeskRequest) },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const b = request.body;
    const row = await commitEdit(app, async (trx) => {
      const before = await lockRequest(trx, request.params.id, request);
      checkVersion(REQUEST, before, b.version, () => present(request, before));
      if (!NEXT_STATUS[before.status].includes(b.status)) {
        const allowed = NEXT_STATUS[before.status];
        throw new HttpError(400,
          `status: a request that is ${before.status} can move to ${allowed.length ? allowed.join(' or ') : 'nothing (it is closed)'}, not ${b.status}`,
          'status', `状态：“${STATUS_ZH[before.status]}”的诉求${allowed.length ? `只能转为${allowed.map((s) => `“${STATUS_ZH[s]}”`).join('或')}` : '已办结'}`);
      }
      const issues: FieldIssue[] = [];
      const assignee = cleanNote(b.assignee);
      const resolution = cleanNote(b.resolution_note);
      if (b.status === 'assigned' && !assignee) issues.push(deskIssue('assignee', 'is required to assign a request', '交办须填写承办人或部门'));
      if (b.status === 'closed' && !resolution) issues.push(deskIssue('resolution_note', 'is required to close a request', '办结须填写办理结果'));
      if (issues.length) throw invalidInput(issues);
      const after = await moveRequest(trx, before, b.status, staff, {
        assignee: assignee ?? undefined, resolution_note: resolution ?? undefined, note: cleanNote(b.note) ?? undefined,
      });
      await recordAudit(trx, { staff, action: `status:${b.status}`, entity: 'desk_request', entity_id: after.id, street_code: after.street_code, before: requestSnapshot(before), after: requestSnapshot(after) });
      return { result: after, changes: [{ kind: 'desks', ids: [after.visit_id], street: after.street_code }] };
    });
    return present(request, row, await requestNotes(app.db, row.id));
  });

  app.post('/api/desks/requests/:id/notes', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['desks'], summary: 'Add a dated follow-up note to a request',
      params: IdParams, body: RequestNoteBody, response: { 200: DeskRequest, ...writeResponses },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const note = cleanNote(request.body.note);
    if (!note) throw badRequest('note', 'is required', 'note：必填');
    const row = await commitEdit(app, async (trx) => {
      const before = await lockRequest(trx, request.params.id, request);
      await addRequestNote(trx, before.id, staff, note);
      await recordAudit(trx, { staff, action: 'note', entity: 'desk_request', entity_id: before.id, street_code: before.street_code, after: { note } });
      return { result: before, changes: [] };
    });
    return present(request, row, await requestNotes(app.db, row.id));
  });

  app.get('/api/desks/requests.csv', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['desks'], summary: 'A street\'s requests as CSV (UTF-8 with BOM, opens in Excel); contact columns only for admins and the street\'s editors',
      querystring: RequestExportQuery,
      response: { 200: Type.String({ description: 'text/csv' }), 400: ErrorResponse, 401: ErrorResponse },
    },
  }, async (request, reply) => {
    const q = request.query;
    const rows = await listRequests(app.db, { street: q.street, status: q.status ?? 'all', visitId: q.visit });
    const showContacts = canSeeContacts(request.staff, q.street);
    const header = ['编号', '活动日期', '诉求类别', '诉求内容', '小区', ...(showContacts ? ['联系人', '联系电话'] : []), '办理方式', '状态', '承办人', '办理结果', '登记时间', '办结时间', '已用天数'];
    const body = rows.map((r) => {
      const p = presentRequest(r, showContacts);
      return [
        p.id, p.visit_date, p.topic.name_zh, p.description, p.compound_name ?? '',
        ...(showContacts ? [p.contact_name ?? '', p.contact_phone ?? ''] : []),
        p.resolved_on_site ? '即办' : '登记待办', p.status_zh, p.assignee ?? '', p.resolution_note ?? '',
        toLocal(new Date(p.received_at)).date, p.closed_at ? toLocal(new Date(p.closed_at)).date : '', p.age_days,
      ];
    });
    // Descriptions come from residents: text a spreadsheet would run as a formula is made inert.
    const inert = body.map((row) => row.map((cell) => (typeof cell === 'string' ? neutraliseCell(cell) : cell)));
    const csv = '\uFEFF' + stringify([header, ...inert], { record_delimiter: '\r\n' });
    return reply.header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="desk-requests-${q.street}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });

  app.get('/api/desks/report', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['desks'], summary: 'A street\'s month of desks: visits held and cancelled, requests received, resolved on site, closed later, open',
      querystring: StreetReportQuery,
      response: {
        200: Type.Object({
          street_code: Type.String(), month: Type.String(),
          visits_held: Type.Integer(), visits_cancelled: Type.Integer(), visits_planned: Type.Integer(),
          totals: VisitReport,
          visits: Type.Array(Type.Object({ id: Type.Integer(), date: Type.String(), place_name: Type.String(), status: Type.String(), report: VisitReport })),
        }),
        400: ErrorResponse, 401: ErrorResponse,
      },
    },
  }, async (request) => {
    const month = request.query.month ?? localToday().slice(0, 7);
    const dates = datesOfMonth(month);
    const rows = await listVisits(app.db, {
      street: request.query.street, from: fromLocal(dates[0], '00:00'), to: fromLocal(addDays(dates[dates.length - 1], 1), '00:00'), status: 'all',
    });
    const counts = await visitReports(app.db, rows.map((r) => r.id));
    const totals = { received: 0, resolved_on_site: 0, closed_later: 0, open: 0 };
    for (const c of counts.values()) {
      totals.received += c.received; totals.resolved_on_site += c.resolved_on_site; totals.closed_later += c.closed_later; totals.open += c.open;
    }
    const now = Date.now();
    return {
      street_code: request.query.street, month,
      visits_held: rows.filter((r) => r.status === 'scheduled' && r.ends_at.getTime() <= now).length,
      visits_cancelled: rows.filter((r) => r.status === 'cancelled').length,
      visits_planned: rows.filter((r) => r.status === 'scheduled' && r.ends_at.getTime() > now).length,
      totals: visitReport(totals),
      visits: rows.map((r) => ({ id: r.id, date: toLocal(r.starts_at).date, place_name: r.place_name, status: r.status, report: visitReport(counts.get(r.id)) })),
    };
  });
};
