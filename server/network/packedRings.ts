// Packed rings: the walking rings of a reach answer as integer differences instead of GeoJSON
// coordinates (`/api/reach?rings=packed`, what the resident map and the phone page ask for). The same
// vertices, a third of the bytes, and several times less work to write and to compress: a fresh tap's
// answer is mostly ring coordinates. Shared with the pages (pure, no Node), which unpack it back into
// the GeoJSON the map draws, equal to `rings=geojson` number for number.
//
// A ring is one flat array: its first vertex as integers of the lattice of `decimals` decimals
// (lon · 10^decimals, lat · 10^decimals), then each next vertex as the difference from the one
// before, x and y in turn. The closing vertex is left out (it is the first). A polygon is its exterior
// ring, then its holes, as in GeoJSON.

import type { FeatureCollection, MultiPolygon, Position } from 'geojson';

export interface PackedRingFeature {
  minutes: number;
  polygons: number[][][];
}

export interface PackedRings {
  encoding: 'delta';
  /** Decimals of the lattice the integers count in (5: 1e-5 degree, about 1 m). */
  decimals: number;
  features: PackedRingFeature[];
}

/** The GeoJSON rings a packed answer stands for: the same numbers `rings=geojson` gives. */
export function unpackRings(packed: PackedRings): FeatureCollection<MultiPolygon, { minutes: number }> {
  const scale = 10 ** packed.decimals;
  return {
    type: 'FeatureCollection',
    features: packed.features.map((f) => ({
      type: 'Feature',
      properties: { minutes: f.minutes },
      geometry: { type: 'MultiPolygon', coordinates: f.polygons.map((rings) => rings.map((ring) => unpackRing(ring, scale))) },
    })),
  };
}

function unpackRing(ring: readonly number[], scale: number): Position[] {
  const out: Position[] = new Array(ring.length / 2 + 1);
  let x = 0, y = 0;
  for (let k = 0; k < ring.length; k += 2) {
    x += ring[k]; y += ring[k + 1];
    out[k / 2] = [x / scale, y / scale];
  }
  out[ring.length / 2] = out[0];
  return out;
}
