// Posted-confirmation (张贴确认): staff say that a printed board was put up, on which local date and by
// whom. Admins any street, editors their own; versioned per (site, profile) with 409 on a stale
// confirmation; every confirmation is audited. The reprint list then measures against what is posted.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { HttpError } from '../http/errors.ts';
import { recordAudit } from '../records/audit.ts';
import { DEFAULT_PROFILE, ProfileId } from '../records/schemas.ts';
import { isCalendarDate, localTimeZone, toLocal } from '../localTime.ts';
import { commitEdit, ConflictResponse, staffOf, staleVersion } from '../records/editing.ts';
import { clockToday, type BoardClock } from './clock.ts';
import { findPrint, lockPosting, savePosting, siteForPosting, type PostingRow } from './postingRepository.ts';

const Posting = Type.Object({
  site_id: Type.Integer(),
  profile: Type.String(),
  street_code: Type.String(),
  print_id: Type.Integer({ description: 'the print that is on the wall' }),
  content_version: Type.String(),
  posted_on: Type.String({ description: 'local date (the district\'s time zone) the board was put up' }),
  posted_by: Type.String({ description: 'who put it up' }),
  confirmed_by: Type.Union([Type.String(), Type.Null()], { description: 'the staff member who confirmed it here' }),
  confirmed_at: Type.String(),
  version: Type.Integer(),
});

const present = (r: PostingRow) => ({
  site_id: r.site_id, profile: r.profile, street_code: r.street_code, print_id: r.print_id, content_version: r.content_version,
  posted_on: r.posted_on, posted_by: r.posted_by_name, confirmed_by: r.confirmed_by_name,
  confirmed_at: new Date(r.confirmed_at).toISOString(), version: r.version,
});

export const postingRoutes = (clock: BoardClock): FastifyPluginAsyncTypebox => async (app) => {

  app.post('/api/boards/postings', {
    preHandler: app.requireStaff(['admin', 'editor']),
    schema: {
      tags: ['boards'],
      summary: 'Confirm that a printed board was put up (张贴确认): when and by whom',
      description: 'Records which print of a site\'s board (per walking profile) is on the wall. `version` is the posting version the confirmation was decided on (0 when nothing was posted at the site yet; the reprint list gives it); a newer stored version answers 409 with the current posting. The date defaults to today in the district (its time zone).',
      body: Type.Object({
        site_id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
        profile: Type.Optional(ProfileId),
        print_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'the print put up (default: the latest print of the site and profile)' })),
        posted_on: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, local; default today' })),
        posted_by: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'who put it up (default: the signed-in staff member)' })),
        version: Type.Integer({ minimum: 0, maximum: 2147483647, description: 'current posting version as last seen (0: none yet)' }),
      }, { additionalProperties: false }),
      response: { 200: Posting, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ConflictResponse(Type.Union([Posting, Type.Null()])) },
    },
  }, async (request) => {
    const b = request.body;
    const staff = staffOf(request);
    const profile = b.profile ?? DEFAULT_PROFILE;
    const today = clockToday(clock);
    const postedOn = b.posted_on ?? today;
    if (!isCalendarDate(postedOn)) throw new HttpError(400, `posted_on: ${postedOn} is not a calendar date`, 'posted_on', 'posted_on：日期不存在');
    if (postedOn > today) throw new HttpError(400, `posted_on: ${postedOn} is after today (${today}, ${localTimeZone()})`, 'posted_on', `posted_on：张贴日期不能晚于今天（${today}）`);
    const postedBy = (b.posted_by ?? staff.display_name ?? staff.username).trim();
    if (!postedBy) throw new HttpError(400, 'posted_by: must name who put the board up', 'posted_by', 'posted_by：请填写张贴人');

    return commitEdit(app, async (trx) => {
      const site = await siteForPosting(trx, b.site_id);
      if (!site || site.status !== 'active') {
        throw new HttpError(404, `site_id: no active board site ${b.site_id}`, 'site_id', `site_id：站点 ${b.site_id} 不存在或已停用`);
      }
      app.assertStreetAccess(request, site.street_code, 'site_id');
      const print = await findPrint(trx, site.id, profile, b.print_id);
      if (!print) {
        throw b.print_id === undefined
          ? new HttpError(400, `site_id: board ${site.id} has no ${profile} print yet; print it before confirming it was posted`, 'site_id', 'site_id：该展板尚未打印，请先打印再确认张贴')
          : new HttpError(400, `print_id: print ${b.print_id} is not a ${profile} print of board ${site.id}`, 'print_id', 'print_id：该打印记录不属于此展板');
      }
      const printedOn = toLocal(new Date(print.printed_at)).date;
      if (postedOn < printedOn) {
        throw new HttpError(400, `posted_on: ${postedOn} is before the board was printed (${printedOn})`, 'posted_on', `posted_on：张贴日期不能早于打印日期（${printedOn}）`);
      }
      const before = await lockPosting(trx, site.id, profile);
      const currentVersion = before?.version ?? 0;
      if (b.version !== currentVersion) {
        throw staleVersion({ en: `The posting of board ${site.id}`, zh: '该展板的张贴记录' }, currentVersion, b.version, before ? present(before) : null);
      }
      const saved = await savePosting(trx, {
        site_id: site.id, profile, street_code: site.street_code, print_id: print.id, content_version: print.content_version,
        posted_on: postedOn, posted_by_name: postedBy, confirmed_by: staff.id, confirmed_by_name: staff.display_name ?? staff.username,
      });
      await recordAudit(trx, {
        staff, action: 'post', entity: 'board_posting', entity_id: site.id, street_code: site.street_code,
        before: before ? present(before) : null, after: present(saved),
      });
      return { result: present(saved), changes: [] };
    });
  });
};
