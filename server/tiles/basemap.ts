// The basemap as vector tiles, cut in memory from our own data (geojson-vt + vt-pbf) so that the
// embedded database (no ST_AsMVT there) and a PostGIS server serve the same bytes by one path.
// Pure: features in, tile bytes out; the plugin in routes.ts feeds it from the ways table.
import crypto from 'node:crypto';
import type { Feature, FeatureCollection, Geometry, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';

/**
 * How a street is drawn: the OSM class folded into the few kinds the style distinguishes.
 * Footbridges and steps get kinds of their own because they matter to someone walking with a
 * stroller or a stick: a footbridge is a way across a trunk road, steps are where a wheelchair stops.
 */
export type StreetKind =
  | 'trunk' | 'primary' | 'secondary' | 'tertiary' | 'minor' | 'service'
  | 'pedestrian' | 'footway' | 'footbridge' | 'steps';

const KIND_OF_HIGHWAY: Record<string, StreetKind> = {
  trunk: 'trunk', trunk_link: 'trunk',
  primary: 'primary', primary_link: 'primary',
  secondary: 'secondary', secondary_link: 'secondary',
  tertiary: 'tertiary', tertiary_link: 'tertiary',
  residential: 'minor', unclassified: 'minor', living_street: 'minor',
  service: 'service', track: 'service',
  pedestrian: 'pedestrian',
  footway: 'footway', path: 'footway', cycleway: 'footway',
  steps: 'steps',
};
const FOOT_KINDS: ReadonlySet<StreetKind> = new Set(['pedestrian', 'footway']);

export interface StreetWay {
  id: number;
  highway: string;
  name: string | null;
  ref: string | null;
  layer: number;
  bridge: boolean;
  tunnel: boolean;
  walkable: boolean;
  geometry: LineString | MultiLineString;
}

export function streetKind(way: Pick<StreetWay, 'highway' | 'bridge'>): StreetKind {
  const kind = KIND_OF_HIGHWAY[way.highway] ?? 'service';
  return way.bridge && FOOT_KINDS.has(kind) ? 'footbridge' : kind;
}

/** Draw order: lower layers first, then minor before major, so that a bridge passes over what it crosses. */
const KIND_RANK: Record<StreetKind, number> = {
  footway: 1, pedestrian: 2, steps: 3, service: 4, minor: 5, tertiary: 6, secondary: 7, primary: 8, trunk: 9, footbridge: 10,
};

export interface BasemapLayers {
  streets: StreetWay[];
  /** Metro lines (OSM railway=subway), with `name` and `tunnel`. */
  subway: Feature<LineString | MultiLineString>[];
  /** Parking, fuel and bus-station areas, with `class` and `name`. */
  areas: Feature<Polygon | MultiPolygon>[];
}

export const TILE_LAYERS = ['areas', 'subway', 'streets'] as const;
/** Tiles are cut up to this zoom; the map over-zooms beyond it. */
export const BASEMAP_MAX_ZOOM = 16;
export const BASEMAP_MIN_ZOOM = 8;
const EXTENT = 4096;
/** Bump when the tile encoding changes (properties, kinds), so that cached tiles are not reused. */
const STYLE_OF_TILES = 'tiles-v1';

function streetFeature(way: StreetWay): Feature<Geometry> {
  const kind = streetKind(way);
  return {
    type: 'Feature',
    geometry: way.geometry,
    properties: {
      kind,
      highway: way.highway,
      ...(way.name ? { name: way.name } : {}),
      ...(way.ref ? { ref: way.ref } : {}),
      bridge: way.bridge,
      tunnel: way.tunnel,
      walkable: way.walkable,
      layer: way.layer,
      rank: (way.bridge ? 20 : way.tunnel ? -20 : 0) + way.layer * 20 + KIND_RANK[kind],
    },
  };
}

/** Tile cache entry: the protobuf and, made on first demand, its gzip. */
export interface EncodedTile { pbf: Buffer; gzip?: Buffer }

export class Basemap {
  /** Content hash of everything drawn: a tile URL carrying it can be cached for good. */
  readonly version: string;
  /** [minLon, minLat, maxLon, maxLat] of the streets. */
  readonly bounds: [number, number, number, number];
  readonly featureCount: Record<(typeof TILE_LAYERS)[number], number>;
  private readonly indexes: Record<(typeof TILE_LAYERS)[number], GeoJSONVT>;
  private readonly cache = new Map<string, EncodedTile | null>();
  private readonly cacheLimit: number;

  /**
   * `sourceDigest`: a digest of the layers computed by whoever read them (e.g. from the rows as they came
   * from the database); without it the layers are serialised and hashed here.
   */
  constructor(layers: BasemapLayers, options: { cacheTiles?: number; sourceDigest?: string } = {}) {
    this.cacheLimit = options.cacheTiles ?? 4000;
    const streets = [...layers.streets].sort((a, b) => a.id - b.id).map(streetFeature)
      .sort((a, b) => Number(a.properties!.rank) - Number(b.properties!.rank));
    const collections: Record<(typeof TILE_LAYERS)[number], FeatureCollection> = {
      areas: { type: 'FeatureCollection', features: layers.areas },
      subway: { type: 'FeatureCollection', features: layers.subway },
      streets: { type: 'FeatureCollection', features: streets },
    };
    const hash = crypto.createHash('sha256').update(STYLE_OF_TILES);
    if (options.sourceDigest) hash.update(options.sourceDigest);
    else for (const name of TILE_LAYERS) hash.update(name).update(JSON.stringify(collections[name]));
    this.version = hash.digest('hex').slice(0, 12);
    this.bounds = boundsOf(streets);
    this.featureCount = { areas: layers.areas.length, subway: layers.subway.length, streets: streets.length };
    const vtOptions = { maxZoom: BASEMAP_MAX_ZOOM, indexMaxZoom: 10, tolerance: 3, extent: EXTENT, buffer: 64 };
    this.indexes = {
      areas: new GeoJSONVT(collections.areas, vtOptions),
      subway: new GeoJSONVT(collections.subway, vtOptions),
      streets: new GeoJSONVT(collections.streets, vtOptions),
    };
  }

  /** True when the tile address is valid (0 ≤ x, y < 2^z, z within the served zooms). */
  static validAddress(z: number, x: number, y: number): boolean {
    const n = 2 ** z;
    return Number.isInteger(z) && Number.isInteger(x) && Number.isInteger(y)
      && z >= 0 && z <= 22 && x >= 0 && y >= 0 && x < n && y < n;
  }

  /** The encoded tile, or null when nothing of ours falls in it. Beyond the cut zoom, use the parent. */
  tile(z: number, x: number, y: number): EncodedTile | null {
    const key = `${z}/${x}/${y}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const layers: Record<string, { features: unknown[] }> = {};
    let any = false;
    if (z >= BASEMAP_MIN_ZOOM && z <= BASEMAP_MAX_ZOOM) {
      for (const name of TILE_LAYERS) {
        const t = this.indexes[name].getTile(z, x, y);
        if (t && t.features.length > 0) { layers[name] = t; any = true; }
      }
    }
    const encoded = any ? { pbf: Buffer.from(vtpbf.fromGeojsonVt(layers, { version: 2, extent: EXTENT })) } : null;
    this.cache.set(key, encoded);
    if (this.cache.size > this.cacheLimit) this.cache.delete(this.cache.keys().next().value!);
    return encoded;
  }
}

function boundsOf(features: Feature<Geometry>[]): [number, number, number, number] {
  let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[];
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    } else for (const inner of c as unknown[]) visit(inner);
  };
  for (const f of features) visit((f.geometry as LineString | MultiLineString).coordinates);
  if (!Number.isFinite(minX)) return [-180, -85, 180, 85];
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  return [r(minX), r(minY), r(maxX), r(maxY)];
}
