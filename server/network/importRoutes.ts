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
import { extractFormat, importNetwork, listNetworkImports, NetworkImportError, readExtract } from './networkImport.ts';
import { NetworkImportList, NetworkImportQuery, NetworkImportReportSchema } from './importSchemas.ts';

const MAX_EXTRACT_BYTES = 128 * 1024 * 1024;

export const networkImportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, { limits: { fileSize: MAX_EXTRACT_BYTES, files: 1, fields: 2, parts: 3 } });
  const adminOnly = app.requireStaff(['admin']);

  app.post('/api/network/imports', {
    preHandler: adminOnly,
    schema: {
      tags: ['network'], summary: 'Replace the base walking network with an OpenStreetMap extract (.osm, .osm.pbf, .geojson) in one transaction; corrections are re-anchored or marked for review',
      querystring: NetworkImportQuery,
      response: { 200: NetworkImportReportSchema, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse },
    },
  }, async (request) => {
    if (!request.isMultipart()) throw new HttpError(415, 'Send the extract as multipart/form-data in a field named "file"', 'file', '请以 multipart/form-data 上传路网文件（字段名 file）');
    const part = await request.file();
    if (!part) throw badRequest('file', 'no file was sent', '文件：未收到文件');
    const format = extractFormat(part.filename);
    if (!format) throw badRequest('file', `${part.filename}: expected an .osm, .osm.pbf or .geojson extract`, `文件：${part.filename} 应为 .osm、.osm.pbf 或 .geojson 路网文件`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'network-upload-'));
    try {
      // osmium reads files, and names the format by the suffix.
      const file = path.join(dir, `extract.${format}`);
      fs.writeFileSync(file, await part.toBuffer());
      const extract = await readExtract(file, format);
      const staff = staffOf(request);
      const report = await importNetwork(app.db, extract, {
        source: path.basename(part.filename), dryRun: request.query.dry_run ?? false, profiles: app.catalog.profiles, maxSnapM: app.config.maxSnapM,
        staff: { id: staff.id, username: staff.username },
      });
      if (!report.dry_run) await app.dataEvents.publish(app.db, { kind: 'network' });
      request.log.info({ import_id: report.import_id, km: report.km, dry_run: report.dry_run, ms: report.ms }, 'network import');
      return report;
    } catch (err) {
      if (err instanceof NetworkImportError) throw badRequest('file', err.message.replace(/^[^:]*extract\.[a-z.]+/, part.filename), err.message_zh.replace(/^[^：]*extract\.[a-z.]+/, part.filename));
      throw err;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  app.get('/api/network/imports', {
    preHandler: adminOnly,
    schema: { tags: ['network'], summary: 'The kept network import reports, newest first', response: { 200: NetworkImportList, 401: ErrorResponse, 403: ErrorResponse } },
  }, async () => ({ imports: await listNetworkImports(app.db) }));
};
