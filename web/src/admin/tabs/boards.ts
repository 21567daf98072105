// The boards tab of /admin (展板打印): the street's board sites with a preview link each, print jobs
// (all boards of the street or a chosen few, as a ZIP of PDFs or one multi-page PDF) with their
// progress, and the "needs reprint" list saying what changed on each board since it was printed.
// Everything comes from /api/boards/*; the server checks roles, this page only mirrors them.
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { clear, formatTime, h } from '../dom.ts';
import * as messages from './boards.messages.ts';

interface SiteFeature { id: number; properties: { id: number; name: string; kind: string; community_name: string | null } }
interface Job {
  id: number; street_name: string | null; status: 'queued' | 'running' | 'done' | 'failed'; total: number; done: number; progress: number;
  error: string | null; created_by_name: string | null; created_at: string; result_name: string | null; result_bytes: number | null;
  options: { size: string; orientation: string; profile: string; format: string }; download_url: string | null; site_ids: number[];
}
interface ReprintEntry {
  site_id: number; site_name: string; profile: string; printed_at: string; printed_by: string | null; printed_size: string;
  summary_zh: string; summary_en: string;
}
interface ReprintReport { needs_reprint: ReprintEntry[]; never_printed: { site_id: number; site_name: string }[]; unavailable: unknown[] }

const SIZES = ['A0', 'A1', 'A2', 'A3', 'A4'];

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<() => void> {
  const t = translator(messages, ctx.lang);
  const streets = ctx.staff.role === 'editor' ? ctx.streets.filter((s) => s.code === ctx.staff.street_code) : ctx.streets;
  const streetSelect = h('select', { 'aria-label': t('street') }, ...streets.map((s) => h('option', { value: s.code }, s.name)));
  streetSelect.value = ctx.staff.street_code ?? streets.find((s) => s.code === '120103003000')?.code ?? streets[0]?.code ?? '';
  const sizeSelect = h('select', { 'aria-label': t('size') }, ...SIZES.map((s) => h('option', { value: s }, s)));
  sizeSelect.value = 'A1';
  const orientationSelect = h('select', { 'aria-label': t('orientation') },
    h('option', { value: 'portrait' }, t('portrait')), h('option', { value: 'landscape' }, t('landscape')));
  const profileSelect = h('select', { 'aria-label': t('profile') },
    h('option', { value: 'standard' }, ctx.lang === 'zh' ? '标准步行' : 'Standard'),
    h('option', { value: 'elderly' }, ctx.lang === 'zh' ? '老年人步行' : 'Elderly'),
    h('option', { value: 'step_free' }, ctx.lang === 'zh' ? '无障碍（无台阶）' : 'Step-free'));
  const formatSelect = h('select', { 'aria-label': t('format') }, h('option', { value: 'zip' }, t('zip')), h('option', { value: 'pdf' }, t('pdf')));
  const langSelect = h('select', { 'aria-label': t('lang') }, h('option', { value: 'zh' }, '中文'), h('option', { value: 'en' }, 'English'));
  const canPrint = () => ctx.canEdit(streetSelect.value);

  const printAll = h('button', { type: 'button', class: 'primary' }, t('printAll'));
  const printSelected = h('button', { type: 'button' }, t('printSelected', 0));
  const siteList = h('div', { class: 'record-list', style: 'max-height: 60vh' });
  const jobsBox = h('div', { class: 'report-table' });
  const reprintBox = h('div', { class: 'report-table' });
  const readOnly = h('p', { class: 'footnote', hidden: true }, t('readOnly'));
  const selected = new Set<number>();

  container.append(
    h('p', { class: 'map-hint' }, t('intro')),
    h('div', { class: 'filters' },
      h('label', null, t('street'), ' ', streetSelect), h('label', null, t('size'), ' ', sizeSelect),
      h('label', null, t('orientation'), ' ', orientationSelect), h('label', null, t('profile'), ' ', profileSelect),
      h('label', null, t('format'), ' ', formatSelect), h('label', null, t('lang'), ' ', langSelect),
      printAll, printSelected),
    readOnly,
    h('div', { class: 'editor-layout' },
      h('section', null, h('h3', null, t('sites')), siteList),
      h('section', null, h('h3', null, t('jobs')), jobsBox, h('h3', null, t('reprint')), reprintBox)),
  );

  const options = () => ({ size: sizeSelect.value, orientation: orientationSelect.value, profile: profileSelect.value, format: formatSelect.value, lang: langSelect.value });
  const previewUrl = (id: number) => `/api/boards/${id}.pdf?size=${sizeSelect.value}&orientation=${orientationSelect.value}&profile=${profileSelect.value}&lang=${langSelect.value}`;
  const showError = (err: unknown) => ctx.notify(err instanceof ApiError ? err.text(ctx.lang) : String(err), 'error');

  function refreshButtons(): void {
    const allowed = canPrint();
    printAll.disabled = !allowed;
    printSelected.disabled = !allowed || selected.size === 0;
    printSelected.textContent = t('printSelected', selected.size);
    readOnly.hidden = allowed;
  }

  async function loadSites(): Promise<void> {
    clear(siteList);
    selected.clear();
    const fc = await ctx.api.get<{ features: SiteFeature[] }>(`/api/sites?street=${streetSelect.value}`);
    for (const f of fc.features) {
      const box = h('input', { type: 'checkbox', 'aria-label': f.properties.name });
      box.addEventListener('change', () => { if (box.checked) selected.add(f.id); else selected.delete(f.id); refreshButtons(); });
      siteList.append(h('div', { class: 'record-row', style: 'display:flex; gap:8px; align-items:center; padding:3px 8px' },
        box, h('span', { style: 'flex:1' }, `#${f.id} ${f.properties.name}`),
        h('a', { href: previewUrl(f.id), target: '_blank', rel: 'noopener' }, t('preview'))));
    }
    refreshButtons();
  }

  let poll: ReturnType<typeof setTimeout> | null = null;
  const seenDone = new Set<number>();

  async function loadJobs(): Promise<void> {
    const { jobs } = await ctx.api.get<{ jobs: Job[] }>(`/api/boards/jobs?street=${streetSelect.value}&limit=10`);
    clear(jobsBox);
    if (!jobs.length) { jobsBox.append(h('p', { class: 'footnote' }, t('noJobs'))); return; }
    const rows = jobs.map((j) => {
      const bar = h('div', { style: `width:${Math.round(j.progress * 100)}%` });
      const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(j.progress * 100)) }, bar);
      return h('tr', { class: j.status === 'failed' ? 'rejected' : '' },
        h('td', null, `#${j.id}`),
        h('td', null, `${j.options.size} · ${j.options.format.toUpperCase()} · ${j.options.profile}`),
        h('td', { style: 'min-width:140px' }, progress, t('progress', j.done, j.total)),
        h('td', null, t('status', j.status), j.error ? ` — ${j.error}` : ''),
        h('td', null, formatTime(j.created_at, ctx.lang), j.created_by_name ? ` · ${j.created_by_name}` : ''),
        h('td', null, j.download_url ? h('a', { href: j.download_url }, `${t('download')}${j.result_bytes ? ` (${(j.result_bytes / 1048576).toFixed(1)} MB)` : ''}`) : ''));
    });
    jobsBox.append(h('table', null, h('tbody', null, ...rows)));
    for (const j of jobs) {
      if (j.status === 'done' && !seenDone.has(j.id)) { if (seenDone.size) ctx.notify(t('jobDone'), 'success'); seenDone.add(j.id); }
    }
    if (poll) clearTimeout(poll);
    if (jobs.some((j) => j.status === 'queued' || j.status === 'running')) {
      poll = setTimeout(() => { loadJobs().then(loadReprint).catch(showError); }, 1500);
    }
  }

  async function loadReprint(): Promise<void> {
    const r = await ctx.api.get<ReprintReport>(`/api/boards/reprint?street=${streetSelect.value}`);
    clear(reprintBox);
    if (!r.needs_reprint.length) reprintBox.append(h('p', { class: 'footnote' }, t('reprintNone')));
    else {
      reprintBox.append(h('table', null, h('tbody', null, ...r.needs_reprint.map((e) => h('tr', null,
        h('td', null, `#${e.site_id} ${e.site_name}`),
        h('td', null, ctx.lang === 'zh' ? e.summary_zh : e.summary_en),
        h('td', { class: 'footnote' }, `${e.printed_size} · ${e.profile} · ${t('printedAt', formatTime(e.printed_at, ctx.lang), e.printed_by)}`))))));
      const again = h('button', { type: 'button', disabled: !canPrint() }, t('reprintThese'));
      again.addEventListener('click', () => startJob({ site_ids: [...new Set(r.needs_reprint.map((e) => e.site_id))] }));
      reprintBox.append(again);
    }
    reprintBox.append(h('p', { class: 'footnote' }, t('neverPrinted', r.never_printed.length),
      r.unavailable.length ? ` · ${t('unavailable', r.unavailable.length)}` : ''));
  }

  async function startJob(target: { street?: string; site_ids?: number[] }): Promise<void> {
    try {
      await ctx.api.post('/api/boards/jobs', { ...target, ...options() });
      ctx.notify(t('started'), 'info');
      await loadJobs();
    } catch (err) { showError(err); }
  }

  printAll.addEventListener('click', () => startJob({ street: streetSelect.value }));
  printSelected.addEventListener('click', () => startJob({ site_ids: [...selected] }));
  const reloadAll = () => Promise.all([loadSites(), loadJobs(), loadReprint()]).catch(showError);
  streetSelect.addEventListener('change', reloadAll);
  for (const s of [sizeSelect, orientationSelect, profileSelect, langSelect]) s.addEventListener('change', () => loadSites().catch(showError));
  await reloadAll();
  return () => { if (poll) clearTimeout(poll); };
}
