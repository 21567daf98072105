// The desks tab of /admin: a street's desk schedule (create, cancel, reinstate one-off visits), its
// recurring plans (RFC 5545 rules with a date preview), the rotation planner (propose next month, edit,
// publish) and 民情日记 (record requests at a visit and follow them to closure). Everything goes through
// /api/desks/*; the server checks roles and versions, this page only mirrors them.
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { append, clear, h, type Child } from '../../common/dom.ts';
import type { Static } from 'typebox';
import type {
  DeskRequest as DeskRequestSchema, Plan as PlanSchema, PlanPreviewResponse, RotationProposal, ServiceTerm, StaffVisit, Term as TermSchema, TopicTerm,
} from '../../../../server/desks/schemas.ts';
import * as messages from './desks.messages.ts';

/** A service or topic term, a visit, a plan, a rotation proposal and a 民情日记 request as the desk routes answer them (the server's schemas). */
type Term = Static<typeof TermSchema>;
type Visit = Static<typeof StaffVisit>;
type Plan = Static<typeof PlanSchema>;
type Place = Visit['place'];
interface SiteOption { id: number; kind: string; name: string; compound_id: number | null }
type Proposal = Static<typeof RotationProposal>;
type DeskRequest = Static<typeof DeskRequestSchema>;

const RULE_PRESETS: [string, string][] = [
  ['FREQ=MONTHLY;BYDAY=2WE,4WE', '每月第2、4个周三 · 2nd and 4th Wednesday'],
  ['FREQ=WEEKLY;BYDAY=WE', '每周三 · every Wednesday'],
  ['FREQ=MONTHLY;BYDAY=1TU', '每月第1个周二 · 1st Tuesday'],
  ['FREQ=MONTHLY;BYDAY=-1FR', '每月最后一个周五 · last Friday'],
  ['FREQ=MONTHLY;BYMONTHDAY=15', '每月15日 · the 15th'],
];

/** Today's date in the district's time zone, YYYY-MM-DD. */
const localDate = (timeZone: string, d = new Date()) => d.toLocaleDateString('en-CA', { timeZone });
const addDays = (date: string, n: number) => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
};
const nextMonth = (timeZone: string) => {
  const [y, m] = localDate(timeZone).split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
};

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<void> {
  const t = translator(messages, ctx.lang);
  const nameOf = (term: { name_zh: string; name_en: string }) => (ctx.lang === 'zh' ? term.name_zh : term.name_en);
  const categoryName = (id: string) => { const c = ctx.categories.find((x) => x.id === id); return c ? nameOf(c) : id; };
  const errorText = (err: unknown) => (err instanceof ApiError ? err.text(ctx.lang) : String(err));

  const [services, topics] = await Promise.all([
    ctx.api.get<Static<typeof ServiceTerm>[]>('/api/desks/services'),
    ctx.api.get<Static<typeof TopicTerm>[]>('/api/desks/topics'),
  ]);
  const activeServices = services.filter((s) => s.active);

  let street = ctx.defaultStreet ?? ctx.streets[0]?.code;
  let sites: SiteOption[] = [];
  let section: 'schedule' | 'plans' | 'rotation' | 'requests' = 'schedule';

  const streetSelect = h('select', { 'aria-label': t('street'), disabled: ctx.staff.role === 'editor' },
    ...ctx.streets.map((s) => h('option', { value: s.code, selected: s.code === street }, s.name)));
  streetSelect.addEventListener('change', () => { street = streetSelect.value; void show(); });
  const sectionButtons = (['schedule', 'plans', 'rotation', 'requests'] as const).map((id) => h('button', {
    type: 'button', 'data-section': id, 'aria-pressed': String(id === section),
    onclick: () => { section = id; void show(); },
  }, t(id === 'schedule' ? 'sectionSchedule' : id === 'plans' ? 'sectionPlans' : id === 'rotation' ? 'sectionRotation' : 'sectionRequests')));
  const body = h('div', { class: 'desks-body' });
  container.append(
    h('style', null, DESKS_CSS),
    h('div', { class: 'filters desks-bar' }, h('label', null, t('street'), streetSelect), h('div', { class: 'segmented' }, ...sectionButtons)),
    body,
  );

  async function show(): Promise<void> {
    for (const b of sectionButtons) b.setAttribute('aria-pressed', String(b.dataset.section === section));
    clear(body);
    body.append(h('p', { class: 'admin-loading' }, '…'));
    try {
      const res = await ctx.api.get<{ features: { properties: SiteOption }[] }>(`/api/sites?street=${street}`);
      sites = res.features.map((f) => f.properties);
      clear(body);
      if (!ctx.canEdit(street)) body.append(h('p', { class: 'map-hint' }, t('readOnly')));
      if (section === 'schedule') await showSchedule();
      else if (section === 'plans') await showPlans();
      else if (section === 'rotation') showRotation();
      else await showRequests();
    } catch (err) {
      clear(body);
      body.append(h('p', { class: 'admin-error', role: 'alert' }, errorText(err)));
    }
  }

  // ---- shared form pieces ----------------------------------------------------------------------

  function serviceChecks(selected: string[] = []): { el: HTMLElement; value: () => string[] } {
    const boxes = activeServices.map((s) => h('input', { type: 'checkbox', value: s.id, checked: selected.includes(s.id) }));
    return {
      el: h('fieldset', { class: 'checks' }, h('legend', null, t('services')),
        ...activeServices.map((s, i) => h('label', null, boxes[i], nameOf(s)))),
      value: () => boxes.filter((b) => b.checked).map((b) => b.value),
    };
  }

  function placePicker(): { el: HTMLElement; value: () => Record<string, unknown> } {
    const select = h('select', { name: 'place' },
      ...sites.map((s) => h('option', { value: String(s.id) }, `${s.kind === 'service_center' ? '★ ' : ''}${s.name}`)),
      h('option', { value: 'point' }, t('placePoint')));
    const lon = h('input', { name: 'lon', inputmode: 'decimal', size: 10 });
    const lat = h('input', { name: 'lat', inputmode: 'decimal', size: 10 });
    const name = h('input', { name: 'place_name', maxlength: '100' });
    const point = h('div', { class: 'grid', hidden: true }, h('label', null, t('lon'), lon), h('label', null, t('lat'), lat), h('label', { class: 'wide' }, t('placeName'), name));
    select.addEventListener('change', () => { point.hidden = select.value !== 'point'; });
    return {
      el: h('div', { class: 'wide' }, h('label', null, t('place'), select), point),
      value: () => (select.value === 'point'
        ? { kind: 'point', lon: Number(lon.value), lat: Number(lat.value), name: name.value, crs: 'WGS84' }
        : { kind: 'site', site_id: Number(select.value) }),
    };
  }

  /** Shows a 400's field messages under the form (the server names the field). */
  function showError(slot: HTMLElement, err: unknown): void {
    clear(slot);
    const list = err instanceof ApiError && Array.isArray(err.body.errors) ? err.body.errors as { message: string; message_zh: string }[] : null;
    if (list) for (const e of list) slot.append(h('div', null, ctx.lang === 'zh' ? e.message_zh : e.message));
    else slot.append(h('div', null, errorText(err)));
  }

  function inlineAsk(cell: HTMLElement, label: string, onOk: (value: string) => Promise<void>): void {
    const original = [...cell.childNodes];
    const input = h('input', { 'aria-label': label, placeholder: label, maxlength: '200' });
    const ok = h('button', { type: 'button', class: 'primary' }, t('confirm'));
    const back = h('button', { type: 'button' }, t('back'));
    clear(cell);
    cell.append(input, ok, back);
    input.focus();
    back.addEventListener('click', () => { clear(cell); cell.append(...original); });
    ok.addEventListener('click', async () => {
      if (!input.value.trim()) { input.setAttribute('aria-invalid', 'true'); return; }
      ok.disabled = true;
      try { await onOk(input.value.trim()); } catch (err) { ctx.notify(errorText(err), 'error'); ok.disabled = false; }
    });
  }

  // ---- schedule --------------------------------------------------------------------------------

  async function showSchedule(): Promise<void> {
    const from = h('input', { type: 'date', value: addDays(localDate(ctx.timeZone), -7) });
    const list = h('div', { class: 'record-list' });
    const formSlot = h('div');
    const load = async () => {
      const visits = await ctx.api.get<Visit[]>(`/api/desks/staff/visits?street=${street}&from=${from.value}`);
      clear(list);
      list.append(visitTable(visits, formSlot, load));
    };
    body.append(
      h('div', { class: 'filters' }, h('label', null, t('from'), from),
        h('button', { type: 'button', onclick: () => void load() }, t('refresh')),
        ctx.canEdit(street) ? h('button', { type: 'button', class: 'primary', onclick: () => visitForm(formSlot, load) }, t('newVisit')) : null),
      formSlot, list,
    );
    from.addEventListener('change', () => void load());
    await load();
  }

  function visitTable(visits: Visit[], formSlot: HTMLElement, reload: () => Promise<void>): HTMLElement {
    if (!visits.length) return h('p', { class: 'list-footer' }, t('noVisits'));
    const now = Date.now();
    return h('table', { class: 'desk-visits' },
      h('thead', null, h('tr', null, ...[t('date'), t('time'), t('place'), t('services'), t('status'), t('requests'), t('actions')].map((x) => h('th', null, x)))),
      h('tbody', null, ...visits.map((v) => {
        const past = new Date(v.ends_at).getTime() < now;
        const actions = h('td', { class: 'actions' });
        if (ctx.canEdit(v.street_code)) {
          if (v.status === 'scheduled' && !past) {
            actions.append(h('button', { type: 'button', class: 'danger', onclick: () => inlineAsk(actions, t('cancelReason'), async (reason) => {
              await ctx.api.post(`/api/desks/visits/${v.id}/cancel`, { version: v.version, reason });
              await reload();
            }) }, t('cancel')));
          }
          if (v.status === 'cancelled' && !past) {
            actions.append(h('button', { type: 'button', onclick: async () => {
              try { await ctx.api.post(`/api/desks/visits/${v.id}/reinstate`, { version: v.version }); await reload(); } catch (err) { ctx.notify(errorText(err), 'error'); }
            } }, t('reinstate')));
          }
          if (v.status === 'scheduled' && new Date(v.ends_at).getTime() - 86_400_000 < now) {
            actions.append(h('button', { type: 'button', onclick: () => requestForm(formSlot, v, reload) }, t('recordRequest')));
          }
        }
        return h('tr', { class: v.status === 'cancelled' ? 'closed' : '', 'data-visit': String(v.id) },
          h('td', null, `${v.date} ${v.weekday_zh}`),
          h('td', null, `${v.start_time}–${v.end_time}`),
          h('td', null, v.place.name, v.is_sample ? h('span', { class: 'badge sample' }, t('sampleBadge')) : null,
            v.recurrence ? h('div', { class: 'meta' }, t('recurring', ctx.lang === 'zh' ? v.recurrence.zh : v.recurrence.en)) : null,
            v.origin === 'rotation' ? h('span', { class: 'badge' }, t('rotationOrigin')) : null),
          h('td', null, v.services.map(nameOf).join('、')),
          h('td', null, v.status === 'cancelled' ? h('span', { class: 'badge closed' }, t('cancelled')) : past ? t('past') : t('scheduled'),
            v.cancel_reason ? h('div', { class: 'meta' }, v.cancel_reason) : null),
          h('td', { class: 'meta' }, v.report.received ? (ctx.lang === 'zh' ? v.report.summary_zh : v.report.summary_en) : '—'),
          actions);
      })));
  }

  function visitForm(slot: HTMLElement, reload: () => Promise<void>): void {
    clear(slot);
    const date = h('input', { type: 'date', name: 'date', value: addDays(localDate(ctx.timeZone), 7), required: true });
    const start = h('input', { type: 'time', name: 'start_time', value: '09:00' });
    const end = h('input', { type: 'time', name: 'end_time', value: '11:30' });
    const place = placePicker();
    const svc = serviceChecks(['policy', 'anti_fraud']);
    const partners = h('input', { name: 'partners', maxlength: '300' });
    const phone = h('input', { name: 'contact_phone', maxlength: '40' });
    const note = h('input', { name: 'note', maxlength: '500' });
    const errors = h('div', { class: 'field-error', role: 'alert' });
    const form = h('form', { class: 'record-form desk-form' },
      h('h2', null, t('newVisit')),
      h('div', { class: 'grid' }, h('label', null, t('date'), date), h('label', null, `${t('start')} / ${t('end')}`, h('span', null, start, ' – ', end)),
        place.el, h('div', { class: 'wide' }, svc.el), h('label', { class: 'wide' }, t('partners'), partners),
        h('label', null, t('contactPhone'), phone), h('label', null, t('note'), note)),
      errors,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('save')), h('button', { type: 'button', onclick: () => clear(slot) }, t('back'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await ctx.api.post('/api/desks/visits', {
          street_code: street, date: date.value, start_time: start.value, end_time: end.value, place: place.value(), services: svc.value(),
          partners: splitList(partners.value), contact_phone: phone.value || null, note: note.value || null,
        });
        ctx.notify(t('saved'), 'success');
        clear(slot);
        await reload();
      } catch (err) { showError(errors, err); }
    });
    slot.append(form);
  }

  function requestForm(slot: HTMLElement, visit: Visit, reload: () => Promise<void>): void {
    clear(slot);
    const topic = h('select', { name: 'topic' }, ...topics.filter((x) => x.active).map((x) => h('option', { value: x.id }, nameOf(x))));
    const description = h('textarea', { name: 'description', rows: 3, maxlength: '2000' });
    const contactName = h('input', { name: 'contact_name', maxlength: '50' });
    const contactPhone = h('input', { name: 'contact_phone', maxlength: '30' });
    const onSite = h('input', { type: 'radio', name: 'outcome', value: 'on_site', checked: true });
    const followUp = h('input', { type: 'radio', name: 'outcome', value: 'follow_up' });
    const resolution = h('input', { name: 'resolution_note', maxlength: '2000' });
    const assignee = h('input', { name: 'assignee', maxlength: '100' });
    const errors = h('div', { class: 'field-error', role: 'alert' });
    const form = h('form', { class: 'record-form desk-form' },
      h('h2', null, `${t('recordRequest')} · ${t('visitFor', visit.date, visit.place.name)}`),
      h('div', { class: 'grid' }, h('label', null, t('topic'), topic), h('label', { class: 'wide' }, t('description'), description),
        h('label', null, t('contactName'), contactName), h('label', null, t('contactPhonePrivate'), contactPhone),
        h('fieldset', { class: 'wide checks' }, h('legend', null, t('outcome')), h('label', null, onSite, t('onSite')), h('label', null, followUp, t('followUp'))),
        h('label', null, t('resolution'), resolution), h('label', null, t('assignee'), assignee)),
      errors,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('save')), h('button', { type: 'button', onclick: () => clear(slot) }, t('back'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const outcome = onSite.checked ? 'on_site' : 'follow_up';
      try {
        await ctx.api.post(`/api/desks/visits/${visit.id}/requests`, {
          topic: topic.value, description: description.value, contact_name: contactName.value || null, contact_phone: contactPhone.value || null,
          outcome, resolution_note: outcome === 'on_site' ? resolution.value || null : null, assignee: outcome === 'follow_up' ? assignee.value || null : null,
        });
        ctx.notify(t('requestSaved'), 'success');
        description.value = ''; contactName.value = ''; contactPhone.value = ''; resolution.value = '';
        clear(errors);
        await reload();
      } catch (err) { showError(errors, err); }
    });
    slot.append(form);
  }

  // ---- recurring plans -------------------------------------------------------------------------

  async function showPlans(): Promise<void> {
    const plans = await ctx.api.get<Plan[]>(`/api/desks/plans?street=${street}&status=all`);
    const formSlot = h('div');
    const reload = () => show();
    append(body,
      ctx.canEdit(street) ? h('div', { class: 'filters' }, h('button', { type: 'button', class: 'primary', onclick: () => planForm(formSlot) }, t('newPlan'))) : null,
      formSlot,
      plans.length ? h('div', { class: 'record-list' }, h('table', null,
        h('thead', null, h('tr', null, ...[t('title'), t('rule'), t('time'), t('place'), t('services'), t('nextDates'), t('actions')].map((x) => h('th', null, x)))),
        h('tbody', null, ...plans.map((p) => {
          const actions = h('td', { class: 'actions' });
          if (p.status === 'active' && ctx.canEdit(street)) {
            actions.append(h('button', { type: 'button', class: 'danger', onclick: () => inlineAsk(actions, t('endReason'), async (reason) => {
              await ctx.api.post(`/api/desks/plans/${p.id}/cancel`, { version: p.version, reason });
              await reload();
            }) }, t('endPlan')));
          }
          return h('tr', { class: p.status === 'closed' ? 'closed' : '' },
            h('td', null, p.title, p.is_sample ? h('span', { class: 'badge sample' }, t('sampleBadge')) : null, p.status === 'closed' ? h('span', { class: 'badge closed' }, t('planClosed')) : null),
            h('td', null, ctx.lang === 'zh' ? p.rule_zh : p.rule_en, h('div', { class: 'meta' }, p.rule)),
            h('td', null, `${p.start_time}–${p.end_time}`),
            h('td', null, p.place.name),
            h('td', null, p.services.map(nameOf).join('、')),
            h('td', { class: 'meta' }, p.next_dates.map((d) => `${d.date}${d.status === 'cancelled' ? ` (${t('cancelled')})` : ''}`).join('\n')),
            actions);
        })))) : h('p', { class: 'list-footer' }, t('noPlans')),
    );
  }

  function planForm(slot: HTMLElement): void {
    clear(slot);
    const title = h('input', { name: 'title', maxlength: '100', required: true });
    const preset = h('select', { 'aria-label': t('rulePreset') }, ...RULE_PRESETS.map(([rule, label]) => h('option', { value: rule }, label)), h('option', { value: '' }, t('presetCustom')));
    const rule = h('input', { name: 'rule', value: RULE_PRESETS[0][0], maxlength: '300', size: 36 });
    preset.addEventListener('change', () => { if (preset.value) rule.value = preset.value; });
    const startDate = h('input', { type: 'date', name: 'start_date', value: localDate(ctx.timeZone) });
    const untilDate = h('input', { type: 'date', name: 'until_date' });
    const start = h('input', { type: 'time', name: 'start_time', value: '14:00' });
    const end = h('input', { type: 'time', name: 'end_time', value: '17:00' });
    const place = placePicker();
    const svc = serviceChecks(['policy', 'legal']);
    const partners = h('input', { name: 'partners', maxlength: '300' });
    const phone = h('input', { name: 'contact_phone', maxlength: '40' });
    const previewOut = h('div', { class: 'meta' });
    const errors = h('div', { class: 'field-error', role: 'alert' });
    const form = h('form', { class: 'record-form desk-form' },
      h('h2', null, t('newPlan')),
      h('div', { class: 'grid' }, h('label', { class: 'wide' }, t('title'), title),
        h('label', null, t('rulePreset'), preset), h('label', null, t('rule'), rule),
        h('label', null, t('startDate'), startDate), h('label', null, t('untilDate'), untilDate),
        h('label', null, `${t('start')} / ${t('end')}`, h('span', null, start, ' – ', end)),
        place.el, h('div', { class: 'wide' }, svc.el), h('label', null, t('partners'), partners), h('label', null, t('contactPhone'), phone)),
      previewOut, errors,
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: async () => {
          try {
            const p = await ctx.api.post<Static<typeof PlanPreviewResponse>>('/api/desks/plans/preview', {
              rule: rule.value, start_date: startDate.value, until_date: untilDate.value || null, start_time: start.value, end_time: end.value,
            });
            clear(previewOut); clear(errors);
            previewOut.append(`${ctx.lang === 'zh' ? p.zh : p.en} · ${t('previewDates', p.dates.length)} ${p.dates.map((d) => `${d.date}${d.weekday_zh}`).join('、')}`);
          } catch (err) { showError(errors, err); }
        } }, t('preview')),
        h('button', { type: 'submit', class: 'primary' }, t('save')), h('button', { type: 'button', onclick: () => clear(slot) }, t('back'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await ctx.api.post('/api/desks/plans', {
          street_code: street, title: title.value, rule: rule.value, start_date: startDate.value, until_date: untilDate.value || null,
          start_time: start.value, end_time: end.value, place: place.value(), services: svc.value(), partners: splitList(partners.value),
          contact_phone: phone.value || null,
        });
        ctx.notify(t('saved'), 'success');
        await show();
      } catch (err) { showError(errors, err); }
    });
    slot.append(form);
  }

  // ---- rotation planner ------------------------------------------------------------------------

  function showRotation(): void {
    const month = h('input', { type: 'month', value: nextMonth(ctx.timeZone) });
    const count = h('input', { type: 'number', min: '1', max: '31', value: '3', size: 3 });
    const start = h('input', { type: 'time', value: '09:00' });
    const end = h('input', { type: 'time', value: '11:30' });
    const dayBoxes = [1, 2, 3, 4, 5, 6, 7].map((d) => h('input', { type: 'checkbox', value: String(d), checked: d <= 5 }));
    const profile = h('select', null, ...['standard', 'elderly', 'step_free'].map((p) => h('option', { value: p }, p)));
    const out = h('div');
    const propose = async () => {
      clear(out);
      try {
        const days = dayBoxes.filter((b) => b.checked).map((b) => b.value).join(',');
        const p = await ctx.api.get<Proposal>(`/api/desks/rotation?street=${street}&month=${month.value}&visits=${count.value}&weekdays=${days || '1,2,3,4,5'}&start_time=${start.value}&end_time=${end.value}&profile=${profile.value}`);
        out.append(proposalView(p));
      } catch (err) { out.append(h('p', { class: 'admin-error', role: 'alert' }, errorText(err))); }
    };
    body.append(
      h('div', { class: 'filters' },
        h('label', null, t('month'), month), h('label', null, t('visitsCount'), count),
        h('label', null, `${t('start')} / ${t('end')}`, h('span', null, start, ' – ', end)),
        h('fieldset', { class: 'checks' }, h('legend', null, t('weekdays')), ...dayBoxes.map((b, i) => h('label', null, b, ['一', '二', '三', '四', '五', '六', '日'][i]))),
        h('label', null, t('profile'), profile),
        h('button', { type: 'button', class: 'primary', onclick: () => void propose() }, t('propose'))),
      out,
    );
  }

  function proposalView(p: Proposal): HTMLElement {
    const rows = p.visits.map((v) => ({
      v, date: h('input', { type: 'date', value: v.date }), start: h('input', { type: 'time', value: v.start_time }),
      end: h('input', { type: 'time', value: v.end_time }), svc: serviceChecks(v.services), removed: false,
    }));
    const errors = h('div', { class: 'field-error', role: 'alert' });
    const tbody = h('tbody', null, ...rows.map((r) => {
      const tr = h('tr', null,
        h('td', null, r.date), h('td', null, r.start, ' – ', r.end),
        h('td', null, r.v.compound_name, h('div', { class: 'meta' }, r.v.place_name)),
        h('td', { class: 'meta' }, r.v.reason.gap_categories.map(categoryName).join('、') || t('none'),
          h('div', null, r.v.reason.days_since_last_visit === null ? `${t('lastVisit')}：${t('neverVisited')}` : `${t('lastVisit')}：${t('daysAgo', r.v.reason.days_since_last_visit)}`)),
        h('td', null, r.svc.el),
        h('td', null, h('button', { type: 'button', onclick: () => { r.removed = true; tr.remove(); } }, t('remove'))));
      return tr;
    }));
    const publish = h('button', { type: 'button', class: 'primary', disabled: !ctx.canEdit(street) }, t('publish'));
    publish.addEventListener('click', async () => {
      const visits = rows.filter((r) => !r.removed).map((r) => ({
        date: r.date.value, start_time: r.start.value, end_time: r.end.value, place: r.v.place, services: r.svc.value(),
      }));
      if (!visits.length) return;
      publish.disabled = true;
      try {
        const created = await ctx.api.post<unknown[]>('/api/desks/rotation/publish', { street_code: street, visits });
        ctx.notify(t('published', created.length), 'success');
        section = 'schedule';
        await show();
      } catch (err) { showError(errors, err); publish.disabled = false; }
    });
    const children: Child[] = [
      h('h3', null, t('proposalFor', p.month, p.cycle_months)),
      h('div', { class: 'record-list' }, h('table', { class: 'desk-proposal' },
        h('thead', null, h('tr', null, ...[t('date'), t('time'), t('compound'), t('gaps'), t('services'), ''].map((x) => h('th', null, x)))), tbody)),
      errors,
      h('div', { class: 'actions' }, publish),
      h('details', null, h('summary', null, t('ranking')),
        h('ol', null, ...p.ranking.map((r) => h('li', null, `${r.compound_name} · ${r.gap_count} · ${r.days_since_last_visit === null ? t('neverVisited') : t('daysAgo', r.days_since_last_visit)}${r.due ? ` · ${t('due')}` : ''}`)))),
      p.skipped.length ? h('p', { class: 'meta' }, `${t('skipped')}：${p.skipped.map((s) => `${s.compound_name}（${s.reason}）`).join('；')}`) : null,
    ];
    return h('div', { class: 'desk-proposal-box' }, ...children);
  }

  // ---- 民情日记 ----------------------------------------------------------------------------------

  async function showRequests(): Promise<void> {
    const filter = h('select', null, h('option', { value: 'open' }, t('filterOpen')), h('option', { value: 'closed' }, t('filterClosed')), h('option', { value: 'all' }, t('filterAll')));
    const list = h('div', { class: 'record-list' });
    const report = h('p', { class: 'meta desk-report' });
    const load = async () => {
      const [res, rep] = await Promise.all([
        ctx.api.get<{ requests: DeskRequest[] }>(`/api/desks/requests?street=${street}&status=${filter.value}`),
        ctx.api.get<{ month: string; visits_held: number; visits_cancelled: number; visits_planned: number; totals: { summary_zh: string; summary_en: string } }>(`/api/desks/report?street=${street}`),
      ]);
      report.textContent = t('reportLine', rep.month, rep.visits_held, rep.visits_cancelled, rep.visits_planned, ctx.lang === 'zh' ? rep.totals.summary_zh : rep.totals.summary_en);
      clear(list);
      list.append(requestTable(res.requests, load));
    };
    filter.addEventListener('change', () => void load());
    body.append(report, h('div', { class: 'filters' }, h('label', null, t('status'), filter),
      h('a', { href: `/api/desks/requests.csv?street=${street}`, download: '' }, t('exportCsv'))), list);
    await load();
  }

  function requestTable(requests: DeskRequest[], reload: () => Promise<void>): HTMLElement {
    if (!requests.length) return h('p', { class: 'list-footer' }, t('noRequests'));
    const move = (r: DeskRequest, status: string, extra: Record<string, string> = {}) =>
      ctx.api.post(`/api/desks/requests/${r.id}/status`, { version: r.version, status, ...extra }).then(reload);
    return h('table', { class: 'desk-requests' },
      h('thead', null, h('tr', null, ...[t('received'), t('age'), t('topic'), t('description'), t('compound'), t('contact'), t('status'), t('assignee'), t('actions')].map((x) => h('th', null, x)))),
      h('tbody', null, ...requests.map((r) => {
        const actions = h('td', { class: 'actions' });
        if (ctx.canEdit(street)) {
          if (r.status === 'registered' || r.status === 'assigned' || r.status === 'in_progress') {
            actions.append(h('button', { type: 'button', onclick: () => inlineAsk(actions, t('assignee'), (assignee) => move(r, 'assigned', { assignee })) }, t('assign')));
          }
          if (r.status === 'assigned') actions.append(h('button', { type: 'button', onclick: () => move(r, 'in_progress').catch((err) => ctx.notify(errorText(err), 'error')) }, t('startWork')));
          if (r.status === 'in_progress') actions.append(h('button', { type: 'button', class: 'primary', onclick: () => inlineAsk(actions, t('resolution'), (resolution_note) => move(r, 'closed', { resolution_note })) }, t('close')));
          if (r.status !== 'closed') {
            actions.append(h('button', { type: 'button', class: 'link', onclick: () => inlineAsk(actions, t('notePlaceholder'), async (note) => {
              await ctx.api.post(`/api/desks/requests/${r.id}/notes`, { note }); await reload();
            }) }, t('addNote')));
          }
        }
        const contact = r.contact_hidden ? t('contactHidden') : [r.contact_name, r.contact_phone].filter(Boolean).join(' ');
        return h('tr', { 'data-request': String(r.id) },
          h('td', null, r.visit_date), h('td', null, String(r.age_days)), h('td', null, nameOf(r.topic)),
          h('td', null, r.description, r.resolution_note ? h('div', { class: 'meta' }, r.resolution_note) : null),
          h('td', null, r.compound_name ?? ''), h('td', null, contact || '—'),
          h('td', null, ctx.lang === 'zh' ? r.status_zh : r.status.replace('_', ' ')), h('td', null, r.assignee ?? ''), actions);
      })));
  }

  await show();
}

function splitList(value: string): string[] {
  return value.split(/[、,，;；]/).map((s) => s.trim()).filter(Boolean);
}

const DESKS_CSS = `
.desks-bar .segmented { display: flex; gap: 0; }
.desks-bar .segmented button { border-radius: 0; margin-left: -1px; }
.desks-bar .segmented button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
.desks-body .record-list { max-height: none; margin-top: 8px; }
.desks-body .actions { display: flex; gap: 4px; flex-wrap: wrap; align-items: center; }
.desks-body .meta { font-size: 12px; color: var(--muted); white-space: pre-line; }
.desks-body .checks { border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; display: flex; flex-wrap: wrap; gap: 4px 10px; }
.desks-body .checks legend { font-size: 12px; color: var(--muted); }
.desks-body .checks label { display: inline-flex; gap: 3px; align-items: center; color: var(--ink); font-size: 13px; }
.desks-body .desk-form { margin-bottom: 10px; max-width: 980px; }
.desks-body .desk-form .wide { grid-column: 1 / -1; }
.desks-body .desk-proposal td { vertical-align: top; }
.desks-body .desk-proposal td:nth-child(2), .desks-body button { white-space: nowrap; }
.desks-body .record-list tr.closed td .badge, .desks-body .record-list tr.closed td .meta { text-decoration: none; display: inline-block; }
.desks-body .desk-proposal .checks { max-width: 420px; }
.desks-body .desk-report { font-size: 14px; color: var(--ink); }
`;
