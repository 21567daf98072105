// Small pieces the editing tabs share: the district outline (for the same "inside the district" check as the
// server), the validation context, filter controls and the street/community choices.
import type { AdminContext } from '../context.ts';
import { h } from '../../common/dom.ts';
import type { DistrictOutline, ValidationContext } from '../../../../server/records/validation.ts';
import { AreaIndex, type AreaShape } from '../../../../server/records/placement.ts';

let district: Promise<DistrictOutline> | null = null;

export function loadDistrict(ctx: AdminContext): Promise<DistrictOutline> {
  district ??= ctx.api.get<{ geometry: { coordinates: [number, number][][][] }; properties: { bbox: number[] } }>('/api/district')
    .then((f) => ({ polygons: f.geometry.coordinates, bbox: f.properties.bbox as DistrictOutline['bbox'] }))
    .catch((err) => { district = null; throw err; });
  return district;
}

export async function validationContext(ctx: AdminContext): Promise<ValidationContext> {
  return { categories: ctx.categories, streets: ctx.streets, district: await loadDistrict(ctx) };
}

export function selectControl(name: string, label: string, options: { value: string; label: string }[], value: string): HTMLSelectElement {
  const select = h('select', { name, 'aria-label': label }, ...options.map((o) => h('option', { value: o.value }, o.label)));
  select.value = value;
  return select;
}

export function labelled(label: string, control: HTMLElement): HTMLLabelElement {
  return h('label', null, label, control);
}

/** Streets a filter offers: all for the district admin and viewers, but an editor starts on their own. */
export function streetOptions(ctx: AdminContext, allLabel: string) {
  return [{ value: '', label: allLabel }, ...ctx.streets.map((s) => ({ value: s.code, label: s.name }))];
}

/**
 * Streets a record may be written to: an editor's own, or any for the district admin. `shown` adds the
 * street a record already has, so that another street's record (read-only) still names its street.
 */
export function writableStreets(ctx: AdminContext, shown?: unknown) {
  const streets = ctx.staff.role === 'editor'
    ? ctx.streets.filter((s) => s.code === ctx.staff.street_code || (typeof shown === 'string' && shown !== '' && s.code === shown))
    : ctx.streets;
  return streets.map((s) => ({ value: s.code, label: s.name }));
}

let areas: Promise<AreaIndex | null> | null = null;

/** The street and community areas (GET /api/areas), for the same position check as the server. */
export function loadAreas(ctx: AdminContext): Promise<AreaIndex | null> {
  areas ??= ctx.api.get<{ tolerance_m: number; approximate_margin_m: number; features: { geometry: { coordinates: [number, number][][][] }; properties: Omit<AreaShape, 'polygons'> }[] }>('/api/areas')
    .then((fc) => new AreaIndex(fc.features.map((f) => ({ ...f.properties, polygons: f.geometry.coordinates })), fc.tolerance_m, fc.approximate_margin_m))
    .catch(() => { areas = null; return null; });
  return areas;
}

/** After an import of official boundaries the next check reads them afresh. */
export function forgetAreas(): void { areas = null; }

export function communityOptions(ctx: AdminContext, street: string, noneLabel: string) {
  const s = ctx.streets.find((x) => x.code === street);
  return [{ value: '', label: noneLabel }, ...(s?.communities ?? []).map((c) => ({ value: c.code, label: c.name }))];
}

export const crsOptions = (t: (k: 'crsWgs' | 'crsGcj' | 'crsBd') => string) => [
  { value: 'WGS84', label: t('crsWgs') }, { value: 'GCJ-02', label: t('crsGcj') }, { value: 'BD-09', label: t('crsBd') },
];

export const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
export const orNull = (v: string | boolean | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** "#points/12" → 12: a record to open when the tab starts. */
export function idFromHash(tab: string): number | null {
  const m = location.hash.match(new RegExp(`^#${tab}/(\\d+)$`));
  return m ? Number(m[1]) : null;
}
