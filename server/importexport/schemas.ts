// The import routes' answers (routes.ts): the per-row import report and the job polled for progress.
// The admin 导入导出 tab types its answers from these (type-only import).
import { Type } from 'typebox';

export const FieldIssueSchema = Type.Object({ field: Type.String(), message: Type.String(), message_zh: Type.String() });
export const ReportRowSchema = Type.Object({
  line: Type.Integer({ description: 'line (CSV) or row (XLSX) number as the file shows it' }),
  status: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged'), Type.Literal('rejected')]),
  id: Type.Union([Type.Integer(), Type.Null()]),
  name: Type.String(),
  changed: Type.Optional(Type.Array(Type.String())),
  matched_by: Type.Optional(Type.Union([Type.Literal('external_id'), Type.Literal('name_address')])),
  field: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  reason_zh: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(FieldIssueSchema)),
});
export const ImportReportSchema = Type.Object({
  dry_run: Type.Boolean(),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
  encoding: Type.Union([Type.String(), Type.Null()], { description: 'utf-8, utf-8-bom, utf-16le or gbk (CSV); null for XLSX' }),
  rows_read: Type.Integer(),
  summary: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), rejected: Type.Integer() }),
  columns: Type.Object({ recognised: Type.Array(Type.String()), ignored: Type.Array(Type.String()) }),
  rows: Type.Array(ReportRowSchema),
  timings_ms: Type.Object({ read: Type.Number(), validate: Type.Number(), write: Type.Number() }),
});
export const JobSchema = Type.Object({
  id: Type.String(),
  dry_run: Type.Boolean(),
  phase: Type.String({ description: 'queued, reading, validating, matching, writing, done or failed' }),
  done: Type.Integer(),
  total: Type.Integer(),
  elapsed_ms: Type.Integer(),
  report: Type.Union([ImportReportSchema, Type.Null()]),
  error: Type.Union([Type.Object({
    statusCode: Type.Integer(), message: Type.String(), message_zh: Type.String(), field: Type.Optional(Type.String()),
  }), Type.Null()]),
});
