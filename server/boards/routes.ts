// Board routes. Public: one board as PDF or SVG (the same information as the phone page behind its QR
// code). Staff: print jobs for many boards with progress and download, and the "needs reprint" list.
// Thin: parse, check access, ask the printer / job runner, present.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { DEFAULT_PROFILE, ProfileId, StreetCode } from '../records/schemas.ts';
import { listSites } from '../sites/repository.ts';
import { clockToday, type BoardClock } from './clock.ts';
import { JOB_RATE_LIMIT, type BoardJobRunner } from './jobs.ts';
import { ORIENTATIONS, PAPER_SIZES } from './paper.ts';
import type { BoardPrinter } from './printer.ts';
import type { PrintOptions } from './paper.ts';
import { qrWarning } from './publicUrl.ts';
import { reprintReport, summarise } from './reprint.ts';
import { diffSnapshots, hasChanges } from './content.ts';
import { createJob, getJob, jobFile, listJobs, printedSnapshot, recentJobsBy, siteStates, type JobRow } from './repository.ts';
import { recordAudit } from '../records/audit.ts';
import { localTimeZone } from '../localTime.ts';
import { BOARD_DAYS, boardTimeKey, DEFAULT_BOARD_TIME, parseBoardTimeKey, type BoardTime } from './boardTime.ts';

const literals = <T extends readonly string[]>(values: T, description: string, dflt: T[number]) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description, default: dflt });

/** Most boards one job may print (a street has about 60; the district about 800). */
export const MAX_JOB_BOARDS = 300;

export interface BoardRouteDeps { printer: BoardPrinter; jobs: BoardJobRunner; clock: BoardClock }

/** Why the QR codes of this installation lead nowhere (null when residents can open them). */
export const QrWarningSchema = Type.Union([Type.Object({
  codes: Type.Array(Type.Union([Type.Literal('invalid'), Type.Literal('loopback'), Type.Literal('private'), Type.Literal('link_local'), Type.Literal('plain_http')]),
    { description: 'what is wrong with the address, most serious first' }),
  url: Type.String({ description: 'PUBLIC_BASE_URL as configured' }),
  message: Type.String(),
  message_zh: Type.String(),
}), Type.Null()], { description: 'Set when PUBLIC_BASE_URL is loopback, private, link-local or plain HTTP: boards printed now carry a dead QR code (and say so under it)' });

const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'local clock time HH:MM the walk is drawn for (gates and dated closures as they are then); default 10:00' });
const BoardDay = (d: string) => literals(BOARD_DAYS, `the kind of day the walk is drawn for (${d})`, 'weekday');
const drawnFor = (q: { day?: BoardTime['day']; time?: string }): BoardTime => ({ day: q.day ?? DEFAULT_BOARD_TIME.day, time: q.time ?? DEFAULT_BOARD_TIME.time });

const JobOptionsSchema = Type.Object({
  profile: Type.String(), size: Type.String(), orientation: Type.String(), format: Type.String(), lang: Type.String(),
  drawn_for: Type.Optional(Type.String({ description: 'the time the walk is drawn for, e.g. "weekday 10:00"' })),
});
export const JobResponse = Type.Object({
  id: Type.Integer(),
  street_code: Type.Union([Type.String(), Type.Null()]),
  street_name: Type.Union([Type.String(), Type.Null()]),
  site_ids: Type.Array(Type.Integer()),
  options: JobOptionsSchema,
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  total: Type.Integer(),
  done: Type.Integer(),
  progress: Type.Number({ description: '0–1' }),
  error: Type.Union([Type.String(), Type.Null()]),
  created_by_name: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  finished_at: Type.Union([Type.String(), Type.Null()]),
  result_name: Type.Union([Type.String(), Type.Null()]),
  result_bytes: Type.Union([Type.Integer(), Type.Null()]),
  status_url: Type.String(),
  download_url: Type.Union([Type.String(), Type.Null()]),
  qr_warning: QrWarningSchema,
});
const Changes = Type.Object({
  added: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), category: Type.String(), minutes: Type.Integer() })),
  removed: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), category: Type.String(), minutes: Type.Integer() })),
  moved: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), moved_m: Type.Integer(), from_minutes: Type.Integer(), to_minutes: Type.Integer() })),
  renamed: Type.Array(Type.Object({ id: Type.Integer(), from: Type.String(), to: Type.String() })),
  updated: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), fields: Type.Array(Type.String()) })),
  rings: Type.Array(Type.Integer()),
  title: Type.Boolean(),
  omitted: Type.Boolean(),
  sample: Type.Boolean(),
});

export const BoardsStatusResponse = Type.Object({
  public_base_url: Type.String(),
  qr_ok: Type.Boolean(),
  qr_warning: QrWarningSchema,
  time_zone: Type.String(),
  local_date: Type.String({ description: 'today in the district (YYYY-MM-DD): file names, footers and posted dates use it' }),
});

export const ReprintResponse = Type.Object({
  street: Type.String(),
  checked: Type.Integer({ description: 'printed (site, profile) pairs compared' }),
  needs_reprint: Type.Array(Type.Object({
    site_id: Type.Integer(), site_name: Type.String(), title: Type.String(), profile: Type.String(),
    printed_at: Type.String(), printed_by: Type.Union([Type.String(), Type.Null()]), printed_size: Type.String(), prints: Type.Integer(),
    printed_version: Type.String(), current_version: Type.String(),
    basis: Type.Union([Type.Literal('posted'), Type.Literal('printed')], { description: 'compared with the posted print, or with the last print when none is confirmed as posted' }),
    posted_on: Type.Union([Type.String(), Type.Null()]), posted_by: Type.Union([Type.String(), Type.Null()]),
    changes: Changes,
    corrections: Type.Array(Type.Object({
      id: Type.Integer(), kind: Type.String(), status: Type.Union([Type.Literal('published'), Type.Literal('retired')]),
      note: Type.Union([Type.String(), Type.Null()]), changed_at: Type.String(),
    }), { description: 'network corrections (路网纠错) published or retired since that print within a 15-minute walk of the site: the reason the walks changed' }),
    summary_zh: Type.String(), summary_en: Type.String(),
  })),
  printed_not_posted: Type.Array(Type.Object({
    site_id: Type.Integer(), site_name: Type.String(), profile: Type.String(), print_id: Type.Integer(),
    printed_at: Type.String(), printed_by: Type.Union([Type.String(), Type.Null()]), printed_size: Type.String(),
    up_to_date: Type.Boolean(), posted_on: Type.Union([Type.String(), Type.Null()]),
    posting_version: Type.Integer({ description: 'send back as version when confirming (0: nothing posted yet)' }),
  }), { description: 'printed, not yet confirmed as put up (张贴确认)' }),
  posted: Type.Array(Type.Object({
    site_id: Type.Integer(), site_name: Type.String(), profile: Type.String(), print_id: Type.Integer(),
    posted_on: Type.String(), posted_by: Type.String(), confirmed_by: Type.Union([Type.String(), Type.Null()]),
    up_to_date: Type.Boolean(), posting_version: Type.Integer(),
  }), { description: 'confirmed as put up' }),
  never_printed: Type.Array(Type.Object({ site_id: Type.Integer(), site_name: Type.String() })),
  unavailable: Type.Array(Type.Object({ site_id: Type.Integer(), profile: Type.String(), reason: Type.String() })),
});

export const boardRoutes = (deps: BoardRouteDeps): FastifyPluginAsyncTypebox => async (app) => {
  const { printer, jobs, clock } = deps;
  const warning = qrWarning(app.config.publicBaseUrl);
  const PrintQuery = Type.Object({
    size: Type.Optional(literals(PAPER_SIZES, 'ISO paper size (A1 is the usual board)', 'A1')),
    orientation: Type.Optional(literals(ORIENTATIONS, 'Page orientation', 'portrait')),
    profile: Type.Optional(ProfileId),
    lang: Type.Optional(literals(['zh', 'en'] as const, 'Language of the board', 'zh')),
    day: Type.Optional(BoardDay('Monday–Friday, or Saturday and Sunday')),
    time: Type.Optional(ClockTime),
    download: Type.Optional(Type.Boolean({ description: 'Send as an attachment instead of inline' })),
  }, { additionalProperties: false });
  const SiteParams = Type.Object({ siteId: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Board site id' }) });
  const options = (q: Static<typeof PrintQuery>): PrintOptions => ({
    size: q.size ?? 'A1', orientation: q.orientation ?? 'portrait', profile: q.profile ?? DEFAULT_PROFILE, lang: q.lang ?? 'zh', drawnFor: drawnFor(q),
  });
  const fileName = (siteId: number, o: PrintOptions, ext: string) => `board-${siteId}-${o.size}-${o.orientation}-${o.profile}${o.lang === 'en' ? '-en' : ''}.${ext}`;
  const errors = { 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };

  // ---- one board ---------------------------------------------------------------------------------

  app.get('/api/boards/:siteId.pdf', {
    schema: {
      tags: ['boards'],
      summary: 'One board as a print-ready vector PDF (fonts embedded)',
      description: 'The board of a site: title, you-are-here, 5/10/15-minute rings for the profile, streets, numbered service points, legend table, category key, QR code to the phone page, data date, content version, ODbL attribution, and a 示例数据 watermark when sample data is shown.',
      params: SiteParams,
      querystring: PrintQuery,
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }), 304: Type.Null(), ...errors },
    },
  }, async (request, reply) => {
    const o = options(request.query);
    const { pdf, content } = await printer.pdf(request.params.siteId, o);
    const etag = `"${content.version}-${o.size}-${o.orientation}-${o.profile}-${o.lang}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache').header('x-content-version', content.version);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
    return reply
      .type('application/pdf')
      .header('content-disposition', `${request.query.download ? 'attachment' : 'inline'}; filename="${fileName(content.site.id, o, 'pdf')}"`)
      .send(pdf);
  });

  app.get('/api/boards/:siteId.svg', {
    schema: {
      tags: ['boards'],
      summary: 'One board as SVG (the drawing the PDF is made from; text set in Noto Sans SC)',
      params: SiteParams,
      querystring: PrintQuery,
      response: { 200: Type.Unsafe<string>({ type: 'string', description: 'image/svg+xml' }), ...errors },
    },
  }, async (request, reply) => {
    const o = options(request.query);
    const { svg, content } = await printer.svg(request.params.siteId, o);
    return reply
      .type('image/svg+xml; charset=utf-8')
      // A drawing, never a document: no scripts, no outside resources.
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .header('x-content-version', content.version)
      .header('cache-control', 'no-cache')
      .header('content-disposition', `${request.query.download ? 'attachment' : 'inline'}; filename="${fileName(content.site.id, o, 'svg')}"`)
      .send(svg);
  });

  // ---- staff: jobs and reprints ----------------------------------------------------------------------

  /** Reading a street's boards: admins and viewers any street, editors their own. */
  const assertStreetRead = (request: FastifyRequest, street: string | null) => {
    const staff = request.staff!;
    if (staff.role === 'editor' && staff.street_code !== street) {
      throw new HttpError(403, `This belongs to street ${street ?? '(several)'}; you work on street ${staff.street_code}`, undefined, '只能查看本街道的展板');
    }
  };

  const presentJob = (j: JobRow) => ({
    id: j.id, street_code: j.street_code, street_name: j.street_name, site_ids: j.site_ids, options: j.options, status: j.status,
    total: j.total, done: j.done, progress: j.total ? Math.round((j.done / j.total) * 1000) / 1000 : 1, error: j.error,
    created_by_name: j.created_by_name, created_at: new Date(j.created_at).toISOString(),
    finished_at: j.finished_at ? new Date(j.finished_at).toISOString() : null,
    result_name: j.result_name, result_bytes: j.result_bytes,
    status_url: `/api/boards/jobs/${j.id}`,
    download_url: j.status === 'done' ? `/api/boards/jobs/${j.id}/download` : null,
    qr_warning: warning,
  });

  app.get('/api/boards/status', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['boards'],
      summary: 'Before printing: where the QR codes lead, whether residents can open it, and today\'s local date',
      response: {
        200: BoardsStatusResponse,
        401: ErrorResponse,
      },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return {
      public_base_url: app.config.publicBaseUrl, qr_ok: warning === null, qr_warning: warning,
      time_zone: localTimeZone(), local_date: clockToday(clock),
    };
  });

  app.post('/api/boards/jobs', {
    preHandler: app.requireStaff(['admin', 'editor']),
    schema: {
      tags: ['boards'],
      summary: 'Print many boards as one ZIP of PDFs or one multi-page PDF (a job with progress)',
      description: 'Give a street (all its active boards) or a list of site ids (all in one street for an editor; a site of another street is a 403 naming site_ids.N). Each board printed is recorded with its content version, for the "needs reprint" list. A staff member may start a limited number of jobs in a window (429 with Retry-After); finished files are kept per person and street, and by age.',
      body: Type.Object({
        street: Type.Optional(StreetCode),
        site_ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), { minItems: 1, maxItems: MAX_JOB_BOARDS, uniqueItems: true })),
        size: Type.Optional(literals(PAPER_SIZES, 'ISO paper size', 'A1')),
        orientation: Type.Optional(literals(ORIENTATIONS, 'Page orientation', 'portrait')),
        profile: Type.Optional(ProfileId),
        lang: Type.Optional(literals(['zh', 'en'] as const, 'Language', 'zh')),
        format: Type.Optional(literals(['zip', 'pdf'] as const, 'One ZIP of PDFs, or one multi-page PDF', 'zip')),
        day: Type.Optional(BoardDay('Monday–Friday, or Saturday and Sunday')),
        time: Type.Optional(ClockTime),
      }, { additionalProperties: false }),
      response: { 202: JobResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const b = request.body;
    if ((b.street === undefined) === (b.site_ids === undefined)) {
      throw new HttpError(400, 'body.street: give either street or site_ids', 'street', 'street：请提供街道或站点列表之一');
    }
    let siteIds: number[];
    let street: string | null;
    if (b.street !== undefined) {
      const sites = await listSites(app.db, { street: b.street });
      if (sites.length === 0) throw notFound(`active board sites of street ${b.street}`, `街道 ${b.street} 没有在用的展板站点`);
      siteIds = sites.map((s) => s.id);
      street = b.street;
    } else {
      siteIds = b.site_ids!;
      const rows = await siteStates(app.db, siteIds);
      const found = new Map(rows.map((r) => [r.id, r]));
      const missing = siteIds.filter((id) => found.get(id)?.status !== 'active');
      if (missing.length) {
        throw new HttpError(404, `site_ids: no active board site ${missing.slice(0, 10).join(', ')}`, 'site_ids', `site_ids：站点 ${missing.slice(0, 10).join('、')} 不存在或已停用`);
      }
      // Each site in the list gets the check of a single write, and a refusal names it (site_ids.3).
      for (const [i, id] of siteIds.entries()) app.assertStreetAccess(request, found.get(id)!.street_code, `site_ids.${i}`);
      const streets = [...new Set(rows.map((r) => r.street_code))];
      street = streets.length === 1 ? streets[0] : null;
    }
    app.assertStreetAccess(request, street, b.street !== undefined ? 'street' : undefined);
    const staff = request.staff!;
    const options = {
      profile: b.profile ?? DEFAULT_PROFILE, size: b.size ?? 'A1', orientation: b.orientation ?? 'portrait', format: b.format ?? 'zip', lang: b.lang ?? 'zh',
      drawn_for: boardTimeKey(drawnFor(b)),
    } as const;
    const job = await app.db.transaction().execute(async (trx) => {
      const recent = await recentJobsBy(trx, staff.id, JOB_RATE_LIMIT.windowSeconds);
      if (recent.count >= JOB_RATE_LIMIT.max) {
        reply.header('retry-after', String(recent.freeInSeconds));
        const minutes = Math.ceil(recent.freeInSeconds / 60);
        throw new HttpError(429, `You started ${recent.count} print jobs in the last ${JOB_RATE_LIMIT.windowSeconds / 60} minutes; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
          undefined, `您在${JOB_RATE_LIMIT.windowSeconds / 60}分钟内已提交${recent.count}个打印任务，请${minutes}分钟后再试`, { retry_after_s: recent.freeInSeconds });
      }
      const created = await createJob(trx, { street_code: street, site_ids: siteIds, options, created_by: staff.id, created_by_name: staff.display_name ?? staff.username });
      await recordAudit(trx, { staff, action: 'print', entity: 'board_job', entity_id: created.id, street_code: street, after: { site_ids: siteIds, options } });
      return created;
    });
    await jobs.enqueue(job.id);
    return reply.code(202).header('location', `/api/boards/jobs/${job.id}`).send(presentJob(job));
  });

  app.get('/api/boards/jobs', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['boards'],
      summary: 'Recent print jobs (of one street, or all streets for an admin or viewer)',
      querystring: Type.Object({
        street: Type.Optional(StreetCode),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ jobs: Type.Array(JobResponse) }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    },
  }, async (request) => {
    const staff = request.staff!;
    const street = request.query.street ?? (staff.role === 'editor' ? staff.street_code! : undefined);
    if (staff.role === 'editor') assertStreetRead(request, street ?? null);
    const rows = await listJobs(app.db, { street, limit: request.query.limit ?? 20 });
    return { jobs: rows.map(presentJob) };
  });

  const JobParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
  const loadJob = async (request: FastifyRequest, id: number) => {
    const job = await getJob(app.db, id);
    if (!job) throw notFound(`print job ${id}`, `打印任务 ${id} 不存在`);
    assertStreetRead(request, job.street_code);
    return job;
  };

  app.get('/api/boards/jobs/:id', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['boards'],
      summary: 'A print job: status and progress (boards done of total)',
      params: JobParams,
      response: { 200: JobResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return presentJob(await loadJob(request, request.params.id));
  });

  app.get('/api/boards/jobs/:id/download', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['boards'],
      summary: 'The finished file of a print job (ZIP of PDFs or one PDF)',
      params: JobParams,
      response: {
        200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/zip or application/pdf' }),
        400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 410: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    const job = await loadJob(request, request.params.id);
    if (job.status !== 'done') {
      throw new HttpError(409, `print job ${job.id} is ${job.status}${job.status === 'failed' ? `: ${job.error}` : ` (${job.done} of ${job.total} boards)`}`, undefined,
        job.status === 'failed' ? '打印任务失败' : '打印任务尚未完成');
    }
    const file = await jobFile(app.db, job.id);
    if (!file) throw new HttpError(410, `the file of print job ${job.id} was removed (each person keeps the files of their newest jobs in a street, for a limited time); start the job again`, undefined, '文件已清理，请重新打印');
    const ascii = `boards-${job.id}.${job.options.format}`;
    return reply
      .type(job.result_type ?? 'application/octet-stream')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(job.result_name ?? ascii)}`)
      .send(file);
  });


  app.get('/api/boards/reprint', {
    preHandler: app.requireStaff(),
    schema: {
      tags: ['boards'],
      summary: 'Boards whose content changed since the print on the wall (or the last print), with what changed; prints not yet posted; posted boards',
      querystring: Type.Object({ street: StreetCode }, { additionalProperties: false }),
      response: {
        200: ReprintResponse,
        400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    assertStreetRead(request, request.query.street);
    reply.header('cache-control', 'no-store');
    return reprintReport(app.db, printer, request.query.street);
  });

  // ---- public: what changed since a printed board (the phone page behind its QR code) -----------------

  app.get('/api/boards/:siteId/changes', {
    schema: {
      tags: ['boards'],
      summary: 'What changed on a board since the print whose content version its QR code carries (added, removed, moved, renamed…)',
      description: 'known is false when no print of this site and profile has that version (a board never printed from this installation). The same comparison as the office\'s reprint list.',
      params: SiteParams,
      querystring: Type.Object({
        profile: Type.Optional(ProfileId),
        since: Type.String({ pattern: '^[0-9a-f]{12}$', description: 'content version printed on the board (v= in its QR code)' }),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          known: Type.Boolean(),
          printed_version: Type.String(), current_version: Type.String(),
          printed_at: Type.Union([Type.String(), Type.Null()]),
          changed: Type.Boolean(),
          changes: Type.Union([Changes, Type.Null()]),
          summary_zh: Type.String(), summary_en: Type.String(),
        }),
        ...errors,
      },
    },
  }, async (request, reply) => {
    const profile = request.query.profile ?? DEFAULT_PROFILE;
    const site = await printer.site(request.params.siteId);
    const printed = await printedSnapshot(app.db, site.id, profile, request.query.since);
    // Compared with the board as it would be drawn now for the same stated time.
    const content = await printer.content(site, profile, parseBoardTimeKey(printed?.snapshot.drawn_for));
    reply.header('cache-control', 'no-cache');
    const base = { printed_version: request.query.since, current_version: content.version, printed_at: printed?.printed_at.toISOString() ?? null };
    if (!printed) return { ...base, known: false, changed: request.query.since !== content.version, changes: null, summary_zh: '', summary_en: '' };
    const changes = diffSnapshots(printed.snapshot, content.snapshot);
    return { ...base, known: true, changed: hasChanges(changes), changes, summary_zh: summarise(changes, 'zh'), summary_en: summarise(changes, 'en') };
  });
};
