// The board sites tab: where boards hang (community service centers and compound gates). A list with
// filters, a map where a site is placed or dragged, the form, close/reopen, history and restore.
import { translator } from '../../lang.ts';
import type { AdminContext } from '../context.ts';
import { h } from '../../common/dom.ts';
import { EditMap } from '../editing/editMap.ts';
import { RecordList } from '../editing/list.ts';
import { editingMessages } from '../editing/messages.ts';
import { RecordForm, type RecordSpec } from '../editing/recordForm.ts';
import {
  communityOptions, crsOptions, idFromHash, labelled, orNull, selectControl, streetOptions, text, validationContext, writableStreets,
} from '../editing/shared.ts';
import { issue, requiredText, resolveStreet, validatePosition, type FieldIssue } from '../../../../server/records/validation.ts';
import type { Static } from 'typebox';
import type { SiteFeature as SiteFeatureSchema } from '../../../../server/sites/present.ts';

/** A board site as /api/sites answers it (the server's schema; its feature id is always the record's). */
type SiteFeature = Static<typeof SiteFeatureSchema> & { id: number };
interface Gate { id: number; compound_id: number; compound_name: string; street_code: string; name: string; lon: number; lat: number }

const KIND_COLOR = { service_center: '#4B4B9B', compound_gate: '#59A14F' } as const;

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<() => void> {
  const t = translator(editingMessages, ctx.lang);
  const [vctx, { gates }] = await Promise.all([validationContext(ctx), ctx.api.get<{ gates: Gate[] }>('/api/gates')]);
  const kindLabel = (k: string) => (k === 'service_center' ? t('kindServiceCenter') : t('kindCompoundGate'));

  const street = selectControl('street', t('street'), streetOptions(ctx, t('allStreets')), ctx.staff.role === 'editor' ? ctx.staff.street_code ?? '' : '');
  const kind = selectControl('kind', t('colKind'),
    [{ value: '', label: t('statusAll') }, { value: 'service_center', label: t('kindServiceCenter') }, { value: 'compound_gate', label: t('kindCompoundGate') }], '');
  const status = selectControl('status', t('status'),
    [{ value: 'active', label: t('statusActive') }, { value: 'closed', label: t('statusClosed') }, { value: 'all', label: t('statusAll') }], 'all');
  const create = h('button', { type: 'button', 'data-action': 'new' }, t('newRecord'));
  create.hidden = ctx.staff.role === 'viewer';
  const filters = h('form', { class: 'filters' }, labelled(t('street'), street), labelled(t('colKind'), kind), labelled(t('status'), status), create);

  const list = new RecordList<SiteFeature>([
    { label: t('colName'), cell: (f) => [f.properties.name, f.properties.is_sample ? h('span', { class: 'badge sample' }, t('sampleBadge')) : null,
      f.properties.status === 'closed' ? h('span', { class: 'badge closed' }, t('closedBadge')) : null] },
    { label: t('colKind'), cell: (f) => [h('span', { class: 'swatch', style: `background:${KIND_COLOR[f.properties.kind]}` }), kindLabel(f.properties.kind)] },
    { label: t('colCommunity'), cell: (f) => f.properties.community_name ?? '' },
  ], (f) => select(f), t('empty'));

  const mapBox = h('div', { class: 'map-box' });
  const side = h('div', null, mapBox);
  container.append(filters, h('div', { class: 'editor-layout' }, list.element, side), h('p', { class: 'footnote' }, ctx.t('sampleNote'), ' ', ctx.t('attribution')));
  let map: EditMap | null = null;
  try { map = await EditMap.create(mapBox, t('mapLabel'), vctx.district, t('sampleBadge')); } catch { map = null; }
  if (!map) mapBox.replaceWith(h('p', { class: 'meta' }, t('mapUnavailable')));

  const blank = (v: unknown) => !String(v ?? '').trim();
  const spec: RecordSpec<SiteFeature> = {
    entity: 'site', path: '/api/sites', what: ctx.lang === 'zh' ? '展板站点' : 'board site', position: 'required',
    fields: [
      { key: 'kind', label: t('fieldKind'), kind: 'select', options: () => [{ value: 'service_center', label: t('kindServiceCenter') }, { value: 'compound_gate', label: t('kindCompoundGate') }] },
      { key: 'name', label: t('fieldName'), kind: 'text', maxlength: 100 },
      { key: 'gate_id', label: t('fieldGate'), kind: 'select',
        options: (v) => [{ value: '', label: v.kind === 'compound_gate' ? t('chooseGate') : '—' },
          ...gates.filter((g) => g.street_code === v.street_code).map((g) => ({ value: String(g.id), label: `${g.compound_name} · ${g.name}` }))],
        locked: (v) => v.kind !== 'compound_gate' },
      { key: 'street_code', label: t('fieldStreet'), kind: 'select', options: (v) => writableStreets(ctx, v.street_code), locked: () => ctx.staff.role === 'editor' },
      { key: 'community_code', label: t('fieldCommunity'), kind: 'select', options: (v) => communityOptions(ctx, String(v.street_code), t('noCommunity')) },
      { key: 'lon', label: t('fieldLon'), kind: 'number' },
      { key: 'lat', label: t('fieldLat'), kind: 'number' },
      { key: 'crs', label: t('fieldCrs'), kind: 'select', options: () => crsOptions(t) },
    ],
    view: (f) => ({
      id: f.id, version: f.properties.version, status: f.properties.status, street: f.properties.street_code, name: f.properties.name,
      isSample: f.properties.is_sample, updatedAt: f.properties.updated_at,
      values: {
        kind: f.properties.kind, name: f.properties.name, gate_id: text(f.properties.gate_id), street_code: f.properties.street_code,
        community_code: text(f.properties.community_code), lon: String(f.geometry.coordinates[0]), lat: String(f.geometry.coordinates[1]), crs: 'WGS84',
      },
    }),
    defaults: () => ({
      kind: 'service_center', name: '', gate_id: '', community_code: '', lon: '', lat: '', crs: 'WGS84',
      street_code: ctx.staff.role === 'editor' ? ctx.staff.street_code ?? '' : street.value || ctx.streets[0]?.code || '',
    }),
    validate: (v) => {
      const issues: FieldIssue[] = [];
      requiredText(v.name, 'name', 100, issues);
      resolveStreet(vctx.streets, v.street_code, issues);
      if (v.kind === 'compound_gate' && blank(v.gate_id)) issues.push(issue('gate_id', 'is required for a compound-gate site', '小区大门站点必须选择大门'));
      // At a gate the position may stay empty: the site then stands at the gate.
      if (!(v.kind === 'compound_gate' && blank(v.lon) && blank(v.lat))) validatePosition({ lon: v.lon, lat: v.lat, crs: v.crs }, vctx.district, issues);
      return issues;
    },
    body: (v) => ({
      kind: String(v.kind), name: String(v.name), street_code: String(v.street_code), community_code: orNull(v.community_code),
      gate_id: v.kind === 'compound_gate' && !blank(v.gate_id) ? Number(v.gate_id) : null,
      lon: blank(v.lon) ? null : Number(v.lon), lat: blank(v.lat) ? null : Number(v.lat), crs: String(v.crs),
    }),
    streetOf: (v) => String(v.street_code || ''),
  };

  let rows: SiteFeature[] = [];
  const form = new RecordForm<SiteFeature>(side, ctx, spec, map, {
    saved(record) {
      const i = rows.findIndex((r) => r.id === record.id);
      if (i >= 0) rows[i] = record; else rows.unshift(record);
      draw();
      list.select(record.id);
      map?.setSelected(record.id);
      history.replaceState(null, '', `#sites/${record.id}`);
    },
  });

  function draw(): void {
    list.show(rows, t('listCount', rows.length, rows.length), (f) => f.properties.status === 'closed');
    map?.setRecords(rows.map((f) => ({
      id: f.id, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], color: KIND_COLOR[f.properties.kind],
      name: f.properties.name, closed: f.properties.status === 'closed', sample: f.properties.is_sample,
    })));
  }
  function select(f: SiteFeature): void {
    list.select(f.id);
    map?.setSelected(f.id);
    form.open(f);
    history.replaceState(null, '', `#sites/${f.id}`);
  }
  async function load(): Promise<void> {
    const params = new URLSearchParams({ status: status.value });
    if (street.value) params.set('street', street.value);
    if (kind.value) params.set('kind', kind.value);
    try {
      rows = (await ctx.api.get<{ features: SiteFeature[] }>(`/api/sites?${params}`)).features;
      draw();
    } catch (err) { ctx.notify(String((err as Error).message), 'error'); }
  }
  for (const control of [street, kind, status]) control.addEventListener('change', () => void load());
  filters.addEventListener('submit', (e) => { e.preventDefault(); void load(); });
  create.addEventListener('click', () => { list.select(null); map?.setSelected(null); form.open(null, map?.center()); });
  map?.onSelect((id) => { const f = rows.find((r) => r.id === id); if (f) select(f); });

  await load();
  const wanted = idFromHash('sites');
  if (wanted !== null) { const f = rows.find((r) => r.id === wanted); if (f) select(f); }
  return () => map?.remove();
}
