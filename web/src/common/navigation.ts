// Deep links that open a walking route in the map apps people in China use. Our data is WGS84;
// Amap and Tencent expect GCJ-02 and Baidu BD-09, so coordinates are converted with gcoord first
// (the offset here is about 550 m: an unconverted link would send someone to the wrong block).
import * as gcoordModule from 'gcoord';

// gcoord's types describe a CommonJS module while Vite bundles its ES build: take the default either way.
interface Gcoord { transform(input: [number, number], from: string, to: string): [number, number]; WGS84: string; GCJ02: string; BD09: string }
const gcoordExports = gcoordModule as unknown as Partial<Gcoord> & { default?: Gcoord };
const gcoord: Gcoord = gcoordExports.default?.transform ? gcoordExports.default : (gcoordExports as Gcoord);

export type NavApp = 'amap' | 'tencent' | 'baidu';
export const NAV_APPS: NavApp[] = ['amap', 'tencent', 'baidu'];
/** Identifies us to the map providers (`src` / `referer`); a Tencent developer key can replace it. */
export const NAV_SOURCE = '15min-service-circle';

export interface NavPlace { lon: number; lat: number; name: string }

const fixed = (v: number) => v.toFixed(6);

export function toGcj02(lon: number, lat: number): [number, number] {
  return gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02);
}
export function toBd09(lon: number, lat: number): [number, number] {
  return gcoord.transform([lon, lat], gcoord.WGS84, gcoord.BD09);
}

/**
 * A walking route to `to` (from `from`, or from the phone's own location when absent). `city` is the
 * district's city (city_zh of the district file), which Baidu takes as the route's region.
 */
export function navigationUrl(app: NavApp, to: NavPlace, from?: NavPlace, city?: string): string {
  if (app === 'amap') {
    // https://lbs.amap.com/api/uri-api/guide/travel/route — lon,lat[,name], GCJ-02
    const [tl, ta] = toGcj02(to.lon, to.lat);
    const p = new URLSearchParams({ to: `${fixed(tl)},${fixed(ta)},${to.name}`, mode: 'walk', coordinate: 'gaode', callnative: '1', src: NAV_SOURCE });
    if (from) { const [fl, fa] = toGcj02(from.lon, from.lat); p.set('from', `${fixed(fl)},${fixed(fa)},${from.name}`); }
    return `https://uri.amap.com/navigation?${p}`;
  }
  if (app === 'tencent') {
    // https://lbs.qq.com/webApi/uriV1/uriGuide/uriWebRoute — lat,lng, Tencent (GCJ-02) coordinates
    const [tl, ta] = toGcj02(to.lon, to.lat);
    const p = new URLSearchParams({ type: 'walk', to: to.name, tocoord: `${fixed(ta)},${fixed(tl)}`, referer: NAV_SOURCE });
    if (from) { const [fl, fa] = toGcj02(from.lon, from.lat); p.set('from', from.name); p.set('fromcoord', `${fixed(fa)},${fixed(fl)}`); }
    return `https://apis.map.qq.com/uri/v1/routeplan?${p}`;
  }
  // Baidu web URI: latlng is lat,lng; coord_type bd09ll
  const [tl, ta] = toBd09(to.lon, to.lat);
  const p = new URLSearchParams({ destination: `latlng:${fixed(ta)},${fixed(tl)}|name:${to.name}`, mode: 'walking', coord_type: 'bd09ll', output: 'html', src: NAV_SOURCE });
  if (city) p.set('region', city);
  if (from) { const [fl, fa] = toBd09(from.lon, from.lat); p.set('origin', `latlng:${fixed(fa)},${fixed(fl)}|name:${from.name}`); }
  return `https://api.map.baidu.com/direction?${p}`;
}
