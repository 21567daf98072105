// Where the boards get their walking answers: the shared walking service (`app.walking`, see
// server/network/service.ts), asked for the board's rings and every point within 15 minutes of a site.
// The same engine answers /api/reach, so a board and /api/reach?site=ID agree for the same profile.
import type { WalkingService } from '../network/service.ts';
import type { WalkingProfile } from '../network/profiles.ts';
import type { WalkingEngine } from '../network/walkingEngine.ts';
import type { CategorisedPoint } from '../network/servicePoints.ts';
import type { DistrictTime } from '../network/corrections.ts';
import { BOARD_MAX_MINUTES, BOARD_MINUTES, type SiteReach } from './content.ts';

/** Everything the boards need of the walking engine. */
export interface BoardWalking {
  /** Rings and points within 15 minutes at a district time; throws the engine's UnknownProfileError / OutsideNetworkError. */
  reach(lon: number, lat: number, profile: string, at?: DistrictTime): Promise<SiteReach>;
  profiles(): WalkingProfile[];
}

/** Answer a site's reach from an engine: the board's rings, and every point within the largest one. */
export function reachFromEngine<P extends CategorisedPoint>(engine: WalkingEngine<P>, lon: number, lat: number, profile: string, at?: DistrictTime): SiteReach {
  const answer = engine.reach([lon, lat], {
    profile,
    at,
    minutes: BOARD_MINUTES,
    // "All of them": the board applies its own per-category limit and counts what it leaves out.
    perCategory: 100_000,
    nearestMaxMinutes: BOARD_MAX_MINUTES,
  });
  const within: SiteReach['within'] = {};
  for (const [category, list] of Object.entries(answer.nearest)) {
    within[category] = list.map((n) => ({
      id: Number(n.point.id), walk_s: n.walk_s, walk_m: n.walk_m, walk_min: n.walk_min, straight_m: n.straight_m,
    }));
  }
  return { snapDistM: answer.origin.snapDistM, rings: answer.rings, within };
}

export function boardWalking(service: WalkingService): BoardWalking {
  return {
    reach: async (lon, lat, profile, at) => reachFromEngine(await service.engine(), lon, lat, profile, at),
    profiles: () => service.profiles(),
  };
}
