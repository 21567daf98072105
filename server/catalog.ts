// The shared tables of categories, dimensions and walking profiles, read once from data/*.json and
// checked on the way in. Everything (API, route schemas, walking engine, map style, boards, coverage,
// benches, tests) gets them from here.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './config.ts';

export type ProfileId = string;

export interface Dimension { id: string; name_zh: string; name_en: string }
export interface Category {
  id: string;
  name_zh: string;
  name_en: string;
  color: string;
  icon: string;
  dimension: string;
  target_minutes: Record<ProfileId, number>;
  subtypes: string[];
}
export interface WalkingProfile {
  id: ProfileId;
  name_zh: string;
  name_en: string;
  /** Walking speed on flat ground, metres per second. */
  speed_mps: number;
  /** OSM highway classes the profile never uses (their edges cost Infinity). */
  excluded_highways: string[];
  /** Multiplies the time on a `steps` edge. */
  steps_time_factor: number;
  /** Seconds for crossing a trunk/primary road at grade (see network/profiles.ts edgeCostsSec). */
  major_crossing_sec: number;
}
export interface Catalog {
  dimensions: Dimension[];
  categories: Category[];
  profiles: WalkingProfile[];
  categoryById: Map<string, Category>;
  profileById: Map<string, WalkingProfile>;
}

export const DEFAULT_PROFILES_PATH = path.join(PROJECT_ROOT, 'data', 'profiles.json');
const CATEGORIES_PATH = path.join(PROJECT_ROOT, 'data', 'categories.json');

/** Read and check a profiles file. Throws with the offending profile id on bad data. */
export function loadWalkingProfiles(file: string = DEFAULT_PROFILES_PATH): WalkingProfile[] {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { profiles?: unknown };
  if (!Array.isArray(raw.profiles) || raw.profiles.length === 0) throw new Error(`${file}: no "profiles" list`);
  return raw.profiles.map((p: Record<string, unknown>) => {
    const id = String(p.id ?? '');
    const num = (k: string, dflt?: number): number => {
      const v = p[k] ?? dflt;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`profile "${id}": ${k} must be a number ≥ 0`);
      return v;
    };
    const speed = num('speed_mps');
    if (!/^[a-z_]{1,40}$/.test(id) || speed <= 0) throw new Error(`profile "${id}": needs an id (a-z, _) and speed_mps > 0`);
    return {
      id,
      name_zh: String(p.name_zh ?? id),
      name_en: String(p.name_en ?? id),
      speed_mps: speed,
      excluded_highways: Array.isArray(p.excluded_highways) ? p.excluded_highways.map(String) : [],
      steps_time_factor: num('steps_time_factor', 1),
      major_crossing_sec: num('major_crossing_sec', 0),
    };
  });
}

/** Read and check the categories file against the profiles: a colour, a known dimension, a target per profile. */
function loadCategories(profiles: WalkingProfile[]): { dimensions: Dimension[]; categories: Category[] } {
  const { dimensions, categories } = JSON.parse(fs.readFileSync(CATEGORIES_PATH, 'utf8')) as { dimensions: Dimension[]; categories: Category[] };
  if (!Array.isArray(dimensions) || !Array.isArray(categories) || categories.length === 0) throw new Error(`${CATEGORIES_PATH}: needs "dimensions" and "categories"`);
  const dimensionIds = new Set(dimensions.map((d) => d.id));
  for (const c of categories) {
    if (!/^[a-z_]{1,40}$/.test(c.id)) throw new Error(`category "${c.id}": the id must be a-z and _`);
    if (!/^#[0-9a-fA-F]{6}$/.test(c.color)) throw new Error(`category "${c.id}": color must be #rrggbb`);
    if (!dimensionIds.has(c.dimension)) throw new Error(`category "${c.id}": unknown dimension "${c.dimension}"`);
    for (const p of profiles) {
      const minutes = c.target_minutes?.[p.id];
      if (typeof minutes !== 'number' || !(minutes > 0)) throw new Error(`category "${c.id}": target_minutes.${p.id} must be a number > 0`);
    }
  }
  return { dimensions, categories };
}

let cached: Catalog | undefined;

export function loadCatalog(): Catalog {
  if (cached) return cached;
  const profiles = loadWalkingProfiles();
  const { dimensions, categories } = loadCategories(profiles);
  cached = {
    dimensions,
    categories,
    profiles,
    categoryById: new Map(categories.map((c) => [c.id, c])),
    profileById: new Map(profiles.map((p) => [p.id, p])),
  };
  return cached;
}
