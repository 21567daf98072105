// Mobile service desk visits as residents read them, shared by the resident map's desk section and the
// phone page behind a board's QR code: one visit's lines (date with weekday and 今天/明天, time window,
// place and walking minutes, services, the rule of a regular desk; a cancelled one struck through with
// its reason) and the list that shows the first few and keeps the rest behind "再显示 N 次".
import { currentLang, translator } from '../lang.ts';
import type { DeskVisit } from './api.ts';
import { h } from './dom.ts';
import { districtNow } from './district.ts';
import { messages } from './deskMessages.ts';
import './deskVisits.css';

/** The shared desk strings, for the parts of a page around the list (titles, popups), in the page's current language. */
export const deskText = translator(messages);
const nameOf = (c: { name_zh: string; name_en: string }) => (currentLang() === 'zh' ? c.name_zh : c.name_en);

/** Visits listed open; the rest wait behind "再显示 N 次". */
export const DESK_VISITS_OPEN = 3;

/** Today and tomorrow in the district, where the desks are (the phone's own zone may differ). */
function districtDates(): { today: string; tomorrow: string } {
  const now = districtNow();
  const [y, m, d] = [now.getFullYear(), now.getMonth(), now.getDate()];
  const iso = (day: number) => new Date(Date.UTC(y, m, day)).toISOString().slice(0, 10);
  return { today: iso(d), tomorrow: iso(d + 1) };
}

/** "6月10日（周三）" / "Wed 10 Jun". */
export function visitDate(v: DeskVisit): string {
  const [, month, day] = v.date.split('-').map(Number);
  return deskText('deskDate', month, day, v.weekday_zh, v.weekday);
}

export const visitWindow = (v: DeskVisit) => `${v.start_time}–${v.end_time}`;

/** Whole minutes rounded up, at least 1; a visit at the asked site itself says so instead. */
export function walkText(v: DeskVisit): string {
  return v.at_site ? deskText('deskHere') : deskText('deskWalk', Math.max(1, Math.ceil((v.walk_min ?? 0) - 1e-9)));
}

export const servicesText = (v: DeskVisit) => deskText('deskServices', v.services.map(nameOf));

export const cancelledBadge = () => h('span', { class: 'badge-cancelled' }, deskText('deskCancelled'));

export function cancelReason(v: DeskVisit): HTMLElement | null {
  return v.status === 'cancelled' && v.cancel_reason ? h('span', { class: 'reason' }, deskText('deskCancelReason', v.cancel_reason)) : null;
}

/**
 * One visit as a block of lines: a button on the resident map (it opens the desk on the map), a plain
 * block on the phone page. `data-status` and `data-walk-min` let tests and styles find what it says.
 */
export function visitBlock<K extends 'button' | 'div'>(tag: K, v: DeskVisit, attrs: Record<string, string | ((e: Event) => void)> = {}): HTMLElementTagNameMap[K] {
  const { today, tomorrow } = districtDates();
  const cancelled = v.status === 'cancelled';
  return h(tag, { ...attrs, class: `desk-visit${cancelled ? ' cancelled' : ''}`, 'data-visit-id': v.id, 'data-status': v.status },
    h('span', { class: 'when-line' },
      h('span', { class: 'when' }, visitDate(v)), ' ', h('span', { class: 'time' }, visitWindow(v)),
      v.date === today ? h('span', { class: 'badge-soon' }, deskText('deskToday')) : v.date === tomorrow ? h('span', { class: 'badge-soon' }, deskText('deskTomorrow')) : null,
      cancelled ? cancelledBadge() : null,
      v.is_sample ? h('span', { class: 'badge-sample' }, deskText('sample')) : null),
    // Place and walk wrap as two units: a separator would be left dangling at a line's end on a phone.
    h('span', { class: 'where' }, h('span', { class: 'place' }, v.place.name), ' ',
      h('span', { class: 'walk', 'data-walk-min': v.walk_min ?? '' }, walkText(v))),
    h('span', { class: 'services' }, servicesText(v)),
    cancelReason(v),
    v.recurrence ? h('span', { class: 'meta' }, deskText('deskRecurring', currentLang() === 'zh' ? v.recurrence.zh : v.recurrence.en)) : null);
}

/** The first `open` visits as an ordered list; the rest behind a native <details> ("再显示 N 次"). */
export function visitList(visits: DeskVisit[], block: (v: DeskVisit) => HTMLElement, open = DESK_VISITS_OPEN): HTMLElement[] {
  const item = (v: DeskVisit) => h('li', {}, block(v));
  const rest = visits.slice(open);
  const shown: HTMLElement = h('ol', { class: 'desk-list' }, ...visits.slice(0, open).map(item));
  if (!rest.length) return [shown];
  return [shown, h('details', { class: 'desk-more' },
    h('summary', {}, deskText('deskMore', rest.length)),
    h('ol', { class: 'desk-list', start: open + 1 }, ...rest.map(item)))];
}

/** A link that hands an iCalendar feed (RFC 5545) to the phone's calendar. */
export function calendarLink(href: string, text: string, attrs: Record<string, string> = {}): HTMLElement {
  return h('p', { class: 'calendar' }, h('a', { ...attrs, href, type: 'text/calendar', class: 'calendar-link' }, text));
}
