// The 居民反馈 tab of /admin: a street's resident reports as a queue (oldest first, with age), filtered by
// status and kind, on a map; status moves with the public reply required to close; 信息有误 → point edit
// draft; the street's counts and CSV/XLSX export links. The server checks roles and versions.
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { append, clear, h } from '../../common/dom.ts';
import * as messages from './reports.messages.ts';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Static } from 'typebox';
import type { CountsResponse, StaffReport } from '../../../../server/reports/schemas.ts';

/** A report and a street's counts as /api/reports/queue and /api/reports/counts answer them (the server's schemas). */
type Report = Static<typeof StaffReport>;
type Counts = Static<typeof CountsResponse>;

const KINDS: [string, string, string][] = [
  ['info_wrong', '信息有误', 'Information wrong'], ['blocked', '此路不通', 'Blocked'], ['path_missing', '这里有路', 'Path missing'],
  ['service_missing', '缺少服务', 'Service missing'], ['other', '其他', 'Other'],
];
const STATUSES: [string, string, string][] = [
  ['open', '未办结', 'Open'], ['new', '已收到', 'Received'], ['accepted', '已受理', 'Accepted'], ['in_progress', '办理中', 'In progress'],
  ['resolved', '已办结', 'Resolved'], ['rejected', '不予受理', 'Not accepted'], ['all', '全部', 'All'],
];
const NEXT: Record<string, string[]> = { new: ['accepted', 'rejected'], accepted: ['in_progress', 'resolved', 'rejected'], in_progress: ['resolved', 'rejected'] };
const STATUS_COLOR: Record<string, string> = { new: '#a4000f', accepted: '#8a4b00', in_progress: '#0b4f9c', resolved: '#0b6b2c', rejected: '#555555' };

const CSS = `
.reports-bar { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin-bottom:.6rem }
.reports-layout { display:grid; grid-template-columns: minmax(0,1fr) minmax(280px, 40%); gap:1rem }
@media (max-width: 800px) { .reports-layout { grid-template-columns: 1fr } .reports-map { height: 260px } }
.reports-map { height: 520px; border:1px solid #c8c4bb; border-radius:8px }
.reports-counts { margin:.2rem 0 .6rem; font-weight:600 }
.reports-list { list-style:none; padding:0; margin:0; display:flex; flex-direction:column; gap:.6rem }
.report-card { border:1px solid #c8c4bb; border-radius:8px; padding:.6rem .8rem; background:#fff }
.report-card header { display:flex; flex-wrap:wrap; gap:.5rem; align-items:baseline }
.report-card .st { padding:0 .5rem; border-radius:999px; color:#fff; font-size:.85rem }
.report-card .age { margin-left:auto; font-weight:700 }
.report-card p { margin:.25rem 0 }
.report-card textarea { width:100%; box-sizing:border-box; font:inherit; min-height:3.2rem }
.report-card .acts { display:flex; flex-wrap:wrap; gap:.4rem; margin-top:.3rem }
.report-card .acts button { min-height:36px }
.reports-table { border-collapse:collapse; font-size:.9rem; margin-top:.5rem }
.reports-table td, .reports-table th { border:1px solid #ddd; padding:.15rem .5rem; text-align:right }
`;

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<() => void> {
  const t = translator(messages, ctx.lang);
  const pick = (row: [string, string, string]) => (ctx.lang === 'zh' ? row[1] : row[2]);
  const errorText = (err: unknown) => (err instanceof ApiError ? err.text(ctx.lang) : String(err));
  let street = ctx.defaultStreet ?? ctx.streets[0]?.code;
  let status = 'open';
  let kind = '';
  let map: MapLibreMap | null = null;
  let reports: Report[] = [];

  const streetSelect = h('select', { id: 'reports-street', 'aria-label': t('street'), disabled: ctx.staff.role === 'editor' },
    ...ctx.streets.map((s) => h('option', { value: s.code, selected: s.code === street }, s.name)));
  const statusSelect = h('select', { id: 'reports-status', 'aria-label': t('status') }, ...STATUSES.map((s) => h('option', { value: s[0], selected: s[0] === status }, pick(s))));
  const kindSelect = h('select', { id: 'reports-kind', 'aria-label': t('kind') }, h('option', { value: '' }, t('all')), ...KINDS.map((k) => h('option', { value: k[0] }, pick(k))));
  streetSelect.addEventListener('change', () => { street = streetSelect.value; void show(); });
  statusSelect.addEventListener('change', () => { status = statusSelect.value; void show(); });
  kindSelect.addEventListener('change', () => { kind = kindSelect.value; void show(); });
  const csv = h('a', { class: 'button', id: 'reports-csv' }, t('exportCsv'));
  const xlsx = h('a', { class: 'button', id: 'reports-xlsx' }, t('exportXlsx'));
  const countsBox = h('div', { id: 'reports-counts' });
  const list = h('ol', { id: 'reports-list', class: 'reports-list' });
  const mapBox = h('div', { id: 'reports-map', class: 'reports-map', role: 'region', 'aria-label': t('mapLabel') });
  append(container, h('style', null, CSS),
    h('div', { class: 'reports-bar' }, h('label', null, t('street'), ' ', streetSelect), h('label', null, t('status'), ' ', statusSelect),
      h('label', null, t('kind'), ' ', kindSelect), h('button', { type: 'button', onclick: () => void show() }, t('refresh')), csv, xlsx),
    countsBox,
    ctx.canEdit(street) ? null : h('p', { class: 'muted' }, t('readOnly')),
    h('div', { class: 'reports-layout' }, list, mapBox));

  async function move(r: Report, to: string, reply: string): Promise<void> {
    try {
      await ctx.api.post(`/api/reports/queue/${r.id}/status`, { to, version: r.version, ...(reply.trim() ? { public_reply: reply } : {}) });
      ctx.notify(t('done'), 'success');
      await show();
    } catch (err) { ctx.notify(errorText(err), 'error'); }
  }
  async function convert(r: Report): Promise<void> {
    try {
      type Draft = { kind: 'point_edit'; point_id: number; point: { name: string } } | { kind: 'network_correction'; correction: { id: number } };
      const answer = await ctx.api.post<{ draft: Draft }>(`/api/reports/queue/${r.id}/convert`, { version: r.version });
      if (answer.draft.kind === 'network_correction') {
        ctx.notify(t('networkDraftReady', answer.draft.correction.id), 'success');
      } else {
        ctx.notify(t('draftReady', answer.draft.point.name), 'success');
        sessionStorage.setItem('svc.pointDraft', JSON.stringify(answer.draft));
      }
      await show();
    } catch (err) { ctx.notify(errorText(err), 'error'); }
  }

  function card(r: Report): HTMLElement {
    const reply = h('textarea', { 'aria-label': t('reply'), placeholder: t('reply'), maxlength: 500 });
    if (r.public_reply) reply.value = r.public_reply;
    const editable = ctx.canEdit(r.street_code) && NEXT[r.status];
    const label: Record<string, string> = { accepted: t('accept'), in_progress: t('start'), resolved: t('resolve'), rejected: t('reject') };
    return h('li', { class: 'report-card', 'data-code': r.code, 'data-id': r.id },
      h('header', null,
        h('strong', null, ctx.lang === 'zh' ? r.kind_zh : KINDS.find((k) => k[0] === r.kind)?.[2] ?? r.kind),
        r.category_zh ? h('span', null, `· ${r.category_zh}`) : null,
        h('span', { class: 'st', style: `background:${STATUS_COLOR[r.status] ?? '#555'}` }, ctx.lang === 'zh' ? r.status_zh : STATUSES.find((s) => s[0] === r.status)?.[2] ?? r.status),
        h('span', { class: 'age' }, `${t('age')} ${t('days', r.age_days)}`)),
      h('p', null, `${t('code')} `, h('a', { href: `/r/${r.code}`, target: '_blank', rel: 'noopener' }, r.code), ' · ',
        [r.site_name, r.point_name, r.community_name].filter(Boolean).join(' · ') || `${r.lon.toFixed(5)}, ${r.lat.toFixed(5)}`),
      r.text ? h('p', null, `${t('text')}：`, r.text) : null,
      r.has_phone ? h('p', null, `${t('phone')}：`, r.phone ?? t('phoneHidden')) : null,
      r.repeats > 1 ? h('p', null, t('repeats', r.repeats)) : null,
      r.linked?.point_id ? h('p', null, t('converted', r.linked.point_id)) : null,
      r.linked?.correction_id ? h('p', null, h('a', { href: '#network' }, t('convertedNetwork', r.linked.correction_id))) : null,
      editable ? reply : r.public_reply ? h('p', null, `${t('reply').split('（')[0].split(' (')[0]}：`, r.public_reply) : null,
      editable ? h('div', { class: 'acts' },
        ...NEXT[r.status].map((to) => h('button', { type: 'button', 'data-to': to, onclick: () => void move(r, to, reply.value) }, label[to])),
        r.kind === 'info_wrong' && r.point_id && !r.linked ? h('button', { type: 'button', 'data-convert': '1', onclick: () => void convert(r) }, t('convert')) : null,
        (r.kind === 'blocked' || r.kind === 'path_missing') && !r.linked ? h('button', { type: 'button', 'data-convert': 'network', onclick: () => void convert(r) }, t('convertNetwork')) : null) : null);
  }

  function drawMap(): void {
    if (!map) return;
    const data = {
      type: 'FeatureCollection' as const,
      features: reports.map((r) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] }, properties: { id: r.id, color: STATUS_COLOR[r.status] ?? '#555', label: r.kind_zh } })),
    };
    (map.getSource('reports') as GeoJSONSource | undefined)?.setData(data);
    if (reports.length) {
      const lons = reports.map((r) => r.lon), lats = reports.map((r) => r.lat);
      map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 60, maxZoom: 16, duration: 0 });
    }
  }

  async function show(): Promise<void> {
    if (!street) return;
    csv.setAttribute('href', `/api/reports/export.csv?street=${street}`);
    xlsx.setAttribute('href', `/api/reports/export.xlsx?street=${street}`);
    try {
      const [queue, counts] = await Promise.all([
        ctx.api.get<{ reports: Report[] }>(`/api/reports/queue?street=${street}&status=${status}${kind ? `&kind=${kind}` : ''}`),
        ctx.api.get<Counts>(`/api/reports/counts?street=${street}`),
      ]);
      reports = queue.reports;
      clear(countsBox);
      append(countsBox,
        h('p', { class: 'reports-counts' }, t('counts', counts.received, counts.open, counts.resolved, counts.median_days_to_close === null ? t('none') : t('days', counts.median_days_to_close))),
        h('table', { class: 'reports-table' },
          h('tr', null, h('th', null, t('byMonth')), ...counts.by_month.map((m) => h('th', null, m.month))),
          h('tr', null, h('td', null, '收到 / received'), ...counts.by_month.map((m) => h('td', null, m.received))),
          h('tr', null, h('td', null, '办结 / resolved'), ...counts.by_month.map((m) => h('td', null, m.resolved)))),
        h('p', { class: 'muted' }, `${t('byKind')}：`, counts.by_kind.map((k) => `${ctx.lang === 'zh' ? k.kind_zh : k.kind} ${k.received}/${k.resolved}`).join(' · ') || t('none')));
      clear(list);
      if (!reports.length) append(list, h('li', { class: 'muted' }, t('empty')));
      for (const r of reports) append(list, card(r));
      drawMap();
    } catch (err) { ctx.notify(errorText(err), 'error'); }
  }

  await show();
  try {
    const { createMap } = await import('../../map/createMap.ts');
    map = await createMap({ container: mapBox, ariaLabel: t('mapLabel') });
    map.addSource('reports', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'reports-circle', type: 'circle', source: 'reports', paint: { 'circle-radius': 8, 'circle-color': ['get', 'color'], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } });
    map.addLayer({ id: 'reports-label', type: 'symbol', source: 'reports', layout: { 'text-field': ['get', 'label'], 'text-size': 12, 'text-offset': [0, 1.3] }, paint: { 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 } });
    drawMap();
  } catch { /* no WebGL: the list is the queue */ }
  return () => { map?.remove(); };
}
