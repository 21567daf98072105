// The check-up report as a job: POST starts it (202 with the job id), GET reports its stage and progress,
// GET …/file downloads the PDF once done. Jobs live in this process (a report takes seconds; a restart
// loses only unfinished ones), one at a time, handing the event loop back between stages. Any staff
// member may have a street's report read; an editor only their own street's, and only the admin or a
// viewer the district's. A job's owner (or the admin) reads its status and file.
import crypto from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, HttpError } from '../http/errors.ts';
import { forbidden } from '../auth/plugin.ts';
import { staffOf } from '../records/editing.ts';
import { gatherReport, type ReportLang } from './reportContent.ts';
import { findStreet, getStreet } from './repository.ts';
import { writeReportPdf } from './report.ts';
import { JobStatus } from './schemas.ts';

interface ReportJob {
  id: string;
  owner: number;
  street: string | null;
  lang: ReportLang;
  profile: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  stage: string;
  progress: number;
  created_at: string;
  finished_at: string | null;
  error: string | null;
  file: Buffer | null;
  file_name: string | null;
}

const KEEP_JOBS = 50;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const jobs = new Map<string, ReportJob>();
  let chain: Promise<void> = Promise.resolve();
  const staff = app.requireStaff();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

  const present = (j: ReportJob) => ({
    id: j.id, street_code: j.street, lang: j.lang, profile: j.profile, status: j.status, stage: j.stage, progress: Math.round(j.progress * 100) / 100,
    created_at: j.created_at, finished_at: j.finished_at, error: j.error,
    file: j.status === 'done' ? `/api/checkup/reports/${j.id}/file` : null, bytes: j.file?.length ?? null,
  });

  async function run(job: ReportJob): Promise<void> {
    job.status = 'running';
    const progress = (stage: string, f: number) => { job.stage = stage; job.progress = Math.max(job.progress, Math.min(0.99, f)); };
    try {
      const street = job.street ? await getStreet(app.db, job.street) : null;
      const content = await gatherReport(app, street, job.profile, job.lang, (stage, f) => progress(stage, f * 0.75));
      await yieldToEventLoop();
      progress('pdf', 0.75);
      job.file = await writeReportPdf(content, (f) => progress('pdf', 0.75 + f * 0.25));
      job.file_name = `${content.area_name}-体检报告-${content.generated_at.slice(0, 10)}.pdf`;
      job.status = 'done';
      job.stage = 'done';
      job.progress = 1;
    } catch (err) {
      app.log.error({ err, job: job.id }, 'checkup: report failed');
      job.status = 'failed';
      job.error = 'the report could not be made; see the server log';
    }
    job.finished_at = new Date().toISOString();
  }

  function ownJob(request: Parameters<typeof staffOf>[0], id: string): ReportJob {
    const job = jobs.get(id);
    const who = staffOf(request);
    if (!job || (job.owner !== who.id && who.role !== 'admin')) throw new HttpError(404, `no report job ${id}`, 'id', `id：找不到报告任务 ${id}`);
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
    const waiting = [...jobs.values()].filter((j) => j.owner === who.id && (j.status === 'queued' || j.status === 'running')).length;
    if (waiting >= 2) throw new HttpError(429, 'two of your reports are still being made; wait for them', undefined, '您还有两份报告正在生成，请稍候');
    for (const [id, j] of jobs) if (jobs.size > KEEP_JOBS && j.status !== 'running' && j.status !== 'queued') jobs.delete(id);
    const job: ReportJob = {
      id: crypto.randomBytes(9).toString('base64url'), owner: who.id, street: b.street ?? null, lang: b.lang ?? 'zh', profile,
      status: 'queued', stage: 'queued', progress: 0, created_at: new Date().toISOString(), finished_at: null, error: null, file: null, file_name: null,
    };
    jobs.set(job.id, job);
    chain = chain.then(() => run(job));
    return reply.code(202).send(present(job));
  });

  app.get('/api/checkup/reports/:id', {
    preHandler: staff,
    schema: { tags: ['checkup'], summary: 'A report job: status, stage, progress (0–1) and, when done, the file link', params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,20}$' }) }), response: { 200: JobStatus, ...errors } },
  }, async (request) => present(ownJob(request, request.params.id)));

  app.get('/api/checkup/reports/:id/file', {
    preHandler: staff,
    schema: { tags: ['checkup'], summary: 'The finished report (application/pdf)', params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,20}$' }) }), response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors, 409: ErrorResponse } },
  }, async (request, reply) => {
    const job = ownJob(request, request.params.id);
    if (job.status !== 'done' || !job.file) throw new HttpError(409, `the report is ${job.status}`, 'id', `报告尚未完成（${job.status}）`);
    reply.type('application/pdf');
    reply.header('content-disposition', `attachment; filename="checkup-report.pdf"; filename*=UTF-8''${encodeURIComponent(job.file_name ?? 'report.pdf')}`);
    return reply.send(job.file);
  });

  app.addHook('onClose', async () => { await chain; });
};
