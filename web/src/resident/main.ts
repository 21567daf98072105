// The resident map (/): service points by category on our own basemap; click anywhere (or "my
// location") for the 5/10/15-minute walking rings, the nearest services of each kind and the mobile
// service desks coming within that walk (desks.ts); a point's card with hours, phone, walking time,
// the route, and links to the phone's map apps. On a phone (≤ 600 px) the panel is a bottom sheet over the
// map (peek / half / full) and the map keeps the place and the route above it; the language switches in
// place, keeping filter, place, results and view; a search finds a service by name or kind (finder.ts).
import type { LngLatBoundsLike, Map as MapLibreMap, MapMouseEvent, PaddingOptions } from 'maplibre-gl';
import { currentLang, setLang, translator } from '../lang.ts';
import { api, ApiError, lonLat, type Catalog, type Category, type NearestItem, type PointFeature, type ReachAnswer } from '../common/api.ts';
import { append, clear, h, textColorOn } from '../common/dom.ts';
import { formatOpeningHours, hhmm, openNow } from '../common/hours.ts';
import { textMatches } from '../common/finder.ts';
import { RING_COLORS } from '../../../server/palette.ts';
import { metres } from '../common/format.ts';
import { NAV_APPS, navigationUrl } from '../common/navigation.ts';
import { createMap, hasWebGL2 } from '../map/createMap.ts';
import { addOverlay, filterCategories, selectPoint, setOrigin, setPoints, setRings, setRoute, type MapPoint } from '../map/overlay.ts';
import { attachDeskMap, clearDesks, closeDeskPopupIfOpen, deskSection, openDeskAt, showDesksNear } from './desks.ts';
import { messages } from './messages.ts';
import { reportButton } from '../common/reportButton.ts';
import { scoreLayer } from './scoreLayer.ts';
import { atParam, choiceDate, choiceFromParam, choiceLabel, choiceToParam, timeControl, type TimeChoice } from '../common/timeChoice.ts';
import 'virtual:palette.css';
import { knownDistrict, loadDistrict } from '../common/district.ts';
import './resident.css';

let lang = currentLang();
setLang(lang);
let t = translator(messages, lang);
const nameOf = (c: { name_zh: string; name_en: string }) => (lang === 'zh' ? c.name_zh : c.name_en);

/** Phone layout: the panel is a bottom sheet over the map. The same width as the CSS media query. */
const phone = matchMedia('(max-width: 600px)');
type SheetSize = 'peek' | 'half' | 'full';
const SHEET_SIZES: SheetSize[] = ['peek', 'half', 'full'];

interface State {
  catalog: Catalog;
  points: PointFeature[];
  /** Categories the resident picked; empty = all. */
  picked: Set<string>;
  profile: string;
  /** The time asked about (now unless picked: noon, evening, another time today). */
  time: TimeChoice;
  origin: [number, number] | null;
  reach: ReachAnswer | null;
  /** Board-style numbers of the listed points (by point id). */
  numbers: Map<number, number>;
  selected: number | null;
}

const ui = {
  status: h('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
  chips: h('div', { id: 'chips', class: 'chips', role: 'group' }),
  profiles: h('div', { id: 'profiles', class: 'segmented', role: 'radiogroup' }),
  time: h('div', { class: 'row time-row' }),
  results: h('section', { id: 'results', class: 'results', 'aria-live': 'polite' }),
  card: h('section', { id: 'card', class: 'card', role: 'dialog', 'aria-modal': 'false', hidden: true, tabindex: '-1' }),
  mapBox: h('div', { id: 'map', class: 'map' }),
  sheetHandle: h('button', { type: 'button', id: 'sheet-handle', class: 'sheet-handle', 'aria-controls': 'panel', 'aria-expanded': 'true' }),
  search: h('input', { id: 'map-search', type: 'search', class: 'field', autocomplete: 'off' }),
  searchResults: h('div', { id: 'search-results', class: 'search-results', 'aria-live': 'polite' }),
};
let sheetSize: SheetSize = 'half';
/** The walking route on the map, kept so the view can be fitted to it when the sheet changes size. */
let routeLine: [number, number][] | null = null;

interface HashState { origin: [number, number] | null; profile: string | null; time: TimeChoice; point: number | null; categories: string[]; view: { center: [number, number]; zoom: number } | null }

function readHash(): HashState {
  const p = new URLSearchParams(location.hash.slice(1));
  const o = p.get('o')?.split(',').map(Number);
  const m = p.get('m')?.split(',').map(Number);
  return {
    origin: o && o.length === 2 && o.every(Number.isFinite) ? [o[0], o[1]] : null,
    profile: p.get('p'),
    time: choiceFromParam(p.get('t')),
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
  const time = choiceToParam(s.time);
  if (time) parts.push(`t=${time}`);
  if (s.selected) parts.push(`pt=${s.selected}`);
  if (s.picked.size) parts.push(`c=${[...s.picked].join(',')}`);
  if (withView && map) parts.push(`m=${map.getCenter().lng.toFixed(5)},${map.getCenter().lat.toFixed(5)},${map.getZoom().toFixed(2)}`);
  history.replaceState(null, '', `${location.pathname}${location.search}${parts.length ? `#${parts.join('&')}` : ''}`);
}

let scoreLayers: ReturnType<typeof scoreLayer> | undefined;
const LARGE_KEY = 'svc.largeText';
function largeTextOn(): boolean {
  try { return (localStorage.getItem(LARGE_KEY) ?? '0') !== '0'; } catch { return false; }
}
function applyLargeText(on: boolean): void {
  document.documentElement.classList.toggle('large', on);
  try { localStorage.setItem(LARGE_KEY, on ? '1' : '0'); } catch { /* storage blocked */ }
}
if (largeTextOn()) document.documentElement.classList.add('large');

function renderShell(): void {
  const score = (scoreLayers ??= scoreLayer(() => map, () => state.profile, { toggle: t('scoreToggle'), legend: t('scoreLegend') }));
  score.setText({ toggle: t('scoreToggle'), legend: t('scoreLegend') });
  const langButton = h('button', {
    type: 'button', class: 'lang', 'aria-label': t('langSwitchLabel'),
    // The page is rebuilt in the other language in place: same place, results, filter, card and map view.
    onclick: () => switchLang(),
  }, t('langSwitch'));
  // 大字 mode, shared with the phone page (one remembered setting: svc.largeText).
  const largeButton = h('button', {
    type: 'button', id: 'large-text', class: 'lang', 'aria-pressed': String(largeTextOn()), 'aria-label': t('largeTextLabel'),
    onclick: () => { const on = !largeTextOn(); applyLargeText(on); largeButton.setAttribute('aria-pressed', String(on)); requestAnimationFrame(() => keepInView()); },
  }, t('largeText'));
  const header = h('header', { class: 'top' },
    h('div', {}, h('h1', {}, t('title')), h('p', { class: 'subtitle' }, t('subtitle'))),
    h('div', { class: 'top-tools' }, largeButton, langButton));
  ui.search.setAttribute('placeholder', t('searchPlaceholder'));
  const searchForm = h('form', { role: 'search', class: 'search', 'aria-labelledby': 'search-title', onsubmit: (e: Event) => { e.preventDefault(); void runSearch(); } },
    h('h2', { class: 'label', id: 'search-title' }, t('searchTitle')),
    h('label', { for: 'map-search', class: 'sr-only' }, t('searchLabel')),
    ui.search, ui.searchResults);
  const panel = h('aside', { id: 'panel', class: 'panel', 'data-sheet': sheetSize, 'aria-label': t('resultsTitle') },
    ui.sheetHandle,
    h('p', { id: 'sample-banner', class: 'sample-banner', hidden: !pointsHaveSample }, h('span', { class: 'badge-sample' }, t('sample')), ' ', t('sampleBanner')),
    h('div', { class: 'row' }, h('span', { class: 'label', id: 'profile-label' }, t('profile')), ui.profiles),
    ui.time,
    h('div', { class: 'row actions' },
      h('button', { type: 'button', id: 'locate', class: 'btn primary', onclick: () => void locate() }, t('myLocation')),
      h('button', { type: 'button', id: 'query-center', class: 'btn', onclick: () => { if (map) void queryAt(map.getCenter().toArray() as [number, number]); } }, t('queryCenter')),
      score.button),
    score.legend,
    searchForm,
    h('h2', { class: 'label', id: 'categories-label' }, t('categories')),
    ui.chips,
    ui.status,
    ui.results,
    deskSection(),
    h('p', { class: 'attribution-note' }, t('attributionNote')));
  ui.profiles.setAttribute('aria-labelledby', 'profile-label');
  ui.chips.setAttribute('aria-labelledby', 'categories-label');
  const main = h('main', { class: 'layout' }, panel, h('div', { class: 'map-wrap' }, ui.mapBox, ringLegend()));
  append(document.body, header, main);
  placeCard();
  updateSheetHandle();
  if (!state?.reach) { clear(ui.results); ui.results.append(h('p', { class: 'hint' }, t('hint'))); }
}

let pointsHaveSample = false;

/** The 5/10/15-minute rings in colour and in words, on the map at both sizes. */
function ringLegend(): HTMLElement {
  return h('div', { id: 'ring-legend', class: 'ring-legend', role: 'group', 'aria-labelledby': 'ring-legend-title' },
    h('span', { id: 'ring-legend-title', class: 'ring-legend-title' }, t('legendTitle')),
    ...Object.entries(RING_COLORS).map(([m, c]) => h('span', { class: 'ring-legend-item', 'data-minutes': m },
      h('span', { class: 'ring-swatch', 'aria-hidden': 'true', style: `background:${c.fill}40;border-color:${c.line}` }),
      t('legendRing', Number(m)))));
}

/** Phone: the card sits inside the sheet; desktop: over the map beside the panel. */
function placeCard(): void {
  const panel = document.getElementById('panel');
  const wrap = document.querySelector('.map-wrap');
  if (!panel || !wrap) return;
  if (phone.matches) { if (ui.card.parentElement !== panel) ui.sheetHandle.after(ui.card); } else if (ui.card.parentElement !== wrap) wrap.append(ui.card);
}

function setSheet(size: SheetSize): void {
  sheetSize = size;
  document.getElementById('panel')?.setAttribute('data-sheet', size);
  updateSheetHandle();
  // Reading the sheet's box lays the page out at once, so the map follows in the same task (no frame in between
  // in which a loaded phone shows the place under the grown sheet).
  keepInView();
}

/** The handle's line: what the sheet holds, in one line (it is all a collapsed sheet shows). */
function updateSheetHandle(): void {
  clear(ui.sheetHandle);
  ui.sheetHandle.setAttribute('aria-expanded', String(sheetSize !== 'peek'));
  ui.sheetHandle.setAttribute('aria-description', t('sheetHandleLabel'));
  const feature = state?.selected ? state.points.find((p) => p.properties.id === state.selected) : undefined;
  const reach = state?.reach;
  let line = t('sheetHint');
  if (feature) line = feature.properties.name;
  else if (reach) {
    const within = state.catalog.categories.filter((c) => (reach.nearest[c.id] ?? []).some((i) => i.walk_s <= 15 * 60)).length;
    line = t('sheetSummary', within, state.catalog.categories.length);
  } else if (state?.origin) line = t('loading');
  append(ui.sheetHandle, h('span', { class: 'grip', 'aria-hidden': 'true' }), h('span', { id: 'sheet-summary', class: 'summary' }, line));
}

/** Bottom of the map hidden by the sheet (phone), in px of the map's own box. */
function sheetCover(): number {
  const panel = document.getElementById('panel');
  if (!phone.matches || !panel || !map) return 0;
  const box = map.getContainer().getBoundingClientRect();
  return Math.max(0, box.bottom - panel.getBoundingClientRect().top);
}

/** Top of the map under the ring legend (phone, where the legend sits at the top). */
function legendCover(): number {
  const legend = document.getElementById('ring-legend');
  if (!phone.matches || !legend || !map) return 0;
  return Math.max(0, legend.getBoundingClientRect().bottom - map.getContainer().getBoundingClientRect().top);
}

/** Keeps the place and the route in the part of the map the sheet leaves free (the sheet's height is the map's padding). */
/** Fits the map's padding to the sheet and legend; on a phone, also brings the place, card and route into the free part (unless `follow` is false). */
function keepInView(animate = true, follow = true): void {
  if (!map) return;
  const cover = sheetCover();
  // The legend's band is left out too, unless the sheet leaves too little map for that.
  const height = map.getContainer().clientHeight;
  const legend = height - cover - legendCover() >= 80 ? legendCover() : 0;
  const padding: PaddingOptions = { top: legend, left: 0, right: 0, bottom: cover };
  const was = map.getPadding();
  if (was.bottom !== cover || was.top !== legend || was.left || was.right) map.setPadding(padding);
  if (!phone.matches || !follow) return;
  const duration = animate ? 300 : 0;
  const focus: [number, number][] = [...(routeLine ?? []), ...(state?.origin ? [state.origin] : [])];
  const feature = state?.selected ? state.points.find((p) => p.properties.id === state.selected) : undefined;
  if (feature) focus.push(lonLat(feature.geometry.coordinates));
  if (focus.length >= 2) {
    const lons = focus.map((p) => p[0]); const lats = focus.map((p) => p[1]);
    const bounds: LngLatBoundsLike = [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]];
    const free = Math.max(60, height - cover - legend);
    const edge = Math.min(40, free / 5);
    // Added to the map's own padding (sheet and legend): the bounds fit the free part with a margin,
    // clear of the zoom buttons on the right.
    const right = (document.querySelector('.maplibregl-ctrl-top-right')?.getBoundingClientRect().width ?? 50) + 12;
    map.fitBounds(bounds, { padding: { top: edge, left: 40, right, bottom: edge }, maxZoom: Math.max(map.getZoom(), 15), duration });
  } else if (focus.length === 1) map.easeTo({ center: focus[0], duration });
}

/** The language switch, in place: strings are rebuilt; state, map, results and card stay. */
function switchLang(): void {
  lang = lang === 'zh' ? 'en' : 'zh';
  setLang(lang);
  t = translator(messages, lang);
  // The URL's ?lang= (a link may carry it) must not win over the switch; the hash keeps the view too.
  const q = new URLSearchParams(location.search);
  if (q.has('lang')) q.set('lang', lang);
  history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}${location.hash}`);
  writeHash(state, true);
  document.title = t('title');
  document.querySelector('header.top')?.remove();
  document.querySelector('main.layout')?.remove();
  renderShell();
  renderProfiles();
  renderTime();
  applyFilter();
  if (map) {
    map.resize();
    map.getCanvas().setAttribute('aria-label', t('mapLabel'));
    map.setLayoutProperty('origin-label', 'text-field', t('here'));
    if (state.reach) setRings(map, state.reach.rings.features, (m) => t('ringLabel', m));
  }
  if (state.origin && state.reach) void showDesksNear(state.origin, state.profile);
  if (state.selected) void openCard(state.selected, { focus: false });
  if (ui.search.value.trim()) void runSearch();
  (document.querySelector('header.top button.lang:not(#large-text)') as HTMLElement | null)?.focus();
  ui.status.textContent = t('langSwitched');
  // Phone: the rebuilt sheet shows what it showed (the results' head, or the card at its top); the legend's
  // new words may take another line, which the map's padding follows.
  const panel = document.getElementById('panel');
  if (phone.matches && panel && state.reach && !state.selected) panel.scrollTop = Math.max(0, ui.results.offsetTop - ui.sheetHandle.offsetHeight);
  // Only the padding follows the new words: the map stays where the resident left it.
  requestAnimationFrame(() => keepInView(false, false));
}

let map: MapLibreMap | null = null;
let state: State;
let reachAbort: AbortController | null = null;
let cardAbort: AbortController | null = null;

function categoryById(id: string): Category | undefined { return state.catalog.categories.find((c) => c.id === id); }

function visibleCategories(): string[] | null { return state.picked.size ? [...state.picked] : null; }

function marker(c: Category | undefined, text?: string | number): HTMLElement {
  const color = c?.color ?? '#666666';
  return h('span', { class: 'marker', style: `background:${color};color:${textColorOn(color)}`, 'aria-hidden': 'true' }, String(text ?? c?.icon ?? '?'));
}

function renderProfiles(): void {
  clear(ui.profiles);
  for (const p of state.catalog.profiles) {
    const checked = p.id === state.profile;
    append(ui.profiles, h('button', {
      type: 'button', role: 'radio', 'aria-checked': String(checked), class: `seg${checked ? ' on' : ''}`, 'data-profile': p.id,
      tabindex: checked ? '0' : '-1',
      onclick: () => { if (state.profile !== p.id) { state.profile = p.id; renderProfiles(); writeHash(state); scoreLayers?.update(); if (state.origin) void queryAt(state.origin); } },
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

/** The time asked about: walks (gates shut at night) and the card's open state follow it. */
function renderTime(): void {
  clear(ui.time);
  append(ui.time, timeControl(lang, state.time, (c) => {
    state.time = c;
    writeHash(state);
    if (state.origin) void queryAt(state.origin);
    if (state.selected) void openCard(state.selected, { focus: false });
  }));
}

function renderChips(): void {
  // A chip pressed from the keyboard keeps the focus across the redraw.
  const focused = ui.chips.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.category : undefined;
  clear(ui.chips);
  append(ui.chips, h('button', {
    type: 'button', class: 'chip all', 'aria-pressed': String(state.picked.size === 0), 'data-category': '',
    onclick: () => { state.picked.clear(); applyFilter(); writeHash(state); },
  }, t('allCategories')));
  for (const c of state.catalog.categories) {
    append(ui.chips, h('button', {
      type: 'button', class: 'chip', 'aria-pressed': String(state.picked.has(c.id)), 'data-category': c.id,
      onclick: () => { if (state.picked.has(c.id)) state.picked.delete(c.id); else state.picked.add(c.id); applyFilter(); writeHash(state); },
    }, marker(c), nameOf(c)));
  }
  if (focused !== undefined) (ui.chips.querySelector(`[data-category="${focused}"]`) as HTMLElement | null)?.focus();
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
  routeLine = null;
  clear(ui.results);
  append(ui.results, h('p', { class: 'hint' }, t('loading')));
  state.reach = null;
  // Phone: the results come up in the sheet, the place stays in the map above it.
  if (phone.matches && sheetSize === 'peek') setSheet('half'); else { updateSheetHandle(); requestAnimationFrame(() => keepInView()); }
  void showDesksNear(origin, state.profile);
  try {
    state.reach = await api.reachAt(origin[0], origin[1], state.profile, 3, reachAbort.signal, atParam(choiceDate(state.time)));
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    state.reach = null;
    clearDesks();
    clear(ui.results);
    const outside = err instanceof ApiError && err.status === 422;
    append(ui.results, h('p', { class: 'error', role: 'alert' }, outside ? (from === 'geolocation' ? t('locationOutside') : t('outside')) : t('failed')));
    if (outside && from === 'geolocation') ui.status.textContent = t('locationOutside');
    if (map) setRings(map, [], () => '');
    return;
  }
  if (map) setRings(map, state.reach.rings.features, (m) => t('ringLabel', m));
  renderResults();
  updateSheetHandle();
  // Phone: the sheet shows the results' head, not the controls above them.
  const panel = document.getElementById('panel');
  if (phone.matches && panel) panel.scrollTop = Math.max(0, ui.results.offsetTop - ui.sheetHandle.offsetHeight);
}

function renderResults(): void {
  const reach = state.reach;
  if (!reach) return;
  clear(ui.results);
  state.numbers.clear();
  const list = h('ol', { class: 'groups' });
  let n = 0;
  for (const c of state.catalog.categories) {
    if (state.picked.size && !state.picked.has(c.id)) continue;
    const items = reach.nearest[c.id] ?? [];
    const group = h('li', { class: 'group', 'data-category': c.id },
      h('h3', {}, marker(c), nameOf(c), items.length === 0 ? h('span', { class: 'none' }, ` · ${t('noneWithin')}`) : null));
    const ul = h('ul', { class: 'items' });
    for (const item of items) {
      n += 1;
      state.numbers.set(item.id, n);
      append(ul, h('li', {},
        h('button', { type: 'button', class: 'result-item', 'data-point-id': item.id, onclick: () => void openCard(item.id) },
          marker(c, n),
          h('span', { class: 'name' }, item.name, item.is_sample ? h('span', { class: 'badge-sample' }, t('sample')) : null),
          h('span', { class: 'min', 'data-walk-min': item.walk_min }, t('minutes', Math.max(1, Math.ceil(item.walk_s / 60 - 1e-9))))),
        reportButton(() => ({ point_id: item.id, label: item.name, kind: 'info_wrong' }), () => state.catalog.categories, { compact: true })));
    }
    append(group, ul);
    append(list, group);
  }
  append(ui.results,
    h('h2', {}, t('resultsTitle'), ' ',
      reportButton(() => (state.origin ? { lon: state.origin[0], lat: state.origin[1] } : null), () => state.catalog.categories, { compact: true, id: 'report-here' })),
    h('p', { class: 'muted' }, t('resultsFor', nameOf(reach.profile)), state.time.kind !== 'now' ? ` · ${choiceLabel(state.time, lang)}` : '',
      reach.origin.snap_distance_m >= 30 ? ` ${t('snapNote', Math.round(reach.origin.snap_distance_m))}` : ''),
    list);
  if (map) setPoints(map, mapPoints(), state.catalog.categories);
}

function closeCard(): void {
  cardAbort?.abort();
  const wasOpen = !ui.card.hidden;
  ui.card.hidden = true;
  clear(ui.card);
  state.selected = null;
  routeLine = null;
  if (map) { selectPoint(map, null); setRoute(map, null); }
  if (wasOpen) updateSheetHandle();
}

async function openCard(id: number, options: { focus?: boolean } = {}): Promise<void> {
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

  const hours = h('p', { class: 'hours' }, p.opening_hours ? h('span', { class: 'open-state', 'data-state': 'pending' }, '…') : t('hoursUnknown'), p.opening_hours ? ` ${formatOpeningHours(p.opening_hours, lang)}` : '');
  const walk = h('p', { class: 'walk', id: 'card-walk' }, state.origin ? t('loading') : t('pickOrigin'));
  const nav = h('div', { class: 'nav', role: 'group', 'aria-label': t('navigate') },
    ...NAV_APPS.map((app) => h('a', {
      class: 'btn nav-link', 'data-app': app, target: '_blank', rel: 'noopener noreferrer',
      href: navigationUrl(app, { lon, lat, name: p.name }, state.origin ? { lon: state.origin[0], lat: state.origin[1], name: t('here') } : undefined, knownDistrict()?.city_zh || undefined),
    }, t(app))));
  clear(ui.card);
  append(ui.card,
    h('button', { type: 'button', class: 'close', 'aria-label': t('close'), onclick: () => { closeCard(); writeHash(state); } }, '×'),
    h('h2', { id: 'card-title' }, marker(c), p.name, p.is_sample ? h('span', { class: 'badge-sample' }, t('sample')) : null),
    h('p', { class: 'category' }, c ? nameOf(c) : p.category, p.subtype ? ` · ${p.subtype}` : ''),
    walk,
    h('dl', {},
      p.address ? h('dt', {}, t('address')) : null, p.address ? h('dd', {}, p.address) : null,
      p.phone ? h('dt', {}, t('phone')) : null,
      p.phone ? h('dd', {}, h('a', { href: `tel:${p.phone.replace(/[^0-9+]/g, '')}`, class: 'tel', 'aria-label': t('call', p.phone) }, p.phone)) : null,
      h('dt', {}, t('hours')), h('dd', {}, hours)),
    h('p', { class: 'label' }, t('navigate')), nav);
  ui.card.setAttribute('aria-labelledby', 'card-title');
  ui.card.hidden = false;
  routeLine = null;
  if (map) setRoute(map, null);
  updateSheetHandle();
  if (phone.matches) {
    // The card opens in the sheet, at its top; the map above keeps the place and (once drawn) the route.
    if (sheetSize === 'peek') setSheet('half'); else requestAnimationFrame(() => keepInView());
    document.getElementById('panel')!.scrollTop = 0;
  }
  // Without scrolling: on a phone the sheet shows the card from its title, under the handle.
  if (options.focus !== false) ui.card.focus({ preventScroll: true });

  if (p.opening_hours) {
    void openNow(p.opening_hours, choiceDate(state.time)).then((o) => {
      const badge = hours.querySelector('.open-state') as HTMLElement;
      badge.dataset.state = o.state;
      // At a picked time the badge says which: "12:00 时 营业中".
      const when = choiceLabel(state.time, lang);
      badge.textContent = `${when ? `${when} ` : ''}${o.state === 'open' ? t('openNow') : o.state === 'closed' ? t('closedNow') : t('hoursUnknown')}`;
      if (o.next && o.state !== 'unknown') badge.after(` (${o.state === 'open' ? t('closesAt', hhmm(o.next)) : t('opensAt', hhmm(o.next))})`);
    });
  }
  if (state.origin) {
    try {
      const route = await api.route(state.origin, [lon, lat], state.profile, signal, atParam(choiceDate(state.time)));
      walk.dataset.walkMin = String(route.properties.walk_min);
      walk.textContent = t('walkFromOrigin', Math.max(1, Math.ceil(route.properties.walk_s / 60 - 1e-9)), metres(route.properties.walk_m));
      routeLine = route.geometry.coordinates.map(lonLat);
      if (map) { setRoute(map, routeLine); if (phone.matches) keepInView(); }
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
  const loading = Promise.all([api.catalog(), api.points()]);
  await loadDistrict(); // its name is in the subtitle and the map's label
  renderShell();
  const hash = readHash();
  const [catalog, points] = await loading;
  state = {
    catalog, points: points.features, picked: new Set(hash.categories.filter((c) => catalog.categories.some((k) => k.id === c))), profile: catalog.profiles.some((p) => p.id === hash.profile) ? hash.profile! : 'standard', time: hash.time,
    origin: null, reach: null, numbers: new Map(), selected: null,
  };
  pointsHaveSample = points.contains_sample;
  if (points.contains_sample) document.getElementById('sample-banner')!.hidden = false;
  updateSheetHandle();
  renderProfiles();
  renderTime();
  applyFilter();
  if (!hasWebGL2()) {
    ui.mapBox.classList.add('no-webgl');
    append(ui.mapBox, h('p', { class: 'error' }, t('noMap')));
    if (hash.origin) await queryAt(hash.origin);
    return;
  }
  map = await createMap({ container: ui.mapBox, ariaLabel: t('mapLabel'), center: hash.view?.center ?? hash.origin ?? undefined, zoom: hash.view?.zoom });
  keepInView(false);
  addOverlay(map, { categories: catalog.categories, originLabel: t('here') });
  attachDeskMap(map);
  setPoints(map, mapPoints(), catalog.categories);
  filterCategories(map, visibleCategories());
  map.on('click', onMapClick);
  for (const layer of ['points-circle', 'points-text']) {
    map.on('mouseenter', layer, () => { map!.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, () => { map!.getCanvas().style.cursor = ''; });
  }
  document.addEventListener('keydown', onEscape);
  if (hash.origin) await queryAt(hash.origin);
  if (hash.point) await openCard(hash.point);
}

/** Escape closes what is on top: the card, else a desk popup, else (phone) the sheet back to its peek. */
function onEscape(e: KeyboardEvent): void {
  if (e.key !== 'Escape') return;
  if (!ui.card.hidden) {
    // The card goes; the sheet keeps its size (a second Escape collapses it).
    closeCard(); writeHash(state);
    if (phone.matches) ui.sheetHandle.focus();
    return;
  }
  if (closeDeskPopupIfOpen()) return;
  if (phone.matches && sheetSize !== 'peek') { setSheet('peek'); ui.sheetHandle.focus(); }
}

/** The sheet's handle: a tap or Enter/Space steps peek → half → full → peek; arrows up and down expand and collapse. */
ui.sheetHandle.addEventListener('click', () => setSheet(SHEET_SIZES[(SHEET_SIZES.indexOf(sheetSize) + 1) % SHEET_SIZES.length]));
ui.sheetHandle.addEventListener('keydown', (e) => {
  const i = SHEET_SIZES.indexOf(sheetSize);
  if (e.key === 'ArrowUp' && i < 2) { e.preventDefault(); setSheet(SHEET_SIZES[i + 1]); }
  if (e.key === 'ArrowDown' && i > 0) { e.preventDefault(); setSheet(SHEET_SIZES[i - 1]); }
});
phone.addEventListener('change', () => { placeCard(); requestAnimationFrame(() => keepInView(false)); });

const SEARCH_SHOWN = 8;
let searchTimer: ReturnType<typeof setTimeout> | undefined;
let searchRun = 0;
ui.search.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => void runSearch(), 150); });

/**
 * Search among the service points by name, kind (subtype), category or address, in characters or pinyin
 * initials (common/finder.ts, as on the phone page). A chosen row flies to the point and opens its card,
 * with the walk from the chosen place when there is one.
 */
async function runSearch(): Promise<void> {
  const run = ++searchRun;
  const text = ui.search.value.trim();
  clear(ui.searchResults);
  if (!text || !state) return;
  const found: PointFeature[] = [];
  for (const f of state.points) {
    const p = f.properties;
    if (await textMatches([p.name, p.subtype, p.address, p.category_name_zh, p.category_name_en], text)) found.push(f);
  }
  if (run !== searchRun) return;
  // With a place chosen, nearest (as the crow flies) first; else by name.
  const o = state.origin;
  const d = (f: PointFeature) => (o ? Math.hypot((f.geometry.coordinates[0] - o[0]) * Math.cos((o[1] * Math.PI) / 180), f.geometry.coordinates[1] - o[1]) : 0);
  found.sort((a, b) => d(a) - d(b) || a.properties.name.localeCompare(b.properties.name, 'zh-CN'));
  const shown = found.slice(0, SEARCH_SHOWN);
  append(ui.searchResults, h('p', { class: 'muted search-count' }, found.length ? t('searchCount', found.length, shown.length) : t('searchNone')));
  if (!shown.length) return;
  const list = h('ul', { class: 'items' });
  for (const f of shown) {
    const p = f.properties;
    const c = categoryById(p.category);
    append(list, h('li', {}, h('button', {
      type: 'button', class: 'result-item search-item', 'data-point-id': p.id, onclick: () => chooseFound(f),
    }, marker(c), h('span', { class: 'name' }, p.name, p.is_sample ? h('span', { class: 'badge-sample' }, t('sample')) : null),
    h('span', { class: 'kind' }, p.subtype ?? (c ? nameOf(c) : p.category)))));
  }
  append(ui.searchResults, list);
}

function chooseFound(f: PointFeature): void {
  const id = f.properties.id;
  // A point of a category the filter hides is shown with its category added to the filter.
  if (state.picked.size && !state.picked.has(f.properties.category)) { state.picked.add(f.properties.category); applyFilter(); }
  if (map && !phone.matches) map.flyTo({ center: lonLat(f.geometry.coordinates), zoom: Math.max(map.getZoom(), 15), duration: 600 });
  if (map && phone.matches && !state.origin) map.easeTo({ center: lonLat(f.geometry.coordinates), zoom: Math.max(map.getZoom(), 15), duration: 300 });
  void openCard(id);
}

void start();
