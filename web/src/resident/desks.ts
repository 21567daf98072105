// The resident map's "流动办公桌 / Mobile service desk" section: once a start is chosen, the next desk visits
// within its 15-minute walk (date with weekday, time window, services, walking minutes; cancelled ones
// say so), the street calendars to add to a phone, and the desk places as their own markers with a popup.
// The visit lines and the list are common/deskVisits.ts, shared with the phone page.
import type { Map as MapLibreMap } from 'maplibre-gl';
import { translator } from '../lang.ts';
import { api, type DeskVisit, type UpcomingDesks } from '../common/api.ts';
import { append, clear, h } from '../common/dom.ts';
import { calendarLink, cancelledBadge, cancelReason, deskText, servicesText, visitBlock, visitDate, visitList, visitWindow, walkText } from '../common/deskVisits.ts';
import { addDeskLayer, closeDeskPopup, deskPlaceAt, setDeskPlaces, showDeskPopup, type DeskPlace } from '../map/deskMarkers.ts';
import { setFixedMarks } from '../map/overlay.ts';
import { messages } from './messages.ts';

// The page's language at each call: the resident map switches language without reloading.
const t = translator(messages);

/** How far ahead and how many visits the section asks for; the first few are listed open. */
const DAYS_AHEAD = 60;
const VISITS_ASKED = 8;
/** Visits a popup lists: it must fit the map's half of a phone screen. */
const POPUP_VISITS = 3;

const section = h('section', { id: 'desks', class: 'desks', 'aria-labelledby': 'desks-title', hidden: true });
let map: MapLibreMap | null = null;
let abort: AbortController | null = null;
let answer: UpcomingDesks | null = null;

const placeKey = (v: DeskVisit) => `${v.place.lon.toFixed(6)},${v.place.lat.toFixed(6)}`;

/** The section element; main.ts places it in the panel. */
export function deskSection(): HTMLElement { return section; }

/** Puts the desk layer on the map, under the service points so those stay on top and clickable. */
export function attachDeskMap(m: MapLibreMap): void {
  map = m;
  addDeskLayer(m, 'leaders-line');
  m.on('mouseenter', 'desks-marker', () => { m.getCanvas().style.cursor = 'pointer'; });
  m.on('mouseleave', 'desks-marker', () => { m.getCanvas().style.cursor = ''; });
}

/** Opens the popup of the desk place under a map click; false when there is none. */
export function openDeskAt(point: { x: number; y: number }): boolean {
  if (!map) return false;
  const key = deskPlaceAt(map, point);
  if (!key) return false;
  openPlace(key);
  return true;
}

export function closeDeskPopupIfOpen(): boolean {
  if (!map || !document.querySelector('.desk-popup')) return false;
  closeDeskPopup(map);
  return true;
}

/** Nothing chosen (or the start is off the network): no section, no markers. */
export function clearDesks(): void {
  abort?.abort();
  answer = null;
  section.hidden = true;
  clear(section);
  if (map) { closeDeskPopup(map); setDeskPlaces(map, []); setFixedMarks(map, []); }
}

export async function showDesksNear(origin: [number, number], profile: string): Promise<void> {
  abort?.abort();
  abort = new AbortController();
  const signal = abort.signal;
  if (map) { closeDeskPopup(map); setDeskPlaces(map, []); setFixedMarks(map, []); }
  clear(section);
  section.hidden = false;
  section.dataset.state = 'loading';
  append(section, h('h2', { id: 'desks-title' }, deskText('deskTitle')), h('p', { class: 'muted' }, t('deskLoading')));
  try {
    answer = await api.upcomingDesksAt(origin[0], origin[1], profile, VISITS_ASKED, DAYS_AHEAD, signal);
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    answer = null;
    clear(section);
    section.dataset.state = 'failed';
    append(section, h('h2', { id: 'desks-title' }, deskText('deskTitle')), h('p', { class: 'muted' }, t('deskFailed')));
    return;
  }
  render(answer);
}

function render(a: UpcomingDesks): void {
  clear(section);
  section.dataset.state = a.visits.length ? 'ready' : 'empty';
  append(section, h('h2', { id: 'desks-title' }, h('span', { class: 'desk-mark', 'aria-hidden': 'true' }, '桌'), deskText('deskTitle')));
  if (!a.visits.length) {
    append(section, h('p', { class: 'muted' }, t('deskNone', a.within_minutes, DAYS_AHEAD)));
    return;
  }
  append(section, h('p', { class: 'muted intro' }, t('deskIntro', a.within_minutes)),
    ...visitList(a.visits, (v) => visitBlock('button', v, { type: 'button', onclick: () => openPlace(placeKey(v), true) })));
  // A place has no calendar of its own: each street of the listed visits offers its feed.
  const streets = new Map(a.visits.map((v) => [v.street_code, v.street_name]));
  append(section,
    h('p', { class: 'muted hint' }, t('deskMarkerHint')),
    ...[...streets].map(([code, name]) => calendarLink(`/api/desks/street/${encodeURIComponent(code)}.ics`, deskText('deskStreetCalendar', name), { 'data-street': code })));

  if (map) {
    const places = new Map<string, DeskPlace>();
    for (const v of a.visits) {
      const key = placeKey(v);
      const p = places.get(key) ?? { key, lon: v.place.lon, lat: v.place.lat, name: v.place.name, cancelled: true };
      p.cancelled &&= v.status === 'cancelled';
      places.set(key, p);
    }
    setDeskPlaces(map, [...places.values()]);
    setFixedMarks(map, [...places.values()].map((p) => [p.lon, p.lat]));
  }
}

/**
 * The popup of one place: its services, the dates listed for it (a date offering other services names
 * them), then the partners, phone and note of the first visit still on.
 */
function openPlace(key: string, fromList = false): void {
  if (!map || !answer) return;
  const visits = answer.visits.filter((v) => placeKey(v) === key);
  if (!visits.length) return;
  const first = visits.find((v) => v.status === 'scheduled') ?? visits[0];
  const sameServices = (v: DeskVisit) => servicesText(v) === servicesText(first);
  const content = h('div', { class: 'desk-popup-body', 'data-place': key },
    h('h3', {}, deskText('deskTitle'), first.is_sample ? h('span', { class: 'badge-sample' }, t('sample')) : null),
    h('p', { class: 'place' }, first.place.name, ' · ', walkText(first)),
    h('p', {}, servicesText(first)),
    h('ul', {}, ...visits.slice(0, POPUP_VISITS).map((v) => h('li', { 'data-status': v.status },
      h('strong', {}, `${visitDate(v)} ${visitWindow(v)}`),
      v.status === 'cancelled' ? cancelledBadge() : null,
      sameServices(v) ? null : h('span', { class: 'services' }, servicesText(v)),
      cancelReason(v)))),
    first.partners.length ? h('p', {}, t('deskPartners', first.partners)) : null,
    first.contact_phone ? h('p', {}, h('a', { class: 'tel', href: `tel:${first.contact_phone.replace(/[^0-9+]/g, '')}`, 'aria-label': t('call', first.contact_phone) }, first.contact_phone)) : null,
    first.note ? h('p', { class: 'meta' }, t('deskNote', first.note)) : null);
  const at: [number, number] = [first.place.lon, first.place.lat];
  if (fromList) {
    // On a phone the map sits above the list: bring it into view, then the place into the map.
    const box = map.getContainer().getBoundingClientRect();
    if (box.bottom < 0 || box.top > window.innerHeight) map.getContainer().scrollIntoView({ block: 'start' });
    if (!map.getBounds().contains(at)) map.jumpTo({ center: at });
  }
  showDeskPopup(map, at, content);
}
