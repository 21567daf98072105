// The residents' side, no sign-in: a signed form token, the report itself (honeypot, token, per-address
// and per-device limits counted in the database, repeats merged), and the public receipt by code.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { commitEdit, invalidInput, ValidationErrorResponse } from '../records/editing.ts';
import { insideDistrict, type FieldIssue } from '../records/validation.ts';
import { metresOutside } from '../records/placement.ts';
import { throttleAddress } from '../auth/throttle.ts';
import type { ReportKind } from '../db/schema.ts';
import { hashKey, isDeviceId, loadFormKey, newDeviceId, readFormToken, signFormToken } from './formToken.ts';
import { countReportAttempt } from './limits.ts';
import { activeSiteLocation, findRepeat, insertReport, mergeRepeat, normalizeCode, pointLocation, reportByCode, reportById, type ReportDraft } from './repository.ts';
import { presentPublic } from './present.ts';
import { CodeParams, CreatedReport, PublicReport, ReportBody, TokenQuery, TokenResponse } from './schemas.ts';
import { cleanReportPhone, cleanReportText, REPORT_KINDS, reportIssue } from './validation.ts';

export const reportPublicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  let key: Promise<Buffer> | null = null;
  const formKey = () => (key ??= loadFormKey(app.db).catch((err) => { key = null; throw err; }));

  app.get('/api/reports/token', {
    schema: {
      tags: ['reports'], summary: 'A signed token for the report form (valid two hours), naming this phone\'s device id',
      querystring: TokenQuery, response: { 200: TokenResponse, 400: ErrorResponse },
    },
  }, async (request, reply) => {
    const device = isDeviceId(request.query.device) ? request.query.device : newDeviceId();
    reply.header('cache-control', 'no-store');
    return { ...signFormToken(await formKey(), device), device };
  });

  app.post('/api/reports', {
    schema: {
      tags: ['reports'],
      summary: 'A resident\'s report (信息有误 / 此路不通 / 这里有路 / 缺少服务 / 其他): no sign-in; returns the receipt code',
      body: ReportBody,
      response: { 200: CreatedReport, 201: CreatedReport, 400: ValidationErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const b = request.body;
    const signing = await formKey();
    const issues: FieldIssue[] = [];
    // The honeypot: a field people never see; anything in it is a robot filling in every box.
    if (b.website && b.website.trim()) throw invalidInput([reportIssue('website', 'must stay empty', '此项应留空')]);
    const token = readFormToken(signing, b.token);
    if (token === 'broken') throw invalidInput([reportIssue('token', 'is not a valid form token; reload the page', '表单凭证无效，请刷新页面后重试')]);
    if (token === 'expired') throw invalidInput([reportIssue('token', 'has expired; reload the page', '表单已过期，请刷新页面后重试')]);

    // Counted before anything is checked or stored: past the limit nothing more is written.
    const keys = { address: hashKey(signing, 'address', throttleAddress(request.ip)), device: hashKey(signing, 'device', token.device) };
    const wait = await countReportAttempt(app.db, keys);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new HttpError(429, `Too many reports from this phone or network; please try again in ${Math.ceil(wait / 60)} minutes, or call the street office.`,
        undefined, `提交太频繁，请 ${Math.ceil(wait / 60)} 分钟后再试，或直接致电街道办`);
    }

    const kind = b.kind as ReportKind;
    if (!REPORT_KINDS.includes(kind)) issues.push(reportIssue('kind', `unknown kind "${b.kind}"; known: ${REPORT_KINDS.join(', ')}`, `未知反馈类型“${b.kind}”`));
    let category: string | null = null;
    if (kind === 'service_missing' || b.category) {
      if (!b.category) issues.push(reportIssue('category', 'is required for service_missing: which service is missing', '请选择缺少的服务类别'));
      else if (!app.catalog.categoryById.has(b.category)) {
        issues.push(reportIssue('category', `unknown category "${b.category}"; known: ${app.catalog.categories.map((c) => c.id).join(', ')}`, `未知服务类别“${b.category}”`));
      } else category = b.category;
    }
    const body = cleanReportText(b.text, issues);
    const phone = cleanReportPhone(b.phone, issues);

    // The place: given, else the site's or the point's.
    let lon = b.lon, lat = b.lat;
    let source: ReportDraft['source'] = 'map';
    if (b.site_id) {
      const site = await activeSiteLocation(app.db, b.site_id);
      if (!site) issues.push(reportIssue('site_id', `board site ${b.site_id} does not exist`, '展板站点不存在'));
      else { source = 'site'; lon ??= Number(site.lon); lat ??= Number(site.lat); }
    }
    if (b.point_id) {
      const point = await pointLocation(app.db, b.point_id);
      if (!point) issues.push(reportIssue('point_id', `service point ${b.point_id} does not exist`, '服务点不存在'));
      else { source = 'point'; if (!b.site_id || b.lon === undefined) { lon = b.lon ?? Number(point.lon); lat = b.lat ?? Number(point.lat); } }
    }
    if (kind === 'info_wrong' && !b.point_id && !b.site_id && !body) {
      issues.push(reportIssue('text', 'say what is wrong, or send the report from the service point it is about', '请说明哪里有误，或在相应服务点上点“反馈”'));
    }
    const district = await app.districtOutline();
    if (lon === undefined || lat === undefined) {
      if (!b.site_id && !b.point_id) issues.push(reportIssue('lon', 'a place is required: lon and lat, a site_id or a point_id', '请在地图上点选位置'));
    } else if (!Number.isFinite(lon) || !Number.isFinite(lat) || !insideDistrict(district, lon, lat)) {
      issues.push(reportIssue('lon', `the place ${lon}, ${lat} is outside ${app.district.name_en}`, `所选位置（${lon}, ${lat}）不在${app.district.name_zh}范围内`));
    }
    if (issues.length) throw invalidInput(issues);

    // Street and community from the place, by the street areas; the nearest street when it falls between them.
    const index = await app.areaIndex();
    let street = index.streetAt(lon!, lat!);
    if (!street) {
      let best = Infinity;
      for (const s of index.streets.values()) { const d = metresOutside(s, lon!, lat!); if (d < best) { best = d; street = s; } }
    }
    if (!street) throw invalidInput([reportIssue('lon', 'lies in no street area', '该位置不属于任何街道')]);
    const community = index.communityAt(lon!, lat!, street.code);
    const draft: ReportDraft = {
      kind, category_id: category, site_id: b.site_id ?? null, point_id: b.point_id ?? null, source,
      lon: lon!, lat: lat!, street_code: street.code, community_code: community?.code ?? null, body, contact_phone: phone,
      device_key: keys.device, address_key: keys.address,
    };
    const { id, merged } = await commitEdit(app, async (trx) => {
      const repeat = await findRepeat(trx, draft);
      if (repeat) {
        await mergeRepeat(trx, repeat, draft);
        return { result: { id: repeat, merged: true }, changes: [] };
      }
      return { result: { id: await insertReport(trx, draft), merged: false }, changes: [] };
    });
    const row = (await reportById(app.db, id))!;
    return reply.code(merged ? 200 : 201).send({
      ...presentPublic(app.catalog, row), merged, receipt_url: `${app.config.publicBaseUrl.replace(/\/$/, '')}/r/${row.code}`,
    });
  });

  app.get('/api/reports/:code', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      tags: ['reports'], summary: 'The public receipt of a report: its status and the office\'s public reply (never text or contact)',
      params: CodeParams, response: { 200: PublicReport, 400: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const code = normalizeCode(request.params.code);
    const row = code ? await reportByCode(app.db, code) : undefined;
    if (!row) throw notFound(`report ${request.params.code}`, `回执号 ${request.params.code} 不存在`);
    reply.header('cache-control', 'no-store');
    return presentPublic(app.catalog, row);
  });
};
