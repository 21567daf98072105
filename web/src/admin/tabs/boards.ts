// The boards tab of /admin (展板打印): the street's board sites with a preview link each, print jobs
// (all boards of the street or a chosen few, as a ZIP of PDFs or one multi-page PDF) with their
// progress, the posted-confirmation step (张贴确认), and the reprint lists: printed-not-posted, posted, and
// "needs reprint" (what changed since the board on the wall). A warning stands above the print buttons
// when the QR codes would lead nowhere (PUBLIC_BASE_URL loopback, private or plain HTTP).
// Everything comes from /api/boards/*; the server checks roles, this page only mirrors them.
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { clear, h } from '../../common/dom.ts';
import { formatTime } from '../../common/format.ts';
import * as messages from './boards.messages.ts';
import type { Static } from 'typebox';
import type { SiteFeature as SiteFeatureSchema } from '../../../../server/sites/present.ts';
import type { BoardsStatusResponse, JobResponse, ReprintResponse } from '../../../../server/boards/routes.ts';

/** The answers of /api/sites, /api/boards/status, /api/boards/jobs and /api/boards/reprint (the server's schemas). */
type SiteFeature = Static<typeof SiteFeatureSchema> & { id: number };
type Job = Static<typeof JobResponse>;
type ReprintReport = Static<typeof ReprintResponse>;
type UnpostedEntry = ReprintReport['printed_not_posted'][number];
type BoardsStatus = Static<typeof BoardsStatusResponse>;
type QrWarning = NonNullable<BoardsStatus['qr_warning']>;

const SIZES = ['A0', 'A1', 'A2', 'A3', 'A4'];

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<() => void> {
  const t = translator(messages, ctx.lang);
  const streets = ctx.staff.role === 'editor' ? ctx.streets.filter((s) => s.code === ctx.staff.street_code) : ctx.streets;
  const streetSelect = h('select', { 'aria-label': t('street') }, ...streets.map((s) => h('option', { value: s.code }, s.name)));
  streetSelect.value = ctx.defaultStreet ?? streets[0]?.code ?? '';
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
  const profileLabel = (id: string) => [...profileSelect.options].find((o) => o.value === id)?.textContent ?? id;

  const printAll = h('button', { type: 'button', class: 'primary' }, t('printAll'));
  const printSelected = h('button', { type: 'button' }, t('printSelected', 0));
  const siteList = h('div', { class: 'record-list', style: 'max-height: 60vh' });
  const jobsBox = h('div', { class: 'report-table' });
  const reprintBox = h('div', { class: 'report-table' });
  const readOnly = h('p', { class: 'footnote', hidden: true }, t('readOnly'));
  const selected = new Set<number>();
  const status = await ctx.api.get<BoardsStatus>('/api/boards/status');
  const warningText = (w: QrWarning) => (ctx.lang === 'zh' ? w.message_zh : w.message);
  // Above the print buttons, so nobody starts a batch without seeing it.
  const qrBanner = status.qr_warning
    ? h('div', { class: 'qr-warning', role: 'alert' }, h('strong', null, t('qrWarningTitle')), h('div', null, warningText(status.qr_warning)))
    : '';
  const selectedCount = h('span', { class: 'pick-count', 'aria-live': 'polite' });
  const clearSelection = h('button', { type: 'button', class: 'link' }, t('clearSelection'));
  const unpostedBox = h('div', { class: 'report-table' });
  const postedBox = h('div', { class: 'report-table' });
  let siteBoxes: { id: number; box: HTMLInputElement }[] = [];
  let groupSync: (() => void)[] = [];

  container.append(
    h('p', { class: 'map-hint' }, t('intro')),
    qrBanner,
    h('div', { class: 'filters' },
      h('label', null, t('street'), ' ', streetSelect), h('label', null, t('size'), ' ', sizeSelect),
      h('label', null, t('orientation'), ' ', orientationSelect), h('label', null, t('profile'), ' ', profileSelect),
      h('label', null, t('format'), ' ', formatSelect), h('label', null, t('lang'), ' ', langSelect),
      printAll, printSelected),
    readOnly,
    h('div', { class: 'editor-layout' },
      h('section', null, h('h3', null, t('sites')), h('div', { class: 'pick-bar' }, selectedCount, clearSelection), siteList),
      h('section', null, h('h3', null, t('jobs')), jobsBox, h('h3', null, t('reprint')), reprintBox,
        h('h3', null, t('unposted')), unpostedBox, h('h3', null, t('posted')), postedBox)),
  );

  const options = () => ({ size: sizeSelect.value, orientation: orientationSelect.value, profile: profileSelect.value, format: formatSelect.value, lang: langSelect.value });
  const previewUrl = (id: number) => `/api/boards/${id}.pdf?size=${sizeSelect.value}&orientation=${orientationSelect.value}&profile=${profileSelect.value}&lang=${langSelect.value}`;
  const showError = (err: unknown) => ctx.notify(err instanceof ApiError ? err.text(ctx.lang) : String(err), 'error');

  function refreshButtons(): void {
    const allowed = canPrint();
    printAll.disabled = !allowed;
    printSelected.disabled = !allowed || selected.size === 0;
    printSelected.textContent = t('printSelected', selected.size);
    selectedCount.textContent = t('selectedCount', selected.size, siteBoxes.length);
    clearSelection.hidden = selected.size === 0;
    readOnly.hidden = allowed;
    for (const sync of groupSync) sync();
  }

  /** The street's sites by community: the whole row label ticks a site, a community's box ticks them all. */
  async function loadSites(): Promise<void> {
    clear(siteList);
    selected.clear();
    siteBoxes = [];
    groupSync = [];
    const fc = await ctx.api.get<{ features: SiteFeature[] }>(`/api/sites?street=${streetSelect.value}`);
    const groups = new Map<string, SiteFeature[]>();
    for (const f of fc.features) {
      const key = f.properties.community_name ?? '';
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const ordered = [...groups.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b, 'zh-CN')));
    for (const [community, features] of ordered) {
      const rows = features.map((f) => {
        const box = h('input', { type: 'checkbox', class: 'site-pick', value: String(f.id) });
        box.addEventListener('change', () => { if (box.checked) selected.add(f.id); else selected.delete(f.id); refreshButtons(); });
        siteBoxes.push({ id: f.id, box });
        return h('div', { class: 'pick-row' },
          h('label', null, box, h('span', { class: 'site-name' }, `#${f.id} ${f.properties.name}`)),
          h('a', { href: previewUrl(f.id), target: '_blank', rel: 'noopener' }, t('preview')));
      });
      const groupBox = h('input', { type: 'checkbox', class: 'group-pick' });
      const mine = new Set(features.map((f) => f.id));
      groupBox.addEventListener('change', () => {
        for (const s of siteBoxes) if (mine.has(s.id)) { s.box.checked = groupBox.checked; if (groupBox.checked) selected.add(s.id); else selected.delete(s.id); }
        refreshButtons();
      });
      groupSync.push(() => {
        const n = features.filter((f) => selected.has(f.id)).length;
        groupBox.checked = n === features.length;
        groupBox.indeterminate = n > 0 && n < features.length;
      });
      siteList.append(h('div', { class: 'pick-group', role: 'group', 'aria-label': community || t('noCommunity') },
        h('label', { class: 'pick-head' }, groupBox, h('span', null, t('selectCommunity', community || t('noCommunity'), features.length))),
        ...rows));
    }
    refreshButtons();
  }

  clearSelection.addEventListener('click', () => {
    for (const s of siteBoxes) s.box.checked = false;
    selected.clear();
    refreshButtons();
  });

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
    renderPostings(r);
    if (!r.needs_reprint.length) reprintBox.append(h('p', { class: 'footnote' }, t('reprintNone')));
    else {
      reprintBox.append(h('table', null, h('tbody', null, ...r.needs_reprint.map((e) => h('tr', null,
        h('td', null, `#${e.site_id} ${e.site_name}`),
        h('td', null, ctx.lang === 'zh' ? e.summary_zh : e.summary_en),
        h('td', { class: 'footnote' }, `${e.printed_size} · ${profileLabel(e.profile)} · ${e.basis === 'posted' && e.posted_on ? t('basisPosted', e.posted_on) : t('basisPrinted')} · ${t('printedAt', formatTime(e.printed_at, ctx.lang), e.printed_by)}`))))));
      const again = h('button', { type: 'button', disabled: !canPrint() }, t('reprintThese'));
      again.addEventListener('click', () => startJob({ site_ids: [...new Set(r.needs_reprint.map((e) => e.site_id))] }));
      reprintBox.append(again);
    }
    reprintBox.append(h('p', { class: 'footnote' }, t('neverPrinted', r.never_printed.length),
      r.unavailable.length ? ` · ${t('unavailable', r.unavailable.length)}` : ''));
  }

  /** Printed-not-posted with a confirm form each; posted with date, who and whether it is current. */
  function renderPostings(r: ReprintReport): void {
    clear(unpostedBox);
    clear(postedBox);
    if (!r.printed_not_posted.length) unpostedBox.append(h('p', { class: 'footnote' }, t('unpostedNone')));
    else {
      unpostedBox.append(h('table', null, h('tbody', null, ...r.printed_not_posted.map((e) => {
        const date = h('input', { type: 'date', value: status.local_date, max: status.local_date, 'aria-label': t('postedOn'), required: true });
        const who = h('input', { type: 'text', value: ctx.staff.display_name ?? ctx.staff.username, maxlength: '40', size: 8, 'aria-label': t('postedBy') });
        const go = h('button', { type: 'button' }, t('confirmPosted'));
        go.addEventListener('click', async () => {
          go.disabled = true;
          try {
            await ctx.api.post('/api/boards/postings', {
              site_id: e.site_id, profile: e.profile, print_id: e.print_id, posted_on: date.value, posted_by: who.value.trim(), version: e.posting_version,
            });
            ctx.notify(t('confirmed'), 'success');
            await loadReprint();
          } catch (err) { showError(err); go.disabled = false; }
        });
        const notes = [`${e.printed_size} · ${profileLabel(e.profile)} · ${t('printedAt', formatTime(e.printed_at, ctx.lang), e.printed_by)}`];
        if (!e.up_to_date) notes.push(t('unpostedStale'));
        if (e.posted_on) notes.push(t('olderPosted', e.posted_on));
        return h('tr', { class: 'unposted-row', dataset: { site: String(e.site_id) } },
          h('td', null, `#${e.site_id} ${e.site_name}`, h('div', { class: e.up_to_date ? 'footnote' : 'footnote stale' }, notes.join(' · '))),
          h('td', null, canPrint() ? h('div', { class: 'post-form' }, date, who, go) : ''));
      }))));
    }
    if (!r.posted.length) postedBox.append(h('p', { class: 'footnote' }, t('postedNone')));
    else {
      postedBox.append(h('table', null, h('tbody', null, ...r.posted.map((e) => h('tr', null,
        h('td', null, `#${e.site_id} ${e.site_name}`),
        h('td', null, t('postedLine', e.posted_on, e.posted_by)),
        h('td', { class: e.up_to_date ? 'ok' : 'stale' }, `${profileLabel(e.profile)} · ${e.up_to_date ? t('upToDate') : t('outdated')}`))))));
    }
  }

  async function startJob(target: { street?: string; site_ids?: number[] }): Promise<void> {
    try {
      const job = await ctx.api.post<{ qr_warning: QrWarning | null }>('/api/boards/jobs', { ...target, ...options() });
      if (job.qr_warning) ctx.notify(t('startedWithWarning'), 'error');
      else ctx.notify(t('started'), 'info');
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
