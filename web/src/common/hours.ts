// Opening hours, one module for the board and both resident pages: the OSM value as a resident reads it
// ("Mo-Su 10:30-13:00" → "每天 10:30-13:00"; the board prints this very text), and "open now" with the
// next opening or closing time. The OSM parser is large, so pages load it on demand after the first
// content is on screen. The only import is the pure place module the server shares (server/hoursPlace.ts),
// so the server's board printer uses the plain-text formatter too; the place (holidays, sunrise/sunset)
// is the district's, set by web/src/common/district.ts once /api/district/info answers, or passed in.
import { hoursContext, hoursPlace, type HoursPlace } from '../../../server/hoursPlace.ts';

export type HoursLang = 'zh' | 'en';
export type OpenState = 'open' | 'closed' | 'unknown';

const DAYS: Record<HoursLang, Record<string, string>> = {
  zh: { Mo: '周一', Tu: '周二', We: '周三', Th: '周四', Fr: '周五', Sa: '周六', Su: '周日' },
  en: { Mo: 'Mon', Tu: 'Tue', We: 'Wed', Th: 'Thu', Fr: 'Fri', Sa: 'Sat', Su: 'Sun' },
};
const DAY = '(?:Mo|Tu|We|Th|Fr|Sa|Su)';
const DAY_PART = `(?:${DAY}|PH)(?:-${DAY})?`;
const RULE = new RegExp(`^(${DAY_PART}(?:,${DAY_PART})*)?\\s*(.*)$`);

/**
 * OSM opening_hours as a resident reads it: "Mo-Su 10:30-13:00,16:30-18:30" → "每天 10:30-13:00, 16:30-18:30",
 * "Mo-Fr 08:30-17:00; Sa 09:00-12:00" → "周一至周五 08:30-17:00；周六 09:00-12:00", "24/7" → "24小时".
 * Anything it does not recognise is given back as written.
 */
export function formatOpeningHours(value: string | null, lang: HoursLang): string | null {
  if (!value) return null;
  const v = value.trim();
  if (v === '24/7') return lang === 'zh' ? '24小时' : '24 hours';
  const days = DAYS[lang];
  const out: string[] = [];
  for (const rule of v.split(/\s*;\s*/)) {
    const m = RULE.exec(rule);
    if (!m) return v;
    const [, daySpec, rest] = m;
    let dayText = '';
    if (daySpec) {
      if (daySpec === 'Mo-Su') dayText = lang === 'zh' ? '每天' : 'Daily';
      else {
        dayText = daySpec.split(',').map((part) => {
          if (part === 'PH') return lang === 'zh' ? '节假日' : 'holidays';
          const [a, b] = part.split('-');
          return b ? (lang === 'zh' ? `${days[a]}至${days[b]}` : `${days[a]}–${days[b]}`) : days[a];
        }).join(lang === 'zh' ? '、' : ', ');
      }
    }
    let times = rest.trim();
    if (times === 'off' || times === 'closed') times = lang === 'zh' ? '休息' : 'closed';
    else if (times && !/^[0-9:,\-+ ]+$/.test(times)) return v;
    times = times.replace(/,\s*/g, ', ');
    out.push([dayText, times].filter(Boolean).join(' '));
  }
  return out.join(lang === 'zh' ? '；' : '; ');
}

type OpeningHoursCtor = typeof import('opening_hours').default;
let parser: Promise<OpeningHoursCtor> | undefined;

export function loadHoursParser(): Promise<OpeningHoursCtor> {
  parser ??= import('opening_hours').then((m) => m.default);
  return parser;
}

export interface OpenNow { state: OpenState; /** next change of state, when known */ next?: Date }

const DAY_INDEX: Record<string, number> = { Su: 0, Mo: 1, Tu: 2, We: 3, Th: 4, Fr: 5, Sa: 6 };
const TIME_RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/**
 * The plain weekly form most values take ("Mo-Fr 08:00-11:30,13:30-17:00; Sa 08:00-12:00", "24/7",
 * "Tu-Su 09:00-17:00", "Su off") as opening minutes per weekday (0 = Sunday), a later rule replacing the
 * earlier ones on its days as in OSM. Anything else (holidays, months, times past midnight, comments)
 * is null and goes to the OSM parser, which is large: the phone page then never loads it for plain values.
 */
export function plainWeek(value: string): [number, number][][] | null {
  const v = value.trim();
  if (v === '24/7') return Array.from({ length: 7 }, () => [[0, 1440]]);
  const week: [number, number][][] = Array.from({ length: 7 }, () => []);
  for (const rule of v.split(/\s*;\s*/)) {
    const m = /^(?:((?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?(?:,(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*)\s+)?(\S.*)$/.exec(rule);
    if (!m) return null;
    const days = new Set<number>();
    for (const part of (m[1] ?? 'Mo-Su').split(',')) {
      const [a, b] = part.split('-').map((d) => DAY_INDEX[d]);
      // "Fr-Mo" runs over the weekend.
      for (let d = a; ; d = (d + 1) % 7) { days.add(d); if (b === undefined || d === b) break; }
    }
    const intervals: [number, number][] = [];
    if (m[2] !== 'off' && m[2] !== 'closed') {
      for (const range of m[2].split(/\s*,\s*/)) {
        const t = TIME_RANGE.exec(range);
        if (!t) return null;
        const start = Number(t[1]) * 60 + Number(t[2]);
        const end = Number(t[3]) * 60 + Number(t[4]);
        if (end <= start || end > 1440) return null;
        intervals.push([start, end]);
      }
    }
    for (const d of days) week[d] = intervals;
  }
  return week;
}

/** Open or closed at `at` for a plain weekly value, and the next change within a week (none for 24/7 or never open). */
function plainOpenNow(week: [number, number][][], at: Date): OpenNow {
  const dayStart = (offset: number) => new Date(at.getFullYear(), at.getMonth(), at.getDate() + offset);
  const now = at.getHours() * 60 + at.getMinutes() + at.getSeconds() / 60 + at.getMilliseconds() / 60_000;
  // Minutes from today's midnight, over eight days (so a change next week on the same day is found) and
  // one more, so that the horizon's own end is not taken for a closing.
  const spans: [number, number][] = [];
  for (let offset = 0; offset < 9; offset++) {
    for (const [a, b] of week[(at.getDay() + offset) % 7]) spans.push([offset * 1440 + a, offset * 1440 + b]);
  }
  const openAt = (t: number) => spans.some(([a, b]) => a <= t && t < b);
  const state = openAt(now);
  const next = spans.flat().filter((t) => t > now && t <= 8 * 1440).sort((x, y) => x - y).find((t) => openAt(t) !== state);
  if (next === undefined) return { state: state ? 'open' : 'closed' };
  const day = Math.floor(next / 1440);
  const d = dayStart(day);
  d.setMinutes(next - day * 1440);
  return { state: state ? 'open' : 'closed', next: d };
}

/**
 * Open or closed at `at` (a Date whose local fields are the district's wall clock, see districtNow), and
 * the next change. Values beyond the plain weekly form are read at `place`: the district's by default.
 */
export async function openNow(value: string | null, at: Date = new Date(), place: HoursPlace | null = hoursPlace()): Promise<OpenNow> {
  if (!value) return { state: 'unknown' };
  const week = plainWeek(value);
  if (week) return plainOpenNow(week, at);
  try {
    const OpeningHours = await loadHoursParser();
    const oh = new OpeningHours(value, hoursContext(place, at) as never);
    const unknown = oh.getUnknown(at);
    return { state: unknown ? 'unknown' : oh.getState(at) ? 'open' : 'closed', next: oh.getNextChange(at) ?? undefined };
  } catch {
    return { state: 'unknown' };
  }
}

export function hhmm(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

const WEEKDAY: Record<HoursLang, string[]> = {
  zh: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};

/** "今天 16:30", "明天 08:30", "周一 08:30" (or "today 16:30" …): when a closed place opens again. */
export function whenText(next: Date, now: Date, lang: HoursLang): string {
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(next) - day(now)) / 86_400_000);
  const label = days === 0 ? (lang === 'zh' ? '今天' : 'today') : days === 1 ? (lang === 'zh' ? '明天' : 'tomorrow') : WEEKDAY[lang][next.getDay()];
  return `${label} ${hhmm(next)}`;
}
