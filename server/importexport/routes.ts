// POST /api/import/points (multipart: CSV in UTF-8 or GBK, or XLSX; ?dry_run=true reports without
// writing; ?async=true returns a durable job to poll for progress, from any instance), GET /api/import/jobs/:id, and
// GET /api/export/points.csv|.xlsx|.geojson with the filters of the point list.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { ErrorResponse, parseBbox } from '../http/geojson.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import { staffOf } from '../records/editing.ts';
import { listPoints, type PointFilters } from '../points/repository.ts';
import { StreetCode } from '../records/schemas.ts';
import type { FastifyInstance } from 'fastify';
import type { StaffIdentity } from '../records/staff.ts';
import { claimRun, failRun, finishRun, getRun, markProgress, markRunning, runInput, type JobRun, type RunError, startRun } from '../jobs/runs.ts';
import { ImportAlreadyDone, importPoints, ImportFileError, type ImportReport } from './importPoints.ts';
import { pointsCsv, pointsGeoJson, pointsXlsx } from './exportPoints.ts';
import { readSpreadsheet, SpreadsheetError } from './spreadsheet.ts';
import { ImportReportSchema, JobSchema } from './schemas.ts';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

const ExportQuery = Type.Object({
  category: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$' })),
  street: Type.Optional(StreetCode),
  bbox: Type.Optional(Type.String()),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed'), Type.Literal('all')], { default: 'active' })),
  sample: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')], { default: 'zh', description: 'header and label language' })),
  crs: Type.Optional(Type.Union([Type.Literal('WGS84'), Type.Literal('GCJ-02'), Type.Literal('BD-09')], { default: 'WGS84', description: 'lon/lat system in CSV and XLSX' })),
  encoding: Type.Optional(Type.Union([Type.Literal('utf-8'), Type.Literal('gbk')], { default: 'utf-8', description: 'CSV only: UTF-8 with BOM, or GBK' })),
}, { additionalProperties: false });

/** The queue's name for point imports (server/jobs/queue.ts). */
export const IMPORT_JOB = 'point_import';

interface ImportParams { dry_run: boolean; default_street: string | null; staff: StaffIdentity }

const presentJob = (job: JobRun<ImportParams>) => ({
  id: job.id, dry_run: job.params.dry_run, phase: job.phase, done: job.done, total: job.total,
  elapsed_ms: (job.finished_at ?? new Date()).getTime() - new Date(job.created_at).getTime(),
  report: job.report as ImportReport | null, error: job.error,
});

function asHttpError(err: unknown): HttpError | null {
  if (err instanceof SpreadsheetError) return new HttpError(400, `file: ${err.message}`, 'file', `文件：${err.messageZh}`);
  if (err instanceof ImportFileError) return new HttpError(400, `${err.field}: ${err.message}`, err.field, err.messageZh);
  if (err instanceof HttpError) return err;
  return null;
}

function jobError(err: unknown): RunError | null {
  const http = asHttpError(err);
  return http ? { statusCode: http.statusCode, message: http.message, message_zh: http.messageZh ?? http.message, ...(http.field ? { field: http.field } : {}) } : null;
}

/**
 * Test only (tests/reliability/jobs.test.ts): the first attempt of an import of at least
 * JOBS_TEST_IMPORT_PAUSE_MIN_ROWS rows waits JOBS_TEST_IMPORT_PAUSE_MS inside its transaction, every row
 * written and not yet committed, so that a test can kill the process there. Unset in production.
 */
async function testPause(app: FastifyInstance, runId: string, attempt: number, rows: number): Promise<void> {
  const ms = Number(process.env.JOBS_TEST_IMPORT_PAUSE_MS || 0);
  if (!(ms > 0 && attempt === 1 && rows >= Number(process.env.JOBS_TEST_IMPORT_PAUSE_MIN_ROWS || 1))) return;
  app.log.warn({ import_job: runId, ms }, 'test pause: the import waits before its commit');
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs one queued import, on whichever instance took it. Its rows and the job's "done" mark commit in
 * one transaction: after a crash the queue runs it again from the stored file, and a second run of a
 * job already done writes nothing.
 */
async function runImportJob(app: FastifyInstance, runId: string): Promise<void> {
  const run = await getRun<ImportParams>(app.db, runId);
  if (!run || run.state === 'done' || run.state === 'failed') return;
  await markRunning(app.db, runId);
  const { dry_run: dryRun, default_street: defaultStreet, staff } = run.params;
  let lastPhase = '';
  const onProgress = (phase: string, done: number, total: number) => {
    // Each phase and each written batch also goes to the log (on the embedded engine the import's one
    // transaction holds the connection, so the progress row is written only after it).
    if (phase !== lastPhase || phase === 'writing') app.log.info({ import_job: runId, phase, done, total }, 'point import progress');
    lastPhase = phase;
    // 'done' belongs to the job only with its report (finishRun).
    if (phase !== 'done') markProgress(app.db, runId, phase, done, total).catch(() => {});
  };
  try {
    const input = await runInput(app.db, runId);
    if (!input) throw new Error('the stored file of the import job is missing');
    onProgress('reading', 0, 0);
    const t0 = performance.now();
    const sheet = await readSpreadsheet(input);
    const readMs = Math.round(performance.now() - t0);
    const [ctx, areas] = await Promise.all([app.validationContext(), app.areaIndex()]);
    const { report, changes } = await importPoints(app.db, sheet, ctx, {
      dryRun, staff, defaultStreet, onProgress, areas,
      inTransaction: {
        claim: (trx) => claimRun(trx, runId),
        async commit(trx, inside) {
          inside.timings_ms.read = readMs;
          await testPause(app, runId, run.attempts + 1, sheet.rows.length);
          await finishRun(trx, runId, inside);
        },
      },
    });
    report.timings_ms.read = readMs;
    if (dryRun) await finishRun(app.db, runId, report);
    for (const change of changes) await app.dataEvents.publish(app.db, change);
    app.log.info({ import_job: runId, rows: report.rows_read, summary: report.summary, dry_run: report.dry_run, ms: report.timings_ms, attempt: run.attempts + 1 }, 'point import');
  } catch (err) {
    if (err instanceof ImportAlreadyDone) return;
    const known = jobError(err);
    if (!known) app.log.error({ err, import_job: runId }, 'point import failed');
    await failRun(app.db, runId, known
      ?? { statusCode: 500, message: 'The import failed; nothing was written. It has been logged.', message_zh: '导入失败，未写入任何数据，已记录错误' });
  }
}

export const importExportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5, parts: 6 } });
  await app.jobs.work<{ run_id: string }>(IMPORT_JOB, ({ run_id: runId }) => runImportJob(app, runId));

  app.post('/api/import/points', {
    preHandler: app.requireStaff(['admin', 'editor']),
    schema: {
      tags: ['import/export'],
      summary: 'Import service points from a CSV (UTF-8 or GBK) or XLSX file (multipart field "file")',
      description: 'Columns (Chinese or English headers): name/名称, category/类别 (id or Chinese name), subtype/子类型, address/地址, '
        + 'phone/电话, opening_hours/开放时间, lon/经度, lat/纬度, crs/坐标系 (WGS84, GCJ-02, BD-09), external_id/外部编号, '
        + 'street_code/街道, community_code/社区. Rows match existing points by external_id, else by name + address. '
        + 'A real run commits every accepted row in one transaction, with audit rows.',
      consumes: ['multipart/form-data'],
      querystring: Type.Object({
        dry_run: Type.Optional(Type.Boolean({ default: false, description: 'report what would happen, write nothing' })),
        street: Type.Optional(Type.Union([StreetCode], { description: "street for rows without a street column (an editor's own street by default)" })),
        async: Type.Optional(Type.Boolean({ default: false, description: 'answer 202 at once with a job to poll (GET /api/import/jobs/:id) for progress' })),
      }, { additionalProperties: false }),
      response: {
        200: ImportReportSchema,
        202: Type.Object({ job_id: Type.String(), status_url: Type.String() }),
        400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 406: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const q = request.query;
    if (q.street) app.assertStreetAccess(request, q.street, 'street');
    const defaultStreet = q.street ?? (staff.role === 'editor' ? staff.street_code : null);
    if (!request.isMultipart()) throw new HttpError(415, 'Send the file as multipart/form-data in a field named "file"', 'file', '请以 multipart/form-data 上传文件（字段名 file）');
    const part = await request.file();
    if (!part) throw badRequest('file', 'no file was sent', '文件：未收到文件');
    const started = performance.now();
    const buffer = await part.toBuffer();

    if (q.async) {
      // The file is stored with the job, so that any instance can run it, again if need be.
      const runId = await startRun(app.db, app.jobs, {
        kind: IMPORT_JOB, street_code: defaultStreet, created_by: staff.id, input: buffer,
        params: { dry_run: q.dry_run ?? false, default_street: defaultStreet, staff } satisfies ImportParams,
      });
      return reply.code(202).send({ job_id: runId, status_url: `/api/import/jobs/${runId}` });
    }

    const [ctx, areas] = await Promise.all([app.validationContext(), app.areaIndex()]);
    try {
      const t0 = performance.now();
      const sheet = await readSpreadsheet(buffer);
      const readMs = performance.now() - t0 + (t0 - started);
      const { report, changes } = await importPoints(app.db, sheet, ctx, { dryRun: q.dry_run ?? false, staff, defaultStreet, areas });
      for (const change of changes) await app.dataEvents.publish(app.db, change);
      report.timings_ms.read = Math.round(readMs);
      request.log.info({ rows: report.rows_read, summary: report.summary, dry_run: report.dry_run, ms: report.timings_ms }, 'point import');
      return report;
    } catch (err) { throw asHttpError(err) ?? err; }
  });

  app.get('/api/import/jobs/:id', {
    preHandler: app.requireStaff(['admin', 'editor']),
    schema: {
      tags: ['import/export'], summary: 'Progress of an import started with async=true (its owner only; kept JOBS_KEEP_DAYS days)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: JobSchema, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    // Any instance answers, from the job's row; only its owner sees it.
    const job = await getRun<ImportParams>(app.db, request.params.id);
    if (!job || job.kind !== IMPORT_JOB || job.created_by !== staffOf(request).id) throw notFound(`import job ${request.params.id}`, '导入任务不存在或已过期');
    return presentJob(job);
  });

  for (const format of ['csv', 'xlsx', 'geojson'] as const) {
    app.get(`/api/export/points.${format}`, {
      preHandler: app.requireStaff(),
      schema: {
        tags: ['import/export'],
        summary: `Service points as ${format.toUpperCase()}, with the list's filters (sample rows marked; imports back unchanged)`,
        querystring: ExportQuery,
        response: {
          200: Type.String({ description: format === 'geojson' ? 'RFC 7946 FeatureCollection' : `${format.toUpperCase()} file` }),
          400: ErrorResponse, 401: ErrorResponse,
        },
      },
    }, async (request, reply) => {
      const q = request.query;
      const categories = q.category?.split(',');
      for (const c of categories ?? []) {
        if (!app.catalog.categoryById.has(c)) throw badRequest('category', `unknown category "${c}"`, `category：未知类别 ${c}`);
      }
      const filters: PointFilters = { categories, street: q.street, bbox: parseBbox(q.bbox), status: q.status ?? 'active', sample: q.sample, q: q.q };
      // An export tolerates a little lag (a replica), except right after this browser's own write.
      const rows = await listPoints(await app.reads.forRequest(request), filters);
      const ctx = await app.validationContext();
      const streetNames = new Map(ctx.streets.map((s) => [s.code, s.name]));
      const description = Object.entries({ ...q, lang: undefined, encoding: undefined })
        .filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('&') || '—';
      const stamp = new Date().toISOString().slice(0, 10);
      const label = q.street ? streetNames.get(q.street) ?? q.street : app.district.name_zh;
      const fileName = `服务点-${label}-${stamp}.${format}`;
      reply.header('content-disposition', `attachment; filename="points-${stamp}.${format}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
      reply.header('cache-control', 'no-store');
      if (format === 'geojson') {
        return reply.type('application/geo+json; charset=utf-8').send(JSON.stringify(pointsGeoJson(rows, app.catalog, description))) ;
      }
      const options = {
        lang: q.lang ?? 'zh', crs: q.crs ?? 'WGS84', streetNames, filters: description,
        communityNames: new Map(ctx.streets.flatMap((s) => s.communities.map((c) => [c.code, c.name] as const))),
      } as const;
      if (format === 'csv') {
        const encoding = q.encoding ?? 'utf-8';
        return reply.type(`text/csv; charset=${encoding === 'gbk' ? 'gbk' : 'utf-8'}`).send(pointsCsv(rows, app.catalog, options, encoding) as never);
      }
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await pointsXlsx(rows, app.catalog, options) as never);
    });
  }
};
