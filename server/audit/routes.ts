// Reading the audit trail: a record's history (who, when, what, before and after) for /admin, and the
// recent changes of a street, each entry also as a sentence (presenter.ts); the admin filters and exports
// it. Restoring an earlier version is a write of the record itself (POST /api/<records>/:id/restore).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { ErrorResponse } from '../http/geojson.ts';
import { StreetCode } from '../records/schemas.ts';
import { badRequest } from '../http/errors.ts';
import { neutraliseCell } from '../importexport/spreadsheet.ts';
import { isCalendarDate, localToday, toLocal } from '../localTime.ts';
import { describeAudit } from './presenter.ts';
import { findAuditRows, namesForAudit, type AuditFilter } from './repository.ts';

/** The records street offices edit; other entries (sign-ins, staff accounts) are for the district admin. */
const EDITED_ENTITIES = ['point', 'site', 'compound', 'gate'] as const;

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entity: Type.String(),
  entity_id: Type.String(),
  street_code: Type.Union([Type.String(), Type.Null()]),
  before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  changed: Type.Array(Type.String(), { description: 'fields whose value differs between before and after' }),
  sentence: Type.String({ description: 'the entry as one readable sentence, in the language asked for' }),
});

export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  if (!before || !after) return Object.keys(after ?? before ?? {}).filter((k) => k !== 'id' && k !== 'version');
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => k !== 'version' && k !== 'restored_from' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

const AuditQuery = Type.Object({
  entity: Type.Optional(Type.String({ pattern: '^[a-z_]{2,30}$', description: 'point, site, compound, gate (admin: also staff_user, board_job, ...)' })),
  entity_id: Type.Optional(Type.String({ maxLength: 40 })),
  record: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: "part of the record's name, or its id" })),
  street: Type.Optional(StreetCode),
  action: Type.Optional(Type.String({ pattern: '^[a-z_]{2,30}(:[a-z_]{2,30})?$' })),
  username: Type.Optional(Type.String({ maxLength: 40, description: 'who did it (for a sign-in: the username tried)' })),
  from: Type.Optional(Type.String({ pattern: '^(19|20)\\d{2}-\\d{2}-\\d{2}$', description: 'first local date (the district time zone), YYYY-MM-DD' })),
  to: Type.Optional(Type.String({ pattern: '^(19|20)\\d{2}-\\d{2}-\\d{2}$', description: 'last local date (the district time zone), inclusive' })),
  lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')], { description: 'language of the sentences (default zh)' })),
}, { additionalProperties: false });

/** Street staff read the history of office records; one bound to a street reads that street's. */
function scopeOf(request: FastifyRequest, q: Static<typeof AuditQuery>): AuditFilter {
  const staff = request.staff!;
  if (q.from && !isCalendarDate(q.from)) throw badRequest('from', `${q.from} is not a date`, `from：${q.from} 不是有效日期`);
  if (q.to && !isCalendarDate(q.to)) throw badRequest('to', `${q.to} is not a date`, `to：${q.to} 不是有效日期`);
  if (q.from && q.to && q.from > q.to) throw badRequest('to', 'must not be before from', 'to：结束日期不能早于开始日期');
  const { lang: _lang, ...filter } = q;
  return staff.role === 'admin' ? filter : { ...filter, onlyEntities: EDITED_ENTITIES, onlyStreet: staff.street_code };
}

const CSV_MAX_ROWS = 20_000;

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/audit', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['audit'],
      summary: "The audit trail, newest first: one record's history (entity + entity_id) or a street's recent changes",
      querystring: Type.Object({
        ...AuditQuery.properties,
        before_id: Type.Optional(Type.Integer({ minimum: 1, description: 'page: entries older than this id' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ entries: Type.Array(AuditEntry), next_before_id: Type.Union([Type.Integer(), Type.Null()]) }),
        400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse,
      },
    },
  }, async (request) => {
    const q = request.query;
    const limit = q.limit ?? 100;
    const rows = await findAuditRows(app.db, { ...scopeOf(request, q), before_id: q.before_id }, limit + 1);
    const page = rows.slice(0, limit);
    const names = await namesForAudit(app.db, app.catalog, page);
    return {
      entries: page.map((r) => ({
        id: r.id, at: r.at.toISOString(), username: r.username, action: r.action, entity: r.entity,
        entity_id: r.entity_id, street_code: r.street_code, before: r.before, after: r.after,
        changed: changedFields(r.before, r.after), sentence: describeAudit(r, names, q.lang ?? 'zh'),
      })),
      next_before_id: rows.length > limit ? page[page.length - 1].id : null,
    };
  });

  app.get('/api/audit.csv', {
    preHandler: app.requireStaff(['admin']),
    schema: {
      tags: ['audit'],
      summary: `The audit trail as CSV (district admin), with the same filters, newest first, at most ${CSV_MAX_ROWS} rows`,
      querystring: AuditQuery,
      response: { 200: Type.String({ description: 'text/csv' }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    },
  }, async (request, reply) => {
    const q = request.query;
    const lang = q.lang ?? 'zh';
    const rows = await findAuditRows(app.db, scopeOf(request, q), CSV_MAX_ROWS);
    const names = await namesForAudit(app.db, app.catalog, rows);
    const header = lang === 'zh'
      ? ['编号', '时间', '人员', '操作', '记录类型', '记录编号', '街道', '说明']
      : ['id', 'time', 'person', 'action', 'record type', 'record id', 'street', 'what happened'];
    const body = rows.map((r) => {
      const local = toLocal(r.at);
      return [
        String(r.id), `${local.date} ${local.time}`, r.username ?? '', r.action, r.entity, r.entity_id,
        r.street_code ? names.streets.get(r.street_code) ?? r.street_code : '', describeAudit(r, names, lang),
      ];
    });
    // Names and usernames come from people: text a spreadsheet would run as a formula is made inert.
    const csv = '\uFEFF' + stringify([header, ...body.map((row) => row.map(neutraliseCell))], { record_delimiter: '\r\n' });
    return reply.header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${localToday()}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
};
