// The history tab: recent changes (who, when, what, before → after), newest first, filtered by record
// type; each entry links to its record, whose own form offers "restore this version".
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { h } from '../dom.ts';
import { editingMessages } from '../editing/messages.ts';
import { historyTable, type AuditEntry } from '../editing/recordForm.ts';
import { labelled, selectControl, streetOptions } from '../editing/shared.ts';

export function mount(container: HTMLElement, ctx: AdminContext): void {
  const t = translator(editingMessages, ctx.lang);
  const entity = selectControl('entity', t('filterEntity'), [
    { value: '', label: t('allEntities') }, { value: 'point', label: t('entity_point') }, { value: 'site', label: t('entity_site') },
    { value: 'compound', label: t('entity_compound') }, { value: 'gate', label: t('entity_gate') },
    ...(ctx.staff.role === 'admin' ? [{ value: 'staff_user', label: t('entity_staff_user') }] : []),
  ], '');
  const street = selectControl('street', t('street'), streetOptions(ctx, t('allStreets')), ctx.staff.role === 'admin' ? '' : ctx.staff.street_code ?? '');
  street.disabled = ctx.staff.role !== 'admin' && Boolean(ctx.staff.street_code);
  const table = h('div', { class: 'history' });
  const more = h('button', { type: 'button', hidden: true }, t('loadMore'));
  let entries: AuditEntry[] = [];
  let next: number | null = null;

  async function load(append: boolean): Promise<void> {
    const params = new URLSearchParams({ limit: '50' });
    if (entity.value) params.set('entity', entity.value);
    if (street.value) params.set('street', street.value);
    if (append && next) params.set('before_id', String(next));
    try {
      const page = await ctx.api.get<{ entries: AuditEntry[]; next_before_id: number | null }>(`/api/audit?${params}`);
      entries = append ? [...entries, ...page.entries] : page.entries;
      next = page.next_before_id;
      table.replaceChildren(historyTable(entries, ctx, { canRestore: false, showRecord: true }));
      more.hidden = next === null;
    } catch (err) {
      ctx.notify(err instanceof ApiError ? err.text(ctx.lang) : String(err), 'error');
    }
  }
  entity.addEventListener('change', () => void load(false));
  street.addEventListener('change', () => void load(false));
  more.addEventListener('click', () => void load(true));
  container.append(h('h2', null, t('recentChanges')),
    h('div', { class: 'filters' }, labelled(t('filterEntity'), entity), labelled(t('street'), street)), table, more);
  void load(false);
}
