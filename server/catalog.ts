// The shared tables of categories, dimensions and walking profiles, read from data/*.json.
// Everything (API, map style, boards, coverage, tests) gets them from here.
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
  speed_mps: number;
  excluded_highways: string[];
  steps_time_factor: number;
  major_crossing_sec: number;
}
export interface Catalog {
  dimensions: Dimension[];
  categories: Category[];
  profiles: WalkingProfile[];
  categoryById: Map<string, Category>;
  profileById: Map<string, WalkingProfile>;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'data', file), 'utf8')) as T;
}

let cached: Catalog | undefined;

export function loadCatalog(): Catalog {
  if (cached) return cached;
  const { dimensions, categories } = readJson<{ dimensions: Dimension[]; categories: Category[] }>('categories.json');
  const { profiles } = readJson<{ profiles: WalkingProfile[] }>('profiles.json');
  cached = {
    dimensions,
    categories,
    profiles,
    categoryById: new Map(categories.map((c) => [c.id, c])),
    profileById: new Map(profiles.map((p) => [p.id, p])),
  };
  return cached;
}

/** Accepts a category id or its Chinese or English name (as staff type it in spreadsheets). */
export function resolveCategory(catalog: Catalog, value: string): Category | undefined {
  const v = value.trim();
  return catalog.categoryById.get(v)
    ?? catalog.categories.find((c) => c.name_zh === v || c.name_en.toLowerCase() === v.toLowerCase());
}
