// The check-up (体检) part of the coverage tab: the 15-minute score layer on the coverage map (vector tiles
// from /api/checkup/tiles) with its legend and the shares saying their weighting, a category's history
// across coverage snapshots as a small chart with the meeting sentence, and the printed report as a job.
// Everything comes from /api/checkup/*; the server checks roles.
import type { Map as MapLibreMap } from 'maplibre-gl';
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { clear, h } from '../../common/dom.ts';
import type { Static } from 'typebox';
import type { JobStatus, SurfaceResponse } from '../../../../server/checkup/schemas.ts';

/** Score 0–10, red to green: the same table as the printed report (server/checkup/report.ts). */
const SCORE_COLORS = ['#67000d', '#a50f15', '#cb181d', '#ef3b2c', '#fb6a4a', '#fdae6b', '#fed976', '#c7e9b4', '#7fcdbb', '#41ae76', '#006d2c'];

const messages = {
  zh: {
    title: '体检：15分钟得分与变化', showLayer: '在地图上显示 15 分钟得分', legend: '得分 = 目标步行时间内可达的服务类别数（0–10）',
    meanScore: (s: string, m: string) => `平均得分 ${s} / 10（按街道长度加权，${m} 公里路网，约每 50 米取样）`,
    wRes: '按居民', wLen: '按街道长度', history: '历史', noSnapshots: '尚无快照。', takeSnapshot: '立即生成快照',
    snapshotDone: '快照已生成', report: '生成体检报告（PDF）', reportLang: '报告语言', progress: (p: number, s: string) => `正在生成… ${p}%（${s}）`,
    download: '下载体检报告', failed: '报告生成失败', category: '类别', chartLabel: '覆盖率随快照的变化',
  },
  en: {
    title: 'Check-up: 15-minute score and change', showLayer: 'Show the 15-minute score on the map', legend: 'Score = service categories within their target walk (0–10)',
    meanScore: (s: string, m: string) => `Mean score ${s} / 10 (weighted by street length, ${m} km of network, sampled about every 50 m)`,
    wRes: 'by residents', wLen: 'by street length', history: 'History', noSnapshots: 'No snapshots yet.', takeSnapshot: 'Take a snapshot now',
    snapshotDone: 'Snapshot taken', report: 'Make the check-up report (PDF)', reportLang: 'Report language', progress: (p: number, s: string) => `Working… ${p}% (${s})`,
    download: 'Download the report', failed: 'The report failed', category: 'Category', chartLabel: 'Share across snapshots',
  },
};

/** The surface and a report job as /api/checkup/surface and /api/checkup/reports answer them (the server's schemas).
 * /api/checkup/history has no response schema (Type.Unknown), so its shape stays written out here. */
type Surface = Static<typeof SurfaceResponse>;
interface History { series: { taken_at: string; compounds_share: number | null; length_share: number | null }[]; change: { text_zh: string; text_en: string } | null }
type Job = Static<typeof JobStatus>;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

export interface CheckupPanel { element: HTMLElement; refresh(profile: string, street: string): Promise<void> }

export function checkupPanel(ctx: AdminContext, map: () => MapLibreMap | null): CheckupPanel {
  const t = translator(messages, ctx.lang);
  const nameOf = (id: string) => { const c = ctx.categories.find((x) => x.id === id); return c ? (ctx.lang === 'zh' ? c.name_zh : c.name_en) : id; };
  const errorText = (err: unknown) => (err instanceof ApiError ? err.text(ctx.lang) : String(err));
  let profile = 'standard', street = '', historyCategory = 'elder_care';
  let shown = false;

  const toggle = h('input', { type: 'checkbox', name: 'checkup-layer' }) as HTMLInputElement;
  const legend = h('div', { class: 'checkup-legend', hidden: true },
    h('span', { class: 'legend-title' }, t('legend')),
    h('span', { class: 'checkup-ramp' }, ...SCORE_COLORS.map((c, i) => h('span', { class: 'checkup-step', style: `background:${c};color:${i <= 4 || i >= 9 ? '#fff' : '#000'}` }, String(i)))));
  const shares = h('div', { class: 'checkup-shares' });
  const historySelect = h('select', { name: 'checkup-category', 'aria-label': t('category') }, ...ctx.categories.map((c) => h('option', { value: c.id, selected: c.id === historyCategory }, nameOf(c.id)))) as HTMLSelectElement;
  const chart = h('div', { class: 'checkup-chart' });
  const sentence = h('p', { class: 'checkup-sentence' });
  const snapshotButton = h('button', { type: 'button' }, t('takeSnapshot'));
  const langSelect = h('select', { name: 'report-lang', 'aria-label': t('reportLang') }, h('option', { value: 'zh', selected: ctx.lang === 'zh' }, '中文'), h('option', { value: 'en', selected: ctx.lang === 'en' }, 'English')) as HTMLSelectElement;
  const reportButton = h('button', { type: 'button' }, t('report'));
  const reportStatus = h('span', { class: 'checkup-report-status', role: 'status', 'aria-live': 'polite' });

  const element = h('section', { class: 'checkup-panel' },
    h('style', null, CSS),
    h('h3', null, t('title')),
    h('label', { class: 'checkup-toggle' }, toggle, t('showLayer')),
    legend, shares,
    h('div', { class: 'checkup-history' }, h('label', null, `${t('history')} · `, historySelect), ...(ctx.staff.role === 'admin' ? [snapshotButton] : []), sentence, chart),
    h('div', { class: 'checkup-report' }, h('label', null, t('reportLang'), ' ', langSelect), reportButton, reportStatus));

  let surface: Surface | null = null;

  function showLayer(): void {
    const m = map();
    if (!m || !surface) return;
    if (m.getLayer('checkup-score')) m.removeLayer('checkup-score');
    if (m.getSource('checkup')) m.removeSource('checkup');
    legend.hidden = !shown;
    if (!shown) return;
    m.addSource('checkup', { type: 'vector', tiles: [new URL(surface.tiles, location.origin).toString().replace(/%7B/g, '{').replace(/%7D/g, '}')], minzoom: 10, maxzoom: 16 });
    const before = m.getLayer('cov-rings-fill') ? 'cov-rings-fill' : undefined;
    m.addLayer({
      id: 'checkup-score', type: 'line', source: 'checkup', 'source-layer': surface.tile_layer,
      paint: { 'line-color': ['match', ['get', 'score'], ...SCORE_COLORS.flatMap((c, i) => [i, c]), '#999999'] as never, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 16, 5], 'line-opacity': 0.9 },
    }, before);
  }

  async function loadHistory(): Promise<void> {
    try {
      const hist = await ctx.api.get<History>(`/api/checkup/history?category=${historyCategory}&profile=${profile}${street ? `&street=${street}` : ''}`);
      sentence.textContent = hist.change ? (ctx.lang === 'zh' ? hist.change.text_zh : hist.change.text_en) : t('noSnapshots');
      clear(chart);
      const pts = hist.series.map((s) => ({ d: s.taken_at.slice(0, 10), v: s.compounds_share ?? s.length_share }));
      if (pts.length === 0) return;
      const W = 320, H = 110, P = 24;
      const x = (i: number) => P + (pts.length === 1 ? (W - 2 * P) / 2 : (i * (W - 2 * P)) / (pts.length - 1));
      const y = (v: number | null) => H - P - (v ?? 0) * (H - 2 * P);
      const ns = 'http://www.w3.org/2000/svg';
      const svg = document.createElementNS(ns, 'svg');
      svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', `${t('chartLabel')}: ${pts.map((p) => `${p.d} ${pct(p.v)}`).join(', ')}`);
      const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
        const el = document.createElementNS(ns, tag);
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
        if (text) el.textContent = text;
        svg.append(el);
      };
      add('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: '#888' });
      add('polyline', { points: pts.map((p, i) => `${x(i)},${y(p.v)}`).join(' '), fill: 'none', stroke: '#1f5fbf', 'stroke-width': 2 });
      pts.forEach((p, i) => {
        add('circle', { cx: x(i), cy: y(p.v), r: 3.5, fill: '#1f5fbf' });
        add('text', { x: x(i), y: y(p.v) - 7, 'text-anchor': 'middle', 'font-size': 10 }, pct(p.v));
        if (i === 0 || i === pts.length - 1) add('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', 'font-size': 9, fill: '#555' }, p.d);
      });
      chart.append(svg);
    } catch (err) { sentence.textContent = errorText(err); }
  }

  async function refresh(p: string, s: string): Promise<void> {
    profile = p; street = s;
    try {
      surface = await ctx.api.get<Surface>(`/api/checkup/surface?profile=${profile}${street ? `&street=${street}` : ''}`);
      clear(shares);
      shares.append(h('p', null, t('meanScore', surface.mean_score === null ? '—' : surface.mean_score.toFixed(1), (surface.sampled_m / 1000).toFixed(0))),
        h('ul', { class: 'checkup-share-list' }, ...surface.categories.map((c) => h('li', null, `${nameOf(c.category)} ${pct(c.share)}`, h('small', null, ` ${c.weighting === 'residents' ? t('wRes') : t('wLen')}`)))));
      showLayer();
    } catch (err) { clear(shares); shares.append(h('p', { class: 'admin-error' }, errorText(err))); }
    await loadHistory();
  }

  toggle.addEventListener('change', () => { shown = toggle.checked; showLayer(); });
  historySelect.addEventListener('change', () => { historyCategory = historySelect.value; void loadHistory(); });
  snapshotButton.addEventListener('click', async () => {
    try { await ctx.api.post('/api/checkup/snapshots'); ctx.notify(t('snapshotDone'), 'success'); await loadHistory(); } catch (err) { ctx.notify(errorText(err), 'error'); }
  });
  reportButton.addEventListener('click', async () => {
    reportButton.setAttribute('disabled', '');
    clear(reportStatus);
    try {
      let job = await ctx.api.post<Job>('/api/checkup/reports', { ...(street ? { street } : {}), lang: langSelect.value, profile });
      while (job.status === 'queued' || job.status === 'running') {
        reportStatus.textContent = t('progress', Math.round(job.progress * 100), job.stage);
        await new Promise((r) => setTimeout(r, 400));
        job = await ctx.api.get<Job>(`/api/checkup/reports/${job.id}`);
      }
      clear(reportStatus);
      if (job.status === 'done' && job.file) reportStatus.append(h('a', { class: 'button-link', href: job.file, download: '' }, t('download')));
      else reportStatus.textContent = t('failed');
    } catch (err) { reportStatus.textContent = errorText(err); }
    reportButton.removeAttribute('disabled');
  });

  return { element, refresh };
}

const CSS = `
.checkup-panel { margin: 1rem 0; padding: .75rem 1rem; border: 1px solid #d0d7de; border-radius: 6px; }
.checkup-panel h3 { margin: 0 0 .5rem; font-size: 1.05rem; }
.checkup-toggle { display: flex; gap: .4rem; align-items: center; font-weight: 600; }
.checkup-legend { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .4rem 0; }
.checkup-ramp { display: inline-flex; }
.checkup-step { display: inline-block; min-width: 1.6rem; text-align: center; font-size: .8rem; padding: .1rem 0; }
.checkup-share-list { display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; list-style: none; margin: .25rem 0; }
.checkup-share-list small { color: #57606a; }
.checkup-history, .checkup-report { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: .5rem; }
.checkup-sentence { flex-basis: 100%; margin: .25rem 0; font-weight: 600; }
.checkup-chart svg { width: 100%; max-width: 360px; height: auto; }
`;
