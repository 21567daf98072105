// The check-up report as a job: POST starts it (202 with the job id), GET reports its stage and progress,
// GET …/file downloads the PDF once done. A report is a durable job (server/jobs/queue.ts): any instance
// may make it and any instance answers its status and file (kept JOBS_KEEP_DAYS days); a report whose
// process died is made again. Any staff member may have a street's report read; an editor only their
// own street's, and only the admin or a viewer the district's. A job's owner (or the admin) reads its
// status and file.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, HttpError } from '../http/errors.ts';
import { forbidden } from '../auth/plugin.ts';
import { staffOf } from '../records/editing.ts';
import { failRun, finishRun, getRun, markProgress, markRunning, openRunsOf, runResult, type JobRun, startRun } from '../jobs/runs.ts';
import { gatherReport, type ReportLang } from './reportContent.ts';
import { getStreet } from './repository.ts';
import { findStreet } from '../divisions/repository.ts';
import { writeReportPdf } from './report.ts';
import { JobStatus } from './schemas.ts';

/** The queue's name for check-up reports. */
export const CHECKUP_REPORT_JOB = 'checkup_report';

interface ReportParams { lang: ReportLang; profile: string }

/** Progress is kept in thousandths (job_runs.done of total). */
const STEPS = 1000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const staff = app.requireStaff();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const JobId = Type.Object({ id: Type.String({ format: 'uuid' }) });

  const present = (j: JobRun<ReportParams>) => ({
    id: j.id, street_code: j.street_code, lang: j.params.lang, profile: j.params.profile, status: j.state, stage: j.phase,
    progress: j.state === 'done' ? 1 : Math.round((j.done / STEPS) * 100) / 100,
    created_at: new Date(j.created_at).toISOString(), finished_at: j.finished_at ? new Date(j.finished_at).toISOString() : null,
    error: j.error ? j.error.message : null,
    file: j.state === 'done' ? `/api/checkup/reports/${j.id}/file` : null, bytes: j.result_bytes ?? null,
  });

  async function run(id: string): Promise<void> {
    const job = await getRun<ReportParams>(app.db, id);
    if (!job || job.state === 'done' || job.state === 'failed') return;
    await markRunning(app.db, id);
    let shown = 0;
    let last = { stage: '', done: -1 };
    let written = Promise.resolve();
    const progress = (stage: string, f: number) => {
      shown = Math.max(shown, Math.min(0.99, f));
      const done = Math.round(shown * STEPS);
      // One write per stage and per 2 % (in order, one at a time).
      if (stage === last.stage && done - last.done < STEPS / 50) return;
      last = { stage, done };
      written = written.then(() => markProgress(app.db, id, stage, done, STEPS)).catch(() => {});
    };
    try {
      const street = job.street_code ? await getStreet(app.db, job.street_code) : null;
      const content = await gatherReport(app, street, job.params.profile, job.params.lang, (stage, f) => progress(stage, f * 0.75));
      await yieldToEventLoop();
      progress('pdf', 0.75);
      const file = await writeReportPdf(content, (f) => progress('pdf', 0.75 + f * 0.25));
      await written;
      await finishRun(app.db, id, null, { name: `${content.area_name}-体检报告-${content.generated_at.slice(0, 10)}.pdf`, data: file });
    } catch (err) {
      app.log.error({ err, job: id }, 'checkup: report failed');
      await written;
      await failRun(app.db, id, { statusCode: 500, message: 'the report could not be made; see the server log', message_zh: '报告生成失败，请查看服务器日志' });
    }
  }
  await app.jobs.work<{ run_id: string }>(CHECKUP_REPORT_JOB, ({ run_id: id }) => run(id));

  async function ownJob(request: Parameters<typeof staffOf>[0], id: string): Promise<JobRun<ReportParams>> {
    const job = await getRun<ReportParams>(app.db, id);
    const who = staffOf(request);
    if (!job || job.kind !== CHECKUP_REPORT_JOB || (job.created_by !== who.id && who.role !== 'admin')) {
      throw new HttpError(404, `no report job ${id}`, 'id', `id：找不到报告任务 ${id}`);
    }
    return job;
  }

  app.post('/api/checkup/reports', {
    preHandler: staff,
    config: { rateLimit: { max: 12, timeWindow: '10 minutes' } },
    schema: {
      tags: ['checkup'],
      summary: 'Start a check-up report (PDF, A4) for a street or, without street, the district; answers 202 with the job',
      body: Type.Object({
        street: Type.Optional(Type.String({ pattern: '^[0-9]{12}$' })),
        lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')], { default: 'zh' })),
        profile: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}$' })),
      }, { additionalProperties: false }),
      response: { 202: JobStatus, ...errors, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const who = staffOf(request);
    const b = request.body ?? {};
    const profile = b.profile ?? 'standard';
    if (!app.catalog.profileById.has(profile)) throw badRequest('profile', `unknown walking profile "${profile}"`, `profile：未知步行方式 ${profile}`);
    if (b.street) {
      if (!(await findStreet(app.db, b.street))) throw badRequest('street', `unknown street code ${b.street}`, `street：街道代码 ${b.street} 不存在`);
    }
    if (who.role === 'editor' && b.street !== who.street_code) {
      throw forbidden(`street: an editor may have only their own street's report (${who.street_code})`, 'street：街道编辑只能生成本街道的体检报告', 'street');
    }
    const waiting = await openRunsOf(app.db, CHECKUP_REPORT_JOB, who.id);
    if (waiting >= 2) throw new HttpError(429, 'two of your reports are still being made; wait for them', undefined, '您还有两份报告正在生成，请稍候');
    const id = await startRun(app.db, app.jobs, {
      kind: CHECKUP_REPORT_JOB, street_code: b.street ?? null, created_by: who.id, total: STEPS,
      params: { lang: b.lang ?? 'zh', profile } satisfies ReportParams,
    });
    return reply.code(202).send(present((await getRun<ReportParams>(app.db, id))!));
  });

  app.get('/api/checkup/reports/:id', {
    preHandler: staff,
    schema: { tags: ['checkup'], summary: 'A report job: status, stage, progress (0–1) and, when done, the file link', params: JobId, response: { 200: JobStatus, ...errors } },
  }, async (request) => present(await ownJob(request, request.params.id)));

  app.get('/api/checkup/reports/:id/file', {
    preHandler: staff,
    schema: { tags: ['checkup'], summary: 'The finished report (application/pdf)', params: JobId, response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors, 409: ErrorResponse } },
  }, async (request, reply) => {
    const job = await ownJob(request, request.params.id);
    const file = job.state === 'done' ? await runResult(app.db, job.id) : undefined;
    if (!file) throw new HttpError(409, `the report is ${job.state}`, 'id', `报告尚未完成（${job.state}）`);
    reply.type('application/pdf');
    reply.header('content-disposition', `attachment; filename="checkup-report.pdf"; filename*=UTF-8''${encodeURIComponent(file.name ?? 'report.pdf')}`);
    return reply.send(file.data);
  });
};
