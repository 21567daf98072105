// Network import routes (district admin only): upload an OpenStreetMap extract to replace the base network
// (or check it with dry_run), and read the kept reports. The work is networkImport.ts's; after a real
// import the 'network' change rebuilds the engine on every instance, and coverage, tiles and boards follow.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, HttpError } from '../http/errors.ts';
import { staffOf } from '../records/editing.ts';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { claimRun, failRun, finishRun, getRun, markProgress, markRunning, runInput, type JobRun, startRun } from '../jobs/runs.ts';
import {
  extractFormat, importNetwork, listNetworkImports, NetworkImportAlreadyDone, NetworkImportError, readExtract, type NetworkImportReport,
} from './networkImport.ts';
import { NetworkImportJobSchema, NetworkImportList, NetworkImportQuery, NetworkImportReportSchema } from './importSchemas.ts';

const MAX_EXTRACT_BYTES = 128 * 1024 * 1024;

/** The queue's name for network imports started with async=true (server/jobs/queue.ts). */
export const NETWORK_IMPORT_JOB = 'network_import';

interface NetworkImportParams { dry_run: boolean; file_name: string; format: string; staff: { id: number; username: string } }

const fileError = (err: NetworkImportError, fileName: string) =>
  badRequest('file', err.message.replace(/^[^:]*extract\.[a-z.]+/, fileName), err.message_zh.replace(/^[^：]*extract\.[a-z.]+/, fileName));

/** Reads an uploaded extract (osmium reads files, and names the format by the suffix). */
async function withExtractFile<T>(data: Buffer, format: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'network-upload-'));
  try {
    const file = path.join(dir, `extract.${format}`);
    fs.writeFileSync(file, data);
    return await use(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs one queued network import on whichever instance took it: the new network and the job's "done" mark
 * commit in one transaction, so a retry after a crash redoes it whole or finds it done.
 */
async function runNetworkImportJob(app: FastifyInstance, runId: string): Promise<void> {
  const run = await getRun<NetworkImportParams>(app.db, runId);
  if (!run || run.state === 'done' || run.state === 'failed') return;
  await markRunning(app.db, runId);
  const p = run.params;
  try {
    const input = await runInput(app.db, runId);
    if (!input) throw new Error('the stored extract of the network import job is missing');
    await markProgress(app.db, runId, 'reading', 0, 0);
    const report = await withExtractFile(input, p.format, async (file) => {
      const extract = await readExtract(file, p.format as Parameters<typeof readExtract>[1]);
      await markProgress(app.db, runId, 'importing', 0, 0);
      return importNetwork(app.db, extract, {
        source: path.basename(p.file_name), dryRun: p.dry_run, profiles: app.catalog.profiles, maxSnapM: app.config.maxSnapM, staff: p.staff,
        inTransaction: { claim: (trx) => claimRun(trx, runId), commit: (trx, kept) => finishRun(trx, runId, kept) },
      });
    });
    if (p.dry_run) await finishRun(app.db, runId, report);
    else await app.dataEvents.publish(app.db, { kind: 'network' });
    app.log.info({ network_job: runId, import_id: report.import_id, km: report.km, dry_run: report.dry_run, ms: report.ms }, 'network import');
  } catch (err) {
    if (err instanceof NetworkImportAlreadyDone) return;
    if (err instanceof NetworkImportError) {
      const http = fileError(err, p.file_name);
      await failRun(app.db, runId, { statusCode: 400, message: http.message, message_zh: http.messageZh ?? http.message, field: 'file' });
      return;
    }
    app.log.error({ err, network_job: runId }, 'network import failed');
    await failRun(app.db, runId, { statusCode: 500, message: 'The network import failed; nothing was changed. It has been logged.', message_zh: '路网导入失败，未做任何更改，已记录错误' });
  }
}

const presentJob = (job: JobRun<NetworkImportParams>) => ({
  id: job.id, dry_run: job.params.dry_run, status: job.state, phase: job.phase,
  elapsed_ms: (job.finished_at ?? new Date()).getTime() - new Date(job.created_at).getTime(),
  report: job.report as NetworkImportReport | null, error: job.error,
});

export const networkImportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, { limits: { fileSize: MAX_EXTRACT_BYTES, files: 1, fields: 2, parts: 3 } });
  const adminOnly = app.requireStaff(['admin']);
  await app.jobs.work<{ run_id: string }>(NETWORK_IMPORT_JOB, ({ run_id: runId }) => runNetworkImportJob(app, runId));

  app.post('/api/network/imports', {
    preHandler: adminOnly,
    schema: {
      tags: ['network'], summary: 'Replace the base walking network with an OpenStreetMap extract (.osm, .osm.pbf, .geojson) in one transaction; corrections are re-anchored or marked for review',
      querystring: NetworkImportQuery,
      response: {
        200: NetworkImportReportSchema, 202: Type.Object({ job_id: Type.String(), status_url: Type.String() }),
        400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw new HttpError(415, 'Send the extract as multipart/form-data in a field named "file"', 'file', '请以 multipart/form-data 上传路网文件（字段名 file）');
    const part = await request.file();
    if (!part) throw badRequest('file', 'no file was sent', '文件：未收到文件');
    const format = extractFormat(part.filename);
    if (!format) throw badRequest('file', `${part.filename}: expected an .osm, .osm.pbf or .geojson extract`, `文件：${part.filename} 应为 .osm、.osm.pbf 或 .geojson 路网文件`);
    const staff = staffOf(request);
    const data = await part.toBuffer();
    if (request.query.async) {
      // The extract is stored with the job, so that any instance can run it, again if need be.
      const runId = await startRun(app.db, app.jobs, {
        kind: NETWORK_IMPORT_JOB, street_code: null, created_by: staff.id, input: data,
        params: { dry_run: request.query.dry_run ?? false, file_name: part.filename, format, staff: { id: staff.id, username: staff.username } } satisfies NetworkImportParams,
      });
      return reply.code(202).send({ job_id: runId, status_url: `/api/network/imports/jobs/${runId}` });
    }
    try {
      const report = await withExtractFile(data, format, async (file) => importNetwork(app.db, await readExtract(file, format), {
        source: path.basename(part.filename), dryRun: request.query.dry_run ?? false, profiles: app.catalog.profiles, maxSnapM: app.config.maxSnapM,
        staff: { id: staff.id, username: staff.username },
      }));
      if (!report.dry_run) await app.dataEvents.publish(app.db, { kind: 'network' });
      request.log.info({ import_id: report.import_id, km: report.km, dry_run: report.dry_run, ms: report.ms }, 'network import');
      return report;
    } catch (err) {
      if (err instanceof NetworkImportError) throw fileError(err, part.filename);
      throw err;
    }
  });

  app.get('/api/network/imports/jobs/:id', {
    preHandler: adminOnly,
    schema: {
      tags: ['network'], summary: 'A network import started with async=true: status, phase and, when done, its report (any instance; kept JOBS_KEEP_DAYS days)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: NetworkImportJobSchema, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    const job = await getRun<NetworkImportParams>(app.db, request.params.id);
    if (!job || job.kind !== NETWORK_IMPORT_JOB) throw new HttpError(404, `no network import job ${request.params.id}`, 'id', `id：找不到路网导入任务 ${request.params.id}`);
    return presentJob(job);
  });

  app.get('/api/network/imports', {
    preHandler: adminOnly,
    schema: { tags: ['network'], summary: 'The kept network import reports, newest first', response: { 200: NetworkImportList, 401: ErrorResponse, 403: ErrorResponse } },
  }, async () => ({ imports: await listNetworkImports(app.db) }));
};
