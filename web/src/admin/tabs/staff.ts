// The 人员 tab (district admin): staff accounts with role, street, state and last sign-in; create an
// account, change role/street/name, deactivate or reactivate, reset a password. A generated password
// appears once, in a dialog, and is never fetched again.
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext, StaffRole } from '../context.ts';
import { clear, h } from '../../common/dom.ts';
import { formatTime } from '../../common/format.ts';
import { staffMessages } from './staff.messages.ts';
import type { Static } from 'typebox';
import type { Account as AccountSchema, AccountListed } from '../../../../server/auth/schemas.ts';

/** An account as GET /api/users lists it (the server's schema). */
type Account = Static<typeof AccountListed>;
/** An account as POST /api/users answers it (no sign-in yet). */
type NewAccount = Static<typeof AccountSchema>;

export function mount(container: HTMLElement, ctx: AdminContext): () => void {
  const t = translator(staffMessages, ctx.lang);
  const roleName = (r: StaffRole) => (r === 'admin' ? t('roleAdmin') : r === 'editor' ? t('roleEditor') : t('roleViewer'));
  const streetName = (code: string | null) => (code ? ctx.streets.find((s) => s.code === code)?.name ?? code : t('noStreet'));
  const failed = (err: unknown) => ctx.notify(err instanceof ApiError ? err.text(ctx.lang) : String(err), 'error');

  const list = h('div', { class: 'staff-list' });
  const dialogs: HTMLDialogElement[] = [];
  let accounts: Account[] = [];

  async function load(): Promise<void> {
    try {
      accounts = await ctx.api.get<Account[]>('/api/users');
      render();
    } catch (err) { failed(err); }
  }

  function render(): void {
    const head = [t('username'), t('displayName'), t('role'), t('street'), t('active'), t('lastLogin'), t('actions')];
    list.replaceChildren(h('table', { class: 'staff-table' },
      h('thead', null, h('tr', null, ...head.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, ...accounts.map((a) => {
        const self = a.id === ctx.staff.id;
        const cell = (label: string, ...content: (Node | string)[]) => h('td', { 'data-label': label }, ...content);
        return h('tr', { 'data-username': a.username, class: a.active ? '' : 'inactive' },
          cell(t('username'), h('b', null, a.username), self ? t('you') : ''),
          cell(t('displayName'), a.display_name ?? '—'),
          cell(t('role'), roleName(a.role)),
          cell(t('street'), streetName(a.street_code)),
          cell(t('active'), h('span', { class: a.active ? 'state on' : 'state off' }, a.active ? t('isActive') : t('isInactive'))),
          cell(t('lastLogin'), a.last_login_at ? formatTime(a.last_login_at, ctx.lang) : t('never')),
          h('td', null, h('div', { class: 'row-actions' },
            h('button', { type: 'button', 'data-action': 'edit', onclick: () => openEditor(a) }, t('edit')),
            self ? null : h('button', { type: 'button', 'data-action': 'reset', onclick: () => void resetPassword(a) }, t('resetPassword')),
            self ? null : a.active
              ? h('button', { type: 'button', class: 'danger', 'data-action': 'deactivate', onclick: () => void setActive(a, false) }, t('deactivate'))
              : h('button', { type: 'button', 'data-action': 'reactivate', onclick: () => void setActive(a, true) }, t('reactivate')))));
      }))));
  }

  function dialog(title: string, ...content: (Node | null)[]): HTMLDialogElement {
    const d = h('dialog', { class: 'admin-dialog', 'aria-label': title }, h('h2', null, title), ...content);
    d.addEventListener('close', () => d.remove());
    document.body.append(d);
    dialogs.push(d);
    d.showModal();
    return d;
  }

  function fieldError(): HTMLParagraphElement { return h('p', { class: 'admin-error', role: 'alert', hidden: true }); }
  function showError(el: HTMLElement, err: unknown): void { el.textContent = err instanceof ApiError ? err.text(ctx.lang) : String(err); el.hidden = false; }

  function roleAndStreet(role: StaffRole, street: string | null) {
    const roleSelect = h('select', { name: 'role' },
      ...(['editor', 'viewer', 'admin'] as StaffRole[]).map((r) => h('option', { value: r }, roleName(r))));
    roleSelect.value = role;
    const streetSelect = h('select', { name: 'street_code' }, h('option', { value: '' }, t('noStreet')),
      ...ctx.streets.map((s) => h('option', { value: s.code }, s.name)));
    streetSelect.value = street ?? '';
    return { roleSelect, streetSelect };
  }

  function showPasswordOnce(username: string, password: string): void {
    const value = h('input', { class: 'once-password', readonly: true, value: password, 'aria-label': t('passwordOnce', username), spellcheck: 'false' });
    const copy = h('button', {
      type: 'button',
      onclick: async () => {
        value.select();
        try { await navigator.clipboard.writeText(password); copy.textContent = t('copied'); } catch { document.execCommand?.('copy'); }
      },
    }, t('copy'));
    const d = dialog(t('passwordOnce', username),
      h('div', { class: 'once-row' }, value, copy),
      h('p', { class: 'meta' }, t('passwordOnceHint')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => d.close() }, t('done'))));
    value.select();
  }

  function openCreate(): void {
    const username = h('input', { name: 'username', required: true, minlength: '3', maxlength: '40', pattern: '[A-Za-z0-9_.\\-]{3,40}', autocomplete: 'off', spellcheck: 'false' });
    const display = h('input', { name: 'display_name', maxlength: '60', autocomplete: 'off' });
    const { roleSelect, streetSelect } = roleAndStreet('editor', ctx.streets[0]?.code ?? null);
    const error = fieldError();
    const form = h('form', { class: 'dialog-form', method: 'dialog' },
      h('label', null, t('username'), username, h('small', null, t('usernameHint'))),
      h('label', null, t('displayName'), display),
      h('label', null, t('role'), roleSelect),
      h('label', null, t('street'), streetSelect),
      error,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-action': 'create' }, t('create')),
        h('button', { type: 'button', onclick: () => d.close() }, t('cancel'))));
    const d = dialog(t('newAccount'), form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.hidden = true;
      try {
        const created = await ctx.api.post<{ user: NewAccount; password: string }>('/api/users', {
          username: username.value.trim(), role: roleSelect.value, street_code: streetSelect.value || null,
          ...(display.value.trim() ? { display_name: display.value.trim() } : {}),
        });
        d.close();
        ctx.notify(t('created', created.user.username), 'success');
        showPasswordOnce(created.user.username, created.password);
        await load();
      } catch (err) { showError(error, err); }
    });
    username.focus();
  }

  function openEditor(a: Account): void {
    const display = h('input', { name: 'display_name', maxlength: '60', value: a.display_name ?? '' });
    const { roleSelect, streetSelect } = roleAndStreet(a.role, a.street_code);
    const self = a.id === ctx.staff.id;
    roleSelect.disabled = self;
    const error = fieldError();
    const form = h('form', { class: 'dialog-form', method: 'dialog' },
      h('label', null, t('displayName'), display),
      h('label', null, t('role'), roleSelect),
      h('label', null, t('street'), streetSelect),
      h('p', { class: 'meta' }, t('sessionsEnd')),
      error,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-action': 'save' }, t('save')),
        h('button', { type: 'button', onclick: () => d.close() }, t('cancel'))));
    const d = dialog(t('editTitle', a.username), form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.hidden = true;
      const change: Record<string, unknown> = {};
      if (!self && roleSelect.value !== a.role) change.role = roleSelect.value;
      if ((streetSelect.value || null) !== a.street_code) change.street_code = streetSelect.value || null;
      if ((display.value.trim() || null) !== a.display_name) change.display_name = display.value.trim() || null;
      if (!Object.keys(change).length) { d.close(); return; }
      try {
        await ctx.api.patch(`/api/users/${a.id}`, change);
        d.close();
        ctx.notify(t('saved', a.username), 'success');
        await load();
      } catch (err) { showError(error, err); }
    });
  }

  async function setActive(a: Account, active: boolean): Promise<void> {
    if (!active && !window.confirm(t('confirmDeactivate', a.username))) return;
    try {
      await ctx.api.patch(`/api/users/${a.id}`, { active });
      ctx.notify(active ? t('reactivated', a.username) : t('deactivated', a.username), 'success');
      await load();
    } catch (err) { failed(err); }
  }

  async function resetPassword(a: Account): Promise<void> {
    if (!window.confirm(t('confirmReset', a.username))) return;
    try {
      const { password } = await ctx.api.post<{ password: string }>(`/api/users/${a.id}/password`);
      showPasswordOnce(a.username, password);
    } catch (err) { failed(err); }
  }

  clear(container);
  container.append(
    h('div', { class: 'tab-head' },
      h('p', { class: 'intro' }, t('intro')),
      h('button', { type: 'button', class: 'primary', 'data-action': 'new-account', onclick: openCreate }, t('newAccount'))),
    list,
    h('p', { class: 'footnote' }, t('policy')),
  );
  void load();
  return () => { for (const d of dialogs) if (d.isConnected) d.remove(); };
}
