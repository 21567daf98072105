// "修改密码": the dialog every staff member opens from the header to change their own password. The
// current password is required; the server ends the member's other sessions and keeps this one.
import type { Lang } from '../lang.ts';
import { translator } from '../lang.ts';
import { ApiError, type ApiClient } from './api.ts';
import { h } from '../common/dom.ts';
import { staffMessages } from './tabs/staff.messages.ts';

export function openPasswordDialog(api: ApiClient, lang: Lang, done: (message: string) => void): void {
  const t = translator(staffMessages, lang);
  const input = (name: string, autocomplete: string) =>
    h('input', { name, type: 'password', autocomplete, required: true, maxlength: '200' });
  const current = input('current_password', 'current-password');
  const next = input('new_password', 'new-password');
  const again = input('repeat_password', 'new-password');
  next.minLength = 12;
  const error = h('p', { class: 'admin-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'change-password' }, t('save'));
  const form = h('form', { class: 'dialog-form', method: 'dialog' },
    h('label', null, t('currentPassword'), current),
    h('label', null, t('newPassword'), next),
    h('label', null, t('repeatPassword'), again),
    h('p', { class: 'meta' }, t('passwordRule')),
    error,
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel'))));
  const dialog = h('dialog', { class: 'admin-dialog', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, t('changePassword')), form);
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (next.value !== again.value) { error.textContent = t('mismatch'); error.hidden = false; again.focus(); return; }
    submit.disabled = true;
    try {
      await api.post('/api/auth/password', { current_password: current.value, new_password: next.value });
      dialog.close();
      done(t('passwordChanged'));
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.text(lang) : String(err);
      error.hidden = false;
      const field = err instanceof ApiError ? err.body.field : undefined;
      (field === 'current_password' ? current : field === 'new_password' ? next : current).focus();
    } finally { submit.disabled = false; }
  });
  document.body.append(dialog);
  dialog.showModal();
  current.focus();
}
