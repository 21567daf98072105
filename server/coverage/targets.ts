// Coverage targets: the walking minutes within which a compound counts as served by a category.
// Defaults come from data/categories.json (`target_minutes` per profile); a street office may
// override one category and profile for its street, and may mark a category's data as incomplete
// for its street, which turns that category's gaps into "unknown". Pure: rows in, answers out.
import type { Catalog } from '../catalog.ts';

/** Used when a category lists no target for a profile and no `standard` either. */
export const FALLBACK_TARGET_MINUTES = 15;

export interface TargetOverride {
  street_code: string;
  category_id: string;
  profile_id: string;
  minutes: number;
}

export interface IncompleteMark {
  street_code: string;
  category_id: string;
  note: string | null;
}

export interface EffectiveTarget {
  minutes: number;
  source: 'default' | 'street';
}

const key = (...parts: string[]) => parts.join('|');

export class CoverageSettings {
  private readonly overrides = new Map<string, number>();
  private readonly incomplete = new Map<string, IncompleteMark>();

  constructor(
    private readonly catalog: Catalog,
    overrides: readonly TargetOverride[] = [],
    incomplete: readonly IncompleteMark[] = [],
  ) {
    for (const o of overrides) this.overrides.set(key(o.street_code, o.category_id, o.profile_id), o.minutes);
    for (const m of incomplete) this.incomplete.set(key(m.street_code, m.category_id), m);
  }

  /** The default from data/categories.json: the profile's entry, else the standard one, else 15. */
  defaultMinutes(categoryId: string, profileId: string): number {
    const t = this.catalog.categoryById.get(categoryId)?.target_minutes ?? {};
    return t[profileId] ?? t.standard ?? FALLBACK_TARGET_MINUTES;
  }

  target(streetCode: string, categoryId: string, profileId: string): EffectiveTarget {
    const override = this.overrides.get(key(streetCode, categoryId, profileId));
    return override === undefined
      ? { minutes: this.defaultMinutes(categoryId, profileId), source: 'default' }
      : { minutes: override, source: 'street' };
  }

  /** The largest target of a category over the given streets (how far a what-if search must look). */
  maxMinutes(categoryId: string, profileId: string, streetCodes: Iterable<string>): number {
    let max = this.defaultMinutes(categoryId, profileId);
    for (const s of streetCodes) max = Math.max(max, this.target(s, categoryId, profileId).minutes);
    return max;
  }

  incompleteMark(streetCode: string, categoryId: string): IncompleteMark | undefined {
    return this.incomplete.get(key(streetCode, categoryId));
  }
}
