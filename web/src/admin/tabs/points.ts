// The service points tab: filters (street, category, status, sample or real, text), the list, a map where
// a point is placed by a click or dragged, the form with inline validation, close/reopen, history and
// restore, and export of what the filters select.
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
import { validatePoint } from '../../../../server/records/validation.ts';
import type { Static } from 'typebox';
import type { PointFeature as PointFeatureSchema } from '../../../../server/points/schemas.ts';

/** A point as /api/points answers it (the server's schema; its feature id is always the record's). */
type PointFeature = Static<typeof PointFeatureSchema> & { id: number };

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<() => void> {
  const t = translator(editingMessages, ctx.lang);
  const vctx = await validationContext(ctx);
  const categoryLabel = (id: string) => {
    const c = ctx.categories.find((x) => x.id === id);
    return c ? (ctx.lang === 'zh' ? c.name_zh : c.name_en) : id;
  };

  // Filters. An editor starts on their own street; everyone may look at the others.
  const street = selectControl('street', t('street'), streetOptions(ctx, t('allStreets')), ctx.staff.role === 'editor' ? ctx.staff.street_code ?? '' : '');
  const category = selectControl('category', t('category'),
    [{ value: '', label: t('allCategories') }, ...ctx.categories.map((c) => ({ value: c.id, label: categoryLabel(c.id) }))], '');
  const status = selectControl('status', t('status'),
    [{ value: 'active', label: t('statusActive') }, { value: 'closed', label: t('statusClosed') }, { value: 'all', label: t('statusAll') }], 'all');
  const sample = selectControl('sample', t('sample'),
    [{ value: '', label: t('sampleAll') }, { value: 'true', label: t('sampleOnly') }, { value: 'false', label: t('realOnly') }], '');
  const q = h('input', { name: 'q', type: 'search', placeholder: t('searchPlaceholder'), maxlength: '100', 'aria-label': t('search') });
  const apply = h('button', { type: 'submit', class: 'primary' }, t('apply'));
  const create = h('button', { type: 'button', 'data-action': 'new' }, t('newRecord'));
  create.hidden = ctx.staff.role === 'viewer';
  const exports = h('span', { class: 'exports' });
  const filters = h('form', { class: 'filters', role: 'search' },
    labelled(t('street'), street), labelled(t('category'), category), labelled(t('status'), status), labelled(t('sample'), sample),
    labelled(t('search'), q), apply, create, exports);

  const query = () => {
    const params = new URLSearchParams({ status: status.value });
    if (street.value) params.set('street', street.value);
    if (category.value) params.set('category', category.value);
    if (sample.value) params.set('sample', sample.value);
    if (q.value.trim()) params.set('q', q.value.trim());
    return params;
  };
  const renderExports = () => {
    exports.replaceChildren(...[
      ['csv', t('exportCsv')], ['xlsx', t('exportXlsx')], ['geojson', t('exportGeojson')],
    ].map(([format, label]) => h('a', { class: 'link', href: `/api/export/points.${format}?${query()}&lang=${ctx.lang}`, download: '' }, label)));
  };

  const list = new RecordList<PointFeature>([
    { label: t('colName'), cell: (f) => [f.properties.name, f.properties.is_sample ? h('span', { class: 'badge sample' }, t('sampleBadge')) : null,
      f.properties.status === 'closed' ? h('span', { class: 'badge closed' }, t('closedBadge')) : null] },
    { label: t('colCategory'), cell: (f) => [h('span', { class: 'swatch', style: `background:${f.properties.color}` }), categoryLabel(f.properties.category)] },
    { label: t('colAddress'), cell: (f) => f.properties.address ?? '' },
  ], (f) => select(f), t('empty'));

  const mapBox = h('div', { class: 'map-box' });
  const side = h('div', null, mapBox);
  container.append(filters, h('div', { class: 'editor-layout' }, list.element, side),
    h('p', { class: 'footnote' }, ctx.t('sampleNote'), ' ', ctx.t('attribution')));

  let map: EditMap | null = null;
  try {
    map = await EditMap.create(mapBox, t('mapLabel'), vctx.district, t('sampleBadge'));
  } catch { map = null; }
  if (!map) mapBox.replaceWith(h('p', { class: 'meta' }, t('mapUnavailable')));

  const spec: RecordSpec<PointFeature> = {
    entity: 'point', path: '/api/points', what: ctx.lang === 'zh' ? '服务点' : 'service point',
    position: 'required',
    fields: [
      { key: 'name', label: t('fieldName'), kind: 'text', wide: true, maxlength: 100 },
      { key: 'category', label: t('fieldCategory'), kind: 'select',
        options: () => [{ value: '', label: t('chooseCategory') }, ...ctx.categories.map((c) => ({ value: c.id, label: categoryLabel(c.id) }))] },
      { key: 'subtype', label: t('fieldSubtype'), kind: 'text', maxlength: 50,
        suggestions: (v) => ctx.categories.find((c) => c.id === v.category)?.subtypes ?? [] },
      { key: 'address', label: t('fieldAddress'), kind: 'text', wide: true, maxlength: 200 },
      { key: 'phone', label: t('fieldPhone'), kind: 'text', hint: t('phoneHint'), maxlength: 100 },
      { key: 'external_id', label: t('fieldExternalId'), kind: 'text', maxlength: 64 },
      { key: 'opening_hours', label: t('fieldHours'), kind: 'text', wide: true, hint: t('hoursHint'), maxlength: 255 },
      { key: 'lon', label: t('fieldLon'), kind: 'number' },
      { key: 'lat', label: t('fieldLat'), kind: 'number' },
      { key: 'crs', label: t('fieldCrs'), kind: 'select', options: () => crsOptions(t) },
      { key: 'street_code', label: t('fieldStreet'), kind: 'select', options: (v) => writableStreets(ctx, v.street_code), locked: () => ctx.staff.role === 'editor' },
      { key: 'community_code', label: t('fieldCommunity'), kind: 'select', options: (v) => communityOptions(ctx, String(v.street_code), t('noCommunity')) },
    ],
    view: (f) => ({
      id: f.id, version: f.properties.version, status: f.properties.status, street: f.properties.street_code, name: f.properties.name,
      isSample: f.properties.is_sample, updatedAt: f.properties.updated_at,
      values: {
        name: f.properties.name, category: f.properties.category, subtype: text(f.properties.subtype), address: text(f.properties.address),
        phone: text(f.properties.phone), opening_hours: text(f.properties.opening_hours), external_id: text(f.properties.external_id),
        lon: String(f.geometry.coordinates[0]), lat: String(f.geometry.coordinates[1]), crs: 'WGS84',
        street_code: text(f.properties.street_code), community_code: text(f.properties.community_code),
      },
    }),
    defaults: () => ({
      name: '', category: '', subtype: '', address: '', phone: '', opening_hours: '', external_id: '', lon: '', lat: '', crs: 'WGS84',
      street_code: ctx.staff.role === 'editor' ? ctx.staff.street_code ?? '' : street.value || ctx.streets[0]?.code || '', community_code: '',
    }),
    validate: (v) => validatePoint(v, vctx).issues,
    body: (v) => ({
      name: String(v.name), category: String(v.category), subtype: orNull(v.subtype), address: orNull(v.address), phone: orNull(v.phone),
      opening_hours: orNull(v.opening_hours), lon: Number(v.lon), lat: Number(v.lat), crs: String(v.crs),
      street_code: String(v.street_code), community_code: orNull(v.community_code), external_id: orNull(v.external_id),
    }),
    streetOf: (v) => String(v.street_code || ''),
  };

  let rows: PointFeature[] = [];
  let total = 0;
  const form = new RecordForm<PointFeature>(side, ctx, spec, map, {
    saved(record) {
      const i = rows.findIndex((r) => r.id === record.id);
      if (i >= 0) rows[i] = record; else { rows.unshift(record); total += 1; }
      draw();
      list.select(record.id);
      map?.setSelected(record.id);
      history.replaceState(null, '', `#points/${record.id}`);
    },
  });

  function draw(): void {
    list.show(rows, t('listCount', rows.length, total), (f) => f.properties.status === 'closed');
    map?.setRecords(rows.map((f) => ({
      id: f.id, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], color: f.properties.color,
      name: f.properties.name, closed: f.properties.status === 'closed', sample: f.properties.is_sample,
    })));
  }

  function select(f: PointFeature): void {
    list.select(f.id);
    map?.setSelected(f.id);
    form.open(f);
    history.replaceState(null, '', `#points/${f.id}`);
  }

  async function load(): Promise<void> {
    renderExports();
    const params = query();
    params.set('limit', '2000');
    try {
      const fc = await ctx.api.get<{ features: PointFeature[]; total: number }>(`/api/points?${params}`);
      rows = fc.features;
      total = fc.total;
      draw();
      const open = form.openRecordId;
      if (open !== null) list.select(open);
    } catch (err) {
      ctx.notify(String((err as Error).message), 'error');
    }
  }

  filters.addEventListener('submit', (e) => { e.preventDefault(); void load(); });
  for (const control of [street, category, status, sample]) control.addEventListener('change', () => void load());
  create.addEventListener('click', () => {
    list.select(null);
    map?.setSelected(null);
    form.open(null, map?.center());
    history.replaceState(null, '', '#points');
  });
  map?.onSelect((id) => { const f = rows.find((r) => r.id === id); if (f) select(f); });

  await load();
  const wanted = idFromHash('points');
  if (wanted !== null) {
    const f = rows.find((r) => r.id === wanted)
      ?? await ctx.api.get<PointFeature>(`/api/points/${wanted}`).catch(() => null);
    if (f) select(f);
  }
  return () => map?.remove();
}
