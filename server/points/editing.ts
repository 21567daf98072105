// The write path every versioned record shares (points, board sites, compounds, gates): one transaction
// holding the change and its audit row, an optimistic version check that answers 409 with the current
// record, and the data-change event published only after the commit.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { Type, type TSchema } from 'typebox';
import type { Database } from '../db/schema.ts';
import type { DataChange } from '../events.ts';
import { HttpError } from '../http/errors.ts';
import type { StaffIdentity } from '../auth/users.ts';
import type { FieldIssue } from './validation.ts';

/** Runs the edit in one transaction, then tells caches and the walking engine what changed. */
export async function commitEdit<T>(
  app: FastifyInstance,
  work: (trx: Transaction<Database>) => Promise<{ result: T; changes: DataChange[] }>,
): Promise<T> {
  const { result, changes } = await app.db.transaction().execute(work);
  for (const change of changes) await app.dataEvents.publish(app.db, change);
  return result;
}

/** 400 naming the first problem; `errors` lists them all, so a form can mark every field. */
export function invalidInput(issues: FieldIssue[]): HttpError {
  const first = issues[0];
  return new HttpError(400, first.message, first.field, first.message_zh, { errors: issues });
}

/** 409: the record moved on since the editor loaded it. The body carries the current record. */
export function staleVersion(what: { en: string; zh: string }, currentVersion: number, sentVersion: number, current: unknown): HttpError {
  return new HttpError(409,
    `${what.en} was changed by someone else: it is at version ${currentVersion}, your edit was based on version ${sentVersion}. Reload it and apply your edit again.`,
    'version',
    `${what.zh}已被他人修改（当前版本 ${currentVersion}，您编辑的是版本 ${sentVersion}），请刷新后重新修改`,
    { current });
}

export function checkVersion(what: { en: string; zh: string }, row: { version: number }, sent: number | undefined, present: () => unknown): void {
  if (sent !== undefined && row.version !== sent) throw staleVersion(what, row.version, sent, present());
}

/** The signed-in staff member (routes behind requireStaff always have one). */
export function staffOf(request: FastifyRequest): StaffIdentity {
  if (!request.staff) throw new HttpError(401, 'Sign in required', undefined, '请先登录');
  return request.staff;
}

/** Editors write their own street; a record without a street is the district admin's. */
export function defaultStreet(request: FastifyRequest, given: string | null | undefined): string | null | undefined {
  if (given) return given;
  const staff = request.staff;
  return staff?.role === 'editor' ? staff.street_code : given;
}

export const VersionQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'the version the close was decided on; a newer stored version gets 409' })),
}, { additionalProperties: false });

export const ReopenBody = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false });

export const RestoreBody = Type.Object({
  audit_id: Type.Integer({ minimum: 1, description: 'the audit entry whose "after" state is brought back' }),
  version: Type.Integer({ minimum: 1, description: 'the current version the restore was decided on' }),
}, { additionalProperties: false });

export const ValidationErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  message_zh: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String(), message_zh: Type.String() }))),
});

export const ConflictResponse = (current: TSchema) => Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  message_zh: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  current,
});

/** An earlier state from the audit log, for "restore": must be an entry of this very record. */
export async function auditSnapshot(
  trx: Transaction<Database>,
  entity: string,
  entityId: number,
  auditId: number,
): Promise<Record<string, unknown>> {
  const entry = await trx.selectFrom('audit_log').select(['entity', 'entity_id', 'after'])
    .where('id', '=', auditId).executeTakeFirst();
  if (!entry || entry.entity !== entity || entry.entity_id !== String(entityId)) {
    throw new HttpError(400, `audit_id: entry ${auditId} is not in the history of ${entity} ${entityId}`, 'audit_id', '该修改记录不属于此条数据');
  }
  const after = typeof entry.after === 'string' ? JSON.parse(entry.after) : entry.after;
  if (!after || typeof after !== 'object') {
    throw new HttpError(400, `audit_id: entry ${auditId} holds no state to restore`, 'audit_id', '该修改记录没有可恢复的内容');
  }
  return after as Record<string, unknown>;
}
