// How a report is shown: the public receipt (status and reply only: no text, no contact), and the staff
// record, whose phone appears only for roles that may see contacts (admins and the street's editors).
import type { Catalog } from '../catalog.ts';
import type { StaffIdentity } from '../auth/users.ts';
import { canSeeContacts } from '../desks/requests.ts';
import type { ReportRow } from './repository.ts';
import { KIND_NAMES, STATUS_NAMES } from './validation.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function categoryName(catalog: Catalog, id: string | null): { zh: string; en: string } | null {
  const c = id ? catalog.categoryById.get(id) : undefined;
  return c ? { zh: c.name_zh, en: c.name_en } : null;
}

export function presentPublic(catalog: Catalog, r: ReportRow) {
  return {
    code: r.code, kind: r.kind, kind_name: KIND_NAMES[r.kind],
    category: r.category_id, category_name: categoryName(catalog, r.category_id),
    status: r.status, status_name: STATUS_NAMES[r.status], public_reply: r.public_reply,
    street_name: r.street_name,
    received_at: r.received_at.toISOString(), updated_at: r.updated_at.toISOString(), closed_at: iso(r.closed_at),
  };
}

export function ageDays(r: ReportRow, now = new Date()): number {
  const end = r.closed_at ?? now;
  return Math.max(0, Math.floor((end.getTime() - r.received_at.getTime()) / 86_400_000));
}

export function presentStaff(catalog: Catalog, r: ReportRow, staff: StaffIdentity | null) {
  const seesPhone = canSeeContacts(staff, r.street_code);
  return {
    id: r.id, code: r.code, kind: r.kind, kind_zh: KIND_NAMES[r.kind].zh,
    category: r.category_id, category_zh: categoryName(catalog, r.category_id)?.zh ?? null,
    site_id: r.site_id, site_name: r.site_name, point_id: r.point_id, point_name: r.point_name, source: r.source,
    lon: Math.round(r.lon * 1e6) / 1e6, lat: Math.round(r.lat * 1e6) / 1e6,
    street_code: r.street_code, street_name: r.street_name, community_code: r.community_code, community_name: r.community_name,
    text: r.body, has_phone: Boolean(r.contact_phone),
    ...(seesPhone ? { phone: r.contact_phone } : {}),
    repeats: r.repeats, status: r.status, status_zh: STATUS_NAMES[r.status].zh, public_reply: r.public_reply, linked: r.linked,
    received_at: r.received_at.toISOString(), accepted_at: iso(r.accepted_at), closed_at: iso(r.closed_at), updated_at: r.updated_at.toISOString(),
    age_days: ageDays(r), version: r.version,
  };
}

/** What the audit log keeps: everything but the phone, which is only marked as present. */
export function reportSnapshot(r: ReportRow) {
  return {
    id: r.id, code: r.code, kind: r.kind, category_id: r.category_id, site_id: r.site_id, point_id: r.point_id,
    street_code: r.street_code, community_code: r.community_code, text: r.body, has_phone: Boolean(r.contact_phone),
    status: r.status, public_reply: r.public_reply, linked: r.linked, repeats: r.repeats, version: r.version,
  };
}

/** A report as staff see it (the queue, exports). */
export type StaffReportView = ReturnType<typeof presentStaff>;
