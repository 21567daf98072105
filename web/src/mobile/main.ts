// The phone page behind a board's QR code (/m/site/:id): the same site, rings and numbered points as
// the printed board, computed live; large type, high contrast, a one-tap large-text mode. The list is
// the first thing on screen; the live map (or, without WebGL2, a static picture) follows.
import { ringColor } from '../../../server/palette.ts';
import { currentLang, setLang, translator } from '../lang.ts';
import { api, ApiError, getJson, lonLat, type Catalog, type NearestItem, type ReachAnswer, type SiteFeature } from '../common/api.ts';
import { append, clear, h, textColorOn } from '../common/dom.ts';
import { boardGroups, type BoardGroup } from '../common/boardRows.ts';
import { boardMinutes } from '../common/format.ts';
import { formatOpeningHours, hhmm, openNow, whenText, type OpenNow } from '../common/hours.ts';
import { findServices, isActive, type FinderQuery } from '../common/finder.ts';
import { speak, whenVoiceAvailable } from '../common/speech.ts';
import { NAV_APPS, navigationUrl } from '../common/navigation.ts';
import { hasWebGL2 } from '../common/webgl.ts';
import { atParam, choiceDate, choiceFromParam, choiceToParam, timeControl, type TimeChoice } from '../common/timeChoice.ts';
import { circlePicture } from './staticPicture.ts';
import { reportButton } from '../common/reportButton.ts';
import { zh as reportZh, en as reportEn } from '../common/reportMessages.ts';
import { messages } from './messages.ts';
import 'virtual:palette.css';
import { knownDistrict, loadDistrict } from '../common/district.ts';
import './mobile.css';

declare global {
  interface Window { __firstUsefulMs?: number; __mobileReady?: boolean }
}

const lang = currentLang();
setLang(lang);
const t = translator(messages, lang);
const nameOf = (c: { name_zh: string; name_en: string }) => (lang === 'zh' ? c.name_zh : c.name_en);
const rt = translator({ zh: reportZh, en: reportEn }, lang);
/** The categories the report form offers (set once the catalog is in). */
let reportCategories: Catalog['categories'] = [];
const LARGE_KEY = 'svc.largeText';
/** Desk visits asked for: the next 8 of the coming 60 days, as on the resident map. */
const DESK_VISITS_ASKED = 8;
const DESK_DAYS_AHEAD = 60;

const siteId = Number(location.pathname.match(/\/m\/site\/(\d+)/)?.[1] ?? new URLSearchParams(location.search).get('site'));
const params = new URLSearchParams(location.search);
/** The time the page answers for (now unless the resident picks another; t= in the address). */
let pageTime: TimeChoice = choiceFromParam(params.get('t'));
const pageDate = () => choiceDate(pageTime);

const root = h('main', { id: 'page', class: 'page' });
const status = h('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }, t('loading'));

/** Text size: 0 standard (18 px), 1 大字 (23 px), 2 特大 (30 px); remembered on the phone. */
type TextSize = 0 | 1 | 2;
function applyTextSize(size: TextSize): void {
  document.documentElement.classList.toggle('large', size >= 1);
  document.documentElement.classList.toggle('huge', size === 2);
  try { localStorage.setItem(LARGE_KEY, String(size)); } catch { /* storage blocked */ }
}
function textSize(): TextSize {
  try { const v = localStorage.getItem(LARGE_KEY); return v === '2' ? 2 : v === '1' ? 1 : 0; } catch { return 0; }
}

function marker(color: string, text: string | number, label?: string): HTMLElement {
  return h('span', { class: 'marker', style: `background:${color};color:${textColorOn(color)}`, ...(label ? { 'aria-label': label } : { 'aria-hidden': 'true' }) }, String(text));
}

/** Lang switch keeps the place: the URL's ?lang= (set by a board's QR code) is replaced, not left to win. */
function switchLanguage(): void {
  const next = lang === 'zh' ? 'en' : 'zh';
  setLang(next);
  const q = new URLSearchParams(location.search);
  q.set('lang', next);
  location.replace(`${location.pathname}?${q}${location.hash}`);
}

function toolbar(speech?: () => string): HTMLElement {
  const sizeButton = (id: string, size: TextSize, text: string, label: string) => h('button', {
    type: 'button', id, class: 'tool size', 'data-size': size, 'aria-pressed': String(textSize() === size), 'aria-label': label,
    onclick: (e: Event) => {
      const next: TextSize = textSize() === size ? 0 : size;
      applyTextSize(next);
      for (const b of (e.currentTarget as HTMLElement).parentElement!.querySelectorAll<HTMLElement>('.tool.size')) b.setAttribute('aria-pressed', String(Number(b.dataset.size) === next));
    },
  }, text);
  const large = sizeButton('large-text', 1, t('largeText'), t('largeTextLabel'));
  const huge = sizeButton('huge-text', 2, t('hugeText'), t('hugeTextLabel'));
  const read = speech ? readButton('read-summary', t('readAloud'), t('readSummary'), speech) : null;
  const langBtn = h('button', { type: 'button', id: 'lang', class: 'tool', 'aria-label': t('langSwitchLabel'), onclick: switchLanguage }, t('langSwitch'));
  return h('div', { class: 'tools' }, large, huge, read, langBtn);
}

/** A read-aloud button, hidden until the browser has a voice for the page's language. */
function readButton(id: string | null, text: string, label: string, say: () => string): HTMLElement {
  const b = h('button', { type: 'button', class: 'tool read', hidden: true, 'aria-label': label, ...(id ? { id } : {}), onclick: () => speak(say(), lang) }, text);
  whenVoiceAvailable(lang, () => { b.hidden = false; });
  return b;
}

/** "营业中 · 到 13:00" / "已休息 · 明天 10:30 开门", for the row itself. */
function openText(o: OpenNow, now: Date): string {
  if (o.state === 'open') return o.next ? t('openUntil', hhmm(o.next)) : t('openAllDay');
  if (o.state === 'closed') return o.next ? t('closedOpens', whenText(o.next, now, lang)) : t('closedNoNext');
  return t('hoursUnknown');
}

/** Fills every row's open state once the parser is loaded (after the list is on screen). */
async function fillOpenStates(container: HTMLElement, at: Date): Promise<void> {
  const rows = [...container.querySelectorAll<HTMLElement>('.open-state[data-hours]')];
  for (const span of rows) {
    const o = await openNow(span.dataset.hours ?? null, at);
    span.dataset.state = o.state;
    span.textContent = openText(o, at);
  }
}

/** The actions under an opened row: navigation, read aloud (and, from issue 13, a report button). */
function rowActions(item: NearestItem, site: [number, number], siteName: string, speech: () => string): HTMLElement[] {
  return [
    h('div', { class: 'nav', role: 'group', 'aria-label': t('navigate') },
      ...NAV_APPS.map((app) => h('a', {
        class: 'nav-link', 'data-app': app, target: '_blank', rel: 'noopener noreferrer',
        href: navigationUrl(app, { lon: item.lon, lat: item.lat, name: item.name }, { lon: site[0], lat: site[1], name: siteName }, knownDistrict()?.city_zh || undefined),
      }, `${t('navigate')} · ${t(app)}`))),
    readButton(null, t('readAloud'), t('readRow'), speech),
    reportButton(() => ({ site_id: siteId, point_id: item.id, label: item.name, kind: 'info_wrong' }), () => reportCategories,
      { compact: true, label: rt('openPoint', item.name) }),
  ];
}

function pointDetails(item: NearestItem, site: [number, number], siteName: string, speech: () => string): HTMLElement {
  const hoursText = formatOpeningHours(item.opening_hours, lang);
  return h('div', { class: 'details' },
    item.address ? h('p', {}, h('span', { class: 'k' }, `${t('address')}${t('colon')}`), item.address) : null,
    item.phone ? h('p', {}, h('span', { class: 'k' }, `${t('phone')}${t('colon')}`),
      h('a', { class: 'tel', href: `tel:${item.phone.replace(/[^0-9+]/g, '')}`, 'aria-label': t('call', item.phone) }, item.phone)) : null,
    h('p', { class: 'hours' }, h('span', { class: 'k' }, `${t('hours')}${t('colon')}`), hoursText ?? t('hoursUnknown')),
    ...rowActions(item, site, siteName, speech));
}

function row(item: NearestItem, number: number | null, color: string, site: [number, number], siteName: string): HTMLElement {
  const state = h('span', { class: 'open-state', 'data-state': item.opening_hours ? 'pending' : 'unknown', ...(item.opening_hours ? { 'data-hours': item.opening_hours } : {}) },
    item.opening_hours ? '' : t('hoursUnknown'));
  const speech = () => t('rowSpeech', item.name, boardMinutes(item.walk_s), state.textContent ?? '', item.address ?? '');
  const summary = h('summary', {},
    number === null ? h('span', { class: 'marker blank', 'aria-hidden': 'true' }, '·') : marker(color, number),
    h('span', { class: 'what' },
      h('span', { class: 'name' }, item.name, item.is_sample ? h('span', { class: 'badge-sample' }, t('sample')) : null),
      h('span', { class: 'sub' }, [item.subtype, number !== null ? t('boardNumber', number) : null].filter(Boolean).join(' · ')),
      state),
    h('span', { class: 'min', 'data-walk-min': item.walk_min }, t('minutes', boardMinutes(item.walk_s))));
  const details = h('details', {}, summary);
  // A row's details (address, phone, hours, navigation links, buttons) are built when it is first
  // opened: most rows never are, and building them all made the page's first long task. A tap or
  // Enter on the summary fires its click before the row opens; `toggle` covers opening from code.
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    details.append(pointDetails(item, site, siteName, speech));
  };
  summary.addEventListener('click', build);
  details.addEventListener('toggle', build);
  return h('li', { class: 'point', 'data-point-id': item.id }, details);
}

/** How many of the nearest points beyond 15 minutes a category without any within 15 minutes shows. */
const NEAREST_FEW = 3;

function renderList(groups: BoardGroup[], nearest: Record<string, NearestItem[]>, site: [number, number], siteName: string): HTMLElement {
  const list = h('ol', { id: 'board-list', class: 'groups' });
  for (const g of groups) {
    const c = g.category;
    const missing = g.rows.length === 0;
    const group = h('li', { class: `group${missing ? ' missing' : ''}`, 'data-category': c.id, 'data-missing': String(missing) },
      h('h3', {}, marker(c.color, c.icon), nameOf(c), missing ? h('span', { class: 'missing-tag' }, t('missing')) : null));
    const ul = h('ul', { class: 'points' });
    if (missing) {
      const few = [...(nearest[c.id] ?? [])].sort((a, b) => a.walk_s - b.walk_s || a.id - b.id).slice(0, NEAREST_FEW);
      append(group, h('p', { class: 'beyond' }, few.length ? t('nearestFew') : t('noneAtAll')),
        reportButton(() => ({ site_id: siteId, kind: 'service_missing', category: c.id, label: document.title }), () => reportCategories,
          { compact: true, text: rt('openMissing', nameOf(c)) }));
      for (const r of few) append(ul, row(r, null, c.color, site, siteName));
    } else {
      for (const r of g.rows) append(ul, row(r, r.number, c.color, site, siteName));
      if (g.extra.length) {
        append(ul, h('li', { class: 'more' }, t('more', g.extra.length)));
        for (const r of g.extra) append(ul, row(r, null, c.color, site, siteName));
      }
    }
    append(group, ul);
    append(list, group);
  }
  return list;
}

/**
 * The finder above the list: a search box, kind, opening time and walking time. While any is set the
 * grouped list gives way to the results, nearest first; each keeps its board number when it has one.
 */
function finder(items: NearestItem[], numberOf: Map<number, number>, categories: Catalog['categories'], listBox: HTMLElement,
  site: [number, number], siteName: string): HTMLElement {
  const byCategory = new Map(categories.map((c) => [c.id, c]));
  const results = h('section', { id: 'results', class: 'results', hidden: true, 'aria-live': 'polite', 'aria-labelledby': 'results-title' });
  const search = h('input', { id: 'search', type: 'search', class: 'field', autocomplete: 'off', placeholder: t('searchPlaceholder') });
  const subtype = h('select', { id: 'subtype', class: 'field' }, h('option', { value: '' }, t('anySubtype')),
    ...categories.map((c) => {
      const kinds = [...new Set(items.filter((i) => i.category_id === c.id && i.subtype).map((i) => i.subtype as string))].sort();
      return kinds.length ? h('optgroup', { label: nameOf(c) }, ...kinds.map((k) => h('option', { value: k }, k))) : null;
    }));
  const when = h('select', { id: 'when', class: 'field' },
    h('option', { value: 'any' }, t('whenAny')), h('option', { value: 'now' }, t('whenNow')), h('option', { value: 'at' }, t('whenAt')));
  const at = h('input', { id: 'at', type: 'datetime-local', class: 'field' });
  const atBox = h('label', { class: 'finder-field', hidden: true }, h('span', {}, t('atLabel')), at);
  const within = h('select', { id: 'within', class: 'field' }, h('option', { value: '' }, t('withinAny')),
    ...[5, 10, 15, 30].map((n) => h('option', { value: String(n) }, t('withinN', n))));
  const clearBtn = h('button', { type: 'button', id: 'clear-find', class: 'tool', hidden: true }, t('clear'));
  let run = 0;
  const update = async () => {
    const mine = ++run;
    atBox.hidden = when.value !== 'at';
    const q: FinderQuery = {
      text: search.value, subtype: subtype.value, when: when.value as FinderQuery['when'],
      at: when.value === 'at' && at.value ? new Date(at.value) : null, within: within.value ? Number(within.value) : null,
    };
    const active = isActive(q);
    clearBtn.hidden = !active;
    listBox.hidden = active;
    results.hidden = !active;
    if (!active) { clear(results); return; }
    const found = await findServices(items, q, (i) => {
      const c = byCategory.get(i.category_id);
      return c ? [c.name_zh, c.name_en] : [];
    }, pageDate());
    if (mine !== run) return;
    clear(results);
    append(results, h('h2', { id: 'results-title' }, t('resultsTitle', found.length)));
    if (!found.length) { append(results, h('p', { class: 'none' }, t('noResults'))); return; }
    const ul = h('ul', { class: 'points' });
    for (const f of found) {
      const c = byCategory.get(f.item.category_id);
      append(ul, row(f.item, numberOf.get(f.item.id) ?? null, c?.color ?? '#666666', site, siteName));
    }
    append(results, ul);
    await fillOpenStates(results, q.when === 'at' && q.at ? q.at : pageDate());
  };
  for (const input of [search, subtype, when, at, within]) input.addEventListener('input', () => void update());
  clearBtn.addEventListener('click', () => { search.value = ''; subtype.value = ''; when.value = 'any'; within.value = ''; at.value = ''; void update(); search.focus(); });
  return h('section', { id: 'finder', class: 'finder', 'aria-labelledby': 'finder-title' },
    h('h2', { id: 'finder-title' }, t('findTitle')),
    h('form', { role: 'search', onsubmit: (e: Event) => { e.preventDefault(); void update(); } },
      h('label', { class: 'finder-field wide', for: 'search' }, h('span', { class: 'sr-only' }, t('searchLabel')), search),
      h('details', { id: 'filters', class: 'filters' },
        h('summary', {}, t('filtersTitle')),
        h('div', { class: 'filter-fields' },
          h('label', { class: 'finder-field' }, h('span', {}, t('subtypeLabel')), subtype),
          h('label', { class: 'finder-field' }, h('span', {}, t('whenLabel')), when),
          atBox,
          h('label', { class: 'finder-field' }, h('span', {}, t('withinLabel')), within))),
      clearBtn),
    results);
}

/**
 * The next mobile service desk visits at the site or within its 15-minute walk for the chosen profile,
 * cancelled ones included (struck through, with the reason), and the site's calendar feed. After the
 * list of services; when there is none for this profile it says so, rather than vanishing.
 * The list's code loads only when there are visits, so it never delays the list of services.
 */
function renderDesks(container: HTMLElement, profile: string): void {
  api.upcomingDesks(siteId, profile, DESK_VISITS_ASKED, DESK_DAYS_AHEAD).then(async (answer) => {
    if (!answer.visits.length) {
      append(container, h('section', { id: 'desk', class: 'desks', 'data-empty': 'true', 'aria-labelledby': 'desk-title' },
        h('h2', { id: 'desk-title' }, h('span', { class: 'desk-mark', 'aria-hidden': 'true' }, '桌'), t('deskTitleFallback')),
        h('p', { class: 'intro' }, t('deskNone'))));
      return;
    }
    // 今天/明天 are the district's days (its time zone), read with the district.
    const [{ calendarLink, deskText, visitBlock, visitList }] = await Promise.all([import('../common/deskVisits.ts'), loadDistrict()]);
    append(container, h('section', { id: 'desk', class: 'desks', 'aria-labelledby': 'desk-title' },
      h('h2', { id: 'desk-title' }, h('span', { class: 'desk-mark', 'aria-hidden': 'true' }, '桌'), deskText('deskTitle')),
      h('p', { class: 'intro' }, t('deskIntro', answer.within_minutes)),
      ...visitList(answer.visits, (v) => visitBlock('div', v)),
      calendarLink(`/api/desks/site/${siteId}.ics`, deskText('deskSiteCalendar'))));
  }).catch(() => { /* no desks feature, or the site is off the walking network: the services list is what matters */ });
}

/**
 * What changed since the board this page was opened from was printed (its QR code carries the content
 * version, ?v=): added, closed, moved, renamed, in words, above the list. Only for the board's own profile.
 */
function renderChanges(container: HTMLElement, profile: string, version: string): void {
  getJson<BoardChangesAnswer>(`/api/boards/${siteId}/changes?profile=${encodeURIComponent(profile)}&since=${version}`).then((a) => {
    const names = (xs: { name: string }[]) => xs.map((x) => x.name).join(t('sep'));
    if (!a.changed) { append(container, h('p', { id: 'changes', class: 'changes same', 'data-changed': 'false' }, t('changesNone'))); return; }
    const c = a.changes;
    const lines = c ? [
      c.added.length ? t('changesAdded', names(c.added)) : null,
      c.removed.length ? t('changesRemoved', names(c.removed)) : null,
      c.moved.length ? t('changesMoved', names(c.moved)) : null,
      c.renamed.length ? t('changesRenamed', c.renamed.map((r) => `${r.from} → ${r.to}`).join(t('sep'))) : null,
      c.updated.length ? t('changesUpdated', names(c.updated)) : null,
      c.rings.length ? t('changesRings') : null,
      c.title || c.omitted ? t('changesOther') : null,
    ].filter((x): x is string => !!x) : [];
    append(container, h('section', { id: 'changes', class: 'changes', role: 'status', 'data-changed': 'true' },
      h('p', { class: 'changes-title' }, lines.length ? t('changesTitle') : t('changesUnknown')),
      lines.length ? h('ul', {}, ...lines.map((l) => h('li', {}, l))) : null,
      lines.length ? h('p', {}, t('changesFooter')) : null));
  }).catch(() => { /* an old or unknown version, or boards unavailable: say nothing rather than guess */ });
}

interface BoardChangesAnswer {
  known: boolean; changed: boolean;
  changes: null | {
    added: { name: string }[]; removed: { name: string }[]; moved: { name: string }[];
    renamed: { from: string; to: string }[]; updated: { name: string }[]; rings: number[]; title: boolean; omitted: boolean;
  };
}

async function render(profile: string): Promise<void> {
  let site: SiteFeature; let catalog: Catalog; let reach: ReachAnswer;
  try {
    [site, catalog, reach] = await Promise.all([api.site(siteId), api.catalog(),
      // The time asked about is the district's clock, so its zone is read first (a small answer).
      loadDistrict().then(() => api.reachSite(siteId, profile, 50, undefined, atParam(pageDate())))]);
  } catch (err) {
    clear(root);
    const notFound = err instanceof ApiError && (err.status === 404 || err.status === 400);
    append(root, toolbar(), h('p', { class: 'error', role: 'alert' }, notFound ? t('notFound') : t('failed')),
      notFound ? h('p', {}, h('a', { class: 'foot-link', href: '/' }, t('fullMap'))) : null,
      notFound ? null : h('button', { type: 'button', class: 'tool', onclick: () => void render(profile) }, t('retry')));
    return;
  }
  const s = site.properties;
  const title = s.kind === 'compound_gate' && s.compound_name ? `${s.compound_name} · ${s.name}` : s.name;
  document.title = t('pageTitle', title);
  const at = lonLat(site.geometry.coordinates);
  const groups = boardGroups(catalog.categories, reach.nearest);
  const walkingProfile = catalog.profiles.filter((p) => p.id === profile);
  reportCategories = catalog.categories;
  const found = groups.filter((g) => g.rows.length > 0);
  const missing = groups.filter((g) => g.rows.length === 0);
  const anySample = s.is_sample || reach.contains_sample;

  const profiles = h('div', { class: 'profiles', role: 'radiogroup', 'aria-label': t('profile') },
    ...catalog.profiles.map((p) => h('button', {
      type: 'button', role: 'radio', class: `seg${p.id === profile ? ' on' : ''}`, 'aria-checked': String(p.id === profile), 'data-profile': p.id,
      onclick: () => {
        if (p.id === profile) return;
        const q = new URLSearchParams(location.search);
        if (p.id === 'standard') q.delete('profile'); else q.set('profile', p.id);
        history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
        // The page is drawn anew; keep the keyboard where it was.
        void render(p.id).then(() => root.querySelector<HTMLElement>(`.profiles [data-profile="${p.id}"]`)?.focus());
      },
    }, nameOf(p))));
  const timeBox = timeControl(lang, pageTime, (c) => {
    pageTime = c;
    const q = new URLSearchParams(location.search);
    const v = choiceToParam(c);
    if (v) q.set('t', v); else q.delete('t');
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
    // Walks (gates shut at night) and open states are for the new time; keep the keyboard where it was.
    void render(profile).then(() => root.querySelector<HTMLElement>(c.kind === 'at' ? '#time-at' : '#time-choice')?.focus());
  });
  const mapBox = h('div', { id: 'map', class: 'map', role: 'region', 'aria-label': t('mapLabel') });
  const deskSlot = h('div', { id: 'desk-slot' });
  const changesSlot = h('div', { id: 'changes-slot' });
  const summaryText = () => [title, t('summary', found.length, groups.length),
    missing.length ? t('missingSummary', missing.map((g) => nameOf(g.category)).join(t('sep'))) : t('allFound', groups.length)].join(lang === 'zh' ? '。' : '. ');
  const numberOf = new Map(groups.flatMap((g) => g.rows.map((r) => [r.id, r.number] as [number, number])));
  const allItems = Object.values(reach.nearest).flat();
  const listBox = h('section', { id: 'list', 'aria-labelledby': 'list-title' },
    h('h2', { id: 'list-title' }, t('listTitle')),
    renderList(groups, reach.nearest, at, title));
  clear(root);
  append(root,
    h('header', { class: 'head' },
      toolbar(summaryText),
      h('h1', { id: 'site-name' }, title, s.is_sample ? h('span', { class: 'badge-sample' }, t('sample')) : null),
      h('p', { class: 'where' }, [s.street_name, s.community_name].filter(Boolean).join(' · '))),
    changesSlot,
    h('section', { class: 'summary', id: 'summary' },
      h('p', { class: 'big' }, t('summary', found.length, groups.length)),
      missing.length ? h('p', { class: 'gap' }, t('missingSummary', missing.map((g) => nameOf(g.category)).join(t('sep')))) : h('p', {}, t('allFound', groups.length)),
      reportButton(() => ({ site_id: siteId, label: title }), () => reportCategories, { id: 'report-site' })),
    profiles,
    timeBox,
    finder(allItems, numberOf, catalog.categories, listBox, at, title),
    listBox,
    deskSlot,
    h('h2', { class: 'sr-only' }, t('mapLabel')),
    mapBox,
    h('p', { class: 'legend' }, ...reach.minutes.map((m) => h('span', { class: 'ring', 'data-minutes': m, style: `color:${ringColor(m).line}` }, t('ringLegend', m))),
      ...walkingProfile.map((p) => h('span', { class: 'ring-note', 'data-speed': p.speed_mps }, t('ringNote', nameOf(p), p.speed_mps)))),
    h('p', { class: 'foot' }, t('updated'), ' ', h('a', { class: 'foot-link', href: `/#o=${at[0].toFixed(5)},${at[1].toFixed(5)}${profile !== 'standard' ? `&p=${profile}` : ''}` }, t('fullMap'))),
    anySample ? h('p', { id: 'sample-note', class: 'sample-note' }, t('sampleNote')) : null,
    h('p', { class: 'foot attribution' }, t('attribution')));
  const printedVersion = params.get('v');
  if (printedVersion && /^[0-9a-f]{12}$/.test(printedVersion) && profile === (params.get('profile') ?? 'standard')) renderChanges(changesSlot, profile, printedVersion);
  void fillOpenStates(listBox, pageDate());
  if (window.__firstUsefulMs === undefined) {
    window.__firstUsefulMs = performance.now();
    performance.mark('svc:first-useful-content');
  }
  renderDesks(deskSlot, profile);

  const numbered = groups.flatMap((g) => g.rows.map((r) => ({ id: r.id, lon: r.lon, lat: r.lat, name: r.name, category: g.category.id, number: r.number, is_sample: r.is_sample })));
  const colorOf = new Map(catalog.categories.map((c) => [c.id, c.color]));
  const ownPicture = (label: string) => {
    clear(mapBox);
    append(mapBox, h('p', { class: 'sr-only' }, label), circlePicture({
      site: at, rings: reach.rings.features, title: label, hereLabel: t('here'), ringLabel: (m) => t('ringLegend', m),
      points: numbered.map((p) => ({ lon: p.lon, lat: p.lat, number: p.number, color: colorOf.get(p.category) ?? '#666666' })),
    }));
    window.__mobileReady = true;
  };
  // Without WebGL2: the printed board's own drawing (same rings and numbers), else a picture of ours.
  const picture = () => {
    mapBox.classList.add('static');
    const img = h('img', { src: `/api/boards/${siteId}.svg?profile=${encodeURIComponent(profile)}&lang=${lang}`, alt: t('staticPicture'), class: 'board-picture' });
    img.addEventListener('load', () => { window.__mobileReady = true; });
    img.addEventListener('error', () => ownPicture(t('staticPicture')));
    clear(mapBox);
    append(mapBox, img);
  };
  // Creating a WebGL context is itself costly (a GPU process, or a software one): the real check waits
  // for the live map; a browser without the WebGL2 API at all gets the board's picture at once.
  if (!('WebGL2RenderingContext' in window)) { picture(); return; }
  // The picture is drawn in a task of its own, after the list has been laid out and painted: one long
  // task on a slow phone is what delays a first tap.
  const mapStandIn = () => {
    // The live map (MapLibre: most of the page's bytes and nearly all of its main-thread work on a phone)
    // waits until the resident scrolls near it or asks for it. Until then our own picture of the same rings
    // and numbers stands in its place, at the same size, so nothing moves when the map arrives.
    ownPicture(t('mapPreview'));
    const liveButton = h('button', { type: 'button', class: 'tool live-map-button' }, t('showLiveMap'));
    mapBox.append(liveButton);
    let started = false;
    const startLiveMap = async (focus: boolean) => {
      if (started) return;
      started = true;
      observer?.disconnect();
      liveButton.disabled = true;
      liveButton.textContent = t('liveMapLoading');
      if (!hasWebGL2()) { picture(); return; }
      // The map grows under the picture, hidden, and takes its place once it has loaded.
      const live = h('div', { class: 'live-map', 'data-loading': 'true' });
      mapBox.append(live);
      try {
        const { showLiveMap } = await import('./liveMap.ts');
        await showLiveMap(live, {
          site: at, rings: reach.rings.features, points: numbered, categories: catalog.categories,
          ariaLabel: t('mapLabel'), hereLabel: t('here'), ringLabel: (m) => t('ringLegend', m),
        });
        for (const node of [...mapBox.children]) if (node !== live) node.remove();
        delete live.dataset.loading;
        if (focus) live.querySelector<HTMLElement>('canvas')?.focus();
      } catch (err) {
        console.warn('live map unavailable, showing the static picture:', err);
        picture();
      }
    };
    liveButton.addEventListener('click', () => void startLiveMap(true));
    const observer = 'IntersectionObserver' in window
      ? new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) void startLiveMap(false); }, { rootMargin: '0px 0px 200px 0px' })
      : null;
    if (observer) observer.observe(mapBox); else void startLiveMap(false);
  };
  setTimeout(mapStandIn, 0);
}

function start(): void {
  if (textSize()) applyTextSize(textSize());
  document.body.append(root);
  append(root, status);
  if (!Number.isInteger(siteId) || siteId < 1) {
    clear(root);
    append(root, toolbar(), h('p', { class: 'error', role: 'alert' }, t('notFound')), h('p', {}, h('a', { class: 'foot-link', href: '/' }, t('fullMap'))));
    return;
  }
  const profile = params.get('profile') ?? 'standard';
  void render(/^[a-z_]{1,40}$/.test(profile) ? profile : 'standard');
}

start();
