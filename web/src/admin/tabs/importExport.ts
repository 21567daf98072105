// The import/export tab: upload a CSV or XLSX of service points, check it (dry run) and import it, with
// the upload's progress and then the server's phases polled from the import job; the per-row report;
// and exports of the points with filters and a coordinate system.
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { append, clear, h } from '../../common/dom.ts';
import { editingMessages } from '../editing/messages.ts';
import { labelled, selectControl, streetOptions, writableStreets } from '../editing/shared.ts';
import type { Static } from 'typebox';
import type { ImportReportSchema, JobSchema } from '../../../../server/importexport/schemas.ts';

/** An import report and job as the import routes answer them (the server's schemas). */
type ImportReport = Static<typeof ImportReportSchema>;
type ReportRow = ImportReport['rows'][number];
type Job = Static<typeof JobSchema>;

const SHOWN_ROWS = 500;

export function mount(container: HTMLElement, ctx: AdminContext): () => void {
  const t = translator(editingMessages, ctx.lang);
  let stopped = false;
  const canImport = ctx.staff.role !== 'viewer';

  // ---- import
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const street = selectControl('street', t('importStreet'), writableStreets(ctx), ctx.staff.street_code ?? writableStreets(ctx)[0]?.value ?? '');
  street.disabled = ctx.staff.role === 'editor';
  const dryRun = h('button', { type: 'button', 'data-action': 'dry-run' }, t('dryRun'));
  const run = h('button', { type: 'button', class: 'primary', 'data-action': 'import' }, t('runImport'));
  const bar = h('div');
  const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', hidden: true }, bar);
  const phase = h('p', { class: 'meta', role: 'status', 'aria-live': 'polite' });
  const report = h('div', { class: 'import-report' });
  const importBox = h('section', { class: 'import-box' },
    h('h2', null, t('importTitle')), h('p', { class: 'meta' }, t('importHelp')),
    canImport
      ? h('div', { class: 'filters' }, labelled(t('chooseFile'), file), labelled(t('importStreet'), street), dryRun, run)
      : h('p', { class: 'meta' }, t('readOnlyRole')),
    progress, phase, report);

  const setProgress = (fraction: number, text: string) => {
    progress.hidden = false;
    const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    bar.style.width = `${pct}%`;
    progress.setAttribute('aria-valuenow', String(pct));
    phase.textContent = text;
  };
  const phaseText = (p: string) => {
    const key = `phase_${p}` as 'phase_done';
    return key in editingMessages.zh ? t(key) : p;
  };

  async function start(dry: boolean): Promise<void> {
    const chosen = file.files?.[0];
    if (!chosen) { ctx.notify(t('chooseFile'), 'error'); file.focus(); return; }
    dryRun.disabled = run.disabled = true;
    clear(report);
    try {
      const form = new FormData();
      form.append('file', chosen);
      const params = new URLSearchParams({ dry_run: String(dry), async: 'true' });
      if (street.value) params.set('street', street.value);
      // Upload is the first fifth of the bar; the server's phases fill the rest.
      const { status_url } = await ctx.api.upload<{ job_id: string; status_url: string }>(`/api/import/points?${params}`, form,
        (p) => setProgress(p.total ? (p.loaded / p.total) * 0.2 : 0.1, t('uploading', p.total ? Math.round((p.loaded / p.total) * 100) : 0)));
      const weights: Record<string, [number, number]> = {
        queued: [0.2, 0], reading: [0.2, 0.05], matching: [0.25, 0], validating: [0.25, 0.35], writing: [0.6, 0.4], done: [1, 0], failed: [1, 0],
      };
      for (;;) {
        if (stopped) return;
        const job = await ctx.api.get<Job>(status_url);
        const [base, span] = weights[job.phase] ?? [0.2, 0];
        setProgress(base + (job.total ? (job.done / job.total) * span : 0), `${phaseText(job.phase)}${job.total ? ` ${job.done} / ${job.total}` : ''}`);
        if (job.phase === 'done' && job.report) { showReport(job.report); break; }
        if (job.phase === 'failed') {
          phase.textContent = `${phaseText('failed')}: ${ctx.lang === 'zh' ? job.error?.message_zh : job.error?.message}`;
          ctx.notify(phase.textContent, 'error');
          break;
        }
        await new Promise((r) => setTimeout(r, 400));
      }
    } catch (err) {
      phase.textContent = err instanceof ApiError ? err.text(ctx.lang) : String(err);
      ctx.notify(phase.textContent, 'error');
    } finally {
      dryRun.disabled = run.disabled = false;
    }
  }

  function showReport(r: ImportReport): void {
    clear(report);
    ctx.notify(r.dry_run ? t('dryRunDone') : t('importDone'), r.summary.rejected ? 'info' : 'success');
    append(report,
      h('p', null, r.dry_run ? t('dryRunDone') : t('importDone'),
        ` (${r.format.toUpperCase()}${r.encoding ? ` · ${r.encoding}` : ''} · ${r.rows_read} · ${r.timings_ms.read + r.timings_ms.validate + r.timings_ms.write} ms)`),
      h('div', { class: 'report-summary' },
        ...(['created', 'updated', 'unchanged', 'rejected'] as const).map((k) =>
          h('span', { 'data-summary': k }, h('b', null, String(r.summary[k])), ' ',
            t(({ created: 'summaryCreated', updated: 'summaryUpdated', unchanged: 'summaryUnchanged', rejected: 'summaryRejected' } as const)[k])))),
      r.columns.ignored.length ? h('p', { class: 'meta' }, t('ignoredColumns', r.columns.ignored.join('、'))) : null,
    );
    // Rejected rows first: they are what the office has to fix.
    const rows = [...r.rows].sort((a, b) => Number(b.status === 'rejected') - Number(a.status === 'rejected') || a.line - b.line);
    const statusText = (s: ReportRow['status']) => t(`status_${s}` as 'status_created');
    append(report, h('div', { class: 'report-table' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, t('reportLine')), h('th', null, t('reportStatus')), h('th', null, t('colName')),
        h('th', null, t('reportField')), h('th', null, t('reportReason')))),
      h('tbody', null, ...rows.slice(0, SHOWN_ROWS).map((row) => h('tr', { class: row.status, 'data-line': String(row.line) },
        h('td', null, String(row.line)), h('td', null, statusText(row.status)),
        h('td', null, row.id && row.status !== 'rejected' ? h('a', { href: `#points/${row.id}` }, row.name) : row.name),
        h('td', null, row.field ?? (row.changed?.join(', ') ?? '')),
        h('td', null, (ctx.lang === 'zh' ? row.reason_zh : row.reason) ?? '')))))),
    rows.length > SHOWN_ROWS ? h('p', { class: 'meta' }, t('listCount', SHOWN_ROWS, rows.length)) : null);
  }

  dryRun.addEventListener('click', () => void start(true));
  run.addEventListener('click', () => void start(false));

  // ---- export
  const exportStreet = selectControl('street', t('street'), streetOptions(ctx, t('allStreets')), ctx.staff.street_code ?? '');
  const category = selectControl('category', t('category'),
    [{ value: '', label: t('allCategories') }, ...ctx.categories.map((c) => ({ value: c.id, label: ctx.lang === 'zh' ? c.name_zh : c.name_en }))], '');
  const status = selectControl('status', t('status'),
    [{ value: 'active', label: t('statusActive') }, { value: 'closed', label: t('statusClosed') }, { value: 'all', label: t('statusAll') }], 'active');
  const sample = selectControl('sample', t('sample'),
    [{ value: '', label: t('sampleAll') }, { value: 'true', label: t('sampleOnly') }, { value: 'false', label: t('realOnly') }], '');
  const crs = selectControl('crs', t('exportCrs'), [{ value: 'WGS84', label: 'WGS84' }, { value: 'GCJ-02', label: 'GCJ-02' }, { value: 'BD-09', label: 'BD-09' }], 'WGS84');
  const links = h('div', { class: 'filters' });
  const drawLinks = () => {
    const params = new URLSearchParams({ status: status.value, lang: ctx.lang, crs: crs.value });
    if (exportStreet.value) params.set('street', exportStreet.value);
    if (category.value) params.set('category', category.value);
    if (sample.value) params.set('sample', sample.value);
    links.replaceChildren(
      h('a', { class: 'link', href: `/api/export/points.csv?${params}`, download: '', 'data-export': 'csv' }, t('exportCsv')),
      h('a', { class: 'link', href: `/api/export/points.csv?${params}&encoding=gbk`, download: '', 'data-export': 'csv-gbk' }, t('exportCsvGbk')),
      h('a', { class: 'link', href: `/api/export/points.xlsx?${params}`, download: '', 'data-export': 'xlsx' }, t('exportXlsx')),
      h('a', { class: 'link', href: `/api/export/points.geojson?${params}`, download: '', 'data-export': 'geojson' }, t('exportGeojson')),
    );
  };
  for (const control of [exportStreet, category, status, sample, crs]) control.addEventListener('change', drawLinks);
  drawLinks();
  const exportBox = h('section', { class: 'import-box' },
    h('h2', null, t('exportTitle')), h('p', { class: 'meta' }, t('exportHelp')),
    h('div', { class: 'filters' }, labelled(t('street'), exportStreet), labelled(t('category'), category), labelled(t('status'), status),
      labelled(t('sample'), sample), labelled(t('exportCrs'), crs)),
    links);

  container.append(importBox, h('div', { style: 'height:12px' }), exportBox);
  return () => { stopped = true; };
}
