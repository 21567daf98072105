// The 路网 tab: corrections to the walking network on our own basemap (the base streets are the basemap's),
// drawn with terra-draw (lines for paths and closures, points for gates and crossings), saved as drafts,
// previewed (rings before/after from a place, board sites whose walks change), published and retired,
// each with its history.
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPointMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { clear, h } from '../../common/dom.ts';
import { formatTime } from '../../common/format.ts';
import { labelled, loadAreas, selectControl } from '../editing/shared.ts';
import { createMap, hasWebGL2 } from '../../map/createMap.ts';
import type { Static } from 'typebox';
import type { CorrectionRecord } from '../../../../server/network/correctionSchemas.ts';
import type { NetworkImportReportSchema } from '../../../../server/network/importSchemas.ts';

const zh = {
  title: '路网纠错', intro: '在底图上绘制路网纠错：小区内部通道、封闭路段、有开放时间的门禁、主干道或次干道路口的过街方式。草稿不影响服务；预览后发布，步行计算立即按新路网更新。',
  kind: '类型', path: '通道（线）', closure: '封闭路段（线）', gate: '门禁（点）', crossing: '过街（点）',
  level: '层', ground: '地面', bridge: '天桥', tunnel: '地道', steps: '有台阶',
  stepFreeOnly: '仅对无障碍步行封闭', validFrom: '开始日期', validTo: '结束日期',
  hours: '开放时间（OSM 写法）', stepFree: '无障碍可通行', crossingKind: '过街方式', signalised: '信号灯', zebra: '斑马线', none: '不能过街',
  wait: '平均等待（秒）', note: '说明', street: '街道',
  draw: '在地图上绘制', drawHint: '在地图上依次点击；线在最后一点上再点一次结束。', save: '保存草稿', preview: '预览', publish: '发布', retire: '停用',
  newOne: '新建', history: '修改记录', restore: '恢复此版本',
  colId: '编号', colKind: '类型', colStatus: '状态', colNote: '说明',
  draft: '草稿', published: '已发布', retired: '已停用',
  saved: '已保存草稿', publishedOk: '已发布，步行计算已更新', retiredOk: '已停用', nothingDrawn: '请先在地图上绘制',
  previewTitle: '预览（尚未生效）', before: '之前', after: '之后', unreachable: '不可达',
  previewOrigin: '预览起点：地图上点击的最后一点',
  sitesChanged: (n: number) => `受影响的展板站点步行时间：${n} 项`, minutes: (m: number | null) => (m === null ? '—' : `${m} 分钟`),
  noWebGL: '此浏览器不支持 WebGL2，无法显示地图。',
  action: (a: string) => ({ create: '新建', update: '修改', publish: '发布', retire: '停用', restore: '恢复', needs_review: '标为需复核' } as Record<string, string>)[a] ?? a,
  needsReview: '需复核', reviewReason: (r: string) => `需复核：${r}（修改并保存后即视为已复核）`,
  importsTitle: '路网导入记录', noImports: '尚未从 OpenStreetMap 数据导入新路网（当前为随系统提供的路网）。',
  importLine: (at: string, source: string) => `${at} 导入 ${source}`,
  importKm: (added: number, removed: number, after: number) => `新增 ${added} 公里、移除 ${removed} 公里，现有可步行道路 ${after} 公里`,
  importComponents: (before: number, after: number) => `连通片区 ${before} → ${after}`,
  importCorrections: (kept: number, review: number) => `纠错：${kept} 项已重新定位，${review} 项需复核`,
  importBoards: (n: number, checked: number) => `展板站点：${checked} 个中 ${n} 个步行时间有变化`,
};
const en: { [K in keyof typeof zh]: (typeof zh)[K] } = {
  title: 'Network corrections', intro: 'Draw corrections to the walking network on the basemap: passages through compounds, closed stretches, gates with opening hours, how a trunk, primary or secondary road is crossed at a junction. Drafts change nothing; preview, then publish, and walking times follow at once.',
  kind: 'Kind', path: 'Path (line)', closure: 'Closure (line)', gate: 'Gate (point)', crossing: 'Crossing (point)',
  level: 'Level', ground: 'Ground', bridge: 'Bridge', tunnel: 'Tunnel', steps: 'Has steps',
  stepFreeOnly: 'Closed only for step-free walking', validFrom: 'From', validTo: 'To',
  hours: 'Opening hours (OSM syntax)', stepFree: 'Step-free', crossingKind: 'Crossing', signalised: 'Signalised', zebra: 'Zebra', none: 'No crossing',
  wait: 'Mean wait (s)', note: 'Note', street: 'Street',
  draw: 'Draw on the map', drawHint: 'Click on the map; to end a line click its last point again.', save: 'Save draft', preview: 'Preview', publish: 'Publish', retire: 'Retire',
  newOne: 'New', history: 'History', restore: 'Restore this version',
  colId: 'No.', colKind: 'Kind', colStatus: 'Status', colNote: 'Note',
  draft: 'draft', published: 'published', retired: 'retired',
  saved: 'Draft saved', publishedOk: 'Published: walking times follow the new network', retiredOk: 'Retired', nothingDrawn: 'Draw it on the map first',
  previewTitle: 'Preview (not live)', before: 'Before', after: 'After', unreachable: 'unreachable',
  previewOrigin: 'Preview origin: the last place clicked on the map',
  sitesChanged: (n: number) => `Board-site walks that change: ${n}`, minutes: (m: number | null) => (m === null ? '—' : `${m} min`),
  noWebGL: 'This browser has no WebGL2: the map cannot be shown.',
  action: (a: string) => ({ create: 'created', update: 'edited', publish: 'published', retire: 'retired', restore: 'restored', needs_review: 'marked for review' } as Record<string, string>)[a] ?? a,
  needsReview: 'needs review', reviewReason: (r: string) => `Needs review: ${r} (editing and saving it settles the review)`,
  importsTitle: 'Network imports', noImports: 'No network has been imported from OpenStreetMap yet (the network shipped with the service is in use).',
  importLine: (at: string, source: string) => `${at} imported ${source}`,
  importKm: (added: number, removed: number, after: number) => `${added} km added, ${removed} km removed, ${after} km walkable now`,
  importComponents: (before: number, after: number) => `connected parts ${before} → ${after}`,
  importCorrections: (kept: number, review: number) => `corrections: ${kept} re-anchored, ${review} need review`,
  importBoards: (n: number, checked: number) => `board sites: walks change at ${n} of ${checked}`,
};

type Kind = 'path' | 'closure' | 'gate' | 'crossing';
/** A correction and a network import report as /api/network/corrections and /api/network/imports answer them (the server's schemas). */
type Correction = Static<typeof CorrectionRecord>;
type ImportReport = Static<typeof NetworkImportReportSchema>;
const EMPTY = { type: 'FeatureCollection' as const, features: [] };
const STATUS_COLOR = { draft: '#e66101', published: '#1a9641', retired: '#999999' };

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<() => void> {
  const t = translator({ zh, en }, ctx.lang);
  const kind = selectControl('kind', t('kind'), (['path', 'closure', 'gate', 'crossing'] as const).map((k) => ({ value: k, label: t(k) })), 'path');
  const streets = ctx.streets.filter((s) => ctx.canEdit(s.code));
  const street = selectControl('street_code', t('street'), streets.map((s) => ({ value: s.code, label: s.name })), ctx.staff.street_code ?? streets[0]?.code ?? '');
  const level = selectControl('level', t('level'), (['ground', 'bridge', 'tunnel'] as const).map((k) => ({ value: k, label: t(k) })), 'ground');
  const check = (name: string) => h('input', { type: 'checkbox', name });
  const checkLabel = (box: HTMLInputElement, text: string) => h('label', { style: 'display:flex;gap:.5em;align-items:center;min-height:44px' }, box, text);
  const steps = check('steps'), stepFreeOnly = check('step_free_only'), stepFree = check('step_free');
  stepFree.checked = true;
  const input = (name: string, type = 'text') => h('input', { type, name, autocomplete: 'off' });
  const validFrom = input('valid_from', 'date'), validTo = input('valid_to', 'date'), hours = input('opening_hours'), wait = input('wait_s', 'number'), note = input('note');
  hours.placeholder = 'Mo-Su 06:00-22:00';
  const crossing = selectControl('crossing', t('crossingKind'), (['signalised', 'zebra', 'none'] as const).map((k) => ({ value: k, label: t(k) })), 'signalised');
  const groups: Record<Kind, HTMLElement> = {
    path: h('div', { class: 'grid' }, labelled(t('level'), level), checkLabel(steps, t('steps'))),
    closure: h('div', { class: 'grid' }, checkLabel(stepFreeOnly, t('stepFreeOnly')), labelled(t('validFrom'), validFrom), labelled(t('validTo'), validTo)),
    gate: h('div', { class: 'grid' }, labelled(t('hours'), hours), checkLabel(stepFree, t('stepFree'))),
    crossing: h('div', { class: 'grid' }, labelled(t('crossingKind'), crossing), labelled(t('wait'), wait)),
  };
  const drawButton = h('button', { type: 'button' }, t('draw'));
  const saveButton = h('button', { type: 'submit', class: 'primary' }, t('save'));
  const previewButton = h('button', { type: 'button' }, t('preview'));
  const publishButton = h('button', { type: 'button', class: 'primary' }, t('publish'));
  const retireButton = h('button', { type: 'button' }, t('retire'));
  const newButton = h('button', { type: 'button' }, t('newOne'));
  const error = h('p', { class: 'field-error', role: 'alert' });
  const previewBox = h('div', { class: 'network-preview', 'aria-live': 'polite' });
  const form = h('form', { class: 'record-form network-form' },
    h('div', { class: 'grid' }, labelled(t('kind'), kind), labelled(t('street'), street), labelled(t('note'), note)),
    ...Object.values(groups), h('p', { class: 'meta' }, t('drawHint')),
    h('div', { class: 'actions' }, drawButton, saveButton, previewButton, publishButton, retireButton, newButton), error, previewBox);
  const mapBox = h('div', { class: 'map-box' });
  const list = h('div', { class: 'record-list' });
  const historyBox = h('div', { class: 'network-history' });
  const importsBox = h('section', { class: 'network-imports', 'aria-label': t('importsTitle') });
  container.append(h('h2', null, t('title')), h('p', { class: 'meta' }, t('intro')), mapBox, form, list, historyBox, importsBox);

  let selected: Correction | null = null;
  let drawn: { type: 'LineString' | 'Point'; coordinates: unknown } | null = null;
  let lastClick: [number, number] | null = null;
  let corrections: Correction[] = [];
  const showGroups = () => { for (const [k, g] of Object.entries(groups)) g.hidden = k !== kind.value; };
  kind.addEventListener('change', showGroups);
  showGroups();

  if (!hasWebGL2()) { mapBox.append(h('p', null, t('noWebGL'))); }
  const map: MapLibreMap | null = hasWebGL2() ? await createMap({ container: mapBox, ariaLabel: t('title'), zoom: 15 }) : null;
  let draw: TerraDraw | null = null;
  if (map) {
    map.addSource('corrections', { type: 'geojson', data: EMPTY });
    map.addSource('preview', { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'preview-fill', type: 'fill', source: 'preview', paint: { 'fill-color': ['match', ['get', 'side'], 'after', '#2b83ba', '#999999'], 'fill-opacity': 0.25 } });
    map.addLayer({ id: 'preview-line', type: 'line', source: 'preview', paint: { 'line-color': ['match', ['get', 'side'], 'after', '#2b83ba', '#666666'], 'line-width': 2, 'line-dasharray': ['match', ['get', 'side'], 'after', ['literal', [1, 0]], ['literal', [2, 2]]] } });
    map.addLayer({ id: 'corrections-line', type: 'line', source: 'corrections', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': ['get', 'color'], 'line-width': 5 } });
    map.addLayer({ id: 'corrections-point', type: 'circle', source: 'corrections', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': ['get', 'color'], 'circle-radius': 7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
    draw = new TerraDraw({ adapter: new TerraDrawMapLibreGLAdapter({ map }), modes: [new TerraDrawLineStringMode(), new TerraDrawPointMode()] });
    draw.start();
    draw.on('finish', (id) => {
      const f = draw!.getSnapshot().find((x) => x.id === id);
      if (!f) return;
      drawn = f.geometry as typeof drawn;
      // File it under the street where it is drawn, when this staff member may write there.
      const first = (f.geometry.type === 'Point' ? f.geometry.coordinates : (f.geometry.coordinates as number[][])[0]) as number[];
      void loadAreas(ctx).then((areas) => {
        const code = areas?.streetAt(first[0], first[1])?.code;
        if (code && ctx.canEdit(code)) street.value = code;
      });
    });
    map.on('click', (e) => { lastClick = [Math.round(e.lngLat.lng * 1e6) / 1e6, Math.round(e.lngLat.lat * 1e6) / 1e6]; });
    map.on('click', 'corrections-line', (e) => select(Number(e.features?.[0]?.properties?.id)));
    map.on('click', 'corrections-point', (e) => select(Number(e.features?.[0]?.properties?.id)));
  }

  /** The latest network import's report (kept by npm run network:import and POST /api/network/imports). */
  async function showImports(): Promise<void> {
    const imports = (await ctx.api.get<{ imports: ImportReport[] }>('/api/network/imports')).imports;
    const r = imports[0];
    clear(importsBox);
    importsBox.append(h('h3', null, t('importsTitle')));
    if (!r) { importsBox.append(h('p', { class: 'meta' }, t('noImports'))); return; }
    importsBox.append(h('ul', null,
      h('li', null, t('importLine', formatTime(r.at, ctx.lang), r.source)),
      h('li', null, t('importKm', r.km.added, r.km.removed, r.km.after)),
      h('li', null, t('importComponents', r.components.before, r.components.after)),
      h('li', null, t('importCorrections', r.corrections.reanchored.length, r.corrections.needs_review.length)),
      h('li', null, t('importBoards', r.board_sites.sites_affected, r.board_sites.sites_checked))));
  }
  const reviewText = (c: Correction) => t('reviewReason', (ctx.lang === 'zh' ? c.review_reason_zh : c.review_reason) ?? '');
  const fail = (e: unknown) => { error.textContent = e instanceof ApiError ? e.text(ctx.lang) : String(e); };
  const body = () => {
    const k = kind.value as Kind;
    const b: Record<string, unknown> = { kind: k, note: note.value.trim() || null };
    if (k === 'path') Object.assign(b, { level: level.value, steps: steps.checked });
    if (k === 'closure') Object.assign(b, { step_free_only: stepFreeOnly.checked, valid_from: validFrom.value || null, valid_to: validTo.value || null });
    if (k === 'gate') Object.assign(b, { opening_hours: hours.value.trim() || null, step_free: stepFree.checked });
    if (k === 'crossing') Object.assign(b, { crossing: crossing.value, wait_s: crossing.value === 'signalised' ? Number(wait.value || 0) : null });
    return b;
  };

  async function load(): Promise<void> {
    corrections = (await ctx.api.get<{ corrections: Correction[] }>('/api/network/corrections')).corrections;
    (map?.getSource('corrections') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: corrections.map((c) => ({ type: 'Feature', properties: { id: c.id, color: STATUS_COLOR[c.status] }, geometry: c.geometry as never })),
    });
    clear(list);
    list.append(h('table', null,
      h('thead', null, h('tr', null, h('th', null, t('colId')), h('th', null, t('colKind')), h('th', null, t('colStatus')), h('th', null, t('colNote')))),
      h('tbody', null, ...corrections.map((c) => {
        const row = h('tr', { 'data-id': String(c.id), class: selected?.id === c.id ? 'selected' : '' },
          h('td', null, String(c.id)), h('td', null, t(c.kind)),
          h('td', null, t(c.status), c.needs_review ? h('span', { class: 'badge review', title: reviewText(c) }, t('needsReview')) : null),
          h('td', null, c.note ?? ''));
        row.addEventListener('click', () => void select(c.id));
        return row;
      }))));
    updateButtons();
  }

  function updateButtons(): void {
    previewButton.disabled = !selected;
    publishButton.disabled = !selected || selected.status === 'published' || !ctx.canEdit(selected.street_code);
    retireButton.disabled = !selected || selected.status !== 'published' || !ctx.canEdit(selected.street_code);
  }

  async function select(id: number): Promise<void> {
    selected = corrections.find((c) => c.id === id) ?? null;
    if (!selected) return;
    kind.value = selected.kind; showGroups();
    street.value = selected.street_code; note.value = selected.note ?? '';
    const a = selected.attributes;
    if (selected.kind === 'gate') { hours.value = String(a.opening_hours ?? ''); stepFree.checked = a.step_free !== false; }
    if (selected.kind === 'crossing') { crossing.value = String(a.crossing ?? 'signalised'); wait.value = a.wait_s == null ? '' : String(a.wait_s); }
    drawn = null;
    await load();
    const review = selected.needs_review ? h('p', { class: 'field-warning', role: 'status' }, reviewText(selected)) : null;
    const entries = (await ctx.api.get<{ entries: { id: number; at: string; username: string | null; action: string }[] }>(`/api/network/corrections/${id}/history`)).entries;
    clear(historyBox);
    historyBox.append(...(review ? [review] : []), h('h3', null, t('history')), h('ul', null, ...entries.map((en2) => {
      const restore = h('button', { type: 'button' }, t('restore'));
      restore.addEventListener('click', async () => {
        try { await ctx.api.post(`/api/network/corrections/${id}/restore`, { audit_id: en2.id, version: selected!.version }); await load(); await select(id); } catch (e) { fail(e); }
      });
      return h('li', null, `${formatTime(en2.at, ctx.lang)} ${en2.username ?? ''} ${t('action', en2.action)} `, restore);
    })));
  }

  drawButton.addEventListener('click', () => {
    if (!draw) return;
    draw.clear();
    drawn = null;
    draw.setMode(kind.value === 'path' || kind.value === 'closure' ? 'linestring' : 'point');
  });
  newButton.addEventListener('click', () => { selected = null; drawn = null; draw?.clear(); clear(previewBox); clear(historyBox); void load(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      if (selected) {
        const saved = await ctx.api.patch<Correction>(`/api/network/corrections/${selected.id}`, { version: selected.version, ...body(), ...(drawn ? { geometry: drawn } : {}) });
        selected = saved;
      } else {
        if (!drawn) { error.textContent = t('nothingDrawn'); return; }
        selected = await ctx.api.post<Correction>('/api/network/corrections', { ...body(), street_code: street.value, geometry: drawn });
      }
      draw?.clear(); drawn = null;
      ctx.notify(t('saved'), 'success');
      await load();
    } catch (err) { fail(err); }
  });
  previewButton.addEventListener('click', async () => {
    if (!selected) return;
    error.textContent = '';
    try {
      const origin = lastClick ?? (selected.geometry.type === 'Point' ? selected.geometry.coordinates as [number, number] : (selected.geometry.coordinates as [number, number][]).at(-1)!);
      const p = await ctx.api.post<{ sites: { site_name: string; profile: string; category_id: string; before: { walk_min: number } | null; after: { walk_min: number } | null }[]; origin?: { before: { reachable: boolean; rings: { features: unknown[] } | null }; after: { reachable: boolean; rings: { features: unknown[] } | null } } }>(
        `/api/network/corrections/${selected.id}/preview`, { origin, profile: 'standard', minutes: [15] });
      const features = (['before', 'after'] as const).flatMap((side) => ((p.origin?.[side].rings?.features ?? []) as { geometry: unknown }[])
        .map((f) => ({ type: 'Feature' as const, properties: { side }, geometry: f.geometry as never })));
      (map?.getSource('preview') as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
      clear(previewBox);
      const categoryName = (id: string) => ctx.categories.find((c) => c.id === id)?.[ctx.lang === 'zh' ? 'name_zh' : 'name_en'] ?? id;
      previewBox.append(h('h3', null, t('previewTitle')),
        h('p', { class: 'meta' }, `${t('previewOrigin')}：${t('before')} ${p.origin?.before.reachable ? '15′' : t('unreachable')} → ${t('after')} ${p.origin?.after.reachable ? '15′' : t('unreachable')}`),
        h('p', null, t('sitesChanged', p.sites.length)),
        h('ul', null, ...p.sites.slice(0, 12).map((s) => h('li', null, `${s.site_name} · ${categoryName(s.category_id)} · ${s.profile}: ${t('minutes', s.before?.walk_min ?? null)} → ${t('minutes', s.after?.walk_min ?? null)}`))));
    } catch (e) { fail(e); }
  });
  const setStatus = (action: 'publish' | 'retire') => async () => {
    if (!selected) return;
    error.textContent = '';
    try {
      selected = await ctx.api.post<Correction>(`/api/network/corrections/${selected.id}/${action}`, { version: selected.version });
      ctx.notify(t(action === 'publish' ? 'publishedOk' : 'retiredOk'), 'success');
      await load();
    } catch (e) { fail(e); }
  };
  publishButton.addEventListener('click', setStatus('publish'));
  retireButton.addEventListener('click', setStatus('retire'));

  await load();
  if (ctx.staff.role === 'admin') void showImports();
  // Open on the latest correction, so that what was drawn last is in view.
  const latest = corrections.at(-1);
  if (map && latest) {
    const c = (latest.geometry.type === 'Point' ? latest.geometry.coordinates : (latest.geometry.coordinates as number[][])[0]) as [number, number];
    map.jumpTo({ center: c, zoom: 16 });
  }
  return () => { draw?.stop(); map?.remove(); };
}
