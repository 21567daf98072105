// The time a board is drawn for. A board hangs for months, so it cannot show "now": it shows the walk as
// it is at a stated time (a weekday at 10:00 unless the office asks for another), with the compound
// gates and dated closures of that time, and says so beside its ring key. The time is part of the
// board's content (its snapshot), so the reprint list compares a print with the board for the same time.
import { parseDistrictTime, type DistrictTime } from '../network/corrections.ts';
import { addDays, toLocal, fromLocal } from '../localTime.ts';

export type BoardDay = 'weekday' | 'weekend';
export interface BoardTime { day: BoardDay; time: string }

export const DEFAULT_BOARD_TIME: BoardTime = { day: 'weekday', time: '10:00' };
export const BOARD_DAYS = ['weekday', 'weekend'] as const;

/** "weekday 10:00": how the time is written in a snapshot and in a print job's options. */
export const boardTimeKey = (t: BoardTime): string => `${t.day} ${t.time}`;

export function parseBoardTimeKey(key: unknown): BoardTime {
  const m = typeof key === 'string' ? /^(weekday|weekend) ([01]\d|2[0-3]):([0-5]\d)$/.exec(key) : null;
  return m ? { day: m[1] as BoardDay, time: `${m[2]}:${m[3]}` } : DEFAULT_BOARD_TIME;
}

/**
 * The district date-time the walk is computed for: the first day of the stated kind from `today` on
 * (today itself when it is one), at the stated clock time. Monday–Friday are weekdays.
 */
export function boardDistrictTime(t: BoardTime, today: string): DistrictTime {
  let date = today;
  for (let i = 0; i < 7; i++, date = addDays(today, i)) {
    const weekday = toLocal(fromLocal(date, '12:00')).weekday;
    if ((weekday <= 5) === (t.day === 'weekday')) break;
  }
  return parseDistrictTime(`${date}T${t.time}`)!;
}

/** "工作日 10:00" / "weekdays 10:00". */
export function boardTimeLabel(t: BoardTime, lang: 'zh' | 'en'): string {
  if (lang === 'zh') return `${t.day === 'weekday' ? '工作日' : '周末'} ${t.time}`;
  return `${t.day === 'weekday' ? 'weekdays' : 'weekends'} ${t.time}`;
}
