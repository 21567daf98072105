// The residents' report form (反馈): one dialog, opened from the phone page, the resident map or a
// service's row. Kinds are large buttons; the missing services are one tap each (so 缺少服务 takes three
// taps: 反馈, the service, 发送); text and a call-back phone are optional. After sending it shows the
// receipt code and the link to /r/:code. No sign-in; a signed form token and a hidden honeypot field.
import { currentLang, translator } from '../lang.ts';
import { append, clear, h, textColorOn } from './dom.ts';
import { zh, en } from './reportMessages.ts';


export interface ReportContext {
  site_id?: number; point_id?: number; lon?: number; lat?: number;
  /** What the report is about, shown at the top: a site's or point's name. */
  label?: string;
  /** Opens with this kind (and category) chosen. */
  kind?: 'info_wrong' | 'service_missing';
  category?: string;
}
export interface ReportCategory { id: string; name_zh: string; name_en: string; color: string; icon: string }

const DEVICE_KEY = 'svc.reportDevice';
const KINDS = ['info_wrong', 'blocked', 'path_missing', 'other'] as const;

async function formToken(): Promise<string> {
  let device = '';
  try { device = localStorage.getItem(DEVICE_KEY) ?? ''; } catch { /* storage blocked */ }
  const res = await fetch(`/api/reports/token${device ? `?device=${encodeURIComponent(device)}` : ''}`);
  if (!res.ok) throw new Error(`token ${res.status}`);
  const answer = await res.json() as { token: string; device: string };
  try { localStorage.setItem(DEVICE_KEY, answer.device); } catch { /* ignore */ }
  return answer.token;
}

export function openReportForm(context: ReportContext, categories: ReportCategory[]): HTMLDialogElement {
  const lang = currentLang();
  const t = translator({ zh, en }, lang);
  const nameOf = (c: ReportCategory) => (lang === 'zh' ? c.name_zh : c.name_en);
  let kind: string | null = context.kind ?? null;
  let category: string | null = context.category ?? null;
  const tokenPromise = formToken().catch(() => null);

  const dialog = h('dialog', { class: 'report-dialog', 'aria-labelledby': 'report-title' });
  const problem = h('p', { class: 'report-problem', role: 'alert' });
  const kindButtons = KINDS.map((k) => h('button', {
    type: 'button', class: 'report-kind', 'data-kind': k, 'aria-pressed': String(kind === k),
    onclick: () => { kind = k; category = null; sync(); },
  }, h('strong', {}, t(k)), h('span', {}, t(`${k}_hint` as const))));
  const categoryButtons = categories.map((c) => h('button', {
    type: 'button', class: 'report-category', 'data-category': c.id, 'aria-pressed': String(category === c.id),
    onclick: () => { kind = 'service_missing'; category = c.id; sync(); },
  }, h('span', { class: 'report-icon', style: `background:${c.color};color:${textColorOn(c.color)}`, 'aria-hidden': 'true' }, c.icon), nameOf(c)));
  const text = h('textarea', { id: 'report-text', name: 'text', maxlength: 300, rows: 3 });
  const counter = h('span', { class: 'report-count', 'aria-live': 'polite' }, t('chars', 0));
  text.addEventListener('input', () => { counter.textContent = t('chars', [...text.value].length); });
  const phone = h('input', { id: 'report-phone', name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: 40 });
  // Robots fill in every field; people never see this one.
  const honeypot = h('input', { name: 'website', type: 'text', tabindex: -1, autocomplete: 'off', class: 'report-hp', 'aria-hidden': 'true' });
  const send = h('button', { type: 'submit', class: 'report-send' }, t('send'));

  function sync(): void {
    for (const b of kindButtons) b.setAttribute('aria-pressed', String(b.dataset.kind === kind));
    for (const b of categoryButtons) b.setAttribute('aria-pressed', String(kind === 'service_missing' && b.dataset.category === category));
    problem.textContent = '';
  }

  const form = h('form', { class: 'report-form', method: 'dialog' },
    h('h2', { id: 'report-title' }, t('title')),
    h('p', { class: 'report-about' }, t('about', context.label ?? t('here'))),
    h('fieldset', {}, h('legend', {}, t('missingLegend')), h('div', { class: 'report-categories' }, ...categoryButtons)),
    h('fieldset', {}, h('legend', {}, t('kindLegend')), h('div', { class: 'report-kinds' }, ...kindButtons)),
    h('label', { for: 'report-text' }, t('textLabel'), ' ', counter), text,
    h('label', { for: 'report-phone' }, t('phoneLabel')), phone,
    h('p', { class: 'report-note' }, t('phoneNote')),
    honeypot,
    problem,
    h('div', { class: 'report-actions' }, send, h('button', { type: 'button', class: 'report-cancel', onclick: () => dialog.close() }, t('cancel'))));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!kind) { problem.textContent = t('pickKind'); return; }
    send.disabled = true;
    send.textContent = t('sending');
    void (async () => {
      try {
        const token = await (await tokenPromise) ?? await formToken();
        const body: Record<string, unknown> = { token, kind, website: honeypot.value };
        if (category) body.category = category;
        for (const k of ['site_id', 'point_id', 'lon', 'lat'] as const) if (context[k] !== undefined) body[k] = context[k];
        if (text.value.trim()) body.text = text.value;
        if (phone.value.trim()) body.phone = phone.value;
        const res = await fetch('/api/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const answer = await res.json().catch(() => ({}));
        if (!res.ok) {
          problem.textContent = (lang === 'zh' ? answer.message_zh : answer.message) ?? t('failed');
          return;
        }
        showReceipt(answer);
      } catch {
        problem.textContent = t('failed');
      } finally {
        send.disabled = false;
        send.textContent = t('send');
      }
    })();
  });

  function showReceipt(answer: { code: string; merged: boolean }): void {
    clear(dialog);
    const href = `/r/${answer.code}${lang === 'en' ? '?lang=en' : ''}`;
    append(dialog, h('div', { class: 'report-receipt', role: 'status' },
      h('h2', {}, t('sent')),
      answer.merged ? h('p', {}, t('merged')) : null,
      h('p', {}, t('code'), '：', h('strong', { class: 'report-code', id: 'report-code' }, answer.code)),
      h('p', {}, h('a', { class: 'report-link', id: 'report-link', href }, t('receiptLink'))),
      h('p', { class: 'report-note' }, t('keep')),
      h('button', { type: 'button', class: 'report-cancel', onclick: () => dialog.close() }, t('close'))));
  }

  dialog.addEventListener('close', () => dialog.remove());
  append(dialog, form);
  document.body.append(dialog);
  dialog.showModal();
  sync();
  return dialog;
}
