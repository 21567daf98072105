// What the admin shell hands to every tab: the API client (with the CSRF header), the signed-in staff
// member, the page language and its t(), and the reference tables most tabs need.
import type { Lang } from '../lang.ts';
import type { Static } from 'typebox';
import type { CatalogResponse, StreetsResponse } from '../../../server/divisions/schemas.ts';
import type { ApiClient } from './api.ts';

export type StaffRole = 'admin' | 'editor' | 'viewer';

export interface StaffUser {
  id: number;
  username: string;
  role: StaffRole;
  street_code: string | null;
  display_name: string | null;
}

/** A street with its communities and a category, as /api/streets and /api/categories answer (the server's schemas). */
export type StreetRef = Static<typeof StreetsResponse>[number];
export type CategoryRef = Static<typeof CatalogResponse>['categories'][number];

export interface AdminContext {
  api: ApiClient;
  staff: StaffUser;
  lang: Lang;
  /** Translates a shell message key (web/src/admin/messages.ts); tabs keep their own message modules. */
  t: (key: string, ...args: unknown[]) => string;
  streets: StreetRef[];
  categories: CategoryRef[];
  /** The district's IANA time zone (GET /api/district/info): local dates shown and sent. */
  timeZone: string;
  /** The street a tab opens on: the staff member's own, else the district file's default_street (null: none). */
  defaultStreet: string | null;
  /** True when this staff member may write records of that street (admin: any; editor: own street). */
  canEdit(streetCode: string | null | undefined): boolean;
  /** A short message in the shell's status line. */
  notify(message: string, kind?: 'info' | 'error' | 'success'): void;
}

/** A tab module: mounts itself into the container; may return a function that tears it down. */
export interface AdminTabModule {
  mount(container: HTMLElement, ctx: AdminContext): void | (() => void) | Promise<void | (() => void)>;
}

export interface AdminTab {
  /** Appears in the address (#points). */
  id: string;
  title: { zh: string; en: string };
  /** Roles that see the tab; all staff when omitted. */
  roles?: StaffRole[];
  load: () => Promise<AdminTabModule>;
}
