// iCalendar (RFC 5545) feeds of desk visits, for phone calendars: CRLF line ends, lines folded at 75
// octets without splitting a UTF-8 character, TEXT values escaped, times in UTC (no VTIMEZONE needed),
// cancelled visits kept as STATUS:CANCELLED so a calendar that already holds them shows them called off.
import type { PublicVisit } from './schemas.ts';
import { localTimeZone } from '../localTime.ts';

/** Escapes a TEXT value (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line into chunks of at most 75 octets, continuation lines starting with a space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const limit = out.length === 0 ? 75 : 74; // continuation lines spend one octet on the leading space
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** 20261209T060000Z */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface CalendarVisit extends PublicVisit {
  version?: number;
  updated_at?: string;
}

export interface CalendarOptions {
  name: string;
  description?: string;
  /** Host part of every UID (from PUBLIC_BASE_URL), so UIDs stay stable and unique. */
  uidHost: string;
  /** A link for each event (the phone page of its site), or null. */
  urlFor?: (visit: CalendarVisit) => string | null;
  now?: Date;
}

/** A stable UID: an occurrence of a plan is named by its plan and date, so re-generating it keeps the UID. */
export function visitUid(visit: CalendarVisit, host: string): string {
  return visit.plan_id && visit.origin === 'plan'
    ? `desk-plan-${visit.plan_id}-${visit.date.replace(/-/g, '')}@${host}`
    : `desk-visit-${visit.id}@${host}`;
}

export function visitsCalendar(visits: readonly CalendarVisit[], o: CalendarOptions): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//15-minute service circle//Mobile service desks//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(o.name)}`,
    `X-WR-TIMEZONE:${localTimeZone()}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT6H',
    ...(o.description ? [`X-WR-CALDESC:${escapeText(o.description)}`] : []),
  ];
  const stamp = utcStamp(o.now ?? new Date());
  for (const v of visits) {
    const services = v.services.map((s) => s.name_zh).join('、');
    const description = [
      `服务项目：${services}`,
      v.partners.length ? `合作单位：${v.partners.join('、')}` : '',
      v.contact_phone ? `联系电话：${v.contact_phone}` : '',
      v.note ? `备注：${v.note}` : '',
      v.status === 'cancelled' ? `本次已取消${v.cancel_reason ? `：${v.cancel_reason}` : ''}` : '',
      v.is_sample ? '示例数据，仅用于演示' : '',
    ].filter(Boolean).join('\n');
    const url = o.urlFor?.(v);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${visitUid(v, o.uidHost)}`,
      `DTSTAMP:${stamp}`,
      ...(v.updated_at ? [`LAST-MODIFIED:${utcStamp(new Date(v.updated_at))}`] : []),
      `SEQUENCE:${Math.max(0, (v.version ?? 1) - 1)}`,
      `DTSTART:${utcStamp(new Date(v.starts_at))}`,
      `DTEND:${utcStamp(new Date(v.ends_at))}`,
      `SUMMARY:${escapeText(`${v.status === 'cancelled' ? '【已取消】' : ''}流动办公桌：${services}`)}`,
      `LOCATION:${escapeText(`${v.street_name} ${v.place.name}`)}`,
      `GEO:${v.place.lat.toFixed(6)};${v.place.lon.toFixed(6)}`,
      `DESCRIPTION:${escapeText(description)}`,
      `STATUS:${v.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      'TRANSP:TRANSPARENT',
      ...(url ? [`URL:${url}`] : []),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
