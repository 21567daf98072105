// Public desk routes: what residents see. The next visits at or near a board site or a place on the
// resident map (within its walking ring, with walking minutes) or in a street, the schedule, one visit
// with its report counts, the office's lists, and iCalendar feeds per street and per site. Nothing here
// carries a request's contact.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { getSite, type BoardSiteRow } from '../sites/repository.ts';
import { OutsideNetworkError } from '../network/walkingEngine.ts';
import { DEFAULT_PROFILE } from '../records/schemas.ts';
import { outsideNetwork } from '../network/httpErrors.ts';
import { addDays, fromLocal, isCalendarDate, localToday } from '../localTime.ts';
import { listVisits, loadServices, loadTopics, visitReports, getVisit, type VisitRow } from './repository.ts';
import { findStreet } from '../divisions/repository.ts';
import { publicVisit, serviceNames, visitReport, type ServiceNames } from './present.ts';
import { placeKey, walksToPlaces, type DeskPlace } from './walking.ts';
import { visitsCalendar } from './ical.ts';
import { PLAN_HORIZON_DAYS } from './writes.ts';
import {
  IdParams, PublicVisit, PublicVisitDetail, ServiceTerm, SiteIcsParams, StreetIcsParams, TopicTerm, UpcomingQuery,
  UpcomingResponse, VisitListQuery,
} from './schemas.ts';

type Upcoming = Static<typeof UpcomingResponse>['visits'][number];

/** Calendar feeds reach this far back, so a visit cancelled yesterday still updates phones. */
const CALENDAR_PAST_DAYS = 30;
const UPCOMING_CACHE_MS = 60_000;

export interface NearSiteOptions { profile: string; minutes: number; from: Date; to: Date; limit?: number }
type NearVisit = { row: VisitRow; at_site: boolean; walk_min: number | null; walk_m: number | null };

/** Visits at the site or within `minutes` of walking from it (any street), each with its walk. */
export async function visitsNearSite(app: FastifyInstance, site: BoardSiteRow, o: NearSiteOptions): Promise<NearVisit[]> {
  return visitsNearPlace(app, site, o, (v) => v.site_id === site.id || (site.gate_id !== null && v.gate_id === site.gate_id));
}

/**
 * Visits within `minutes` of walking from a place (any street), each with its walk. Those `atPlace`
 * says are held right there count as a walk of 0 (a site's own desks, even if its gate is off the ways).
 */
export async function visitsNearPlace(
  app: FastifyInstance, place: DeskPlace, o: NearSiteOptions, atPlace: (v: VisitRow) => boolean = () => false,
): Promise<NearVisit[]> {
  const engine = await app.walking.engine();
  const radius = engine.reachRadiusM(o.profile, o.minutes);
  const dLat = radius / 111_320;
  const dLon = radius / (111_320 * Math.cos((place.lat * Math.PI) / 180));
  const rows = await listVisits(app.db, { from: o.from, to: o.to, status: 'all', bbox: [place.lon - dLon, place.lat - dLat, place.lon + dLon, place.lat + dLat] });
  const walks = walksToPlaces(engine, place, rows.filter((v) => !atPlace(v)), o.profile, o.minutes);
  const out: NearVisit[] = [];
  for (const row of rows) {
    if (atPlace(row)) { out.push({ row, at_site: true, walk_min: 0, walk_m: 0 }); continue; }
    const walk = walks.get(placeKey(row));
    if (walk) out.push({ row, at_site: false, ...walk });
  }
  return o.limit ? out.slice(0, o.limit) : out;
}

async function activeSite(app: FastifyInstance, id: number): Promise<BoardSiteRow> {
  const site = await getSite(app.db, id);
  if (!site || site.status !== 'active') throw notFound(`site ${id}`, `站点 ${id} 不存在或已停用`);
  return site;
}

function sendCalendar(reply: import('fastify').FastifyReply, body: string, filename: string) {
  return reply
    .header('content-type', 'text/calendar; charset=utf-8')
    .header('content-disposition', `inline; filename="${filename}"`)
    .header('cache-control', 'public, max-age=300')
    .send(body);
}

export const deskPublicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const base = app.config.publicBaseUrl;
  const uidHost = (() => { try { return new URL(base).hostname; } catch { return 'service.local'; } })();
  const cache = new Map<string, { revision: number; at: number; body: Static<typeof UpcomingResponse> }>();

  app.get('/api/desks/services', {
    schema: { tags: ['desks'], summary: 'The services a desk may offer (the office extends this list)', response: { 200: Type.Array(ServiceTerm) } },
  }, async () => loadServices(app.db));

  app.get('/api/desks/topics', {
    schema: { tags: ['desks'], summary: 'Topics of residents\' requests (民情日记)', response: { 200: Type.Array(TopicTerm) } },
  }, async () => loadTopics(app.db));

  app.get('/api/desks/upcoming', {
    schema: {
      tags: ['desks'],
      summary: 'Next desk visits at or near a board site or a place (within its walking ring, with walking minutes), or in a street',
      description: 'Give `site` (visits at the site or within `minutes` of walking from it, in any street), `lon` and `lat` (the same around a place: the resident map) or `street`. Cancelled visits are listed with status "cancelled"; `next` is the first one still on.',
      querystring: UpcomingQuery,
      response: { 200: UpcomingResponse, 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse },
    },
  }, async (request) => {
    const q = request.query;
    const atPlace = q.lon !== undefined || q.lat !== undefined;
    if ([q.site !== undefined, q.street !== undefined, atPlace].filter(Boolean).length !== 1) {
      throw badRequest('site', 'give one of site, street, or lon and lat', 'site：请提供站点、街道或经纬度之一');
    }
    if (atPlace && q.lon === undefined) throw badRequest('lon', 'is required with lat', 'lon：须与 lat 一起提供');
    if (atPlace && q.lat === undefined) throw badRequest('lat', 'is required with lon', 'lat：须与 lon 一起提供');
    const profile = q.profile ?? DEFAULT_PROFILE;
    const minutes = q.minutes ?? 15;
    const days = q.days ?? 60;
    const limit = q.limit ?? 10;
    const key = JSON.stringify([q.site, q.street, q.lon, q.lat, profile, minutes, days, limit]);
    const hit = cache.get(key);
    if (hit && hit.revision === app.dataEvents.currentRevision && Date.now() - hit.at < UPCOMING_CACHE_MS) return hit.body;

    const now = new Date();
    const to = new Date(now.getTime() + days * 86_400_000);
    const names = await serviceNames(app);
    let visits: Upcoming[];
    let site: BoardSiteRow | null = null;
    if (q.site !== undefined) {
      site = await activeSite(app, q.site);
      try {
        const near = await visitsNearSite(app, site, { profile, minutes, from: now, to, limit });
        visits = near.map((n) => ({ ...publicVisit(n.row, names), at_site: n.at_site, walk_min: n.walk_min, walk_m: n.walk_m }));
      } catch (e) {
        if (e instanceof OutsideNetworkError) throw outsideNetwork(e, 'site');
        throw e;
      }
    } else if (atPlace) {
      try {
        const near = await visitsNearPlace(app, { lon: q.lon!, lat: q.lat! }, { profile, minutes, from: now, to, limit });
        visits = near.map((n) => ({ ...publicVisit(n.row, names), at_site: false, walk_min: n.walk_min, walk_m: n.walk_m }));
      } catch (e) {
        if (e instanceof OutsideNetworkError) throw outsideNetwork(e, 'lon');
        throw e;
      }
    } else {
      const rows = await listVisits(app.db, { street: q.street, from: now, to, status: 'all', limit });
      visits = rows.map((r) => ({ ...publicVisit(r, names), at_site: false, walk_min: null, walk_m: null }));
    }
    const body = {
      site: site ? { id: site.id, name: site.name, street_code: site.street_code } : null,
      street_code: site?.street_code ?? q.street ?? null,
      profile,
      within_minutes: minutes,
      visits,
      next: visits.find((v) => v.status === 'scheduled') ?? null,
      // A place has no calendar of its own; the street feeds of its visits serve it.
      ical_url: site ? `${base}/api/desks/site/${site.id}.ics` : q.street ? `${base}/api/desks/street/${q.street}.ics` : null,
      generated_at: now.toISOString(),
    };
    cache.set(key, { revision: app.dataEvents.currentRevision, at: Date.now(), body });
    if (cache.size > 2000) cache.delete(cache.keys().next().value!);
    return body;
  });

  app.get('/api/desks/visits', {
    schema: {
      tags: ['desks'],
      summary: 'The desk schedule of a street between two local dates (default: the next 90 days), cancelled visits included',
      querystring: VisitListQuery,
      response: { 200: Type.Object({ street_code: Type.String(), from: Type.String(), to: Type.String(), visits: Type.Array(PublicVisit) }), 400: ErrorResponse },
    },
  }, async (request) => {
    const q = request.query;
    const from = q.from ?? localToday();
    const to = q.to ?? addDays(from, 90);
    for (const [field, value] of [['from', from], ['to', to]] as const) {
      if (!isCalendarDate(value)) throw badRequest(field, `"${value}" is not a calendar date`, `${field}：日期无效`);
    }
    if (to < from) throw badRequest('to', 'must not be before from', 'to：不能早于开始日期');
    if (to > addDays(from, 400)) throw badRequest('to', 'the range may span at most 400 days', 'to：时间范围最多400天');
    const rows = await listVisits(app.db, {
      street: q.street, from: fromLocal(from, '00:00'), to: fromLocal(addDays(to, 1), '00:00'), status: q.status ?? 'all', planId: q.plan,
    });
    const names = await serviceNames(app);
    return { street_code: q.street, from, to, visits: rows.map((r) => publicVisit(r, names)) };
  });

  app.get('/api/desks/visits/:id', {
    schema: {
      tags: ['desks'],
      summary: 'One desk visit with its report: requests received, resolved on site, closed later (counts only)',
      params: IdParams,
      response: { 200: PublicVisitDetail, 400: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    const row = await getVisit(app.db, request.params.id);
    if (!row) throw notFound(`desk visit ${request.params.id}`, `流动办公桌活动 ${request.params.id} 不存在`);
    const counts = (await visitReports(app.db, [row.id])).get(row.id);
    return { ...publicVisit(row, await serviceNames(app)), report: visitReport(counts) };
  });

  app.get('/api/desks/street/:code.ics', {
    schema: {
      tags: ['desks'],
      summary: 'iCalendar feed (RFC 5545) of a street\'s desk visits: the last 30 days and the months ahead',
      params: StreetIcsParams,
      response: { 200: Type.String({ description: 'text/calendar' }), 400: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request, reply) => {
    const street = await findStreet(app.db, request.params.code);
    if (!street) throw notFound(`street ${request.params.code}`, `街道 ${request.params.code} 不存在`);
    const now = new Date();
    const rows = await listVisits(app.db, {
      street: street.code, from: new Date(now.getTime() - CALENDAR_PAST_DAYS * 86_400_000),
      to: new Date(now.getTime() + (PLAN_HORIZON_DAYS + 1) * 86_400_000), status: 'all',
    });
    const names = await serviceNames(app);
    const body = visitsCalendar(rows.map((r) => ({ ...publicVisit(r, names), version: r.version, updated_at: new Date(r.updated_at).toISOString() })), {
      name: `${street.name}流动办公桌`, description: `${street.name}流动办公桌（民情日记）活动安排`, uidHost, now,
      urlFor: (v) => (v.place.site_id ? `${base}/m/site/${v.place.site_id}` : null),
    });
    return sendCalendar(reply, body, `desks-${street.code}.ics`);
  });

  app.get('/api/desks/site/:id.ics', {
    schema: {
      tags: ['desks'],
      summary: 'iCalendar feed (RFC 5545) of the desk visits at or within a 15-minute walk of a board site',
      params: SiteIcsParams,
      response: { 200: Type.String({ description: 'text/calendar' }), 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse },
    },
  }, async (request, reply) => {
    const site = await activeSite(app, request.params.id);
    const now = new Date();
    let near;
    try {
      near = await visitsNearSite(app, site, {
        profile: 'standard', minutes: 15, from: new Date(now.getTime() - CALENDAR_PAST_DAYS * 86_400_000),
        to: new Date(now.getTime() + (PLAN_HORIZON_DAYS + 1) * 86_400_000),
      });
    } catch (e) {
      if (e instanceof OutsideNetworkError) throw outsideNetwork(e, 'site');
      throw e;
    }
    const names = await serviceNames(app);
    const body = visitsCalendar(near.map(({ row }) => ({ ...publicVisit(row, names), version: row.version, updated_at: new Date(row.updated_at).toISOString() })), {
      name: `${site.name}附近的流动办公桌`, description: `${site.street_name} ${site.name} 步行15分钟内的流动办公桌`, uidHost, now,
      urlFor: () => `${base}/m/site/${site.id}`,
    });
    return sendCalendar(reply, body, `desks-site-${site.id}.ics`);
  });
};
