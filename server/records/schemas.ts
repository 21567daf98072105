// TypeBox schemas every domain's routes share: a street code, a numeric id in the path, a walking profile.
import { Type } from 'typebox';
import { loadCatalog } from '../catalog.ts';

export const StreetCode = Type.String({ pattern: '^[0-9]{12}$', description: '12-digit official street code (the divisions file of the district)' });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

const profiles = loadCatalog().profiles;

/** The profile a request without one walks with: the first in data/profiles.json. */
export const DEFAULT_PROFILE = profiles[0].id;

/**
 * A walking profile id, its allowed values built from data/profiles.json: the one check of "unknown
 * profile" (a 400 naming the field, in English and Chinese, from the error handler).
 */
export const ProfileId = Type.String({
  enum: profiles.map((p) => p.id),
  description: `walking profile: ${profiles.map((p) => `${p.id} (${p.name_zh}, ${p.speed_mps} m/s)`).join(', ')}; default ${DEFAULT_PROFILE}`,
});
