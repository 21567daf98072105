// What residents do, as weighted request kinds: scanning a board's QR code (the phone page and its reach
// answer, the same question all day), looking around on the map (reach from a new place, points in the
// view, basemap tiles). Paths are drawn from real sites, point locations and the tile grid over Hexi.

export type MixKind = 'reach_site' | 'reach_place' | 'points_bbox' | 'tile' | 'phone_page';

export interface Targets {
  siteIds: number[];
  origins: [number, number][];
  /** e.g. /tiles/{z}/{x}/{y}.pbf?v=abc */
  tileTemplate: string;
}

/** Share of requests per kind: QR scans dominate after a community notice goes out. */
export const WEIGHTS: Record<MixKind, number> = { reach_site: 35, phone_page: 10, reach_place: 15, points_bbox: 15, tile: 25 };

/** A small deterministic generator, so that two runs send the same sequence. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [x, y];
}

export function residentMix(targets: Targets, seed = 15) {
  const rnd = seeded(seed);
  const kinds = (Object.keys(WEIGHTS) as MixKind[]).filter((k) => (k === 'reach_site' || k === 'phone_page' ? targets.siteIds.length > 0 : targets.origins.length > 0));
  const total = kinds.reduce((a, k) => a + WEIGHTS[k], 0);
  const near = () => {
    const o = targets.origins[Math.floor(rnd() * targets.origins.length)];
    return [o[0] + (rnd() - 0.5) * 0.003, o[1] + (rnd() - 0.5) * 0.002] as [number, number];
  };
  return {
    kinds,
    describe: () => kinds.map((k) => `${k} ${Math.round((WEIGHTS[k] / total) * 100)}%`).join(', '),
    pick(): MixKind {
      let r = rnd() * total;
      for (const k of kinds) { r -= WEIGHTS[k]; if (r < 0) return k; }
      return kinds[kinds.length - 1];
    },
    pathFor(kind: MixKind): string {
      const site = () => targets.siteIds[Math.floor(rnd() * targets.siteIds.length)];
      switch (kind) {
        case 'reach_site': return `/api/reach?site=${site()}&profile=${rnd() < 0.8 ? 'standard' : 'elderly'}&minutes=5,10,15`;
        case 'phone_page': return `/m/site/${site()}`;
        case 'reach_place': { const [lon, lat] = near(); return `/api/reach?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}&minutes=5,10,15`; }
        case 'points_bbox': {
          const [lon, lat] = near();
          return `/api/points?bbox=${(lon - 0.006).toFixed(5)},${(lat - 0.004).toFixed(5)},${(lon + 0.006).toFixed(5)},${(lat + 0.004).toFixed(5)}`;
        }
        case 'tile': {
          const [lon, lat] = near();
          const z = 13 + Math.floor(rnd() * 4);
          const [x, y] = tileOf(lon, lat, z);
          return targets.tileTemplate.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
        }
      }
    },
    kindOf(path: string): MixKind {
      if (path.startsWith('/m/site/')) return 'phone_page';
      if (path.startsWith('/api/reach?site=')) return 'reach_site';
      if (path.startsWith('/api/reach')) return 'reach_place';
      if (path.startsWith('/api/points')) return 'points_bbox';
      return 'tile';
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
