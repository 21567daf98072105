// Recurring desk plans: an RFC 5545 RRULE value ("FREQ=MONTHLY;BYDAY=2WE,4WE") checked against a strict
// grammar of our own (the `rrule` package accepts some malformed values and can then loop forever),
// expanded with `rrule` over local dates, and described in words for people ("每月第2、4个周三").
import { createRequire } from 'node:module';
import type { Options as RRuleOptions } from 'rrule';
import { addDays, fromLocal } from '../localTime.ts';

const { RRule } = createRequire(import.meta.url)('rrule') as typeof import('rrule');

/** A rule that cannot be used; `message_zh` is shown to staff beside the rule field. */
export class RuleError extends Error {
  constructor(message: string, readonly messageZh: string) { super(message); }
}

const FREQS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
type Freq = typeof FREQS[number];
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const DAY_ZH: Record<string, string> = { MO: '周一', TU: '周二', WE: '周三', TH: '周四', FR: '周五', SA: '周六', SU: '周日' };

export interface ParsedRule {
  freq: Freq;
  interval: number;
  count?: number;
  byDay: { n?: number; day: typeof DAYS[number] }[];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  wkst?: typeof DAYS[number];
  /** The rule in canonical form (upper case, our part order). */
  text: string;
}

const intList = (value: string, name: string, ok: (n: number) => boolean, zh: string): number[] => value.split(',').map((v) => {
  if (!/^[+-]?\d{1,3}$/.test(v) || !ok(Number(v))) throw new RuleError(`${name}=${value} is not allowed`, `${name} 取值不正确（${zh}）`);
  return Number(v);
});

/**
 * Parses and checks an RRULE value. Accepts FREQ (DAILY/WEEKLY/MONTHLY/YEARLY), INTERVAL, COUNT, BYDAY,
 * BYMONTHDAY, BYMONTH, BYSETPOS and WKST. The time of day comes from the plan's time window and the end
 * from its until date, so BYHOUR/BYMINUTE/BYSECOND, DTSTART and UNTIL are refused.
 */
export function parseRule(input: string): ParsedRule {
  const value = input.trim().replace(/^RRULE:/i, '').toUpperCase();
  if (!value) throw new RuleError('rule is empty', '重复规则不能为空');
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const m = /^([A-Z]+)=([A-Z0-9,+-]+)$/.exec(part);
    if (!m) throw new RuleError(`"${part}" is not NAME=VALUE`, `“${part}”格式不正确`);
    if (parts.has(m[1])) throw new RuleError(`${m[1]} appears twice`, `${m[1]} 重复出现`);
    parts.set(m[1], m[2]);
  }
  for (const name of parts.keys()) {
    if (['UNTIL', 'DTSTART'].includes(name)) throw new RuleError(`${name} is set by the plan's dates, not in the rule`, `${name} 请用计划的起止日期设置`);
    if (['BYHOUR', 'BYMINUTE', 'BYSECOND'].includes(name)) throw new RuleError(`${name} is set by the plan's time window, not in the rule`, '时间请用计划的时段设置');
    if (!['FREQ', 'INTERVAL', 'COUNT', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST'].includes(name)) {
      throw new RuleError(`${name} is not supported`, `不支持 ${name}`);
    }
  }
  const freq = parts.get('FREQ') as Freq | undefined;
  if (!freq || !FREQS.includes(freq)) throw new RuleError('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY', 'FREQ 必须是 DAILY、WEEKLY、MONTHLY 或 YEARLY');
  const interval = parts.has('INTERVAL') ? intList(parts.get('INTERVAL')!, 'INTERVAL', (n) => n >= 1 && n <= 52, '1–52')[0] : 1;
  const count = parts.has('COUNT') ? intList(parts.get('COUNT')!, 'COUNT', (n) => n >= 1 && n <= 500, '1–500')[0] : undefined;
  const byDay = parts.has('BYDAY') ? parts.get('BYDAY')!.split(',').map((v) => {
    const m = /^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$/.exec(v);
    if (!m) throw new RuleError(`BYDAY value "${v}" is not like WE, 2WE or -1FR`, `BYDAY 的“${v}”格式不正确（如 WE、2WE、-1FR）`);
    if (m[1] && !['MONTHLY', 'YEARLY'].includes(freq)) throw new RuleError('numbered weekdays (2WE) need FREQ=MONTHLY or YEARLY', '“第几个周几”需要 FREQ=MONTHLY');
    return { n: m[1] ? Number(m[1]) : undefined, day: m[2] as typeof DAYS[number] };
  }) : [];
  const byMonthDay = parts.has('BYMONTHDAY') ? intList(parts.get('BYMONTHDAY')!, 'BYMONTHDAY', (n) => n !== 0 && Math.abs(n) <= 31, '1–31') : [];
  const byMonth = parts.has('BYMONTH') ? intList(parts.get('BYMONTH')!, 'BYMONTH', (n) => n >= 1 && n <= 12, '1–12') : [];
  const bySetPos = parts.has('BYSETPOS') ? intList(parts.get('BYSETPOS')!, 'BYSETPOS', (n) => n !== 0 && Math.abs(n) <= 31, '±1–31') : [];
  const wkst = parts.get('WKST') as typeof DAYS[number] | undefined;
  if (wkst !== undefined && !DAYS.includes(wkst)) throw new RuleError('WKST must be a weekday (MO…SU)', 'WKST 必须是星期（MO…SU）');
  const text = [
    `FREQ=${freq}`,
    interval !== 1 ? `INTERVAL=${interval}` : '',
    count !== undefined ? `COUNT=${count}` : '',
    byMonth.length ? `BYMONTH=${byMonth.join(',')}` : '',
    byMonthDay.length ? `BYMONTHDAY=${byMonthDay.join(',')}` : '',
    byDay.length ? `BYDAY=${byDay.map((d) => `${d.n ?? ''}${d.day}`).join(',')}` : '',
    bySetPos.length ? `BYSETPOS=${bySetPos.join(',')}` : '',
    wkst ? `WKST=${wkst}` : '',
  ].filter(Boolean).join(';');
  return { freq, interval, count, byDay, byMonthDay, byMonth, bySetPos, wkst, text };
}

export interface RecurringWindow {
  rule: string;
  /** First local date the plan may fall on (its DTSTART date). */
  startDate: string;
  /** Last local date, inclusive; null = open-ended (bounded by COUNT or by the caller's range). */
  untilDate: string | null;
  startTime: string;
  endTime: string;
}

export interface Occurrence {
  /** Local date of the occurrence (the plan's key for it). */
  date: string;
  startsAt: Date;
  endsAt: Date;
}

/** At most this many occurrences are expanded at once (a daily plan for a year is 366). */
export const MAX_OCCURRENCES = 800;

// rrule works on "floating" times: local wall-clock values carried in Date objects as if they were UTC.
const floating = (date: string, hhmm = '00:00') => new Date(`${date}T${hhmm}:00Z`);

/** The occurrences of a plan between two local dates (inclusive), in order. */
export function expandPlan(plan: RecurringWindow, fromDate: string, toDate: string): Occurrence[] {
  const parsed = parseRule(plan.rule);
  const options: Partial<RRuleOptions> = RRule.parseString(parsed.text);
  options.dtstart = floating(plan.startDate, plan.startTime);
  if (plan.untilDate) options.until = floating(plan.untilDate, '23:59');
  const rule = new RRule(options);
  const from = floating(fromDate < plan.startDate ? plan.startDate : fromDate);
  const to = floating(addDays(toDate, 1));
  const out: Occurrence[] = [];
  rule.between(from, to, true, (d) => {
    if (d.getTime() >= to.getTime()) return false;
    const date = d.toISOString().slice(0, 10);
    out.push({ date, startsAt: fromLocal(date, plan.startTime), endsAt: fromLocal(date, plan.endTime) });
    return out.length < MAX_OCCURRENCES;
  });
  return out;
}

/** The rule in words for residents and staff, e.g. 每月第2、4个周三 / 2nd and 4th Wednesday of each month. */
export function describeRule(input: string): { zh: string; en: string } {
  const r = parseRule(input);
  const every = (unit: string) => (r.interval === 1 ? `每${unit}` : `每${r.interval}${unit === '月' ? '个月' : unit}`);
  let zh: string;
  const days = r.byDay.filter((d) => d.n === undefined).map((d) => DAY_ZH[d.day]);
  const numbered = r.byDay.filter((d) => d.n !== undefined);
  if (r.freq === 'DAILY') zh = r.interval === 1 ? '每天' : `每${r.interval}天`;
  else if (r.freq === 'WEEKLY') zh = days.length ? (r.interval === 1 ? `每${days.join('、')}` : `每${r.interval}周的${days.join('、')}`) : every('周');
  else if (r.freq === 'MONTHLY' && numbered.length && new Set(numbered.map((d) => d.day)).size === 1) {
    const positive = numbered.every((d) => d.n! > 0);
    const ordinals = positive ? `第${numbered.map((d) => d.n).join('、')}`
      : numbered.map((d) => (d.n === -1 ? '最后一' : d.n! < 0 ? `倒数第${-d.n!}` : `第${d.n}`)).join('、');
    zh = `${every('月')}${ordinals}个${DAY_ZH[numbered[0].day]}`;
  } else if (r.freq === 'MONTHLY' && r.byMonthDay.length) zh = `${every('月')}${r.byMonthDay.map((d) => (d < 0 ? `倒数第${-d}天` : `${d}日`)).join('、')}`;
  else zh = r.text;
  if (r.count) zh += `，共${r.count}次`;
  const options: Partial<RRuleOptions> = RRule.parseString(r.text);
  return { zh, en: new RRule(options).toText() };
}
