// The street office's side of residents' reports: the queue per street with ages and filters, one
// report, status moves (versioned, audited, a public reply required to close), converting an 信息有误
// report into a prefilled point edit, the street's counts, CSV/XLSX exports, and open 缺少服务 demand
// for the coverage map. Editors see and act only in their own street; viewers read; phones only for
// roles that may see contacts (as with desk requests).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { recordAudit } from '../records/audit.ts';
import { forbidden } from '../auth/plugin.ts';
import { canSeeContacts } from '../desks/requests.ts';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { checkVersion, commitEdit, ConflictResponse, invalidInput, staffOf, ValidationErrorResponse } from '../records/editing.ts';
import { normalizeText } from '../records/validation.ts';
import type { ReportKind, ReportStatus } from '../db/schema.ts';
import { linkReport, listReports, moveReport, openServiceDemand, reportById, reportedPoint, streetCounts, type ReportRow } from './repository.ts';
import { findStreet } from '../divisions/repository.ts';
import { presentStaff, reportSnapshot } from './present.ts';
import { reportsCsv, reportsXlsx } from './export.ts';
import { ConvertBody, CountsResponse, DemandQuery, ExportQuery, IdParams, QueueQuery, StaffReport, StatusBody, StreetQuery } from './schemas.ts';
import { ENTITY as CORRECTION_ENTITY, prepare, presentCorrection, snapshot, suggestedDraft } from '../network/correctionDrafts.ts';
import { insertCorrection } from '../network/correctionsRepository.ts';
import { CLOSED, KIND_NAMES, NEXT_STATUS, REPORT_KINDS, reportIssue, STATUS_NAMES } from './validation.ts';

const REPORT = { en: 'The report', zh: '该反馈' };
const editors = ['admin', 'editor'] as const;

export const reportStaffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Admins and viewers read every street; an editor reads only their own. */
  function assertStreetRead(request: FastifyRequest, street: string): void {
    const staff = staffOf(request);
    if (staff.role === 'editor' && staff.street_code !== street) {
      throw forbidden(`street: you work in street ${staff.street_code}; these reports belong to street ${street}`, '只能查看本街道的居民反馈', 'street');
    }
  }
  const checkStreet = async (street: string) => {
    if (!(await findStreet(app.db, street))) throw badRequest('street', `unknown street code ${street}`, `街道代码 ${street} 不存在`);
  };
  const checkKind = (kind: string | undefined) => {
    if (kind !== undefined && !REPORT_KINDS.includes(kind as ReportKind)) throw badRequest('kind', `unknown kind "${kind}"; known: ${REPORT_KINDS.join(', ')}`, `未知反馈类型“${kind}”`);
  };
  const present = (request: FastifyRequest, row: ReportRow) => presentStaff(app.catalog, row, request.staff);
  const load = async (request: FastifyRequest, id: number) => {
    const row = await reportById(app.db, id);
    if (!row) throw notFound(`report ${id}`, `反馈 ${id} 不存在`);
    assertStreetRead(request, row.street_code);
    return row;
  };

  app.get('/api/reports/queue', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['reports'], summary: 'A street\'s reports (default: the open ones, oldest first, with their age in days)',
      querystring: QueueQuery,
      response: { 200: Type.Object({ street_code: Type.String(), count: Type.Integer(), reports: Type.Array(StaffReport) }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    },
  }, async (request) => {
    const q = request.query;
    await checkStreet(q.street);
    assertStreetRead(request, q.street);
    checkKind(q.kind);
    const rows = await listReports(app.db, { street: q.street, status: q.status ?? 'open', kind: q.kind });
    return { street_code: q.street, count: rows.length, reports: rows.map((r) => present(request, r)) };
  });

  app.get('/api/reports/queue/:id', {
    preHandler: app.requireStaff(),
    schema: { tags: ['reports'], summary: 'One report', params: IdParams, response: { 200: StaffReport, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse } },
  }, async (request) => present(request, await load(request, request.params.id)));

  app.post('/api/reports/queue/:id/status', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['reports'], summary: 'Move a report: new → accepted → in progress → resolved, or rejected (a public reply is required to close)',
      params: IdParams, body: StatusBody,
      response: { 200: StaffReport, 400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ConflictResponse(StaffReport) },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const b = request.body;
    const row = await commitEdit(app, async (trx) => {
      const before = await reportById(trx, request.params.id, true);
      if (!before) throw notFound(`report ${request.params.id}`, `反馈 ${request.params.id} 不存在`);
      app.assertStreetAccess(request, before.street_code);
      checkVersion(REPORT, before, b.version, () => present(request, before));
      if (!NEXT_STATUS[before.status].includes(b.to as ReportStatus)) {
        const allowed = NEXT_STATUS[before.status];
        throw invalidInput([reportIssue('to', `a ${before.status} report cannot become ${b.to}${allowed.length ? `; next: ${allowed.join(', ')}` : ' (it is closed)'}`,
          `“${STATUS_NAMES[before.status].zh}”的反馈不能改为“${STATUS_NAMES[b.to as ReportStatus].zh}”`)]);
      }
      const reply = normalizeText(b.public_reply ?? '') || null;
      if (CLOSED.includes(b.to as ReportStatus) && !reply) {
        throw invalidInput([reportIssue('public_reply', 'is required when a report is closed: it is what the resident reads on the receipt page', '办结或不予受理时须填写公开答复（居民在回执页看到）')]);
      }
      await moveReport(trx, before.id, b.to as ReportStatus, reply);
      const after = (await reportById(trx, before.id))!;
      await recordAudit(trx, { staff, action: 'status', entity: 'resident_report', entity_id: after.id, street_code: after.street_code, before: reportSnapshot(before), after: reportSnapshot(after) });
      return { result: after, changes: [] };
    });
    return present(request, row);
  });

  app.post('/api/reports/queue/:id/convert', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['reports'],
      summary: 'Turn a report into a draft: 信息有误 → the point edit prefilled with the point\'s current record; 此路不通 → a draft closure of the way at the place; 这里有路 → a draft path from the nearest way to the place (the report is linked and accepted)',
      params: IdParams, body: ConvertBody,
      response: {
        200: Type.Object({ report: StaffReport, draft: Type.Union([
          Type.Object({ kind: Type.Literal('point_edit'), point_id: Type.Integer(), version: Type.Integer(), point: Type.Record(Type.String(), Type.Unknown()), note: Type.String() }),
          Type.Object({ kind: Type.Literal('network_correction'), correction: Type.Record(Type.String(), Type.Unknown()) }),
        ]) }),
        400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ConflictResponse(StaffReport),
      },
    },
  }, async (request) => {
    const staff = staffOf(request);
    type Converted = { row: ReportRow; draft: { kind: 'network_correction'; correction: Record<string, unknown> } | { kind: 'point_edit'; point_id: number; version: number; point: Record<string, unknown>; note: string } };
    const { row, draft } = await commitEdit<Converted>(app, async (trx) => {
      const before = await reportById(trx, request.params.id, true);
      if (!before) throw notFound(`report ${request.params.id}`, `反馈 ${request.params.id} 不存在`);
      app.assertStreetAccess(request, before.street_code);
      checkVersion(REPORT, before, request.body.version, () => present(request, before));
      if (CLOSED.includes(before.status)) throw invalidInput([reportIssue('status', 'the report is closed', '该反馈已办结')]);
      if (before.kind === 'blocked' || before.kind === 'path_missing') {
        // 此路不通 → a closure of the way at the place; 这里有路 → a path from the nearest way to the place.
        // Checked like any drawing (an editor's geometry in their street), stored as a draft, audited.
        const [engine, areas] = await Promise.all([app.walking.engine(), app.areaIndex()]);
        const suggested = suggestedDraft(engine, before.kind === 'blocked' ? 'closure' : 'path', Number(before.lon), Number(before.lat));
        const area = staff.role === 'admin' ? undefined : areas.streets.get(before.street_code);
        const correctionDraft = prepare({ ...suggested, street_code: before.street_code, note: `居民反馈 ${before.code}：${before.body ?? KIND_NAMES[before.kind].zh}` }, engine, area, areas.toleranceM);
        const correction = await insertCorrection(trx, correctionDraft, staff.id);
        await recordAudit(trx, { staff, action: 'create', entity: CORRECTION_ENTITY, entity_id: correction.id, street_code: correction.street_code, before: null, after: { ...snapshot(correction), report: before.code } });
        const linked = { kind: 'network_correction', correction_id: correction.id, at: new Date().toISOString(), by: staff.username };
        await linkReport(trx, before.id, linked, before.status === 'new');
        const after = (await reportById(trx, before.id))!;
        await recordAudit(trx, { staff, action: 'convert', entity: 'resident_report', entity_id: after.id, street_code: after.street_code, before: reportSnapshot(before), after: reportSnapshot(after) });
        return {
          result: { row: after, draft: { kind: 'network_correction' as const, correction: presentCorrection(correction) } },
          changes: [],
        };
      }
      if (before.kind !== 'info_wrong' || !before.point_id) {
        throw invalidInput([reportIssue('kind', 'only an 信息有误 report about a service point becomes a point edit', '只有针对服务点的“信息有误”反馈可转为服务点修改')]);
      }
      const point = await reportedPoint(trx, before.point_id);
      app.assertStreetAccess(request, point.street_code, 'point_id');
      const linked = { kind: 'point_edit', point_id: point.id, at: new Date().toISOString(), by: staff.username };
      await linkReport(trx, before.id, linked, before.status === 'new');
      const after = (await reportById(trx, before.id))!;
      await recordAudit(trx, { staff, action: 'convert', entity: 'resident_report', entity_id: after.id, street_code: after.street_code, before: reportSnapshot(before), after: reportSnapshot(after) });
      const { version, id, ...fields } = point;
      return {
        result: {
          row: after,
          draft: {
            kind: 'point_edit' as const, point_id: id, version,
            point: { ...fields, category: fields.category_id, lon: Number(fields.lon), lat: Number(fields.lat) },
            note: `居民反馈 ${after.code}：${after.body ?? '信息有误'}`,
          },
        },
        changes: [],
      };
    });
    return { report: present(request, row), draft };
  });

  app.get('/api/reports/counts', {
    preHandler: app.requireStaff(),
    schema: { tags: ['reports'], summary: 'A street\'s counts: received, resolved, median days to close, by kind and by month', querystring: StreetQuery, response: { 200: CountsResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse } },
  }, async (request) => {
    await checkStreet(request.query.street);
    assertStreetRead(request, request.query.street);
    const counts = await streetCounts(app.db, request.query.street);
    return { street_code: request.query.street, ...counts, by_kind: counts.by_kind.map((k) => ({ ...k, kind_zh: KIND_NAMES[k.kind].zh })) };
  });

  const exportRoute = (format: 'csv' | 'xlsx') => app.get(`/api/reports/export.${format}`, {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['reports'], summary: `A street's reports as ${format.toUpperCase()} (phone numbers only for roles that may see contacts)`,
      querystring: ExportQuery, response: { 200: Type.Unknown({ description: format }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    },
  }, async (request, reply) => {
    const q = request.query;
    await checkStreet(q.street);
    assertStreetRead(request, q.street);
    const rows = (await listReports(app.db, { street: q.street, status: q.status ?? 'all' })).map((r) => present(request, r));
    const withPhone = canSeeContacts(request.staff, q.street);
    reply.header('content-disposition', `attachment; filename="resident-reports-${q.street}.${format}"`).header('cache-control', 'no-store');
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(reportsCsv(rows, withPhone));
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await reportsXlsx(rows, withPhone));
  });
  exportRoute('csv');
  exportRoute('xlsx');

  app.get('/api/reports/demand', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['reports'], summary: 'Open 缺少服务 reports as demand by category (a coverage map layer): GeoJSON points and counts',
      querystring: DemandQuery,
      response: {
        200: Type.Object({
          type: Type.Literal('FeatureCollection'),
          by_category: Type.Record(Type.String(), Type.Integer()),
          features: Type.Array(Type.Object({
            type: Type.Literal('Feature'),
            geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
            properties: Type.Object({ id: Type.Integer(), category: Type.String(), category_zh: Type.String(), color: Type.String(), street_code: Type.String(), repeats: Type.Integer(), status: Type.String(), received_at: Type.String() }),
          })),
        }),
        400: ErrorResponse, 401: ErrorResponse,
      },
    },
  }, async (request) => {
    const q = request.query;
    if (q.category && !app.catalog.categoryById.has(q.category)) throw badRequest('category', `unknown category "${q.category}"`, `未知服务类别“${q.category}”`);
    const rows = await openServiceDemand(app.db, q);
    const by: Record<string, number> = {};
    for (const r of rows) by[r.category_id] = (by[r.category_id] ?? 0) + r.repeats;
    return {
      type: 'FeatureCollection' as const, by_category: by,
      features: rows.map((r) => {
        const c = app.catalog.categoryById.get(r.category_id)!;
        return {
          type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
          properties: { id: r.id, category: r.category_id, category_zh: c.name_zh, color: c.color, street_code: r.street_code, repeats: r.repeats, status: r.status, received_at: r.received_at.toISOString() },
        };
      }),
    };
  });
};
