// The form of an editing tab, the same for points, sites, compounds and gates: inline validation with
// the server's own rules (server/records/validation.ts runs here too), save with the version the form was
// loaded at (a 409 offers to load the latest or overwrite it), close and reopen, and the record's history
// with "restore this version".
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { clear, h } from '../../common/dom.ts';
import { formatTime } from '../../common/format.ts';
import { FIELD_NAMES_ZH, type FieldIssue } from '../../../../server/records/validation.ts';
import { CONFIRM_FIELD, judgePlacement, type AreaIndex, type PlacementProblem } from '../../../../server/records/placement.ts';
import type { EditMap } from './editMap.ts';
import { editingMessages } from './messages.ts';
import { loadAreas } from './shared.ts';

export type FormValues = Record<string, string | boolean>;

export interface FieldSpec {
  key: string;
  label: string;
  kind: 'text' | 'number' | 'select' | 'checkbox';
  options?: (values: FormValues) => { value: string; label: string }[];
  /** Suggestions shown while typing (a datalist). */
  suggestions?: (values: FormValues) => string[];
  hint?: string;
  wide?: boolean;
  /** Disabled even when the record may be edited (e.g. an editor's street). */
  locked?: (values: FormValues) => boolean;
  maxlength?: number;
}

/** What the form needs to know about a stored record. */
export interface RecordView {
  id: number;
  version: number;
  status: 'active' | 'closed';
  street: string | null;
  name: string;
  isSample: boolean;
  updatedAt: string;
  values: FormValues;
}

export interface RecordSpec<R> {
  entity: 'point' | 'site' | 'compound' | 'gate';
  path: string;
  what: string;
  fields: FieldSpec[];
  /** The position fields: lon/lat/crs in the form, placed by the map. */
  position: 'required' | 'optional';
  view(record: R): RecordView;
  defaults(): FormValues;
  /** The same rules as the server; run on every change. */
  validate(values: FormValues): FieldIssue[];
  body(values: FormValues): Record<string, unknown>;
  /** Street the form's values belong to (for the access check before saving). */
  streetOf(values: FormValues): string | null;
}

export interface FormEvents<R> {
  saved(record: R): void;
}

export class RecordForm<R> {
  private readonly t;
  private current: RecordView | null = null;
  private values: FormValues = {};
  private readonly inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  private readonly errors = new Map<string, HTMLElement>();
  private readonly root: HTMLElement;
  private historyOpen = false;
  /** Street and community areas, for the same position check as the server (null: not loaded). */
  private areas: AreaIndex | null = null;
  /** The editor chose the community in this form; otherwise it follows the position. */
  private communityPicked = false;
  /** What only an approximate boundary objects to, shown with a confirmation box. */
  private pendingConfirmation: PlacementProblem | null = null;
  private confirmed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly ctx: AdminContext,
    private readonly spec: RecordSpec<R>,
    private readonly map: EditMap | null,
    private readonly events: FormEvents<R>,
  ) {
    this.t = translator(editingMessages, ctx.lang);
    this.root = h('section', { class: 'record-form', 'aria-live': 'polite' });
    container.append(this.root);
    this.showEmpty();
    void loadAreas(ctx).then((index) => { this.areas = index; if (!this.root.hidden) this.check(); });
  }

  private editable(): boolean {
    if (this.ctx.staff.role === 'viewer') return false;
    return this.current ? this.ctx.canEdit(this.current.street) : true;
  }

  /** Hides the form (and its marker, unless another form has taken the map). */
  showEmpty(releaseMap = true): void {
    this.current = null;
    clear(this.root);
    if (releaseMap) {
      this.map?.setPosition(null, false);
      this.map?.setPlacing(false);
    }
    this.root.hidden = true;
  }

  get openRecordId(): number | null { return this.current?.id ?? null; }

  /** Opens a stored record, or a new one (null) at the given position. */
  open(record: R | null, at?: [number, number]): void {
    this.current = record ? this.spec.view(record) : null;
    this.values = record ? { ...this.current!.values } : { ...this.spec.defaults() };
    if (!record && at) { this.values.lon = String(at[0]); this.values.lat = String(at[1]); this.values.crs = 'WGS84'; }
    this.historyOpen = false;
    this.communityPicked = Boolean(record && this.values.community_code);
    this.confirmed = false;
    this.render();
  }

  private hasField(key: string): boolean { return this.spec.fields.some((f) => f.key === key); }

  /** A community the editor did not pick follows the position (as the server will set it). */
  private communityFromPosition(): void {
    if (!this.areas || this.communityPicked || !this.hasField('community_code')) return;
    const at = this.position();
    const street = this.spec.streetOf(this.values);
    if (!at || !street || this.values.crs !== 'WGS84') return;
    const community = this.areas.communityAt(at[0], at[1], street);
    this.setValue('community_code', community?.code ?? '');
  }

  /**
   * The server's placement rule, run before saving: refusals become field errors; what only an
   * approximate boundary questions shows the confirmation box.
   */
  private placementIssues(): FieldIssue[] {
    this.pendingConfirmation = null;
    const at = this.position();
    const street = this.spec.streetOf(this.values);
    if (!this.areas || !at || !street || this.values.crs !== 'WGS84' || !this.editable()) return [];
    const stored = this.current?.values;
    if (stored && stored.lon === this.values.lon && stored.lat === this.values.lat && stored.street_code === this.values.street_code
      && (stored.community_code ?? '') === (this.values.community_code ?? '')) return [];
    const community = this.hasField('community_code') ? String(this.values.community_code || '') || null : undefined;
    const verdict = judgePlacement(this.areas, this.ctx.staff, {
      lon: at[0], lat: at[1], street_code: street, community_code: community, community_picked: this.communityPicked && Boolean(community),
    }, false);
    if (verdict.ok) return [];
    if (verdict.problem.needs_confirmation) { this.pendingConfirmation = verdict.problem; return []; }
    return [{ field: verdict.problem.field === 'street_code' && !this.hasField('street_code') ? 'lon' : verdict.problem.field, message: verdict.problem.message, message_zh: verdict.problem.message_zh }];
  }

  private renderConfirmation(): void {
    const box = this.root.querySelector<HTMLElement>('.area-confirm');
    if (!box) return;
    const problem = this.pendingConfirmation;
    box.hidden = !problem;
    clear(box);
    if (!problem) { this.confirmed = false; return; }
    const checkbox = h('input', { type: 'checkbox', name: CONFIRM_FIELD, 'data-action': 'confirm-area' });
    checkbox.checked = this.confirmed;
    checkbox.addEventListener('change', () => { this.confirmed = checkbox.checked; });
    box.append(
      h('p', null, this.ctx.lang === 'zh' ? problem.message_zh : problem.message),
      h('label', { class: 'confirm-line' }, checkbox, this.t('areaConfirmLabel')));
  }

  private setValue(key: string, value: string | boolean): void {
    this.values[key] = value;
    const input = this.inputs.get(key);
    if (!input) return;
    if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = Boolean(value);
    else input.value = String(value);
  }

  private render(): void {
    const t = this.t;
    // This form owns the map's marker while it is open (a tab may switch between two forms).
    this.map?.onPlace((lon, lat) => {
      if (!this.editable() || this.root.hidden) return;
      this.setValue('lon', String(lon));
      this.setValue('lat', String(lat));
      this.setValue('crs', 'WGS84');
      this.communityFromPosition();
      this.check();
    });
    const editable = this.editable();
    clear(this.root);
    this.root.hidden = false;
    this.inputs.clear();
    this.errors.clear();
    const title = !this.current ? t('newTitle', this.spec.what) : editable ? t('editTitle', this.spec.what) : t('viewTitle', this.spec.what);
    this.root.append(h('h2', null, title, this.current ? ` · ${this.current.name}` : ''));
    if (this.current) {
      this.root.append(h('p', { class: 'meta' },
        t('version', this.current.version, formatTime(this.current.updatedAt, this.ctx.lang)),
        this.current.status === 'closed' ? h('span', { class: 'badge closed' }, t('closedBadge')) : null,
        this.current.isSample ? h('span', { class: 'badge sample' }, t('sampleBadge')) : null));
      if (this.current.isSample) this.root.append(h('p', { class: 'meta' }, t('sampleNotice')));
    }

    const grid = h('div', { class: 'grid' });
    for (const field of this.spec.fields) grid.append(this.fieldElement(field, editable));
    this.root.append(grid);
    const summary = h('p', { class: 'field-error', role: 'alert' });
    this.errors.set('_summary', summary);
    this.root.append(summary);
    this.root.append(h('div', { class: 'area-confirm', role: 'alert', hidden: true }));

    const actions = h('div', { class: 'actions' });
    if (editable) {
      const save = h('button', { type: 'button', class: 'primary', 'data-action': 'save' }, this.current ? t('save') : t('create'));
      save.addEventListener('click', () => void this.save(save));
      actions.append(save);
      if (this.current?.status === 'active') actions.append(h('button', { type: 'button', class: 'danger', 'data-action': 'close', onclick: () => void this.setStatus('closed') }, t('closeRecord')));
      if (this.current?.status === 'closed') actions.append(h('button', { type: 'button', 'data-action': 'reopen', onclick: () => void this.setStatus('active') }, t('reopen')));
    }
    if (this.current) actions.append(h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'data-action': 'history', onclick: (e: Event) => this.toggleHistory(e.currentTarget as HTMLButtonElement) }, t('history')));
    this.root.append(actions);
    this.root.append(h('div', { class: 'history', hidden: true }));

    if (this.map) {
      this.root.append(h('p', { class: 'map-hint' }, editable ? t('mapHintPlace') : t('mapHintReadOnly')));
      const at = this.position();
      this.map.setPosition(at, editable);
      this.map.setPlacing(editable);
      if (at) this.map.show(at);
    }
    if (this.current) this.check();
  }

  private fieldElement(field: FieldSpec, editable: boolean): HTMLElement {
    const id = `f-${this.spec.entity}-${field.key}`;
    const disabled = !editable || (field.locked?.(this.values) ?? false);
    let input: HTMLInputElement | HTMLSelectElement;
    if (field.kind === 'select') {
      input = h('select', { id, name: field.key, disabled });
      for (const o of field.options?.(this.values) ?? []) input.append(h('option', { value: o.value }, o.label));
      input.value = String(this.values[field.key] ?? '');
    } else if (field.kind === 'checkbox') {
      input = h('input', { id, name: field.key, type: 'checkbox', disabled });
      input.checked = Boolean(this.values[field.key]);
    } else {
      input = h('input', {
        id, name: field.key, type: 'text', disabled, maxlength: field.maxlength ? String(field.maxlength) : undefined,
        inputmode: field.kind === 'number' ? 'decimal' : undefined, autocomplete: 'off',
      });
      input.value = String(this.values[field.key] ?? '');
      const suggestions = field.suggestions?.(this.values);
      if (suggestions?.length) {
        const listId = `${id}-list`;
        input.setAttribute('list', listId);
        this.root.append(h('datalist', { id: listId }, ...suggestions.map((s) => h('option', { value: s }))));
      }
    }
    const error = h('span', { class: 'field-error', id: `${id}-error` });
    input.setAttribute('aria-describedby', `${id}-error`);
    const onChange = () => {
      this.values[field.key] = input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value;
      if (field.key === 'lon' || field.key === 'lat' || field.key === 'crs') {
        this.map?.setPosition(this.position(), this.editable());
        this.communityFromPosition();
      }
      if (field.key === 'community_code') this.communityPicked = Boolean(this.values.community_code);
      // Fields whose choices depend on this one (a street's communities, a category's sub-types) are redrawn.
      if (this.spec.fields.some((f) => f !== field && (f.options || f.suggestions || f.locked))) this.refreshDependants(field.key);
      this.check();
    };
    input.addEventListener(field.kind === 'select' || field.kind === 'checkbox' ? 'change' : 'input', onChange);
    this.inputs.set(field.key, input);
    this.errors.set(field.key, error);
    return h('label', { class: field.wide ? 'wide' : undefined, for: id }, field.label,
      input, field.hint ? h('span', { class: 'meta' }, field.hint) : null, error);
  }

  private refreshDependants(changed: string): void {
    const editable = this.editable();
    for (const field of this.spec.fields) {
      if (field.key === changed) continue;
      const control = this.inputs.get(field.key);
      if (control && field.locked) control.disabled = !editable || field.locked(this.values);
      if (field.kind !== 'select' || !field.options) continue;
      const input = control as HTMLSelectElement;
      const options = field.options(this.values);
      const same = options.length === input.options.length && options.every((o, i) => input.options[i].value === o.value);
      if (same) continue;
      clear(input);
      for (const o of options) input.append(h('option', { value: o.value }, o.label));
      if (!options.some((o) => o.value === this.values[field.key])) this.values[field.key] = options[0]?.value ?? '';
      input.value = String(this.values[field.key]);
    }
  }

  private position(): [number, number] | null {
    const lon = Number(this.values.lon), lat = Number(this.values.lat);
    if (!String(this.values.lon ?? '').trim() || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
    return [lon, lat];
  }

  /** Shows every problem next to its field; returns how many there are. */
  private check(extra: FieldIssue[] = []): number {
    const own = this.spec.validate(this.values);
    const issues = [...own, ...(own.length ? [] : this.placementIssues()), ...extra];
    this.renderConfirmation();
    for (const [key, el] of this.errors) {
      if (key === '_summary') continue;
      const mine = issues.filter((i) => i.field === key);
      el.textContent = mine.map((i) => (this.ctx.lang === 'zh' ? i.message_zh : i.message)).join('；');
      this.inputs.get(key)?.setAttribute('aria-invalid', String(mine.length > 0));
    }
    const unplaced = issues.filter((i) => !this.errors.has(i.field));
    this.errors.get('_summary')!.textContent = unplaced.map((i) => (this.ctx.lang === 'zh' ? i.message_zh : i.message)).join('；');
    return issues.length;
  }

  private async save(button: HTMLButtonElement, overwriteVersion?: number): Promise<void> {
    const t = this.t;
    const problems = this.check();
    if (problems) { this.ctx.notify(t('fixErrors', problems), 'error'); return; }
    if (this.pendingConfirmation && !this.confirmed) {
      this.ctx.notify(t('areaConfirmNeeded'), 'error');
      this.root.querySelector<HTMLInputElement>('[data-action="confirm-area"]')?.focus();
      return;
    }
    button.disabled = true;
    button.textContent = t('saving');
    try {
      const body = { ...this.spec.body(this.values), ...(this.pendingConfirmation && this.confirmed ? { [CONFIRM_FIELD]: true } : {}) };
      const record = this.current
        ? await this.ctx.api.patch<R>(`${this.spec.path}/${this.current.id}`, { ...body, version: overwriteVersion ?? this.current.version })
        : await this.ctx.api.post<R>(this.spec.path, body);
      this.ctx.notify(this.current ? t('saved') : t('created'), 'success');
      this.events.saved(record);
      this.open(record);
    } catch (err) {
      button.disabled = false;
      button.textContent = this.current ? t('save') : t('create');
      this.failed(err, button);
    }
  }

  private failed(err: unknown, button?: HTMLButtonElement): void {
    const t = this.t;
    if (!(err instanceof ApiError)) { this.ctx.notify(String(err), 'error'); return; }
    if (err.status === 400 && Array.isArray(err.body.errors)) {
      this.check(err.body.errors as FieldIssue[]);
      this.ctx.notify(err.text(this.ctx.lang), 'error');
      return;
    }
    if (err.status === 409 && err.body.current) { this.showConflict(err.body.current as R, button); return; }
    if (err.status === 422 && err.body.needs_confirmation) {
      // The server's areas were newer than this page's: ask now, as the check before saving would have.
      this.pendingConfirmation = err.body as unknown as PlacementProblem;
      this.confirmed = false;
      this.renderConfirmation();
      this.ctx.notify(t('areaConfirmNeeded'), 'error');
      return;
    }
    if ((err.status === 403 || err.status === 400) && typeof err.body.field === 'string') {
      this.check([{ field: err.body.field, message: err.body.message, message_zh: err.body.message_zh ?? err.body.message }]);
    }
    this.ctx.notify(err.text(this.ctx.lang), 'error');
  }

  private showConflict(latest: R, button?: HTMLButtonElement): void {
    const t = this.t;
    const view = this.spec.view(latest);
    this.root.querySelector('.conflict')?.remove();
    const box = h('div', { class: 'conflict', role: 'alert' },
      h('strong', null, t('conflictTitle')), h('p', null, t('conflictBody', view.version)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => { this.events.saved(latest); this.open(latest); } }, t('conflictLoad')),
        button ? h('button', { type: 'button', class: 'danger', onclick: () => { box.remove(); void this.save(button, view.version); } }, t('conflictOverwrite')) : null));
    this.root.insertBefore(box, this.root.querySelector('.actions'));
  }

  private async setStatus(status: 'active' | 'closed'): Promise<void> {
    if (!this.current) return;
    const t = this.t;
    if (status === 'closed' && !window.confirm(t('confirmClose', this.current.name))) return;
    try {
      const record = status === 'closed'
        ? await this.ctx.api.delete<R>(`${this.spec.path}/${this.current.id}?version=${this.current.version}`)
        : await this.ctx.api.post<R>(`${this.spec.path}/${this.current.id}/reopen`, { version: this.current.version });
      this.ctx.notify(status === 'closed' ? t('closed') : t('reopened'), 'success');
      this.events.saved(record);
      this.open(record);
    } catch (err) { this.failed(err); }
  }

  private toggleHistory(button: HTMLButtonElement): void {
    const panel = this.root.querySelector<HTMLElement>('.history')!;
    this.historyOpen = !this.historyOpen;
    button.setAttribute('aria-expanded', String(this.historyOpen));
    panel.hidden = !this.historyOpen;
    if (this.historyOpen) void this.loadHistory(panel);
  }

  private async loadHistory(panel: HTMLElement): Promise<void> {
    if (!this.current) return;
    const t = this.t;
    clear(panel);
    panel.append(h('p', { class: 'admin-loading' }, t('historyLoading')));
    try {
      const { entries } = await this.ctx.api.get<{ entries: AuditEntry[] }>(`/api/audit?entity=${this.spec.entity}&entity_id=${this.current.id}&limit=200`);
      clear(panel);
      panel.append(historyTable(entries, this.ctx, {
        canRestore: this.editable(),
        restore: (entry) => void this.restore(entry),
      }));
    } catch (err) {
      clear(panel);
      panel.append(h('p', { class: 'admin-error' }, err instanceof ApiError ? err.text(this.ctx.lang) : String(err)));
    }
  }

  private async restore(entry: AuditEntry): Promise<void> {
    if (!this.current) return;
    const t = this.t;
    if (!window.confirm(t('confirmRestore', formatTime(entry.at, this.ctx.lang)))) return;
    try {
      const record = await this.ctx.api.post<R>(`${this.spec.path}/${this.current.id}/restore`, { audit_id: entry.id, version: this.current.version });
      this.ctx.notify(t('restored'), 'success');
      this.events.saved(record);
      this.open(record);
    } catch (err) { this.failed(err); }
  }
}

export interface AuditEntry {
  id: number; at: string; username: string | null; action: string; entity: string; entity_id: string;
  street_code: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null; changed: string[];
}

const TAB_OF: Record<string, string> = { point: 'points', site: 'sites', compound: 'compounds' };
const recordLink = (e: AuditEntry, label: string) => {
  const tab = e.entity === 'gate' ? null : TAB_OF[e.entity];
  return tab ? h('a', { href: `#${tab}/${e.entity_id}` }, label) : label;
};

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'number' ? String(Math.round(v * 1e7) / 1e7) : String(v));

/** A table of audit entries: when, who, what, the changed fields before → after, and (optionally) restore. */
export function historyTable(
  entries: AuditEntry[], ctx: AdminContext,
  options: { canRestore: boolean; restore?: (entry: AuditEntry) => void; showRecord?: boolean },
): HTMLElement {
  const t = translator(editingMessages, ctx.lang);
  if (!entries.length) return h('p', { class: 'meta' }, t('historyEmpty'));
  const fieldName = (k: string) => (ctx.lang === 'zh' ? FIELD_NAMES_ZH[k === 'category_id' ? 'category' : k] ?? k : k);
  const action = (a: string) => {
    const key = `action_${a}` as keyof typeof editingMessages.zh;
    return key in editingMessages.zh ? t(key as 'action_create') : a;
  };
  const entity = (e: string) => {
    const key = `entity_${e}` as keyof typeof editingMessages.zh;
    return key in editingMessages.zh ? t(key as 'entity_point') : e;
  };
  const latestId = entries[0]?.id;
  return h('table', null,
    h('thead', null, h('tr', null,
      h('th', null, t('historyWhen')), h('th', null, t('historyWho')),
      options.showRecord ? h('th', null, t('historyRecord')) : null,
      h('th', null, t('historyWhat')), h('th', null, t('historyChanges')), h('th', null, ''))),
    h('tbody', null, ...entries.map((e) => {
      const changes = e.before && e.after
        ? e.changed.map((k) => `${fieldName(k)}: ${show(e.before![k])} → ${show(e.after![k])}`).join('\n')
        : e.after ? `${show(e.after.name)}` : '';
      const name = String(e.after?.name ?? e.before?.name ?? '');
      return h('tr', { 'data-audit-id': String(e.id) },
        h('td', null, formatTime(e.at, ctx.lang)),
        h('td', null, e.username ?? '—'),
        options.showRecord ? h('td', null, recordLink(e, `${entity(e.entity)} ${e.entity_id}${name ? ` · ${name}` : ''}`)) : null,
        h('td', null, action(e.action)),
        h('td', { class: 'changes' }, changes),
        h('td', null, options.canRestore && options.restore && e.after && e.id !== latestId
          ? h('button', { type: 'button', class: 'link', 'data-action': 'restore', onclick: () => options.restore!(e) }, t('historyRestore'))
          : null));
    })));
}
