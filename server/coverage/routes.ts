// Coverage routes (staff only): the gap analysis, the compound map layer, what-if, suggestions and the
// fewest new sites (nothing saved), saved planning scenarios (scenarioRoutes.ts), per-street settings (targets, incomplete marks; audited), CSV/XLSX exports.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse, SAMPLE_NOTICE } from '../http/geojson.ts';
import { badRequest } from '../http/errors.ts';
import { OutsideNetworkError, type WalkingEngine } from '../network/walkingEngine.ts';
import { outsideNetwork } from '../network/httpErrors.ts';
import type {} from '../network/plugin.ts';
import { summariseStreet, tally, worstFirst, type CoveragePoint, type CoverageRow } from './analysis.ts';
import { planFewestSites, ringsAround, suggest, whatIf, type WhatIfAnswer } from './planning.ts';
import { DEFAULT_PROFILE } from '../records/schemas.ts';
import { saveStreetCategorySetting } from './repository.ts';
import { CoverageService, type CoverageSnapshot } from './service.ts';
import { coverageCsv, coverageXlsx, type ExportLang } from './export.ts';
import { openServiceDemand } from '../reports/repository.ts';
import {
  CompoundMapQuery, CompoundMapResponse, CoverageQuery, CoverageResponse, ExportQuery, FewestSitesBody, FewestSitesResponse, SettingBody, SettingParams,
  SettingResponse, SettingsQuery, SettingsResponse, SuggestBody, SuggestResponse, WhatIfBody, WhatIfResponse,
} from './schemas.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The district-wide coverage analysis, cached until its inputs change (see service.ts). */
    coverage: CoverageService;
  }
}

export interface CoverageRouteOptions {
  /** The live walking engine, whose point index holds the active service points (default: app.walking). */
  engine?: (app: FastifyInstance) => WalkingEngine<CoveragePoint> | Promise<WalkingEngine<CoveragePoint>>;
}

const DEFAULT_RING_MINUTES = [5, 10, 15];

export const coverageRoutes: FastifyPluginAsyncTypebox<CoverageRouteOptions> = async (app, options) => {
  const engineOf = options.engine ?? ((a: FastifyInstance) => a.walking.engine());
  const service = new CoverageService(app, () => engineOf(app));
  app.decorate('coverage', service);
  const staff = app.requireStaff();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

  const checkCategory = (category: string): string => {
    if (!app.catalog.categoryById.has(category)) {
      throw badRequest('category', `unknown category "${category}"; known: ${app.catalog.categories.map((c) => c.id).join(', ')}`, `category：未知类别 ${category}`);
    }
    return category;
  };
  const checkStreet = (snap: CoverageSnapshot, street: string | undefined): string | undefined => {
    if (street !== undefined && !snap.streets.some((s) => s.code === street)) {
      throw badRequest('street', `unknown street code ${street}`, `street：街道代码 ${street} 不存在`);
    }
    return street;
  };
  /** What a planning request starts from: its profile, category, the coverage snapshot and the street. */
  const planningInput = async (b: { profile?: string; category: string; street?: string }) => {
    const profile = b.profile ?? DEFAULT_PROFILE;
    const category = checkCategory(b.category);
    const snap = await service.snapshot(profile);
    return { profile, category, snap, street: checkStreet(snap, b.street) };
  };
  const offNetwork = (e: unknown, field: string): never => {
    throw e instanceof OutsideNetworkError ? outsideNetwork(e, field) : e;
  };
  const streetName = (snap: CoverageSnapshot, code: string) => snap.streets.find((s) => s.code === code)?.name ?? code;
  const withNames = <T extends WhatIfAnswer>(snap: CoverageSnapshot, answer: T) => ({
    ...answer, streets: answer.streets.map((s) => ({ ...s, street_name: streetName(snap, s.street_code) })),
  });
  const ringMinutes = (target: number, asked?: number[]) => [...new Set(asked?.length ? asked : [...DEFAULT_RING_MINUTES, target])].sort((a, b) => a - b);

  function scope(snap: CoverageSnapshot, street: string | undefined): CoverageRow[] {
    return street ? snap.model.rows.filter((r) => r.street_code === street) : [...snap.model.rows];
  }

  function summaries(snap: CoverageSnapshot, street: string | undefined, rows: CoverageRow[]) {
    const categories = snap.model.categories;
    const by_category = Object.fromEntries(categories.map((c) => [c, tally(rows.filter((r) => r.category === c))]));
    const streets = (street ? snap.streets.filter((s) => s.code === street) : snap.streets)
      .map((s) => summariseStreet(s, rows.filter((r) => r.street_code === s.code), categories));
    return { by_category, streets };
  }

  app.get('/api/coverage', {
    preHandler: staff,
    schema: {
      tags: ['coverage'],
      summary: 'Coverage gaps: walking minutes from each compound\'s best gate to the nearest active point of each category, against the target',
      querystring: CoverageQuery,
      response: { 200: CoverageResponse, ...errors },
    },
  }, async (request) => {
    const started = performance.now();
    const q = request.query;
    const profile = q.profile ?? DEFAULT_PROFILE;
    if (q.category) checkCategory(q.category);
    const snap = await service.snapshot(profile);
    const street = checkStreet(snap, q.street);
    const rows = scope(snap, street);
    const summary = summaries(snap, street, rows);
    let listed = rows.sort(worstFirst);
    if (q.category) listed = listed.filter((r) => r.category === q.category);
    if (q.status && q.status !== 'all') listed = listed.filter((r) => r.status === q.status);
    const total = listed.length;
    if (q.limit !== undefined) listed = listed.slice(0, q.limit);
    const sample = snap.compounds.some((c) => c.is_sample && (!street || c.street_code === street));
    return {
      profile, street: street ?? null,
      computed_ms: Math.round((performance.now() - started) * 10) / 10,
      analysis_ms: Math.round(snap.model.computedMs * 10) / 10,
      categories: app.catalog.categories.map(({ id, name_zh, name_en, color, icon }) => ({ id, name_zh, name_en, color, icon })),
      rows_total: total,
      rows: listed,
      summary,
      contains_sample: sample,
      ...(sample ? { sample_notice: `${SAMPLE_NOTICE.zh} ${SAMPLE_NOTICE.en}` } : {}),
    };
  });

  app.get('/api/coverage/compounds', {
    preHandler: staff,
    schema: {
      tags: ['coverage'],
      summary: 'Compounds as GeoJSON points with their number of gaps and, per category, minutes against the target',
      querystring: CompoundMapQuery,
      response: { 200: CompoundMapResponse, ...errors },
    },
  }, async (request) => {
    const profile = request.query.profile ?? DEFAULT_PROFILE;
    const snap = await service.snapshot(profile);
    const street = checkStreet(snap, request.query.street);
    const { model } = snap;
    const features = [];
    for (const [ci, c] of snap.compounds.entries()) {
      if (street && c.street_code !== street) continue;
      const at = c.lon !== null && c.lat !== null ? [c.lon, c.lat] : c.gates[0] ? [c.gates[0].lon, c.gates[0].lat] : null;
      if (!at) continue;
      const rows = model.categories.map((cat) => model.row(ci, cat));
      features.push({
        type: 'Feature' as const, id: c.id,
        geometry: { type: 'Point' as const, coordinates: at },
        properties: {
          id: c.id, name: c.name, street_code: c.street_code, residents: c.residents, households: c.households,
          gaps: rows.filter((r) => r.status === 'gap').length,
          unknown: rows.filter((r) => r.status === 'unknown').length,
          is_sample: c.is_sample,
          categories: Object.fromEntries(rows.map((r) => [r.category, {
            walk_min: r.walk_min, target_min: r.target_min, status: r.status, note: r.note, nearest: r.nearest?.name ?? null,
          }])),
        },
      });
    }
    return { type: 'FeatureCollection' as const, features };
  });

  app.post('/api/coverage/what-if', {
    preHandler: staff,
    schema: {
      tags: ['coverage'],
      summary: 'What a new point of a category at a place would cover (nothing is saved)',
      body: WhatIfBody,
      response: { 200: WhatIfResponse, ...errors, 422: ErrorResponse },
    },
  }, async (request) => {
    const b = request.body;
    const profile = b.profile ?? DEFAULT_PROFILE;
    const category = checkCategory(b.category);
    const snap = await service.snapshot(profile);
    let answer: WhatIfAnswer;
    try { answer = whatIf(snap.engine, snap.model, snap.settings, { category, lon: b.lon, lat: b.lat }); } catch (e) { return offNetwork(e, 'lon'); }
    const target = snap.settings.defaultMinutes(category, profile);
    return {
      ...withNames(snap, answer),
      target_min: target,
      rings: ringsAround(snap.engine, b.lon, b.lat, profile, ringMinutes(target, b.ring_minutes)),
      saved: false as const,
    };
  });

  app.post('/api/coverage/suggest', {
    preHandler: staff,
    // A district-wide run costs about a second of CPU: bounded per client so one tab cannot hog the service.
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      tags: ['coverage'],
      summary: 'Rank candidate places for a new point of a category by residents newly covered (nothing is saved)',
      body: SuggestBody,
      response: { 200: SuggestResponse, ...errors, 429: ErrorResponse },
    },
  }, async (request) => {
    const b = request.body;
    const { profile, category, snap, street } = await planningInput(b);
    // Residents' open 缺少服务 reports of the category (in the street, if one is asked), each weighing its repeats.
    const reports = b.weight_by_reports
      ? (await openServiceDemand(app.db, { category, street })).map((r) => ({ id: r.id, lon: r.lon, lat: r.lat, weight: r.repeats }))
      : undefined;
    const answer = suggest(snap.engine, snap.model, snap.settings, {
      category, street, candidates: b.candidates, top: b.top, spacingM: b.spacing_m, reports, residentsPerReport: b.residents_per_report,
    });
    const target = snap.settings.defaultMinutes(category, profile);
    return {
      ...answer,
      computed_ms: Math.round(answer.computed_ms * 10) / 10,
      suggestions: answer.suggestions.map((s) => ({
        ...withNames(snap, s),
        target_min: target,
        rings: ringsAround(snap.engine, s.location.lon, s.location.lat, profile, ringMinutes(target)),
      })),
      saved: false as const,
    };
  });

  app.post('/api/coverage/fewest-sites', {
    preHandler: staff,
    config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags: ['coverage'],
      summary: 'The fewest new places of a category that bring every coverable gap compound within target (and, with a budget, the k places covering the most residents), solved exactly with HiGHS beside the greedy answer (nothing is saved)',
      body: FewestSitesBody,
      response: { 200: FewestSitesResponse, ...errors, 429: ErrorResponse },
    },
  }, async (request) => {
    const b = request.body;
    const { profile, category, snap, street } = await planningInput(b);
    const answer = await planFewestSites(snap.engine, snap.model, snap.settings, { category, street, budget: b.budget, spacingM: b.spacing_m });
    return { ...answer, computed_ms: Math.round(answer.computed_ms * 10) / 10, saved: false as const };
  });

  app.get('/api/coverage/settings', {
    preHandler: staff,
    schema: {
      tags: ['coverage'],
      summary: 'A street\'s coverage targets (defaults from data/categories.json and the street\'s overrides) and incomplete marks',
      querystring: SettingsQuery,
      response: { 200: SettingsResponse, ...errors },
    },
  }, async (request) => {
    const snap = await service.snapshot(DEFAULT_PROFILE);
    const street = checkStreet(snap, request.query.street)!;
    const profiles = app.catalog.profiles.map((p) => p.id);
    return {
      street_code: street,
      street_name: streetName(snap, street),
      profiles,
      categories: app.catalog.categories.map((c) => settingEntry(snap, street, c.id, profiles)),
    };
  });

  app.put('/api/coverage/settings/:street/:category', {
    preHandler: app.requireStaff(['admin', 'editor']),
    schema: {
      tags: ['coverage'],
      summary: 'Change a street\'s target minutes or incomplete mark for one category (admin, or that street\'s editor; audited)',
      params: SettingParams,
      body: SettingBody,
      response: { 200: SettingResponse, ...errors },
    },
  }, async (request) => {
    const { street, category } = request.params;
    checkCategory(category);
    app.assertStreetAccess(request, street);
    const snap = await service.snapshot(DEFAULT_PROFILE);
    checkStreet(snap, street);
    for (const profile of Object.keys(request.body.targets ?? {})) {
      if (!app.catalog.profileById.has(profile)) throw badRequest(`targets.${profile}`, `unknown walking profile "${profile}"`, `targets.${profile}：未知步行方式`);
    }
    await saveStreetCategorySetting(app.db, request.staff!, street, category, request.body);
    await app.dataEvents.publish(app.db, { kind: 'settings', street });
    const fresh = await service.snapshot(DEFAULT_PROFILE);
    return settingEntry(fresh, street, category, app.catalog.profiles.map((p) => p.id));
  });

  const exportRoute = (format: 'csv' | 'xlsx') => app.get(`/api/coverage/export.${format}`, {
    preHandler: staff,
    schema: {
      tags: ['coverage'],
      summary: format === 'csv' ? 'Coverage rows as CSV (UTF-8 with BOM)' : 'Coverage as an Excel workbook: street overview, rows, notes',
      querystring: ExportQuery,
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: `the ${format.toUpperCase()} file` }), ...errors },
    },
  }, async (request, reply) => {
    const q = request.query;
    const profile = q.profile ?? DEFAULT_PROFILE;
    const snap = await service.snapshot(profile);
    const street = checkStreet(snap, q.street);
    const rows = scope(snap, street);
    const { streets } = summaries(snap, street, rows);
    const input = {
      lang: (q.lang ?? 'zh') as ExportLang, catalog: app.catalog, profile, rows: rows.sort(worstFirst), streets,
      streetNames: new Map(snap.streets.map((s) => [s.code, s.name])),
      sampleCompounds: new Set(snap.compounds.filter((c) => c.is_sample).map((c) => c.id)),
    };
    const file = `coverage-${street ?? app.district.code}-${profile}.${format}`;
    reply.header('content-disposition', `attachment; filename="${file}"`);
    reply.header('cache-control', 'no-store');
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(coverageCsv(input));
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await coverageXlsx(input));
  });
  exportRoute('csv');
  exportRoute('xlsx');

  function settingEntry(snap: CoverageSnapshot, street: string, category: string, profiles: string[]) {
    const defaults: Record<string, number> = {}, overrides: Record<string, number> = {}, effective: Record<string, number> = {};
    for (const p of profiles) {
      defaults[p] = snap.settings.defaultMinutes(category, p);
      const t = snap.settings.target(street, category, p);
      effective[p] = t.minutes;
      if (t.source === 'street') overrides[p] = t.minutes;
    }
    const mark = snap.settings.incompleteMark(street, category);
    return { category, defaults, overrides, effective, incomplete: mark !== undefined, note: mark?.note ?? null };
  }
};

/** Registered at the root (fastify-plugin), so `app.coverage` is visible to every other feature. */
export default fp(coverageRoutes, { name: 'coverage', dependencies: ['walking', 'auth'] });
