// The audit tab (修改记录): who did what and when, one sentence per entry, newest first, filtered by
// person, record, action, record type, street and dates, 50 at a time with "load more". The district
// admin sees accounts and sign-ins too, and exports the filtered trail as CSV.
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { h } from '../../common/dom.ts';
import { formatTime } from '../../common/format.ts';
import type { AuditEntry } from '../editing/recordForm.ts';
import { staffMessages } from './staff.messages.ts';

type Entry = AuditEntry & { sentence: string };
const PAGE = 50;
const TAB_OF: Record<string, string> = { point: 'points', site: 'sites', compound: 'compounds' };
const ACTIONS = ['create', 'update', 'close', 'reopen', 'restore', 'import'] as const;
const ADMIN_ACTIONS = ['print', 'cancel', 'login', 'login_failed', 'login_throttled', 'deactivate', 'reactivate', 'reset_password', 'change_password'] as const;
const ENTITIES = ['point', 'site', 'compound', 'gate'] as const;
const ADMIN_ENTITIES = ['staff_user', 'board_job', 'desk_visit', 'desk_plan', 'desk_request', 'coverage_setting'] as const;

export function mount(container: HTMLElement, ctx: AdminContext): void {
  const t = translator(staffMessages, ctx.lang);
  const isAdmin = ctx.staff.role === 'admin';
  const select = (name: string, label: string, options: { value: string; label: string }[]) => {
    const s = h('select', { name }, ...options.map((o) => h('option', { value: o.value }, o.label)));
    return { control: s, field: h('label', null, label, s) };
  };
  const person = h('input', { name: 'username', list: 'audit-people', maxlength: '40', autocomplete: 'off', spellcheck: 'false', placeholder: t('anyone') });
  const people = h('datalist', { id: 'audit-people' });
  const record = h('input', { name: 'record', maxlength: '60', autocomplete: 'off' });
  const action = select('action', t('action'), [{ value: '', label: t('anyAction') },
    ...[...ACTIONS, ...(isAdmin ? ADMIN_ACTIONS : [])].map((a) => ({ value: a, label: t(`action_${a}`) }))]);
  const entity = select('entity', t('entity'), [{ value: '', label: t('anyEntity') },
    ...[...ENTITIES, ...(isAdmin ? ADMIN_ENTITIES : [])].map((e) => ({ value: e, label: t(`entity_${e}`) }))]);
  const street = select('street', t('street'), [{ value: '', label: ctx.t('allStreets') }, ...ctx.streets.map((x) => ({ value: x.code, label: x.name }))]);
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  const exportLink = h('a', { class: 'button-link', 'data-action': 'export-csv', download: '', hidden: !isAdmin }, t('exportCsv'));
  const table = h('div', { class: 'history audit-list' });
  const footer = h('div', { class: 'audit-footer' });
  const count = h('span', { class: 'meta' });
  const more = h('button', { type: 'button', hidden: true, 'data-action': 'more' }, t('loadMore'));
  footer.append(count, more);
  let entries: Entry[] = [];
  let next: number | null = null;

  function filters(): URLSearchParams {
    const p = new URLSearchParams({ lang: ctx.lang });
    const put = (k: string, v: string) => { if (v.trim()) p.set(k, v.trim()); };
    put('username', person.value); put('record', record.value); put('action', action.control.value);
    put('entity', entity.control.value); put('street', street.control.value); put('from', from.value); put('to', to.value);
    return p;
  }

  function render(): void {
    exportLink.href = `/api/audit.csv?${filters()}`;
    if (!entries.length) { table.replaceChildren(h('p', { class: 'meta' }, t('empty'))); return; }
    table.replaceChildren(h('table', null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('when')), h('th', { scope: 'col' }, t('what')))),
      h('tbody', null, ...entries.map((e) => {
        const tab = TAB_OF[e.entity];
        return h('tr', { 'data-audit-id': String(e.id), 'data-action': e.action, 'data-username': e.username ?? '' },
          h('td', { class: 'when' }, formatTime(e.at, ctx.lang)),
          h('td', { class: 'sentence' }, tab ? h('a', { href: `#${tab}/${e.entity_id}` }, e.sentence) : e.sentence));
      }))));
    count.textContent = t('shown', entries.length);
  }

  async function load(append: boolean): Promise<void> {
    const params = filters();
    params.set('limit', String(PAGE));
    if (append && next) params.set('before_id', String(next));
    try {
      const page = await ctx.api.get<{ entries: Entry[]; next_before_id: number | null }>(`/api/audit?${params}`);
      entries = append ? [...entries, ...page.entries] : page.entries;
      next = page.next_before_id;
      more.hidden = next === null;
      render();
    } catch (err) {
      ctx.notify(err instanceof ApiError ? err.text(ctx.lang) : String(err), 'error');
    }
  }

  const form = h('form', { class: 'filters audit-filters', role: 'search' },
    h('label', null, t('person'), person), people,
    h('label', null, t('record'), record),
    action.field, entity.field, isAdmin ? street.field : null,
    h('label', null, t('from'), from),
    h('label', null, t('to'), to),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'primary' }, t('apply')),
      h('button', { type: 'reset' }, t('reset')),
      exportLink));
  form.addEventListener('submit', (event) => { event.preventDefault(); void load(false); });
  form.addEventListener('reset', () => setTimeout(() => void load(false), 0));
  for (const c of [action.control, entity.control, street.control, from, to]) c.addEventListener('change', () => void load(false));
  more.addEventListener('click', () => void load(true));
  container.append(h('p', { class: 'intro' }, isAdmin ? t('auditIntro') : t('auditIntroStreet')), form, table, footer);
  if (isAdmin) {
    ctx.api.get<{ username: string; display_name: string | null }[]>('/api/users')
      .then((list) => people.replaceChildren(...list.map((u) => h('option', { value: u.username }, u.display_name ?? u.username))))
      .catch(() => { /* the list only helps typing */ });
  }
  void load(false);
}
