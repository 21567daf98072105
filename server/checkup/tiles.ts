// The 15-minute surface as vector tiles (layer `checkup`): one short line per sample, the stretch of
// edge it stands for, carrying `score` (0–10) and `m_<category>` minutes (absent when unreachable).
// Cut in memory with geojson-vt + vt-pbf, like the basemap, so both engines serve the same bytes.
import type { Feature, LineString } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import type { WalkingGraph } from '../network/walkingGraph.ts';
import type { CheckupSurface } from './surface.ts';

export const SURFACE_LAYER = 'checkup';
export const SURFACE_MIN_ZOOM = 10;
export const SURFACE_MAX_ZOOM = 16;
const EXTENT = 4096;

export class SurfaceTiles {
  private index: GeoJSONVT | null = null;
  private readonly cache = new Map<string, Buffer | null>();

  constructor(private readonly surface: CheckupSurface, private readonly graph: WalkingGraph) {}

  private build(): GeoJSONVT {
    const { surface, graph } = this;
    const { samples, categories, minutes, score } = surface;
    const nc = categories.length;
    const features: Feature<LineString>[] = new Array(samples.count);
    for (let i = 0; i < samples.count; i++) {
      const e = samples.edge[i], a = graph.edgeFrom[e], b = graph.edgeTo[e];
      const at = (t: number) => [graph.nodeLon[a] + t * (graph.nodeLon[b] - graph.nodeLon[a]), graph.nodeLat[a] + t * (graph.nodeLat[b] - graph.nodeLat[a])];
      const properties: Record<string, number> = { score: score[i] };
      for (let ci = 0; ci < nc; ci++) {
        const m = minutes[i * nc + ci];
        if (!Number.isNaN(m)) properties[`m_${categories[ci]}`] = m;
      }
      features[i] = { type: 'Feature', geometry: { type: 'LineString', coordinates: [at(samples.t0[i]), at(samples.t1[i])] }, properties };
    }
    return new GeoJSONVT({ type: 'FeatureCollection', features }, { maxZoom: SURFACE_MAX_ZOOM, indexMaxZoom: 11, tolerance: 2, extent: EXTENT, buffer: 32 });
  }

  /** The encoded tile, or null when no sample falls in it. */
  tile(z: number, x: number, y: number): Buffer | null {
    const key = `${z}/${x}/${y}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let out: Buffer | null = null;
    if (z >= SURFACE_MIN_ZOOM && z <= SURFACE_MAX_ZOOM) {
      this.index ??= this.build();
      const t = this.index.getTile(z, x, y);
      if (t && t.features.length > 0) out = Buffer.from(vtpbf.fromGeojsonVt({ [SURFACE_LAYER]: t }, { version: 2, extent: EXTENT }));
    }
    if (this.cache.size > 3000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, out);
    return out;
  }
}
