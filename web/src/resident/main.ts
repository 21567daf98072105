// The resident map (/): service points by category on our own basemap; click anywhere (or "my
// location") for the 5/10/15-minute walking rings, the nearest services of each kind and the mobile
// service desks coming within that walk (desks.ts); a point's card with hours, phone, walking time,
// the route, and links to the phone's map apps.
import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { currentLang, setLang, translator } from '../lang.ts';
import { api, ApiError, type Catalog, type Category, type NearestItem, type PointFeature, type ReachAnswer } from '../common/api.ts';
import { append, clear, el, textColorOn } from '../common/dom.ts';
import { hhmm, openNow } from '../common/hours.ts';
import { metres } from '../common/format.ts';
import { NAV_APPS, navigationUrl } from '../common/navigation.ts';
import { createMap, hasWebGL2 } from '../map/createMap.ts';
import { addOverlay, filterCategories, selectPoint, setOrigin, setPoints, setRings, setRoute, type MapPoint } from '../map/overlay.ts';
import { attachDeskMap, clearDesks, closeDeskPopupIfOpen, deskSection, openDeskAt, showDesksNear } from './desks.ts';
import { messages } from './messages.ts';
import { reportButton } from '../common/reportButton.ts';
import { scoreLayer } from './scoreLayer.ts';
import './resident.css';

const lang = currentLang();
setLang(lang);
const t = translator(messages, lang);
const nameOf = (c: { name_zh: string; name_en: string }) => (lang === 'zh' ? c.name_zh : c.name_en);

interface State {
  catalog: Catalog;
  points: PointFeature[];
  /** Categories the resident picked; empty = all. */
  picked: Set<string>;
  profile: string;
  origin: [number, number] | null;
  reach: ReachAnswer | null;
  /** Board-style numbers of the listed points (by point id). */
  numbers: Map<number, number>;
  selected: number | null;
}

const ui = {
  status: el('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
  chips: el('div', { id: 'chips', class: 'chips', role: 'group' }),
  profiles: el('div', { id: 'profiles', class: 'segmented', role: 'radiogroup' }),
  results: el('section', { id: 'results', class: 'results', 'aria-live': 'polite' }),
  card: el('section', { id: 'card', class: 'card', role: 'dialog', 'aria-modal': 'false', hidden: true, tabindex: '-1' }),
  mapBox: el('div', { id: 'map', class: 'map' }),
};

interface HashState { origin: [number, number] | null; profile: string | null; point: number | null; categories: string[]; view: { center: [number, number]; zoom: number } | null }

function readHash(): HashState {
  const p = new URLSearchParams(location.hash.slice(1));
  const o = p.get('o')?.split(',').map(Number);
  const m = p.get('m')?.split(',').map(Number);
  return {
    origin: o && o.length === 2 && o.every(Number.isFinite) ? [o[0], o[1]] : null,
    profile: p.get('p'),
    point: Number(p.get('pt')) || null,
    categories: (p.get('c') ?? '').split(',').filter((c) => /^[a-z_]{1,40}$/.test(c)),
    view: m && m.length === 3 && m.every(Number.isFinite) ? { center: [m[0], m[1]], zoom: m[2] } : null,
  };
}

/** The state in the URL hash: place, profile, point, picked categories and (for the language switch) the map view. */
function writeHash(s: State, withView = false): void {
  // Only digits, dots, commas, letters and underscores: readable and safe unencoded.
  const parts: string[] = [];
  if (s.origin) parts.push(`o=${s.origin[0].toFixed(5)},${s.origin[1].toFixed(5)}`);
  if (s.profile !== 'standard') parts.push(`p=${encodeURIComponent(s.profile)}`);
  if (s.selected) parts.push(`pt=${s.selected}`);
  if (s.picked.size) parts.push(`c=${[...s.picked].join(',')}`);
  if (withView && map) parts.push(`m=${map.getCenter().lng.toFixed(5)},${map.getCenter().lat.toFixed(5)},${map.getZoom().toFixed(2)}`);
  history.replaceState(null, '', `${location.pathname}${location.search}${parts.length ? `#${parts.join('&')}` : ''}`);
}

let score: ReturnType<typeof scoreLayer>;
const LARGE_KEY = 'hexi.largeText';
function largeTextOn(): boolean {
  try { return (localStorage.getItem(LARGE_KEY) ?? '0') !== '0'; } catch { return false; }
}
function applyLargeText(on: boolean): void {
  document.documentElement.classList.toggle('large', on);
  try { localStorage.setItem(LARGE_KEY, on ? '1' : '0'); } catch { /* storage blocked */ }
}
if (largeTextOn()) document.documentElement.classList.add('large');

function renderShell(): void {
  score = scoreLayer(() => map, () => state.profile, { toggle: t('scoreToggle'), legend: t('scoreLegend') });
  const langButton = el('button', {
    type: 'button', class: 'lang', 'aria-label': t('langSwitchLabel'),
    // The page is rebuilt in the other language with the same place, profile, categories and map view.
    onclick: () => { if (state) writeHash(state, true); setLang(lang === 'zh' ? 'en' : 'zh'); location.reload(); },
  }, t('langSwitch'));
  // 大字 mode, shared with the phone page (one remembered setting: hexi.largeText).
  const largeButton = el('button', {
    type: 'button', id: 'large-text', class: 'lang', 'aria-pressed': String(largeTextOn()), 'aria-label': t('largeTextLabel'),
    onclick: () => { const on = !largeTextOn(); applyLargeText(on); largeButton.setAttribute('aria-pressed', String(on)); },
  }, t('largeText'));
  const header = el('header', { class: 'top' },
    el('div', {}, el('h1', {}, t('title')), el('p', { class: 'subtitle' }, t('subtitle'))),
    el('div', { class: 'top-tools' }, largeButton, langButton));
  const panel = el('aside', { id: 'panel', class: 'panel' },
    el('p', { id: 'sample-banner', class: 'sample-banner', hidden: true }, el('span', { class: 'badge-sample' }, t('sample')), ' ', t('sampleBanner')),
    el('div', { class: 'row' }, el('span', { class: 'label', id: 'profile-label' }, t('profile')), ui.profiles),
    el('div', { class: 'row actions' },
      el('button', { type: 'button', id: 'locate', class: 'btn primary', onclick: () => void locate() }, t('myLocation')),
      el('button', { type: 'button', id: 'query-center', class: 'btn', onclick: () => { if (map) void queryAt(map.getCenter().toArray() as [number, number]); } }, t('queryCenter')),
      score.button),
    score.legend,
    el('h2', { class: 'label', id: 'categories-label' }, t('categories')),
    ui.chips,
    ui.status,
    deskSection(),
    ui.results,
    el('p', { class: 'attribution-note' }, t('attributionNote')));
  ui.profiles.setAttribute('aria-labelledby', 'profile-label');
  ui.chips.setAttribute('aria-labelledby', 'categories-label');
  const main = el('main', { class: 'layout' }, panel, el('div', { class: 'map-wrap' }, ui.mapBox, ui.card));
  append(document.body, header, main);
  ui.results.append(el('p', { class: 'hint' }, t('hint')));
}

let map: MapLibreMap | null = null;
let state: State;
let reachAbort: AbortController | null = null;
let cardAbort: AbortController | null = null;

function categoryById(id: string): Category | undefined { return state.catalog.categories.find((c) => c.id === id); }

function visibleCategories(): string[] | null { return state.picked.size ? [...state.picked] : null; }

function marker(c: Category | undefined, text?: string | number): HTMLElement {
  const color = c?.color ?? '#666666';
  return el('span', { class: 'marker', style: `background:${color};color:${textColorOn(color)}`, 'aria-hidden': 'true' }, String(text ?? c?.icon ?? '?'));
}

function renderProfiles(): void {
  clear(ui.profiles);
  for (const p of state.catalog.profiles) {
    const checked = p.id === state.profile;
    append(ui.profiles, el('button', {
      type: 'button', role: 'radio', 'aria-checked': String(checked), class: `seg${checked ? ' on' : ''}`, 'data-profile': p.id,
      tabindex: checked ? '0' : '-1',
      onclick: () => { if (state.profile !== p.id) { state.profile = p.id; renderProfiles(); writeHash(state); score.update(); if (state.origin) void queryAt(state.origin); } },
      onkeydown: (e: Event) => {
        const k = (e as KeyboardEvent).key;
        if (k !== 'ArrowRight' && k !== 'ArrowLeft') return;
        const ids = state.catalog.profiles.map((x) => x.id);
        const next = ids[(ids.indexOf(p.id) + (k === 'ArrowRight' ? 1 : ids.length - 1)) % ids.length];
        (ui.profiles.querySelector(`[data-profile="${next}"]`) as HTMLButtonElement).click();
        (ui.profiles.querySelector(`[data-profile="${next}"]`) as HTMLButtonElement).focus();
      },
    }, nameOf(p)));
  }
}

function renderChips(): void {
  clear(ui.chips);
  append(ui.chips, el('button', {
    type: 'button', class: 'chip all', 'aria-pressed': String(state.picked.size === 0), 'data-category': '',
    onclick: () => { state.picked.clear(); applyFilter(); writeHash(state); },
  }, t('allCategories')));
  for (const c of state.catalog.categories) {
    append(ui.chips, el('button', {
      type: 'button', class: 'chip', 'aria-pressed': String(state.picked.has(c.id)), 'data-category': c.id,
      onclick: () => { if (state.picked.has(c.id)) state.picked.delete(c.id); else state.picked.add(c.id); applyFilter(); writeHash(state); },
    }, marker(c), nameOf(c)));
  }
}

function applyFilter(): void {
  renderChips();
  if (map) filterCategories(map, visibleCategories());
  const shown = state.points.filter((p) => !state.picked.size || state.picked.has(p.properties.category)).length;
  ui.mapBox.dataset.pointsShown = String(shown);
  ui.status.textContent = t('pointsShown', shown);
  renderResults();
}

function mapPoints(): MapPoint[] {
  return state.points.map((f) => ({
    id: f.properties.id, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], name: f.properties.name,
    category: f.properties.category, is_sample: f.properties.is_sample, number: state.numbers.get(f.properties.id),
  }));
}

async function queryAt(origin: [number, number], from: 'map' | 'geolocation' = 'map'): Promise<void> {
  state.origin = origin;
  state.selected = null;
  writeHash(state);
  closeCard();
  reachAbort?.abort();
  reachAbort = new AbortController();
  if (map) { setOrigin(map, origin); setRoute(map, null); }
  clear(ui.results);
  append(ui.results, el('p', { class: 'hint' }, t('loading')));
  void showDesksNear(origin, state.profile);
  try {
    state.reach = await api.reachAt(origin[0], origin[1], state.profile, 3, reachAbort.signal);
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    state.reach = null;
    clearDesks();
    clear(ui.results);
    const outside = err instanceof ApiError && err.status === 422;
    append(ui.results, el('p', { class: 'error', role: 'alert' }, outside ? (from === 'geolocation' ? t('locationOutside') : t('outside')) : t('failed')));
    if (outside && from === 'geolocation') ui.status.textContent = t('locationOutside');
    if (map) setRings(map, [], () => '');
    return;
  }
  if (map) setRings(map, state.reach.rings.features, (m) => t('ringLabel', m));
  renderResults();
}

function renderResults(): void {
  const reach = state.reach;
  if (!reach) return;
  clear(ui.results);
  state.numbers.clear();
  const list = el('ol', { class: 'groups' });
  let n = 0;
  for (const c of state.catalog.categories) {
    if (state.picked.size && !state.picked.has(c.id)) continue;
    const items = reach.nearest[c.id] ?? [];
    const group = el('li', { class: 'group', 'data-category': c.id },
      el('h3', {}, marker(c), nameOf(c), items.length === 0 ? el('span', { class: 'none' }, ` · ${t('noneWithin')}`) : null));
    const ul = el('ul', { class: 'items' });
    for (const item of items) {
      n += 1;
      state.numbers.set(item.id, n);
      append(ul, el('li', {},
        el('button', { type: 'button', class: 'result-item', 'data-point-id': item.id, onclick: () => void openCard(item.id) },
          marker(c, n),
          el('span', { class: 'name' }, item.name, item.is_sample ? el('span', { class: 'badge-sample' }, t('sample')) : null),
          el('span', { class: 'min', 'data-walk-min': item.walk_min }, t('minutes', Math.max(1, Math.ceil(item.walk_s / 60 - 1e-9))))),
        reportButton(() => ({ point_id: item.id, label: item.name, kind: 'info_wrong' }), () => state.catalog.categories, { compact: true })));
    }
    append(group, ul);
    append(list, group);
  }
  append(ui.results,
    el('h2', {}, t('resultsTitle'), ' ',
      reportButton(() => (state.origin ? { lon: state.origin[0], lat: state.origin[1] } : null), () => state.catalog.categories, { compact: true, id: 'report-here' })),
    el('p', { class: 'muted' }, t('resultsFor', nameOf(reach.profile)),
      reach.origin.snap_distance_m >= 30 ? ` ${t('snapNote', Math.round(reach.origin.snap_distance_m))}` : ''),
    list);
  if (map) setPoints(map, mapPoints(), state.catalog.categories);
}

function closeCard(): void {
  cardAbort?.abort();
  ui.card.hidden = true;
  clear(ui.card);
  state.selected = null;
  if (map) { selectPoint(map, null); setRoute(map, null); }
}

async function openCard(id: number): Promise<void> {
  const feature = state.points.find((p) => p.properties.id === id);
  if (!feature) return;
  const p = feature.properties;
  const [lon, lat] = feature.geometry.coordinates;
  const c = categoryById(p.category);
  state.selected = id;
  writeHash(state);
  cardAbort?.abort();
  cardAbort = new AbortController();
  const signal = cardAbort.signal;
  if (map) selectPoint(map, id);

  const hours = el('p', { class: 'hours' }, p.opening_hours ? el('span', { class: 'open-state', 'data-state': 'pending' }, '…') : t('hoursUnknown'), p.opening_hours ? ` ${p.opening_hours}` : '');
  const walk = el('p', { class: 'walk', id: 'card-walk' }, state.origin ? t('loading') : t('pickOrigin'));
  const nav = el('div', { class: 'nav', role: 'group', 'aria-label': t('navigate') },
    ...NAV_APPS.map((app) => el('a', {
      class: 'btn nav-link', 'data-app': app, target: '_blank', rel: 'noopener noreferrer',
      href: navigationUrl(app, { lon, lat, name: p.name }, state.origin ? { lon: state.origin[0], lat: state.origin[1], name: t('here') } : undefined),
    }, t(app))));
  clear(ui.card);
  append(ui.card,
    el('button', { type: 'button', class: 'close', 'aria-label': t('close'), onclick: () => { closeCard(); writeHash(state); } }, '×'),
    el('h2', { id: 'card-title' }, marker(c), p.name, p.is_sample ? el('span', { class: 'badge-sample' }, t('sample')) : null),
    el('p', { class: 'category' }, c ? nameOf(c) : p.category, p.subtype ? ` · ${p.subtype}` : ''),
    walk,
    el('dl', {},
      p.address ? el('dt', {}, t('address')) : null, p.address ? el('dd', {}, p.address) : null,
      p.phone ? el('dt', {}, t('phone')) : null,
      p.phone ? el('dd', {}, el('a', { href: `tel:${p.phone.replace(/[^0-9+]/g, '')}`, class: 'tel', 'aria-label': t('call', p.phone) }, p.phone)) : null,
      el('dt', {}, t('hours')), el('dd', {}, hours)),
    el('p', { class: 'label' }, t('navigate')), nav);
  ui.card.setAttribute('aria-labelledby', 'card-title');
  ui.card.hidden = false;
  ui.card.focus();

  if (p.opening_hours) {
    void openNow(p.opening_hours).then((o) => {
      const badge = hours.querySelector('.open-state') as HTMLElement;
      badge.dataset.state = o.state;
      badge.textContent = o.state === 'open' ? t('openNow') : o.state === 'closed' ? t('closedNow') : t('hoursUnknown');
      if (o.next && o.state !== 'unknown') badge.after(` (${o.state === 'open' ? t('closesAt', hhmm(o.next)) : t('opensAt', hhmm(o.next))})`);
    });
  }
  if (state.origin) {
    try {
      const route = await api.route(state.origin, [lon, lat], state.profile, signal);
      walk.dataset.walkMin = String(route.properties.walk_min);
      walk.textContent = t('walkFromOrigin', Math.max(1, Math.ceil(route.properties.walk_s / 60 - 1e-9)), metres(route.properties.walk_m));
      if (map) setRoute(map, route.geometry.coordinates);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      walk.textContent = t('routeFailed');
    }
  }
}

/** Geolocation with states that end: found, refused, unavailable, outside the district, needs HTTPS. */
function locate(): void {
  if (!window.isSecureContext) { ui.status.textContent = t('locationNeedsHttps'); return; }
  if (!navigator.geolocation) { ui.status.textContent = t('locationFailed'); return; }
  ui.status.textContent = t('locating');
  navigator.geolocation.getCurrentPosition(
    (pos) => {
      const at: [number, number] = [pos.coords.longitude, pos.coords.latitude];
      ui.status.textContent = t('locationFound');
      map?.flyTo({ center: at, zoom: Math.max(map.getZoom(), 14.5) });
      void queryAt(at, 'geolocation');
    },
    (err) => { ui.status.textContent = err.code === err.PERMISSION_DENIED ? t('locationRefused') : t('locationFailed'); },
    { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
  );
}

function onMapClick(e: MapMouseEvent): void {
  if (!map) return;
  const hits = map.queryRenderedFeatures(e.point, { layers: ['points-circle', 'points-text'] });
  const id = hits.length ? Number(hits[0].properties.id) : null;
  if (id) { void openCard(id); return; }
  if (openDeskAt(e.point)) return;
  void queryAt([e.lngLat.lng, e.lngLat.lat]);
}

async function start(): Promise<void> {
  document.title = t('title');
  renderShell();
  const hash = readHash();
  const [catalog, points] = await Promise.all([api.catalog(), api.points()]);
  state = {
    catalog, points: points.features, picked: new Set(hash.categories.filter((c) => catalog.categories.some((k) => k.id === c))), profile: catalog.profiles.some((p) => p.id === hash.profile) ? hash.profile! : 'standard',
    origin: null, reach: null, numbers: new Map(), selected: null,
  };
  if (points.contains_sample) document.getElementById('sample-banner')!.hidden = false;
  renderProfiles();
  applyFilter();
  if (!hasWebGL2()) {
    ui.mapBox.classList.add('no-webgl');
    append(ui.mapBox, el('p', { class: 'error' }, t('noMap')));
    if (hash.origin) await queryAt(hash.origin);
    return;
  }
  map = await createMap({ container: ui.mapBox, ariaLabel: t('mapLabel'), center: hash.view?.center ?? hash.origin ?? undefined, zoom: hash.view?.zoom });
  addOverlay(map, { categories: catalog.categories, originLabel: t('here') });
  attachDeskMap(map);
  setPoints(map, mapPoints(), catalog.categories);
  filterCategories(map, visibleCategories());
  map.on('click', onMapClick);
  for (const layer of ['points-circle', 'points-text']) {
    map.on('mouseenter', layer, () => { map!.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, () => { map!.getCanvas().style.cursor = ''; });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (!ui.card.hidden) { closeCard(); writeHash(state); } else closeDeskPopupIfOpen();
  });
  if (hash.origin) await queryAt(hash.origin);
  if (hash.point) await openCard(hash.point);
}

void start();
