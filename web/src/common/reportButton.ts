// The 反馈 button: a few lines each page adds where a report makes sense (a site, a place on the map, a
// service's row, a missing service). The form itself loads on the first tap, so it never delays a page.
import { currentLang, translator } from '../lang.ts';
import { h } from './dom.ts';
import { zh, en } from './reportMessages.ts';
import type { ReportCategory, ReportContext } from './reportForm.ts';
import './reportForm.css';

export function reportButton(
  context: () => ReportContext | null, categories: () => ReportCategory[],
  opts: { compact?: boolean; text?: string; label?: string; id?: string } = {},
): HTMLButtonElement {
  const t = translator({ zh, en }, currentLang());
  return h('button', {
    type: 'button', class: `report-open${opts.compact ? ' compact' : ''}`, id: opts.id, 'aria-label': opts.label ?? (opts.text ? undefined : t('openLabel')),
    onclick: (e: Event) => {
      e.preventDefault();
      e.stopPropagation();
      const ctx = context();
      if (!ctx) return;
      void import('./reportForm.ts').then((m) => m.openReportForm(ctx, categories()));
    },
  }, opts.text ?? t('open'));
}

export { zh as reportMessagesZh, en as reportMessagesEn };
