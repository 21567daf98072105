// The compounds tab: compounds (小区) with their gates (大门). Choosing a compound opens its form and
// lists its gates; a gate opens in the same panel, placed or dragged on the map (gates are where coverage
// walks start). Close/reopen, history and restore for both.
import { translator } from '../../lang.ts';
import type { AdminContext } from '../context.ts';
import { clear, h } from '../../common/dom.ts';
import { EditMap, type MapRecord } from '../editing/editMap.ts';
import { RecordList } from '../editing/list.ts';
import { editingMessages } from '../editing/messages.ts';
import { RecordForm, type RecordSpec } from '../editing/recordForm.ts';
import {
  communityOptions, crsOptions, idFromHash, labelled, orNull, selectControl, streetOptions, text, validationContext, writableStreets,
} from '../editing/shared.ts';
import { issue, requiredText, resolveStreet, validatePosition, type FieldIssue } from '../../../../server/records/validation.ts';
import type { Static } from 'typebox';
import type { CompoundRecord, GateRecord } from '../../../../server/compounds/routes.ts';

/** A compound and a gate as /api/compounds answers them (the server's schemas). */
type Compound = Static<typeof CompoundRecord>;
type Gate = Static<typeof GateRecord>;

/** Gates share the map's one source with compounds; their feature ids are offset to stay distinct. */
const GATE_ID_OFFSET = 1_000_000_000;
const COMPOUND_COLOR = '#9C755F';
const GATE_COLOR = '#E15759';

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<() => void> {
  const t = translator(editingMessages, ctx.lang);
  const vctx = await validationContext(ctx);
  const blank = (v: unknown) => !String(v ?? '').trim();

  const street = selectControl('street', t('street'), streetOptions(ctx, t('allStreets')), ctx.staff.role === 'editor' ? ctx.staff.street_code ?? '' : '');
  const status = selectControl('status', t('status'),
    [{ value: 'active', label: t('statusActive') }, { value: 'closed', label: t('statusClosed') }, { value: 'all', label: t('statusAll') }], 'all');
  const q = h('input', { name: 'q', type: 'search', maxlength: '100', 'aria-label': t('search') });
  const create = h('button', { type: 'button', 'data-action': 'new' }, t('newRecord'));
  create.hidden = ctx.staff.role === 'viewer';
  const filters = h('form', { class: 'filters', role: 'search' },
    labelled(t('street'), street), labelled(t('status'), status), labelled(t('search'), q), h('button', { type: 'submit', class: 'primary' }, t('apply')), create);

  const list = new RecordList<Compound>([
    { label: t('colName'), cell: (c) => [c.name, c.is_sample ? h('span', { class: 'badge sample' }, t('sampleBadge')) : null,
      c.status === 'closed' ? h('span', { class: 'badge closed' }, t('closedBadge')) : null] },
    { label: t('colCommunity'), cell: (c) => c.community_name ?? '' },
    { label: t('colGates'), cell: (c) => String(c.gate_count) },
  ], (c) => void select(c.id), t('empty'));

  const mapBox = h('div', { class: 'map-box' });
  const side = h('div', null, mapBox);
  container.append(filters, h('div', { class: 'editor-layout' }, list.element, side), h('p', { class: 'footnote' }, ctx.t('sampleNote'), ' ', ctx.t('attribution')));
  let map: EditMap | null = null;
  try { map = await EditMap.create(mapBox, t('mapLabel'), vctx.district, t('sampleBadge')); } catch { map = null; }
  if (!map) mapBox.replaceWith(h('p', { class: 'meta' }, t('mapUnavailable')));

  let rows: Compound[] = [];
  let openCompound: (Compound & { gates: Gate[] }) | null = null;

  const compoundSpec: RecordSpec<Compound> = {
    entity: 'compound', path: '/api/compounds', what: ctx.lang === 'zh' ? '小区' : 'compound', position: 'optional',
    fields: [
      { key: 'name', label: t('fieldName'), kind: 'text', wide: true, maxlength: 100 },
      { key: 'street_code', label: t('fieldStreet'), kind: 'select', options: (v) => writableStreets(ctx, v.street_code), locked: () => ctx.staff.role === 'editor' },
      { key: 'community_code', label: t('fieldCommunity'), kind: 'select', options: (v) => communityOptions(ctx, String(v.street_code), t('noCommunity')) },
      { key: 'address', label: t('fieldAddress'), kind: 'text', wide: true, maxlength: 200 },
      { key: 'households', label: t('fieldHouseholds'), kind: 'number' },
      { key: 'residents', label: t('fieldResidents'), kind: 'number' },
      { key: 'lon', label: t('fieldLon'), kind: 'number' },
      { key: 'lat', label: t('fieldLat'), kind: 'number' },
      { key: 'crs', label: t('fieldCrs'), kind: 'select', options: () => crsOptions(t) },
    ],
    view: (c) => ({
      id: c.id, version: c.version, status: c.status, street: c.street_code, name: c.name, isSample: c.is_sample, updatedAt: c.updated_at,
      values: {
        name: c.name, street_code: c.street_code, community_code: text(c.community_code), address: text(c.address),
        households: text(c.households), residents: text(c.residents), lon: text(c.lon), lat: text(c.lat), crs: 'WGS84',
      },
    }),
    defaults: () => ({
      name: '', community_code: '', address: '', households: '', residents: '', lon: '', lat: '', crs: 'WGS84',
      street_code: ctx.staff.role === 'editor' ? ctx.staff.street_code ?? '' : street.value || ctx.streets[0]?.code || '',
    }),
    validate: (v) => {
      const issues: FieldIssue[] = [];
      requiredText(v.name, 'name', 100, issues);
      resolveStreet(vctx.streets, v.street_code, issues);
      for (const key of ['households', 'residents'] as const) {
        if (!blank(v[key]) && !/^\d{1,7}$/.test(String(v[key]).trim())) issues.push(issue(key, 'must be a whole number', '应为整数'));
      }
      if (!(blank(v.lon) && blank(v.lat))) validatePosition({ lon: v.lon, lat: v.lat, crs: v.crs }, vctx.district, issues);
      return issues;
    },
    body: (v) => ({
      name: String(v.name), street_code: String(v.street_code), community_code: orNull(v.community_code), address: orNull(v.address),
      households: blank(v.households) ? null : Number(v.households), residents: blank(v.residents) ? null : Number(v.residents),
      lon: blank(v.lon) ? null : Number(v.lon), lat: blank(v.lat) ? null : Number(v.lat), crs: String(v.crs),
    }),
    streetOf: (v) => String(v.street_code || ''),
  };

  const gateSpec: RecordSpec<Gate> = {
    entity: 'gate', path: '/api/gates', what: ctx.lang === 'zh' ? '大门' : 'gate', position: 'required',
    fields: [
      { key: 'compound_id', label: t('fieldCompound'), kind: 'select', locked: () => true,
        options: () => (openCompound ? [{ value: String(openCompound.id), label: openCompound.name }] : []) },
      { key: 'name', label: t('fieldName'), kind: 'text', maxlength: 100 },
      { key: 'step_free', label: t('fieldStepFree'), kind: 'checkbox' },
      { key: 'lon', label: t('fieldLon'), kind: 'number' },
      { key: 'lat', label: t('fieldLat'), kind: 'number' },
      { key: 'crs', label: t('fieldCrs'), kind: 'select', options: () => crsOptions(t) },
    ],
    view: (g) => ({
      id: g.id, version: g.version, status: g.status, street: g.street_code, name: g.name, isSample: g.is_sample, updatedAt: g.updated_at,
      values: { compound_id: String(g.compound_id), name: g.name, step_free: g.step_free, lon: String(g.lon), lat: String(g.lat), crs: 'WGS84' },
    }),
    defaults: () => ({ compound_id: String(openCompound?.id ?? ''), name: '', step_free: true, lon: '', lat: '', crs: 'WGS84' }),
    validate: (v) => {
      const issues: FieldIssue[] = [];
      requiredText(v.name, 'name', 100, issues);
      validatePosition({ lon: v.lon, lat: v.lat, crs: v.crs }, vctx.district, issues);
      return issues;
    },
    body: (v) => ({ compound_id: Number(v.compound_id), name: String(v.name), step_free: Boolean(v.step_free), lon: Number(v.lon), lat: Number(v.lat), crs: String(v.crs) }),
    streetOf: () => openCompound?.street_code ?? null,
  };

  const gatesBox = h('section', { class: 'record-form gates', hidden: true });
  const compoundForm = new RecordForm<Compound>(side, ctx, compoundSpec, map, {
    saved(record) {
      const i = rows.findIndex((r) => r.id === record.id);
      if (i >= 0) rows[i] = record; else rows.unshift(record);
      history.replaceState(null, '', `#compounds/${record.id}`);
      void select(record.id, false);
    },
  });
  side.append(gatesBox);
  const gateForm = new RecordForm<Gate>(side, ctx, gateSpec, map, {
    saved(record) {
      if (!openCompound) return;
      const i = openCompound.gates.findIndex((g) => g.id === record.id);
      if (i >= 0) openCompound.gates[i] = record; else openCompound.gates.push(record);
      drawGates();
      draw();
      map?.setSelected(GATE_ID_OFFSET + record.id);
    },
  });

  function draw(): void {
    list.show(rows, t('listCount', rows.length, rows.length), (c) => c.status === 'closed');
    const records: MapRecord[] = rows.filter((c) => c.lon !== null && c.lat !== null).map((c) => ({
      id: c.id, lon: c.lon!, lat: c.lat!, color: COMPOUND_COLOR, name: c.name, closed: c.status === 'closed', sample: c.is_sample,
    }));
    for (const g of openCompound?.gates ?? []) {
      records.push({ id: GATE_ID_OFFSET + g.id, lon: g.lon, lat: g.lat, color: GATE_COLOR, name: `${openCompound!.name}${g.name}`, closed: g.status === 'closed', sample: g.is_sample });
    }
    map?.setRecords(records);
  }

  function drawGates(): void {
    clear(gatesBox);
    if (!openCompound) { gatesBox.hidden = true; return; }
    gatesBox.hidden = false;
    const canEdit = ctx.canEdit(openCompound.street_code) && openCompound.status === 'active';
    gatesBox.append(h('h2', null, `${t('gates')} · ${openCompound.name}`), h('p', { class: 'meta' }, t('gateHint')));
    if (!openCompound.gates.length) gatesBox.append(h('p', { class: 'meta' }, t('noGates')));
    else {
      gatesBox.append(h('ul', null, ...openCompound.gates.map((g) => h('li', null,
        h('button', { type: 'button', class: 'link', 'data-gate-id': String(g.id), onclick: () => openGate(g) }, g.name),
        g.step_free ? '' : ` ⚠ ${t('hasSteps')}`,
        g.status === 'closed' ? h('span', { class: 'badge closed' }, t('closedBadge')) : null,
        g.is_sample ? h('span', { class: 'badge sample' }, t('sampleBadge')) : null))));
    }
    if (canEdit) {
      gatesBox.append(h('button', { type: 'button', 'data-action': 'add-gate', onclick: () => {
        compoundForm.showEmpty(false);
        gateForm.open(null, openCompound?.lon !== null && openCompound?.lon !== undefined ? [openCompound.lon, openCompound.lat!] : map?.center());
      } }, t('addGate')));
    }
  }

  function openGate(g: Gate): void {
    compoundForm.showEmpty(false);
    map?.setSelected(GATE_ID_OFFSET + g.id);
    gateForm.open(g);
  }

  async function select(id: number, openForm = true): Promise<void> {
    try {
      openCompound = await ctx.api.get<Compound & { gates: Gate[] }>(`/api/compounds/${id}?gates=all`);
    } catch (err) { ctx.notify(String((err as Error).message), 'error'); return; }
    const i = rows.findIndex((r) => r.id === id);
    const { gates: _gates, ...compound } = openCompound;
    if (i >= 0) rows[i] = compound; else rows.unshift(compound);
    list.select(id);
    draw();
    map?.setSelected(id);
    if (openForm) {
      gateForm.showEmpty(false);
      compoundForm.open(compound);
      history.replaceState(null, '', `#compounds/${id}`);
    }
    drawGates();
  }

  async function load(): Promise<void> {
    const params = new URLSearchParams({ status: status.value });
    if (street.value) params.set('street', street.value);
    if (q.value.trim()) params.set('q', q.value.trim());
    try {
      rows = (await ctx.api.get<{ compounds: Compound[] }>(`/api/compounds?${params}`)).compounds;
      draw();
    } catch (err) { ctx.notify(String((err as Error).message), 'error'); }
  }

  for (const control of [street, status]) control.addEventListener('change', () => void load());
  filters.addEventListener('submit', (e) => { e.preventDefault(); void load(); });
  create.addEventListener('click', () => {
    openCompound = null;
    drawGates();
    gateForm.showEmpty(false);
    list.select(null);
    map?.setSelected(null);
    compoundForm.open(null, map?.center());
    draw();
  });
  map?.onSelect((id) => {
    if (id >= GATE_ID_OFFSET) { const g = openCompound?.gates.find((x) => x.id === id - GATE_ID_OFFSET); if (g) openGate(g); return; }
    void select(id);
  });

  await load();
  const wanted = idFromHash('compounds');
  if (wanted !== null) await select(wanted);
  return () => map?.remove();
}
