// The HTTP answers of the walking engine's errors, shared by every route that walks from a place.
import { badRequest, HttpError } from '../http/errors.ts';
import type { OutsideNetworkError } from './walkingEngine.ts';

/** 422 for a place off the network (the message says how far the nearest street is), 400 for a non-place. */
export function outsideNetwork(e: OutsideNetworkError, field: string): HttpError {
  if (e.failure.reason === 'invalid_coordinates') return badRequest(field, e.message, `${field}：坐标无效`);
  return new HttpError(422, `${field}: ${e.message}`, field,
    `${field}：该位置不在步行路网范围内（最近的可步行道路 ${e.failure.nearestM ?? '—'} 米，上限 ${e.failure.maxSnapM} 米）`,
    { nearest_m: e.failure.nearestM, max_snap_m: e.failure.maxSnapM });
}
