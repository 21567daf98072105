// Reading the audit trail: a record's history (who, when, what, before and after) for /admin, and the
// recent changes of a street. Restoring an earlier version is a write of the record itself
// (POST /api/<records>/:id/restore with an audit_id from here).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { StreetCode } from '../points/schemas.ts';

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
});

const parse = (value: unknown): Record<string, unknown> | null => {
  if (value === null || value === undefined) return null;
  const v = typeof value === 'string' ? JSON.parse(value) : value;
  return v && typeof v === 'object' ? v as Record<string, unknown> : null;
};

export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  if (!before || !after) return Object.keys(after ?? before ?? {}).filter((k) => k !== 'id' && k !== 'version');
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => k !== 'version' && k !== 'restored_from' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/audit', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['audit'],
      summary: "The audit trail, newest first: one record's history (entity + entity_id) or a street's recent changes",
      querystring: Type.Object({
        entity: Type.Optional(Type.String({ pattern: '^[a-z_]{2,30}$', description: 'point, site, compound, gate (admin: also staff_user, ...)' })),
        entity_id: Type.Optional(Type.String({ maxLength: 40 })),
        street: Type.Optional(StreetCode),
        action: Type.Optional(Type.String({ pattern: '^[a-z_]{2,30}$' })),
        username: Type.Optional(Type.String({ maxLength: 40 })),
        before_id: Type.Optional(Type.Integer({ minimum: 1, description: 'page: entries older than this id' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ entries: Type.Array(AuditEntry), next_before_id: Type.Union([Type.Integer(), Type.Null()]) }),
        400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse,
      },
    },
  }, async (request) => {
    const staff = request.staff!;
    const q = request.query;
    const limit = q.limit ?? 100;
    let query = app.db.selectFrom('audit_log')
      .select(['id', 'at', 'username', 'action', 'entity', 'entity_id', 'street_code', 'before', 'after'])
      .orderBy('id', 'desc').limit(limit + 1);
    // Street staff read the history of office records; a street editor or viewer bound to a street reads that street's.
    if (staff.role !== 'admin') {
      query = query.where('entity', 'in', [...EDITED_ENTITIES]);
      if (staff.street_code) query = query.where('street_code', '=', staff.street_code);
    }
    if (q.entity) query = query.where('entity', '=', q.entity);
    if (q.entity_id) query = query.where('entity_id', '=', q.entity_id);
    if (q.street) query = query.where('street_code', '=', q.street);
    if (q.action) query = query.where('action', '=', q.action);
    if (q.username) query = query.where('username', '=', q.username);
    if (q.before_id) query = query.where('id', '<', q.before_id);
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => {
        const before = parse(r.before);
        const after = parse(r.after);
        return {
          id: Number(r.id), at: new Date(r.at).toISOString(), username: r.username, action: r.action, entity: r.entity,
          entity_id: r.entity_id, street_code: r.street_code, before, after, changed: changedFields(before, after),
        };
      }),
      next_before_id: rows.length > limit ? Number(page[page.length - 1].id) : null,
    };
  });
};
