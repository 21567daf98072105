// The /admin shell: sign-in, the header (who is signed in, language, sign-out) and a tab bar whose tabs
// come from tabs.ts. Each tab mounts into its own container with an AdminContext; the address keeps the
// open tab (#points), so a reload returns to it.
import { currentLang, setLang, translator, type Lang } from '../lang.ts';
import { ApiClient, ApiError } from './api.ts';
import type { AdminContext, AdminTab, CategoryRef, StaffUser, StreetRef } from './context.ts';
import { clear, h } from '../common/dom.ts';
import { shellMessages } from './messages.ts';
import { openPasswordDialog } from './passwordDialog.ts';
import { ADMIN_TABS } from './tabs.ts';
import type { Static } from 'typebox';
import type { SessionInfo as SessionInfoSchema } from '../../../server/auth/schemas.ts';
import 'virtual:palette.css';
import './admin.css';
import { loadDistrict } from '../common/district.ts';

/** The session as /api/auth/login and /api/auth/me answer it (the server's schema), with what the server
 * tells the owner about failed sign-ins with their username before this session. */
type SessionInfo = Static<typeof SessionInfoSchema>;
type SignInNotice = SessionInfo['sign_in'];

const root = document.getElementById('admin-root')!;
const api = new ApiClient();
let lang: Lang = currentLang();
setLang(lang);
let t = translator(shellMessages, lang);
let unmountCurrent: (() => void) | null = null;

api.onUnauthorized = () => { if (api.csrfToken) { api.csrfToken = null; remember(false); showSignIn(); } };

// Remembers (not a secret, not the session) that this browser signed in, so a first visit shows the
// sign-in form without asking the server and logging a 401.
const SIGNED_IN_KEY = 'svc.admin.signedIn';
const remember = (on: boolean) => { try { if (on) localStorage.setItem(SIGNED_IN_KEY, '1'); else localStorage.removeItem(SIGNED_IN_KEY); } catch { /* storage blocked */ } };
const remembered = () => { try { return localStorage.getItem(SIGNED_IN_KEY) === '1'; } catch { return true; } };

async function start(): Promise<void> {
  clear(root);
  if (!remembered()) { showSignIn(); return; }
  root.append(h('p', { class: 'admin-loading' }, t('loading')));
  try {
    const session = await api.get<SessionInfo>('/api/auth/me');
    await showShell(session);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { remember(false); showSignIn(); }
    else showFatal(err);
  }
}

function showFatal(err: unknown): void {
  clear(root);
  const text = err instanceof ApiError ? err.text(lang) : String(err);
  root.append(h('p', { class: 'admin-error', role: 'alert' }, `${t('loadFailed')}: ${text}`));
}

function showSignIn(): void {
  unmountCurrent?.();
  unmountCurrent = null;
  clear(root);
  const error = h('p', { class: 'admin-error', role: 'alert', hidden: true });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: '40' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: '200' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signIn'));
  const form = h('form', { class: 'admin-signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('signInTitle')),
    h('label', null, t('username'), username),
    h('label', null, t('password'), password),
    error,
    submit,
    languageButton(),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    submit.textContent = t('signingIn');
    error.hidden = true;
    try {
      const session = await api.post<SessionInfo>('/api/auth/login', { username: username.value.trim(), password: password.value });
      password.value = '';
      remember(true);
      await showShell(session);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.text(lang) : String(err);
      error.hidden = false;
      submit.disabled = false;
      submit.textContent = t('signIn');
    }
  });
  root.append(h('header', { class: 'admin-header' }, h('span', { class: 'admin-title' }, t('title'))), form);
  username.focus();
}

function languageButton(): HTMLButtonElement {
  return h('button', {
    type: 'button', class: 'link', lang: lang === 'zh' ? 'en' : 'zh',
    onclick: () => { lang = lang === 'zh' ? 'en' : 'zh'; setLang(lang); t = translator(shellMessages, lang); void start(); },
  }, t('language'));
}

/** Told once per session (until dismissed): attempts with this username that failed since the last sign-in. */
function signInNoticeBanner(notice: SignInNotice | undefined, timeZone: string | undefined): HTMLElement[] {
  if (!notice || notice.failed_attempts <= 0) return [];
  const key = `svc.admin.noticeSeen.${notice.last_failed_at}`;
  try { if (sessionStorage.getItem(key)) return []; } catch { /* storage blocked: show it */ }
  const when = notice.last_failed_at
    ? new Date(notice.last_failed_at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' })
    : '—';
  const banner = h('div', { class: 'admin-notice', role: 'alert' },
    h('span', null, t('signInNotice', notice.failed_attempts, when)),
    h('button', {
      type: 'button',
      onclick: () => { try { sessionStorage.setItem(key, '1'); } catch { /* ignore */ } banner.remove(); },
    }, t('noticeDismiss')));
  return [banner];
}

function roleName(user: StaffUser): string {
  return user.role === 'admin' ? t('roleAdmin') : user.role === 'editor' ? t('roleEditor') : t('roleViewer');
}

async function showShell(session: SessionInfo): Promise<void> {
  api.csrfToken = session.csrf_token;
  const [streets, catalog, district] = await Promise.all([
    api.get<StreetRef[]>('/api/streets'),
    api.get<{ categories: CategoryRef[] }>('/api/categories'),
    loadDistrict(),
  ]);
  const user = session.user;
  const status = h('div', { class: 'admin-status', role: 'status', 'aria-live': 'polite' });
  let statusTimer: number | undefined;
  const ctx: AdminContext = {
    api, staff: user, lang, streets, categories: catalog.categories,
    timeZone: district?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    defaultStreet: user.street_code ?? streets.find((s) => s.code === district?.default_street)?.code ?? null,
    t: (key, ...args) => (t as (k: string, ...a: unknown[]) => string)(key, ...args),
    canEdit: (street) => user.role === 'admin' || (user.role === 'editor' && !!street && street === user.street_code),
    notify(message, kind = 'info') {
      status.textContent = message;
      status.dataset.kind = kind;
      window.clearTimeout(statusTimer);
      statusTimer = window.setTimeout(() => { status.textContent = ''; }, kind === 'error' ? 12_000 : 5_000);
    },
  };
  const tabs = ADMIN_TABS.filter((tab) => !tab.roles || tab.roles.includes(user.role));
  const streetName = user.street_code ? streets.find((s) => s.code === user.street_code)?.name ?? user.street_code : t('allStreets');
  const tabBar = h('nav', { class: 'admin-tabs', role: 'tablist' });
  const panel = h('main', { class: 'admin-panel', role: 'tabpanel' });
  const signOut = h('button', {
    type: 'button', class: 'link',
    onclick: async () => {
      try { await api.post('/api/auth/logout'); } catch { /* the session may already be gone */ }
      api.csrfToken = null;
      remember(false);
      showSignIn();
    },
  }, t('signOut'));

  clear(root);
  root.append(
    h('header', { class: 'admin-header' },
      h('span', { class: 'admin-title' }, t('title')),
      h('span', { class: 'admin-user', 'data-role': user.role },
        `${user.display_name || user.username} · ${roleName(user)} · ${streetName}`),
      h('a', { href: '/', class: 'link' }, t('residentMap')),
      h('button', { type: 'button', class: 'link', 'data-action': 'password', onclick: () => openPasswordDialog(api, lang, (m) => ctx.notify(m, 'success')) }, t('changePassword')),
      languageButton(),
      signOut,
    ),
    ...signInNoticeBanner(session.sign_in, district?.time_zone),
    tabBar, status, panel,
  );
  if (!tabs.length) { panel.append(h('p', null, t('noTabs'))); return; }

  const buttons = new Map<string, HTMLButtonElement>();
  for (const tab of tabs) {
    const button = h('button', {
      type: 'button', role: 'tab', id: `tab-${tab.id}`, 'aria-selected': 'false',
      onclick: () => { location.hash = tab.id; },
    }, tab.title[lang]);
    buttons.set(tab.id, button);
    tabBar.append(button);
  }

  let opening = 0;
  const open = async (tab: AdminTab) => {
    const ticket = ++opening;
    for (const [id, b] of buttons) b.setAttribute('aria-selected', String(id === tab.id));
    unmountCurrent?.();
    unmountCurrent = null;
    clear(panel);
    panel.setAttribute('aria-labelledby', `tab-${tab.id}`);
    const container = h('div', { class: `admin-tab admin-tab-${tab.id}` }, h('p', { class: 'admin-loading' }, t('loading')));
    panel.append(container);
    try {
      const module = await tab.load();
      if (ticket !== opening) return;
      clear(container);
      const teardown = await module.mount(container, ctx);
      if (ticket !== opening) { if (typeof teardown === 'function') teardown(); return; }
      unmountCurrent = typeof teardown === 'function' ? teardown : null;
    } catch (err) {
      clear(container);
      container.append(h('p', { class: 'admin-error', role: 'alert' }, `${t('tabFailed', tab.title[lang])}: ${err instanceof ApiError ? err.text(lang) : String(err)}`));
    }
  };
  const route = () => {
    const wanted = location.hash.replace(/^#/, '').split('/')[0];
    void open(tabs.find((tab) => tab.id === wanted) ?? tabs[0]);
  };
  window.onhashchange = route;
  route();
}

void start();
