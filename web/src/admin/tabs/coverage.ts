// The coverage tab of /admin (缺什么补什么): a map of compounds coloured by their number of gaps (or,
// for one category, covered / gap / unknown with the minutes), each compound's categories against
// the targets, the street's table per category with its target and incomplete settings, the worst gaps,
// the 14-street overview, what-if (click the map: rings and newly covered compounds) and suggestions.
// Everything comes from /api/coverage/*; the server checks roles, this page only mirrors them.
import { FONT_STACK } from '../../../../server/palette.ts';
import { addAreaLayers } from '../../map/areaLayers.ts';
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { clear, h } from '../../common/dom.ts';
import { hasWebGL2 } from '../../common/webgl.ts';
import { ringColor, RING_COLORS, FALLBACK_RING } from '../../../../server/palette.ts';
import * as messages from './coverage.messages.ts';
import { checkupPanel } from './checkupPanel.ts';
import type { Static } from 'typebox';
import type {
  CompoundMapResponse, CoverageResponse, FewestSitesResponse, ScenarioCompareResponse, ScenarioDraftResponse, ScenarioSchema, SettingsResponse, StreetSummarySchema,
  SuggestResponse, Tally as TallySchema, WhatIfResponse,
} from '../../../../server/coverage/schemas.ts';

/** The coverage routes' answers (the server's schemas in server/coverage/schemas.ts). */
type CoverageAnswer = Static<typeof CoverageResponse>;
type Row = CoverageAnswer['rows'][number];
type Status = Row['status'];
type Tally = Static<typeof TallySchema>;
type StreetSummary = Static<typeof StreetSummarySchema>;
type CompoundFeature = Static<typeof CompoundMapResponse>['features'][number];
type Setting = Static<typeof SettingsResponse>['categories'][number];
/** A what-if answer; the suggestions carry the same fields without `saved`. */
type WhatIf = Omit<Static<typeof WhatIfResponse>, 'saved'>;
type Suggest = Static<typeof SuggestResponse>;
type Fewest = Static<typeof FewestSitesResponse>;
type PlannedSite = Fewest['cover']['sites'][number];
type Scenario = Static<typeof ScenarioSchema>;
type Compare = Static<typeof ScenarioCompareResponse>;
type PlanPoint = { category: string; lon: number; lat: number; label?: string | null };

const EMPTY = { type: 'FeatureCollection' as const, features: [] };
/** Gap counts → colour (0 green … 4+ red); the count is also printed on the marker, so colour is never the only cue. */
const GAP_COLORS: [number, string][] = [[0, '#1a9850'], [1, '#fee08b'], [2, '#fc8d59'], [4, '#d73027']];
const STATUS_COLORS: Record<Status, string> = { covered: '#1a9850', gap: '#d73027', unknown: '#9e9e9e' };

/** Bands of the district overview by the number of gap compounds of a street and category. */
const GAP_BANDS = [
  { id: 'none', max: 0 }, { id: 'few', max: 2 }, { id: 'some', max: 9 }, { id: 'many', max: Infinity },
] as const;
const gapBand = (gaps: number) => GAP_BANDS.find((b) => gaps <= b.max)!.id;

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 1000) / 10}%`);

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<() => void> {
  const t = translator(messages, ctx.lang);
  const nameOf = (x: { name_zh: string; name_en: string }) => (ctx.lang === 'zh' ? x.name_zh : x.name_en);
  const categoryName = (id: string) => { const c = ctx.categories.find((x) => x.id === id); return c ? nameOf(c) : id; };
  const categoryColor = (id: string) => ctx.categories.find((x) => x.id === id)?.color ?? '#777777';
  const errorText = (err: unknown) => (err instanceof ApiError ? err.text(ctx.lang) : String(err));
  const statusText = (s: Status) => t(s);
  const noteText = (note: string | null) => (note ? t(`note_${note}` as 'note_no_point') : '');
  const catalog = await ctx.api.get<{ profiles: { id: string; name_zh: string; name_en: string }[]; categories: { id: string; target_minutes: Record<string, number> }[] }>('/api/categories');
  const defaultTarget = (categoryId: string) => {
    const tm = catalog.categories.find((c) => c.id === categoryId)?.target_minutes ?? {};
    return tm[profile] ?? tm.standard ?? 15;
  };
  const colon = ctx.lang === 'zh' ? '：' : ': ';

  let street = ctx.defaultStreet ?? '';
  let profile = 'standard';
  let category = '';
  let mode: 'gaps' | 'whatif' | 'suggest' | 'fewest' | 'scenarios' = 'gaps';
  /** Points gathered for a scenario (what-if clicks, suggestions, the exact answer) until saved. */
  let pending: PlanPoint[] = [];
  let data: CoverageAnswer | null = null;
  let compounds: CompoundFeature[] = [];
  let map: MapLibreMap | null = null;
  let selected: number | null = null;

  const streetSelect = h('select', { 'aria-label': t('street'), name: 'street' },
    h('option', { value: '', selected: street === '' }, t('wholeDistrict')),
    ...ctx.streets.map((s) => h('option', { value: s.code, selected: s.code === street }, s.name)));
  const profileSelect = h('select', { 'aria-label': t('profile'), name: 'profile' },
    ...catalog.profiles.map((p) => h('option', { value: p.id, selected: p.id === profile }, nameOf(p))));
  const categorySelect = h('select', { 'aria-label': t('category'), name: 'category' },
    h('option', { value: '' }, t('allCategories')),
    ...ctx.categories.map((c) => h('option', { value: c.id }, nameOf(c))));
  const modeButtons = (['gaps', 'whatif', 'suggest', 'fewest', 'scenarios'] as const).map((id) => h('button', {
    type: 'button', 'data-mode': id, 'aria-pressed': String(id === mode),
    onclick: () => { setMode(id); },
  }, t(id === 'gaps' ? 'modeGaps' : id === 'whatif' ? 'modeWhatIf' : id === 'suggest' ? 'modeSuggest' : id === 'fewest' ? 'modeFewest' : 'modeScenarios')));
  const csvLink = h('a', { class: 'button-link', download: '' }, t('exportCsv'));
  const xlsxLink = h('a', { class: 'button-link', download: '' }, t('exportXlsx'));
  const hint = h('p', { class: 'map-hint' });
  const info = h('p', { class: 'coverage-info', role: 'status', 'aria-live': 'polite' });
  const mapBox = h('div', { class: 'map-box coverage-map', 'aria-label': t('mapLabel') });
  const legend = h('div', { class: 'coverage-legend' });
  const side = h('div', { class: 'coverage-side' });
  const streetTable = h('section', { class: 'coverage-categories' });
  const worst = h('section', { class: 'coverage-worst' });
  const overview = h('section', { class: 'coverage-overview' });
  const checkup = checkupPanel(ctx, () => map);

  container.append(
    h('style', null, COVERAGE_CSS),
    h('div', { class: 'filters' },
      h('label', null, t('street'), streetSelect),
      h('label', null, t('profile'), profileSelect),
      h('label', null, t('category'), categorySelect),
      h('div', { class: 'coverage-modes', role: 'group' }, ...modeButtons),
      csvLink, xlsxLink),
    info,
    h('div', { class: 'coverage-layout' },
      h('div', null, hint, mapBox, legend, checkup.element),
      side),
    streetTable, worst, overview,
  );

  streetSelect.addEventListener('change', () => { street = streetSelect.value; selected = null; void refresh(true); });
  profileSelect.addEventListener('change', () => { profile = profileSelect.value; void refresh(false); });
  categorySelect.addEventListener('change', () => { category = categorySelect.value; paintCompounds(); renderSide(); updateHint(); });

  const weightByReports = h('input', { type: 'checkbox', id: 'coverage-weight-reports' });

  // ---- map ---------------------------------------------------------------------------------------

  if (hasWebGL2()) {
    try {
      const { createMap } = await import('../../map/createMap.ts');
      map = await createMap({ container: mapBox, ariaLabel: t('mapLabel') });
      setUpLayers(map);
    } catch (err) {
      mapBox.replaceWith(h('p', { class: 'admin-error' }, errorText(err)));
      map = null;
    }
  } else {
    mapBox.replaceWith(h('p', { class: 'admin-error' }, t('noWebGL')));
  }

  function setUpLayers(m: MapLibreMap): void {
    const meta = m.getStyle().metadata as Record<string, unknown> | undefined;
    const font = (meta?.['svc:label-font'] as string[] | undefined) ?? FONT_STACK;
    const byMinutes = (key: 'fill' | 'line'): ExpressionSpecification =>
      ['match', ['get', 'minutes'], ...Object.entries(RING_COLORS).flatMap(([mm, c]) => [Number(mm), c[key]]), FALLBACK_RING[key]] as unknown as ExpressionSpecification;
    addAreaLayers(m, font);
    m.addSource('cov-rings', { type: 'geojson', data: EMPTY });
    m.addSource('cov-compounds', { type: 'geojson', data: EMPTY, promoteId: 'id' });
    m.addSource('cov-newly', { type: 'geojson', data: EMPTY });
    m.addSource('cov-points', { type: 'geojson', data: EMPTY });
    // Residents' open 缺少服务 reports: demand by category (server/reports), drawn as diamonds in the category's colour.
    m.addSource('cov-demand', { type: 'geojson', data: '/api/reports/demand' });
    m.addLayer({ id: 'cov-rings-fill', type: 'fill', source: 'cov-rings', paint: { 'fill-color': byMinutes('fill'), 'fill-opacity': 0.14 } });
    m.addLayer({ id: 'cov-rings-line', type: 'line', source: 'cov-rings', paint: { 'line-color': byMinutes('line'), 'line-width': 2, 'line-dasharray': [3, 1.5] } });
    m.addLayer({ id: 'cov-newly', type: 'circle', source: 'cov-newly', paint: { 'circle-radius': 15, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#1f5fbf', 'circle-stroke-width': 3.5 } });
    m.addLayer({
      id: 'cov-compounds', type: 'circle', source: 'cov-compounds',
      paint: {
        'circle-radius': ['case', ['boolean', ['feature-state', 'selected'], false], 12, 9],
        'circle-color': ['get', 'fill'],
        'circle-stroke-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#000000', '#ffffff'],
        'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 1.5],
      },
    });
    m.addLayer({
      id: 'cov-compounds-label', type: 'symbol', source: 'cov-compounds',
      layout: { 'text-field': ['get', 'label'], 'text-font': font, 'text-size': 11, 'text-allow-overlap': true },
      paint: { 'text-color': ['get', 'ink'] },
    });
    m.addLayer({
      id: 'cov-demand', type: 'symbol', source: 'cov-demand',
      layout: { 'text-field': '◆', 'text-font': font, 'text-size': 18, 'text-allow-overlap': true },
      paint: { 'text-color': ['get', 'color'], 'text-halo-color': '#111111', 'text-halo-width': 1 },
    });
    m.addLayer({
      id: 'cov-points', type: 'circle', source: 'cov-points',
      paint: { 'circle-radius': 11, 'circle-color': '#111111', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    });
    m.addLayer({
      id: 'cov-points-label', type: 'symbol', source: 'cov-points',
      layout: { 'text-field': ['get', 'label'], 'text-font': font, 'text-size': 12, 'text-allow-overlap': true },
      paint: { 'text-color': '#ffffff' },
    });
    m.on('click', (e: MapMouseEvent) => {
      const hit = m.queryRenderedFeatures(e.point, { layers: ['cov-compounds'] })[0];
      if (mode === 'whatif') { void runWhatIf(e.lngLat.lng, e.lngLat.lat); return; }
      if (hit) { selectCompound(Number(hit.properties.id)); }
    });
    m.on('mouseenter', 'cov-compounds', () => { m.getCanvas().style.cursor = 'pointer'; });
    m.on('mouseleave', 'cov-compounds', () => { m.getCanvas().style.cursor = mode === 'whatif' ? 'crosshair' : ''; });
  }

  function source(id: string): GeoJSONSource | undefined {
    return map?.getSource(id) as GeoJSONSource | undefined;
  }

  function gapColor(gaps: number): string {
    let color = GAP_COLORS[0][1];
    for (const [from, c] of GAP_COLORS) if (gaps >= from) color = c;
    return color;
  }

  function paintCompounds(): void {
    const features = compounds.map((f) => {
      const p = f.properties;
      let fill: string, label: string;
      if (category) {
        const c = p.categories[category];
        fill = STATUS_COLORS[(c?.status ?? 'unknown') as Status]; // the compound map's schema says only string
        label = c?.walk_min === null || c?.walk_min === undefined ? '?' : String(Math.round(c.walk_min));
      } else {
        fill = gapColor(p.gaps);
        label = String(p.gaps);
      }
      return { type: 'Feature' as const, id: p.id, geometry: f.geometry, properties: { id: p.id, name: p.name, fill, label, ink: fill === '#fee08b' || fill === '#9e9e9e' ? '#000000' : '#ffffff' } };
    });
    source('cov-compounds')?.setData({ type: 'FeatureCollection', features });
    renderLegend();
  }

  function renderLegend(): void {
    clear(legend);
    if (category) {
      legend.append(h('span', { class: 'legend-title' }, `${t('legendStatus')} · ${categoryName(category)}${colon}`),
        ...(['covered', 'gap', 'unknown'] as Status[]).map((s) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: `background:${STATUS_COLORS[s]}` }), statusText(s))));
    } else {
      legend.append(h('span', { class: 'legend-title' }, `${t('legendGaps')}${colon}`),
        ...GAP_COLORS.map(([from, c], i) => {
          const next = GAP_COLORS[i + 1]?.[0];
          const text = next === undefined ? `${from}+` : next - from > 1 ? `${from}–${next - 1}` : String(from);
          return h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: `background:${c}` }), text);
        }));
    }
    legend.append(h('span', { class: 'legend-note' }, category ? t('markerMinutes') : t('markerGaps')));
    if (mode !== 'gaps') {
      legend.append(h('span', { class: 'legend-item' }, h('span', { class: 'swatch dark' }, '1'), t('markerSites')),
        h('span', { class: 'legend-item' }, h('span', { class: 'swatch ring' }), t('markerNewly')));
    }
    if (mode === 'whatif' || mode === 'suggest') {
      legend.append(h('span', { class: 'legend-title' }, `${t('ringsLegend')}${colon}`),
        ...[5, 10, 15].map((mm) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: `background:${ringColor(mm).fill}` }), t('minutesValue', mm))));
    }
  }

  function fitToCompounds(): void {
    if (!map || compounds.length === 0) return;
    let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
    for (const f of compounds) {
      const [lon, lat] = f.geometry.coordinates;
      minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon); minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
    }
    map.fitBounds([[minLon, minLat], [maxLon, maxLat]], { padding: 50, maxZoom: 16, duration: 0 });
  }

  function clearPlanning(): void {
    source('cov-rings')?.setData(EMPTY);
    source('cov-newly')?.setData(EMPTY);
    source('cov-points')?.setData(EMPTY);
  }

  function setMode(next: typeof mode): void {
    mode = next;
    planningView = null;
    compareView = null;
    for (const b of modeButtons) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
    clearPlanning();
    if (map) map.getCanvas().style.cursor = mode === 'whatif' ? 'crosshair' : '';
    if (mode !== 'gaps' && !category) { category = 'elder_care'; categorySelect.value = category; paintCompounds(); }
    updateHint();
    renderLegend();
    renderSide();
  }

  function updateHint(): void {
    hint.textContent = mode === 'gaps' ? t('hintGaps') : mode === 'whatif' ? t('hintWhatIf', categoryName(category || 'elder_care')) : mode === 'suggest' ? t('hintSuggest') : mode === 'fewest' ? t('hintFewest') : t('hintScenarios');
  }

  // ---- data ----------------------------------------------------------------------------------------

  async function refresh(fit: boolean): Promise<void> {
    info.textContent = t('loading');
    const q = `profile=${encodeURIComponent(profile)}${street ? `&street=${street}` : ''}`;
    csvLink.setAttribute('href', `/api/coverage/export.csv?${q}&lang=${ctx.lang}`);
    xlsxLink.setAttribute('href', `/api/coverage/export.xlsx?${q}&lang=${ctx.lang}`);
    try {
      const [answer, features, district, settings] = await Promise.all([
        ctx.api.get<CoverageAnswer>(`/api/coverage?${q}`),
        ctx.api.get<{ features: CompoundFeature[] }>(`/api/coverage/compounds?${q}`),
        street ? ctx.api.get<CoverageAnswer>(`/api/coverage?profile=${encodeURIComponent(profile)}&limit=1`) : Promise.resolve(null),
        street ? ctx.api.get<{ categories: Setting[] }>(`/api/coverage/settings?street=${street}`) : Promise.resolve(null),
      ]);
      data = answer;
      compounds = features.features;
      info.textContent = `${t('computed', answer.computed_ms, answer.rows_total)}${answer.contains_sample ? ` · ${t('sampleNotice')}` : ''}`;
      paintCompounds();
      if (fit) fitToCompounds();
      renderSide();
      renderStreetTable(settings?.categories ?? null);
      renderWorst();
      renderOverview((district ?? answer).summary.streets);
      void checkup.refresh(profile, street);
    } catch (err) {
      info.textContent = errorText(err);
      ctx.notify(errorText(err), 'error');
    }
  }

  function selectCompound(id: number): void {
    if (map && selected !== null) map.setFeatureState({ source: 'cov-compounds', id: selected }, { selected: false });
    selected = id;
    if (map) map.setFeatureState({ source: 'cov-compounds', id }, { selected: true });
    if (mode !== 'gaps') setMode('gaps'); else renderSide();
  }

  // ---- side panel: compound detail / what-if / suggestions --------------------------------------

  let planningView: HTMLElement | null = null;

  function renderSide(): void {
    clear(side);
    if (mode === 'gaps') {
      const f = compounds.find((x) => x.properties.id === selected);
      if (!f) { side.append(h('p', { class: 'map-hint' }, t('hintGaps'))); return; }
      const p = f.properties;
      const rows = ctx.categories.map((c) => ({ id: c.id, ...p.categories[c.id] }));
      side.append(
        h('h3', null, p.name, p.is_sample ? h('span', { class: 'badge sample' }, ctx.lang === 'zh' ? '示例' : 'sample') : null),
        h('p', { class: 'meta' }, `${t('residents')} ${p.residents ?? '—'} · ${t('households')} ${p.households ?? '—'} · ${t('gaps', p.gaps)}`),
        h('table', { class: 'coverage-compound' },
          h('thead', null, h('tr', null, h('th', null, t('category')), h('th', null, t('minutes')), h('th', null, t('target')), h('th', null, t('status')))),
          h('tbody', null, ...rows.map((r) => h('tr', { class: `status-${r.status}`, 'data-category': r.id },
            h('td', null, h('span', { class: 'swatch', style: `background:${categoryColor(r.id)}` }), categoryName(r.id)),
            h('td', null, r.walk_min ?? '—'),
            h('td', null, r.target_min),
            h('td', { title: r.nearest ?? '' }, statusText(r.status as Status), r.note ? h('span', { class: 'note' }, ` · ${noteText(r.note)}`) : null))))),
      );
      return;
    }
    if (mode === 'suggest') {
      side.append(h('label', { class: 'weight-reports' }, weightByReports, ' ', t('weightByReports')), ' ',
        h('button', { type: 'button', class: 'primary', onclick: () => { void runSuggest(); } }, t('suggestRun')),
        h('p', { class: 'meta' }, t('demandLegend')));
    }
    if (mode === 'fewest') {
      side.append(h('button', { type: 'button', class: 'primary', onclick: () => { void runFewest(); } }, t('fewestRun')));
    }
    if (mode === 'scenarios' && !planningView) { void loadScenarios(); return; }
    if (planningView) side.append(planningView);
    if (mode !== 'scenarios' && pending.length) side.append(pendingView());
  }

  async function runWhatIf(lon: number, lat: number): Promise<void> {
    if (!category) { ctx.notify(t('chooseCategory'), 'error'); return; }
    info.textContent = t('loading');
    try {
      const w = await ctx.api.post<WhatIf>('/api/coverage/what-if', { category, lon, lat, profile });
      showPlanning(w, 1);
      planningView = whatIfView(w);
      info.textContent = t('notSaved');
      renderSide();
    } catch (err) {
      info.textContent = errorText(err);
      ctx.notify(errorText(err), 'error');
    }
  }

  function showPlanning(w: WhatIf, label: number | string): void {
    const rings = [...w.rings.features].sort((a, b) => b.properties.minutes - a.properties.minutes);
    source('cov-rings')?.setData({ type: 'FeatureCollection', features: rings } as GeoJSON.FeatureCollection);
    source('cov-newly')?.setData({
      type: 'FeatureCollection',
      features: w.newly_covered.filter((c) => c.lon !== null).map((c) => ({ type: 'Feature', properties: { id: c.compound_id }, geometry: { type: 'Point', coordinates: [c.lon!, c.lat!] } })),
    });
    source('cov-points')?.setData({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { label: String(label) }, geometry: { type: 'Point', coordinates: [w.location.lon, w.location.lat] } }] });
  }

  function whatIfView(w: WhatIf): HTMLElement {
    const changed = w.streets.filter((s) => s.covered_after !== s.covered_before);
    return h('div', { class: 'coverage-whatif' },
      h('h3', null, `${t('whatIfTitle')} · ${categoryName(w.category)}`),
      h('p', null, t('whatIfAt', (w as { place_name?: string }).place_name ?? w.location.road ?? t('unnamedRoad')), ` (${w.location.lon.toFixed(5)}, ${w.location.lat.toFixed(5)})`),
      h('p', { class: 'headline' }, w.newly_covered_compounds ? t('newlyCovered', w.newly_covered_compounds, w.newly_covered_residents) : t('nothingNew')),
      w.newly_covered.length ? h('table', { class: 'coverage-newly' },
        h('thead', null, h('tr', null, h('th', null, t('compound')), h('th', null, t('residents')), h('th', null, t('before')), h('th', null, t('after')), h('th', null, t('target')))),
        h('tbody', null, ...w.newly_covered.map((c) => h('tr', null,
          h('td', null, c.compound_name), h('td', null, c.residents ?? '—'), h('td', null, c.walk_min_before ?? '—'), h('td', null, c.walk_min_after), h('td', null, c.target_min))))) : null,
      changed.length ? h('table', { class: 'coverage-street-change' },
        h('caption', null, t('streetChange')),
        h('thead', null, h('tr', null, h('th', null, t('street')), h('th', null, t('shareCompounds')), h('th', null, t('sharePeople')))),
        h('tbody', null, ...changed.map((s) => h('tr', null, h('td', null, s.street_name),
          h('td', null, `${pct(s.share_before)} → ${pct(s.share_after)}`),
          h('td', null, `${pct(s.share_residents_before)} → ${pct(s.share_residents_after)}`))))) : null,
      mode === 'whatif' ? h('button', { type: 'button', class: 'add-to-scenario', onclick: () => { addPending([{ category: w.category, lon: w.location.lon, lat: w.location.lat }]); } }, t('addToScenario')) : null,
      h('p', { class: 'meta' }, t('notSaved')),
    );
  }

  async function runSuggest(): Promise<void> {
    if (!category) { ctx.notify(t('chooseCategory'), 'error'); return; }
    info.textContent = t('loading');
    try {
      const s = await ctx.api.post<Suggest>('/api/coverage/suggest', { category, profile, ...(street ? { street } : {}), ...(weightByReports.checked ? { weight_by_reports: true } : {}) });
      const w = s.report_weighting;
      info.textContent = `${t('suggestMeta', s.gap_compounds, s.candidates_evaluated)}${w ? ` · ${t('reportWeighting', w.residents_per_report, w.reports_considered, w.reports_answered)}` : ''} · ${t('notSaved')}`;
      const detail = h('div');
      const list = h('table', { class: 'coverage-suggestions' },
        h('thead', null, h('tr', null, h('th', null, t('rank')), h('th', null, t('location')), h('th', { title: t('addsNote') }, t('addsPeople')), h('th', { title: t('addsNote') }, t('addsCompounds')), h('th', null, t('peopleCovered')), h('th', null, t('meanWalk')), h('th', null, ''))),
        h('tbody', null, ...s.suggestions.map((x) => h('tr', null,
          h('td', null, x.rank), h('td', null, x.place_name), h('td', null, `+${x.adds_residents}`), h('td', null, `+${x.adds_compounds}`), h('td', null, x.newly_covered_residents), h('td', null, x.newly_covered_mean_walk_min ?? '—'),
          h('td', null, h('button', { type: 'button', class: 'link', onclick: () => { showPlanning(x, x.rank); showSuggestionPoints(s, x.rank); clear(detail); detail.append(whatIfView(x)); } }, t('show')))))));
      const cat = category;
      planningView = h('div', null, h('h3', null, `${t('suggestTitle')} · ${categoryName(category)}`),
        h('p', { class: 'meta' }, t('suggestGreedyNote')),
        s.suggestions.length ? list : h('p', null, t('suggestNone')),
        s.suggestions.length ? h('button', { type: 'button', onclick: () => { addPending(s.suggestions.map((x) => ({ category: cat, lon: x.location.lon, lat: x.location.lat, label: x.place_name }))); } }, t('addAllToScenario')) : null,
        detail);
      renderSide();
      if (s.suggestions.length) {
        showPlanning(s.suggestions[0], 1);
        showSuggestionPoints(s, 1);
        fitTo(s.suggestions.map((x) => [x.location.lon, x.location.lat]));
        detail.append(whatIfView(s.suggestions[0]));
      } else clearPlanning();
    } catch (err) {
      info.textContent = errorText(err);
      ctx.notify(errorText(err), 'error');
    }
  }

  function showSuggestionPoints(s: Suggest, _active: number): void {
    source('cov-points')?.setData({
      type: 'FeatureCollection',
      features: s.suggestions.map((x) => ({ type: 'Feature', properties: { label: String(x.rank) }, geometry: { type: 'Point', coordinates: [x.location.lon, x.location.lat] } })),
    });
  }


  // ---- the fewest new sites (exact, beside greedy) -----------------------------------------------

  /** Fits the map to some positions (the planning result), keeping a little context around them. */
  function fitTo(positions: [number, number][]): void {
    if (!map || positions.length === 0) return;
    let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
    for (const [lon, lat] of positions) {
      minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon); minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
    }
    map.fitBounds([[minLon - 0.002, minLat - 0.0015], [maxLon + 0.002, maxLat + 0.0015]], { padding: 40, maxZoom: 16, duration: 0 });
  }

  function showSites(sites: { lon: number; lat: number }[], compoundIds: number[], labels?: string[]): void {
    source('cov-rings')?.setData(EMPTY);
    const wanted = new Set(compoundIds);
    const newly = compounds.filter((f) => wanted.has(f.properties.id));
    source('cov-newly')?.setData({ type: 'FeatureCollection', features: newly.map((f) => ({ type: 'Feature', properties: { id: f.properties.id }, geometry: f.geometry })) });
    source('cov-points')?.setData({ type: 'FeatureCollection', features: sites.map((x, i) => ({ type: 'Feature', properties: { label: labels?.[i] ?? String(i + 1) }, geometry: { type: 'Point', coordinates: [x.lon, x.lat] } })) });
    fitTo([...sites.map((x) => [x.lon, x.lat] as [number, number]), ...newly.map((f) => [f.geometry.coordinates[0], f.geometry.coordinates[1]] as [number, number])]);
  }

  async function runFewest(): Promise<void> {
    if (!category) { ctx.notify(t('chooseCategory'), 'error'); return; }
    info.textContent = t('loadingExact');
    try {
      const a = await ctx.api.post<Fewest>('/api/coverage/fewest-sites', { category, profile, budget: 3, ...(street ? { street } : {}) });
      info.textContent = `${t('suggestMeta', a.gap_compounds, a.candidates_evaluated)} · ${t('notSaved')}`;
      planningView = fewestView(a);
      renderSide();
      showSites(a.cover.sites, a.cover.sites.flatMap((x) => x.compound_ids));
    } catch (err) {
      info.textContent = errorText(err);
      ctx.notify(errorText(err), 'error');
    }
  }

  function siteTable(sites: PlannedSite[], cls: string): HTMLElement {
    return h('table', { class: cls },
      h('thead', null, h('tr', null, h('th', null, t('rank')), h('th', null, t('location')), h('th', null, t('compoundsCovered')), h('th', null, t('peopleCovered')))),
      h('tbody', null, ...sites.map((x, i) => h('tr', null, h('td', null, i + 1), h('td', null, x.place_name), h('td', null, x.compounds), h('td', null, x.residents)))));
  }

  function fewestView(a: Fewest): HTMLElement {
    const c = a.cover;
    const verdict = c.proven_optimal ? t('provenOptimal') : t('notProven', c.status);
    const cat = a.category;
    const compare = c.count === null ? '' : c.count < c.greedy_count ? t('exactBeatsGreedy', c.greedy_count - c.count) : t('exactEqualsGreedy');
    return h('div', { class: 'coverage-fewest' },
      h('h3', null, `${t('fewestTitle')} · ${categoryName(a.category)}`),
      h('div', { class: 'fewest-compare' },
        h('div', { class: 'exact' }, h('div', { class: 'big' }, c.count ?? '—'), h('div', null, t('exactLabel')), h('div', { class: 'meta' }, verdict)),
        h('div', { class: 'greedy' }, h('div', { class: 'big' }, c.greedy_count), h('div', null, t('greedyLabel')), h('div', { class: 'meta' }, t('greedyNote')))),
      h('p', { class: 'headline' }, compare),
      h('p', { class: 'meta' }, t('exactMeta', a.gap_compounds, a.gap_residents, c.solve_ms, c.variables, c.constraints)),
      a.uncoverable.length ? h('p', { class: 'uncoverable' }, t('uncoverable', a.uncoverable.length), a.uncoverable.slice(0, 8).map((u) => u.compound_name).join('、')) : null,
      siteTable(c.sites, 'coverage-exact-sites'),
      c.sites.length ? h('button', { type: 'button', onclick: () => { addPending(c.sites.map((x) => ({ category: cat, lon: x.lon, lat: x.lat, label: x.place_name }))); } }, t('addAllToScenario')) : null,
      a.budget ? h('div', { class: 'coverage-budget' },
        h('h4', null, t('budgetTitle', a.budget.k)),
        h('p', null, t('budgetLine', a.budget.residents_covered, a.budget.compounds_covered, a.budget.greedy_residents, a.budget.proven_optimal ? t('provenOptimal') : a.budget.status)),
        h('button', { type: 'button', class: 'link', onclick: () => { showSites(a.budget!.sites, a.budget!.sites.flatMap((x) => x.compound_ids)); } }, t('showBudget'))) : null,
      h('button', { type: 'button', class: 'link', onclick: () => { showSites(c.sites, c.sites.flatMap((x) => x.compound_ids)); } }, t('showExact')),
      h('p', { class: 'meta' }, t('notSaved')));
  }

  // ---- scenarios ---------------------------------------------------------------------------------

  const scenarioStreet = () => street || ctx.staff.street_code || '';

  function addPending(points: PlanPoint[]): void {
    pending = [...pending, ...points].slice(0, 20);
    ctx.notify(t('addedToScenario', pending.length), 'success');
    renderSide();
  }

  function pendingView(): HTMLElement {
    const name = h('input', { type: 'text', maxlength: '100', placeholder: t('scenarioNamePlaceholder'), 'aria-label': t('scenarioName'), class: 'scenario-name' });
    const target = scenarioStreet();
    const canSave = Boolean(target) && ctx.canEdit(target);
    return h('div', { class: 'coverage-pending' },
      h('h4', null, t('pendingTitle', pending.length)),
      h('ol', null, ...pending.map((p) => h('li', null, `${categoryName(p.category)} · ${p.label ?? `${p.lon.toFixed(5)}, ${p.lat.toFixed(5)}`}`))),
      canSave ? h('div', { class: 'pending-actions' }, name,
        h('button', { type: 'button', class: 'primary', onclick: () => { void savePending(name.value.trim()); } }, t('saveScenario')),
        h('button', { type: 'button', class: 'link', onclick: () => { pending = []; renderSide(); } }, t('discard')))
        : h('p', { class: 'meta' }, target ? t('cannotSaveStreet') : t('chooseStreet')));
  }

  async function savePending(name: string): Promise<void> {
    if (!name) { ctx.notify(t('scenarioNameRequired'), 'error'); return; }
    try {
      const saved = await ctx.api.post<Scenario>('/api/coverage/scenarios', { street_code: scenarioStreet(), name, profile, points: pending.map((p) => ({ ...p, label: p.label ?? null })) });
      pending = [];
      ctx.notify(t('scenarioSaved', saved.name), 'success');
      setMode('scenarios');
    } catch (err) {
      ctx.notify(errorText(err), 'error');
    }
  }

  let compareView: HTMLElement | null = null;

  async function loadScenarios(): Promise<void> {
    const target = scenarioStreet();
    try {
      const { scenarios } = await ctx.api.get<{ scenarios: Scenario[] }>(`/api/coverage/scenarios${target ? `?street=${target}` : ''}`);
      if (mode !== 'scenarios') return;
      planningView = scenariosView(scenarios);
      renderSide();
    } catch (err) {
      ctx.notify(errorText(err), 'error');
    }
  }

  function scenariosView(list: Scenario[]): HTMLElement {
    const pickA = h('select', { 'aria-label': t('compareA'), name: 'compare-a' }, ...list.map((x, i) => h('option', { value: String(x.id), selected: i === 0 }, x.name)));
    const pickB = h('select', { 'aria-label': t('compareB'), name: 'compare-b' }, ...list.map((x, i) => h('option', { value: String(x.id), selected: i === 1 }, x.name)));
    const out = h('div', { class: 'coverage-compare' });
    if (compareView) out.append(compareView);
    return h('div', { class: 'coverage-scenarios' },
      h('h3', null, t('scenariosTitle')),
      list.length === 0 ? h('p', null, t('noScenarios')) : null,
      ...list.map((x) => h('div', { class: 'scenario-card', 'data-scenario': String(x.id) },
        h('div', { class: 'scenario-head' }, h('strong', null, x.name), h('span', { class: 'meta' }, ` · ${x.street_name} · v${x.version}`)),
        h('p', null, t('scenarioEffect', x.effect.compounds, x.effect.residents)),
        h('ol', null, ...x.points.map((p, i) => h('li', null, `${categoryName(p.category)} · ${p.label ?? p.place_name}`,
          p.draft_point_id ? h('span', { class: 'badge' }, t('draftDone', p.draft_point_id))
            : ctx.canEdit(x.street_code) ? h('button', { type: 'button', class: 'link draft-button', onclick: () => { void toDraft(x, i); } }, t('toDraft')) : null))),
        h('button', { type: 'button', class: 'link', onclick: () => { showSites(x.points, x.effect.items.map((it) => it.compound_id)); } }, t('show')))),
      list.length >= 2 ? h('div', { class: 'compare-pick' }, pickA, pickB,
        h('button', { type: 'button', class: 'primary', onclick: () => { void runCompare(Number(pickA.value), Number(pickB.value)); } }, t('compare'))) : null,
      out,
      h('p', { class: 'meta' }, t('draftExplain')));
  }

  async function runCompare(a: number, b: number): Promise<void> {
    try {
      const c = await ctx.api.get<Compare>(`/api/coverage/scenarios/compare?a=${a}&b=${b}`);
      compareView = h('table', { class: 'coverage-compare-table' },
        h('thead', null, h('tr', null, h('th', null, ''), h('th', null, c.a.name), h('th', null, c.b.name))),
        h('tbody', null,
          h('tr', null, h('th', null, t('points')), h('td', null, c.a.points.length), h('td', null, c.b.points.length)),
          h('tr', null, h('th', null, t('compoundsCovered')), h('td', null, c.a.effect.compounds), h('td', null, c.b.effect.compounds)),
          h('tr', null, h('th', null, t('peopleCovered')), h('td', null, c.a.effect.residents), h('td', null, c.b.effect.residents)),
          h('tr', null, h('th', null, t('onlyThis')), h('td', null, t('itemsPeople', c.only_a.items, c.only_a.residents)), h('td', null, t('itemsPeople', c.only_b.items, c.only_b.residents))),
          h('tr', null, h('th', null, t('overlap')), h('td', { colspan: '2' }, t('itemsPeople', c.both.items, c.both.residents)))));
      // 甲1, 乙1…: the two scenarios' points stay apart on the map even where they share a place
      const [ma, mb] = ctx.lang === 'zh' ? ['甲', '乙'] : ['A', 'B'];
      showSites([...c.a.points, ...c.b.points], [...c.a.effect.items, ...c.b.effect.items].map((x) => x.compound_id),
        [...c.a.points.map((_, i) => `${ma}${i + 1}`), ...c.b.points.map((_, i) => `${mb}${i + 1}`)]);
      planningView = null;
      await loadScenarios();
    } catch (err) {
      ctx.notify(errorText(err), 'error');
    }
  }

  async function toDraft(x: Scenario, index: number): Promise<void> {
    try {
      const r = await ctx.api.post<Static<typeof ScenarioDraftResponse>>(`/api/coverage/scenarios/${x.id}/points/${index}/draft`, { version: x.version });
      ctx.notify(`${r.point_name}（#${r.point_id}）${ctx.lang === 'zh' ? r.explanation_zh : r.explanation}`, 'success');
      planningView = null;
      await loadScenarios();
    } catch (err) {
      ctx.notify(errorText(err), 'error');
    }
  }

  // ---- tables --------------------------------------------------------------------------------------

  function renderStreetTable(settings: Setting[] | null): void {
    clear(streetTable);
    if (!data) return;
    const editable = Boolean(street) && ctx.canEdit(street) && settings !== null;
    const profileName = nameOf(catalog.profiles.find((p) => p.id === profile) ?? { name_zh: profile, name_en: profile });
    const tallies = street ? data.summary.streets[0]?.by_category ?? data.summary.by_category : data.summary.by_category;
    streetTable.append(h('h3', null, street ? `${t('streetTable')} · ${ctx.streets.find((s) => s.code === street)?.name ?? street}` : t('streetTableDistrict')),
      h('table', { class: 'coverage-by-category' },
        h('thead', null, h('tr', null, h('th', null, t('category')), h('th', null, t('shareCompounds')), h('th', null, t('sharePeople')),
          h('th', null, t('gapCompounds')), h('th', null, t('unknownCompounds')), h('th', null, t('targetFor', profileName)), street ? h('th', null, t('incomplete')) : null)),
        h('tbody', null, ...ctx.categories.map((c) => {
          const tally = tallies[c.id];
          const setting = settings?.find((s) => s.category === c.id);
          return h('tr', { 'data-category': c.id },
            h('td', null, h('span', { class: 'swatch', style: `background:${c.color}` }), nameOf(c)),
            h('td', null, tally ? `${pct(tally.share_covered)} (${tally.covered}/${tally.covered + tally.gaps})` : '—'),
            h('td', null, tally ? pct(tally.share_residents_covered) : '—'),
            h('td', { class: tally?.gaps ? 'has-gaps' : '' }, tally?.gaps ?? '—'),
            h('td', null, tally?.unknown ?? '—'),
            h('td', null, setting ? targetCell(c.id, setting, editable) : defaultTarget(c.id)),
            street ? h('td', null, setting ? incompleteCell(c.id, setting, editable) : '—') : null,
          );
        }))));
  }

  function targetCell(categoryId: string, setting: Setting, editable: boolean): HTMLElement {
    const value = setting.effective[profile];
    const isOverride = setting.overrides[profile] !== undefined;
    if (!editable) return h('span', null, String(value), isOverride ? h('span', { class: 'badge' }, t('streetOverride')) : null);
    const input = h('input', { type: 'number', min: '1', max: '60', step: '1', value: String(value), 'aria-label': `${categoryName(categoryId)} ${t('target')}`, class: 'target-input' });
    const save = h('button', { type: 'button', onclick: () => { void saveSetting(categoryId, { targets: { [profile]: Number(input.value) } }); } }, t('save'));
    const reset = isOverride ? h('button', { type: 'button', class: 'link', onclick: () => { void saveSetting(categoryId, { targets: { [profile]: 'default' } }); } }, t('reset')) : null;
    return h('span', { class: 'target-edit' }, input, save, reset, h('span', { class: 'meta' }, isOverride ? t('defaultTarget', setting.defaults[profile]) : ''));
  }

  function incompleteCell(categoryId: string, setting: Setting, editable: boolean): HTMLElement {
    if (!editable) return h('span', { title: setting.note ?? '' }, setting.incomplete ? t('yes') : t('no'));
    const box = h('input', { type: 'checkbox', checked: setting.incomplete, 'aria-label': `${categoryName(categoryId)} ${t('incomplete')}` });
    const note = h('input', { type: 'text', maxlength: '200', placeholder: t('notePlaceholder'), value: setting.note ?? '', class: 'note-input' });
    box.addEventListener('change', () => { void saveSetting(categoryId, { incomplete: box.checked, ...(box.checked ? { note: note.value.trim() || null } : {}) }); });
    note.addEventListener('change', () => { if (box.checked) void saveSetting(categoryId, { note: note.value.trim() || null }); });
    return h('span', { class: 'incomplete-edit' }, box, note);
  }

  async function saveSetting(categoryId: string, body: Record<string, unknown>): Promise<void> {
    try {
      await ctx.api.request('PUT', `/api/coverage/settings/${street}/${categoryId}`, body);
      ctx.notify(t('saved'), 'success');
      await refresh(false);
    } catch (err) {
      ctx.notify(errorText(err), 'error');
    }
  }

  function renderWorst(): void {
    clear(worst);
    if (!data) return;
    const gaps = data.rows.filter((r) => r.status === 'gap').slice(0, 25);
    worst.append(h('h3', null, t('worstGaps')), gaps.length === 0 ? h('p', null, t('noGaps')) : h('table', { class: 'coverage-worst-table' },
      h('thead', null, h('tr', null, h('th', null, t('compound')), h('th', null, t('category')), h('th', null, t('minutes')), h('th', null, t('target')),
        h('th', null, t('over')), h('th', null, t('residents')), h('th', null, t('nearest')))),
      h('tbody', null, ...gaps.map((r) => h('tr', { onclick: () => { selectCompound(r.compound_id); } },
        h('td', null, r.compound_name), h('td', null, h('span', { class: 'swatch', style: `background:${categoryColor(r.category)}` }), categoryName(r.category)),
        h('td', null, r.walk_min ?? '—'), h('td', null, r.target_min), h('td', null, r.over_min ?? noteText(r.note)),
        h('td', null, r.residents ?? '—'), h('td', null, r.nearest?.name ?? '—'))))));
  }

  function renderOverview(streets: StreetSummary[]): void {
    clear(overview);
    const n = ctx.categories.length;
    // A cell's colour follows the number of gap compounds, not the share: 97 % of 200 compounds still
    // leaves 6 compounds without the service, and 50 % of 2 leaves one. The text always carries the count.
    const cell = (tally: Tally | undefined) => {
      if (!tally || tally.covered + tally.gaps === 0) return h('td', { class: 'band-none' }, '—');
      const band = gapBand(tally.gaps);
      return h('td', { class: `band-${band}`, title: `${t('gapCompounds')} ${tally.gaps}${tally.unknown ? ` · ${t('unknown')} ${tally.unknown}` : ''}` },
        h('span', { class: 'gapcount' }, tally.gaps === 0 ? '✓' : t('gapsShort', tally.gaps)), h('span', { class: 'share' }, pct(tally.share_covered)));
    };
    overview.append(h('h3', null, t('overview')),
      h('div', { class: 'overview-legend' },
        h('span', { class: 'legend-title' }, `${t('bandTitle')}${colon}`),
        ...GAP_BANDS.map((b) => h('span', { class: `legend-item band-${b.id}` }, t(`band_${b.id}` as 'band_none'))),
        h('span', { class: 'legend-item band-nodata' }, t('noData'))),
      // Wider than a phone: the scrolling box takes keyboard focus (arrow keys scroll it) and is named.
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('overview') }, h('table', { class: 'coverage-overview-table' },
        h('thead', null, h('tr', null, h('th', null, t('street')), h('th', null, t('compounds')), h('th', null, t('residents')), h('th', null, t('withoutGaps')),
          h('th', { title: t('gapItemsNote', n) }, t('gapItems')), h('th', { title: t('pooledNote', n) }, t('sharePooled', n)), h('th', { title: t('pooledNote', n) }, t('sharePeoplePooled', n)),
          ...ctx.categories.map((c) => h('th', { title: nameOf(c) }, h('span', { class: 'swatch', style: `background:${c.color}` }), nameOf(c))))),
        h('tbody', null, ...streets.map((s) => h('tr', { class: s.status === 'no_data' ? 'no-data' : '', 'data-street': s.street_code, onclick: () => { street = s.street_code; streetSelect.value = street; selected = null; void refresh(true); } },
          h('td', null, s.street_name),
          ...(s.status === 'no_data'
            ? [h('td', { colspan: String(6 + n), class: 'band-nodata' }, t('noDataLong'))]
            : [h('td', null, s.compounds), h('td', null, s.residents), h('td', null, `${s.compounds_without_gaps}/${s.compounds}`), h('td', null, s.gap_rows),
              h('td', null, pct(s.overall.share_covered)), h('td', null, pct(s.overall.share_residents_covered)),
              ...ctx.categories.map((c) => cell(s.by_category[c.id]))])))))),
      h('p', { class: 'meta' }, t('overviewNote', n)));
  }

  updateHint();
  renderLegend();
  await refresh(true);
  return () => { map?.remove(); };
}

const COVERAGE_CSS = `
.coverage-modes { display: flex; gap: 4px; }
.coverage-modes button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
a.button-link { display: inline-block; border: 1px solid var(--line); background: #fff; border-radius: 4px; padding: 4px 10px; color: var(--ink); text-decoration: none; }
.coverage-info { color: var(--muted); font-size: 12px; margin: 0 0 6px; min-height: 1em; }
.coverage-layout { display: grid; grid-template-columns: minmax(420px, 1.5fr) minmax(320px, 1fr); gap: 12px; align-items: start; }
@media (max-width: 960px) { .coverage-layout { grid-template-columns: 1fr; } }
.coverage-map { height: 520px; }
.coverage-legend { display: flex; flex-wrap: wrap; gap: 10px; font-size: 12px; color: var(--muted); margin-top: 4px; }
.coverage-legend .legend-title { font-weight: 600; }
.coverage-side { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; max-height: 560px; overflow: auto; }
.coverage-side h3, .coverage-categories h3, .coverage-worst h3, .coverage-overview h3 { font-size: 15px; margin: 4px 0 8px; }
.coverage-side .meta, .coverage-side .note { color: var(--muted); font-size: 12px; }
.coverage-side .headline { font-weight: 600; }
.coverage-layout table, .coverage-categories table, .coverage-worst table, .coverage-overview table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
.coverage-layout th, .coverage-layout td, .coverage-categories th, .coverage-categories td, .coverage-worst th, .coverage-worst td, .coverage-overview th, .coverage-overview td {
  border-bottom: 1px solid #eaeef2; padding: 4px 6px; text-align: left; vertical-align: middle; }
.coverage-layout caption { text-align: left; font-weight: 600; padding: 8px 0 4px; }
tr.status-gap td { color: #a11a12; }
tr.status-unknown td { color: var(--muted); }
td.has-gaps { color: #a11a12; font-weight: 600; }
tr.no-data td { color: #555; background: #e6e6e6; }
td.band-nodata, .legend-item.band-nodata { background: #e6e6e6; color: #555; }
td.band-none, .legend-item.band-none { background: #e3f2e1; color: #1b5e20; }
td.band-few, .legend-item.band-few { background: #fff4c2; color: #5d4500; }
td.band-some, .legend-item.band-some { background: #fdd9b5; color: #7a3300; }
td.band-many, .legend-item.band-many { background: #f6c1bd; color: #8a1111; font-weight: 600; }
.coverage-overview-table td .gapcount { display: block; font-weight: 600; }
.coverage-overview-table td .share { display: block; font-size: 11px; opacity: .85; }
.overview-legend { display: flex; flex-wrap: wrap; gap: 6px; font-size: 12px; margin-bottom: 6px; align-items: center; }
.overview-legend .legend-item { padding: 2px 8px; border-radius: 3px; }
.table-scroll { overflow-x: auto; }
.coverage-categories, .coverage-worst, .coverage-overview { margin-top: 16px; }
.coverage-worst tbody tr, .coverage-overview tbody tr { cursor: pointer; }
.coverage-worst tbody tr:hover td, .coverage-overview tbody tr:hover td { background: #f3f8ff; }
.target-input { width: 4.5em; }
.coverage-legend .legend-note { flex-basis: 100%; color: var(--ink); }
.coverage-legend .swatch.dark { background: #111; color: #fff; font-size: 10px; text-align: center; line-height: 14px; width: 14px; height: 14px; border-radius: 50%; display: inline-block; }
.coverage-legend .swatch.ring { border: 3px solid #1f5fbf; border-radius: 50%; width: 10px; height: 10px; display: inline-block; background: transparent; }
.fewest-compare { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin: 6px 0; }
.fewest-compare > div { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; text-align: center; }
.fewest-compare .exact { border-color: #1f5fbf; background: #f0f6ff; }
.fewest-compare .big { font-size: 28px; font-weight: 700; }
.coverage-side .uncoverable { color: #8a1111; }
.coverage-pending { border-top: 1px solid var(--line); margin-top: 10px; padding-top: 8px; }
.coverage-pending ol, .scenario-card ol { margin: 4px 0; padding-left: 20px; }
.pending-actions, .compare-pick { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.scenario-name { flex: 1 1 10em; min-width: 8em; }
.scenario-card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; margin-bottom: 8px; }
.coverage-compare-table th { font-weight: 600; }
.coverage-modes { flex-wrap: wrap; }
.note-input { width: 12em; margin-left: 4px; }
.target-edit, .incomplete-edit { display: inline-flex; gap: 4px; align-items: center; flex-wrap: wrap; }
`;
