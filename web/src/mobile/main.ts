// The phone page behind a board's QR code (/m/site/:id): the same site, rings and numbered points as
// the printed board, computed live; large type, high contrast, a one-tap large-text mode. The list is
// the first thing on screen; the live map (or, without WebGL2, a static picture) follows.
import { ringColor } from '../../../server/palette.ts';
import { currentLang, setLang, translator } from '../lang.ts';
import { api, ApiError, type Catalog, type NearestItem, type ReachAnswer, type SiteFeature } from '../common/api.ts';
import { append, clear, el, textColorOn } from '../common/dom.ts';
import { boardGroups, type BoardGroup } from '../common/boardRows.ts';
import { boardMinutes } from '../common/format.ts';
import { hhmm, openNow } from '../common/hours.ts';
import { NAV_APPS, navigationUrl } from '../common/navigation.ts';
import { hasWebGL2 } from '../common/webgl.ts';
import { circlePicture } from './staticPicture.ts';
import { reportButton } from '../common/reportButton.ts';
import { zh as reportZh, en as reportEn } from '../common/reportMessages.ts';
import { messages } from './messages.ts';
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
const LARGE_KEY = 'hexi.largeText';
/** Desk visits asked for: the next 8 of the coming 60 days, as on the resident map. */
const DESK_VISITS_ASKED = 8;
const DESK_DAYS_AHEAD = 60;

const siteId = Number(location.pathname.match(/\/m\/site\/(\d+)/)?.[1] ?? new URLSearchParams(location.search).get('site'));
const params = new URLSearchParams(location.search);

const root = el('main', { id: 'page', class: 'page' });
const status = el('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }, t('loading'));

function applyLargeText(on: boolean): void {
  document.documentElement.classList.toggle('large', on);
  try { localStorage.setItem(LARGE_KEY, on ? '1' : '0'); } catch { /* storage blocked */ }
}
function largeTextOn(): boolean {
  try { return localStorage.getItem(LARGE_KEY) === '1'; } catch { return false; }
}

function marker(color: string, text: string | number, label?: string): HTMLElement {
  return el('span', { class: 'marker', style: `background:${color};color:${textColorOn(color)}`, ...(label ? { 'aria-label': label } : { 'aria-hidden': 'true' }) }, String(text));
}

function toolbar(): HTMLElement {
  const large = el('button', {
    type: 'button', id: 'large-text', class: 'tool', 'aria-pressed': String(largeTextOn()), 'aria-label': t('largeTextLabel'),
    onclick: () => { const on = large.getAttribute('aria-pressed') !== 'true'; large.setAttribute('aria-pressed', String(on)); applyLargeText(on); },
  }, t('largeText'));
  const langBtn = el('button', {
    type: 'button', id: 'lang', class: 'tool', 'aria-label': t('langSwitchLabel'),
    onclick: () => { setLang(lang === 'zh' ? 'en' : 'zh'); location.reload(); },
  }, t('langSwitch'));
  return el('div', { class: 'tools' }, large, langBtn);
}

function pointDetails(item: NearestItem, site: [number, number], siteName: string): HTMLElement {
  const hours = el('span', { class: 'open-state', 'data-state': 'pending' });
  const box = el('div', { class: 'details' },
    item.address ? el('p', {}, el('span', { class: 'k' }, `${t('address')}：`), item.address) : null,
    item.phone ? el('p', {}, el('span', { class: 'k' }, `${t('phone')}：`),
      el('a', { class: 'tel', href: `tel:${item.phone.replace(/[^0-9+]/g, '')}`, 'aria-label': t('call', item.phone) }, item.phone)) : null,
    el('p', {}, el('span', { class: 'k' }, `${t('hours')}：`), item.opening_hours ? hours : t('hoursUnknown'), item.opening_hours ? ` ${item.opening_hours}` : ''),
    el('div', { class: 'nav', role: 'group', 'aria-label': t('navigate') },
      ...NAV_APPS.map((app) => el('a', {
        class: 'nav-link', 'data-app': app, target: '_blank', rel: 'noopener noreferrer',
        href: navigationUrl(app, { lon: item.lon, lat: item.lat, name: item.name }, { lon: site[0], lat: site[1], name: siteName }),
      }, `${t('navigate')} · ${t(app)}`))),
    reportButton(() => ({ site_id: siteId, point_id: item.id, label: item.name, kind: 'info_wrong' }), () => reportCategories,
      { compact: true, label: rt('openPoint', item.name) }));
  return box;
}

/** Fills in "open now" when a row is first opened (the parser is loaded then, not with the page). */
function showOpenState(details: HTMLDetailsElement, value: string | null): void {
  const hours = details.querySelector<HTMLElement>('.open-state');
  if (!value || !hours || hours.dataset.state !== 'pending') return;
  hours.dataset.state = 'loading';
  void openNow(value).then((o) => {
    hours.dataset.state = o.state;
    hours.textContent = o.state === 'open' ? t('openNow') : o.state === 'closed' ? t('closedNow') : t('hoursUnknown');
    if (o.next && o.state === 'open') hours.append(`（${t('until', hhmm(o.next))}）`);
  });
}

function row(item: NearestItem, number: number | null, color: string, site: [number, number], siteName: string): HTMLElement {
  return el('li', { class: 'point', 'data-point-id': item.id },
    el('details', { ontoggle: (e: Event) => showOpenState(e.currentTarget as HTMLDetailsElement, item.opening_hours) },
      el('summary', {},
        number === null ? el('span', { class: 'marker blank', 'aria-hidden': 'true' }, '·') : marker(color, number),
        el('span', { class: 'name' }, item.name, item.is_sample ? el('span', { class: 'badge-sample' }, t('sample')) : null),
        el('span', { class: 'min', 'data-walk-min': item.walk_min }, t('minutes', boardMinutes(item.walk_s)))),
      pointDetails(item, site, siteName)));
}

function renderList(groups: BoardGroup[], site: [number, number], siteName: string): HTMLElement {
  const list = el('ol', { id: 'board-list', class: 'groups' });
  for (const g of groups) {
    const c = g.category;
    const missing = g.rows.length === 0;
    const group = el('li', { class: `group${missing ? ' missing' : ''}`, 'data-category': c.id, 'data-missing': String(missing) },
      el('h3', {}, marker(c.color, c.icon), nameOf(c), missing ? el('span', { class: 'missing-tag' }, t('missing')) : null));
    if (missing) {
      const b = g.nearestBeyond;
      append(group, el('p', { class: 'beyond' }, b ? t('nearestBeyond', b.name, boardMinutes(b.walk_s)) : t('noneAtAll')),
        reportButton(() => ({ site_id: siteId, kind: 'service_missing', category: c.id, label: document.title }), () => reportCategories,
          { compact: true, text: rt('openMissing', nameOf(c)) }));
    } else {
      const ul = el('ul', { class: 'points' });
      for (const r of g.rows) append(ul, row(r, r.number, c.color, site, siteName));
      if (g.extra.length) {
        append(ul, el('li', { class: 'more' }, t('more', g.extra.length)));
        for (const r of g.extra) append(ul, row(r, null, c.color, site, siteName));
      }
      append(group, ul);
    }
    append(list, group);
  }
  return list;
}

/**
 * The next mobile service desk visits at the site or within its 15-minute walk for the chosen profile,
 * cancelled ones included (struck through, with the reason), and the site's calendar feed. Nothing at
 * all when there is no visit or the desks cannot be asked: the list of services below is what matters.
 * The list's code loads only when there are visits, so it never delays the list of services.
 */
function renderDesks(container: HTMLElement, profile: string): void {
  api.upcomingDesks(siteId, profile, DESK_VISITS_ASKED, DESK_DAYS_AHEAD).then(async (answer) => {
    if (!answer.visits.length) return;
    const { calendarLink, deskText, visitBlock, visitList } = await import('../common/deskVisits.ts');
    append(container, el('section', { id: 'desk', class: 'desks', 'aria-labelledby': 'desk-title' },
      el('h2', { id: 'desk-title' }, el('span', { class: 'desk-mark', 'aria-hidden': 'true' }, '桌'), deskText('deskTitle')),
      el('p', { class: 'intro' }, t('deskIntro', answer.within_minutes)),
      ...visitList(answer.visits, (v) => visitBlock('div', v)),
      calendarLink(`/api/desks/site/${siteId}.ics`, deskText('deskSiteCalendar'))));
  }).catch(() => { /* no desks feature, or the site is off the walking network: show nothing */ });
}

async function render(profile: string): Promise<void> {
  let site: SiteFeature; let catalog: Catalog; let reach: ReachAnswer;
  try {
    [site, catalog, reach] = await Promise.all([api.site(siteId), api.catalog(), api.reachSite(siteId, profile, 50)]);
  } catch (err) {
    clear(root);
    const notFound = err instanceof ApiError && (err.status === 404 || err.status === 400);
    append(root, toolbar(), el('p', { class: 'error', role: 'alert' }, notFound ? t('notFound') : t('failed')),
      notFound ? null : el('button', { type: 'button', class: 'tool', onclick: () => void render(profile) }, t('retry')));
    return;
  }
  const s = site.properties;
  const title = s.kind === 'compound_gate' && s.compound_name ? `${s.compound_name} · ${s.name}` : s.name;
  document.title = t('pageTitle', title);
  const at = site.geometry.coordinates;
  const groups = boardGroups(catalog.categories, reach.nearest);
  const walkingProfile = catalog.profiles.filter((p) => p.id === profile);
  reportCategories = catalog.categories;
  const found = groups.filter((g) => g.rows.length > 0);
  const missing = groups.filter((g) => g.rows.length === 0);
  const anySample = s.is_sample || reach.contains_sample;

  const profiles = el('div', { class: 'profiles', role: 'radiogroup', 'aria-label': t('profile') },
    ...catalog.profiles.map((p) => el('button', {
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
  const mapBox = el('div', { id: 'map', class: 'map', role: 'region', 'aria-label': t('mapLabel') });
  const deskSlot = el('div', { id: 'desk-slot' });
  clear(root);
  append(root,
    el('header', { class: 'head' },
      toolbar(),
      el('h1', { id: 'site-name' }, title, s.is_sample ? el('span', { class: 'badge-sample' }, t('sample')) : null),
      el('p', { class: 'where' }, [s.street_name, s.community_name].filter(Boolean).join(' · '))),
    anySample ? el('p', { id: 'sample-note', class: 'sample-note' }, t('sampleNote')) : null,
    el('section', { class: 'summary', id: 'summary' },
      el('p', { class: 'big' }, t('summary', found.length, groups.length)),
      missing.length ? el('p', { class: 'gap' }, t('missingSummary', missing.map((g) => nameOf(g.category)).join('、'))) : el('p', {}, t('allFound', groups.length)),
      el('a', { class: 'to-map', href: '#map' }, t('toMap')),
      reportButton(() => ({ site_id: siteId, label: title }), () => reportCategories, { id: 'report-site' })),
    profiles,
    deskSlot,
    el('h2', { id: 'list-title' }, t('listTitle')),
    renderList(groups, at, title),
    el('h2', { class: 'sr-only' }, t('mapLabel')),
    mapBox,
    el('p', { class: 'legend' }, ...reach.minutes.map((m) => el('span', { class: 'ring', 'data-minutes': m, style: `color:${ringColor(m).line}` }, t('ringLegend', m))),
      ...walkingProfile.map((p) => el('span', { class: 'ring-note', 'data-speed': p.speed_mps }, t('ringNote', nameOf(p), p.speed_mps)))),
    el('p', { class: 'foot' }, t('updated'), ' ', el('a', { href: `/#o=${at[0].toFixed(5)},${at[1].toFixed(5)}${profile !== 'standard' ? `&p=${profile}` : ''}` }, t('fullMap'))),
    el('p', { class: 'foot attribution' }, t('attribution')));
  if (window.__firstUsefulMs === undefined) {
    window.__firstUsefulMs = performance.now();
    performance.mark('hexi:first-useful-content');
  }
  renderDesks(deskSlot, profile);

  const numbered = groups.flatMap((g) => g.rows.map((r) => ({ id: r.id, lon: r.lon, lat: r.lat, name: r.name, category: g.category.id, number: r.number, is_sample: r.is_sample })));
  const colorOf = new Map(catalog.categories.map((c) => [c.id, c.color]));
  const ownPicture = () => {
    clear(mapBox);
    append(mapBox, el('p', { class: 'sr-only' }, t('staticPicture')), circlePicture({
      site: at, rings: reach.rings.features, title: t('staticPicture'), hereLabel: t('here'), ringLabel: (m) => t('ringLegend', m),
      points: numbered.map((p) => ({ lon: p.lon, lat: p.lat, number: p.number, color: colorOf.get(p.category) ?? '#666666' })),
    }));
    window.__mobileReady = true;
  };
  // Without WebGL2: the printed board's own drawing (same rings and numbers), else a picture of ours.
  const picture = () => {
    mapBox.classList.add('static');
    const img = el('img', { src: `/api/boards/${siteId}.svg?profile=${encodeURIComponent(profile)}&lang=${lang}`, alt: t('staticPicture'), class: 'board-picture' });
    img.addEventListener('load', () => { window.__mobileReady = true; });
    img.addEventListener('error', ownPicture);
    clear(mapBox);
    append(mapBox, img);
  };
  if (!hasWebGL2()) { picture(); return; }
  try {
    const { showLiveMap } = await import('./liveMap.ts');
    await showLiveMap(mapBox, {
      site: at, rings: reach.rings.features, points: numbered, categories: catalog.categories,
      ariaLabel: t('mapLabel'), hereLabel: t('here'), ringLabel: (m) => t('ringLegend', m),
    });
    window.__mobileReady = true;
  } catch (err) {
    console.warn('live map unavailable, showing the static picture:', err);
    picture();
  }
}

function start(): void {
  if (largeTextOn()) applyLargeText(true);
  document.body.append(root);
  append(root, status);
  if (!Number.isInteger(siteId) || siteId < 1) {
    clear(root);
    append(root, toolbar(), el('p', { class: 'error', role: 'alert' }, t('notFound')));
    return;
  }
  const profile = params.get('profile') ?? 'standard';
  void render(/^[a-z_]{1,40}$/.test(profile) ? profile : 'standard');
}

start();
