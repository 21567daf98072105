// Generates the SAMPLE data set for Taoyuan Street (桃园街道): 8 community service centers, 53 compounds
// with gates, service points in all 10 categories, placed on the real OSM network, and 3 recurring
// mobile service desk plans.
// Deterministic (seeded PRNG): running it again gives the same file. No real list of these exists;
// every record it writes is flagged as sample. Output: data/sample/taoyuan-sample.json
//   npx tsx scripts/generate-sample.ts
import fs from 'node:fs';
import path from 'node:path';
import { bearing, destination, distance, nearestPointOnLine, lineString, point } from '@turf/turf';
import { PROJECT_ROOT } from '../server/config.ts';
import { readOsmRoads, type NetworkWay } from '../server/seed/network.ts';
import { readDistrictFile } from '../server/district.ts';
import { readDivisions } from '../server/seed/divisions.ts';

const STREET_CODE = '120103003000';
const SEED = 20261121;

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (lo: number, hi: number) => lo + random() * (hi - lo);
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

const ways = readOsmRoads(readDistrictFile(path.join(PROJECT_ROOT, 'data', 'district.json')).files.roads)
  .filter((w) => w.walkable && !w.bridge && !w.tunnel)
  .filter((w) => w.coordinates.some(([lon, lat]) => lon > 117.18 && lon < 117.225 && lat > 39.09 && lat < 39.118));
const LOCAL = new Set(['residential', 'living_street', 'service', 'tertiary', 'unclassified', 'footway', 'pedestrian']);
const MAIN = new Set(['secondary', 'primary', 'tertiary', 'trunk']);

interface Snap { lon: number; lat: number; way: NetworkWay; distanceM: number }

function nearestOn(lon: number, lat: number, accept: (w: NetworkWay) => boolean): Snap {
  let best: Snap | undefined;
  for (const way of ways) {
    if (!accept(way)) continue;
    const p = nearestPointOnLine(lineString(way.coordinates), point([lon, lat]), { units: 'meters' });
    const d = p.properties.dist ?? Infinity;
    if (!best || d < best.distanceM) best = { lon: p.geometry.coordinates[0], lat: p.geometry.coordinates[1], way, distanceM: d };
  }
  if (!best) throw new Error(`no way near ${lon},${lat}`);
  return best;
}

/** A spot `offsetM` metres off the nearest accepted way, on the side of (lon, lat). */
function besideWay(lon: number, lat: number, offsetM: number, accept: (w: NetworkWay) => boolean) {
  const snap = nearestOn(lon, lat, accept);
  const away = snap.distanceM > 0.5 ? bearing(point([snap.lon, snap.lat]), point([lon, lat])) : between(0, 360);
  const spot = destination(point([snap.lon, snap.lat]), offsetM, away, { units: 'meters' }).geometry.coordinates;
  return { lon: round6(spot[0]), lat: round6(spot[1]), road: snap.way.name };
}

function jitter(lon: number, lat: number, radiusM: number) {
  const p = destination(point([lon, lat]), between(0, radiusM), between(0, 360), { units: 'meters' }).geometry.coordinates;
  return { lon: p[0], lat: p[1] };
}

const landline = () => `022-2${Math.floor(between(1000000, 9999999))}`;
const mobile = () => `1${pick(['35', '38', '39', '52', '58', '86', '87'])}${Math.floor(between(10000000, 99999999))}`;

const communities = readDivisions(path.join(PROJECT_ROOT, 'data', 'divisions', 'hexi_divisions.csv'))
  .filter((r) => r.level === 'community' && r.parent_code === STREET_CODE)
  .map((r) => ({ code: r.code, name: r.name, short: r.name.replace('社区居委会', ''), lon: Number(r.approx_lon), lat: Number(r.approx_lat) }));

// --- community service centers: one per real community, beside a local street near its approximate location
const serviceCenters = communities.map((c) => {
  const at = besideWay(c.lon, c.lat, between(12, 25), (w) => LOCAL.has(w.highway));
  return {
    key: `center-${c.code}`,
    name: `${c.short}社区党群服务中心`,
    community_code: c.code,
    address: `河西区${at.road ?? ''}${c.short}社区`,
    phone: landline(),
    ...at,
  };
});

// --- compounds: the community's namesake plus invented names; 7 per community for five, 6 for three = 53
const FIRST = ['华', '兴', '荣', '顺', '安', '康', '福', '瑞', '祥', '和', '平', '泰', '春', '秀', '明', '德', '嘉', '宁', '永', '吉', '裕', '丰', '庆', '昌'];
const SECOND = ['华', '兴', '荣', '顺', '安', '康', '福', '园', '乐', '居', '泰', '新', '景', '苑', '阳', '惠'];
const SUFFIX = ['里', '里', '里', '园', '新里', '公寓', '大厦', '花园', '新村'];
const usedNames = new Set<string>();
function compoundName(): string {
  for (;;) {
    const name = `${pick(FIRST)}${pick(SECOND)}${pick(SUFFIX)}`;
    if (!usedNames.has(name) && name[0] !== name[1]) { usedNames.add(name); return name; }
  }
}
const compounds = communities.flatMap((c, ci) => {
  const count = ci < 5 ? 7 : 6;
  return Array.from({ length: count }, (_, k) => {
    const name = k === 0 ? c.short : compoundName();
    usedNames.add(name);
    const centre = jitter(c.lon, c.lat, 380);
    const main = besideWay(centre.lon, centre.lat, between(6, 12), (w) => LOCAL.has(w.highway));
    const gates = [{ name: '正门', lon: main.lon, lat: main.lat, step_free: true }];
    if (random() < 0.45) {
      const side = jitter(centre.lon, centre.lat, 120);
      const g = besideWay(side.lon, side.lat, between(6, 12), (w) => LOCAL.has(w.highway) && w.name !== main.road);
      if (distance(point([g.lon, g.lat]), point([main.lon, main.lat]), { units: 'meters' }) > 60) {
        gates.push({ name: random() < 0.5 ? '东门' : '北门', lon: g.lon, lat: g.lat, step_free: random() < 0.8 });
      }
    }
    const households = Math.round(between(180, 1400));
    return {
      key: `compound-${c.code}-${k + 1}`,
      name,
      community_code: c.code,
      address: `河西区${main.road ?? ''}${name}`,
      lon: round6(centre.lon),
      lat: round6(centre.lat),
      households,
      residents: Math.round(households * between(2.3, 2.9)),
      gates,
    };
  });
});

// --- service points. Deliberate gaps (for gap analysis to find):
//  * elder care only east of 友谊北路 (lon ≈ 117.197): compounds around 津港路 lack it within 10 minutes;
//  * sports only in the south-east (西楼北里): the west of the street lacks it within 15 minutes;
//  * no kindergarten in the north-east around 庆荣里.
const byName = Object.fromEntries(communities.map((c) => [c.short, c]));
type PlannedPoint = {
  name: string; category: string; subtype: string; near: string; dLon?: number; dLat?: number;
  hours: string; main?: boolean; phone?: 'landline' | 'mobile' | 'none';
};
const planned: PlannedPoint[] = [
  { name: '庆荣里老人家食堂', category: 'elder_care', subtype: '老人家食堂', near: '庆荣里', dLon: 0.0008, hours: 'Mo-Su 10:30-13:00,16:30-18:30' },
  { name: '西楼北里日间照料中心', category: 'elder_care', subtype: '日间照料中心', near: '西楼北里', hours: 'Mo-Fr 08:00-17:30' },
  { name: '连荣里养老驿站', category: 'elder_care', subtype: '养老驿站', near: '连荣里', dLon: 0.0012, hours: 'Mo-Sa 08:30-17:00' },
  { name: '桃园街社区卫生服务中心', category: 'health', subtype: '社区卫生服务中心', near: '元兴新里', dLat: 0.0012, hours: 'Mo-Fr 08:00-17:00; Sa 08:00-12:00', main: true },
  { name: '照耀里社区卫生服务站', category: 'health', subtype: '社区卫生服务站', near: '照耀里', hours: 'Mo-Fr 08:00-11:30,13:30-17:00' },
  { name: '西楼北里社区卫生服务站', category: 'health', subtype: '社区卫生服务站', near: '西楼北里', dLat: -0.0008, hours: 'Mo-Fr 08:00-11:30,13:30-17:00' },
  { name: '津港路便民药店', category: 'health', subtype: '药店', near: '津港路', dLat: 0.0006, hours: 'Mo-Su 08:00-21:00', phone: 'mobile' },
  { name: '桃园幼儿园', category: 'education', subtype: '幼儿园', near: '罗兰花园', hours: 'Mo-Fr 07:30-17:30' },
  { name: '广顺园幼儿园', category: 'education', subtype: '幼儿园', near: '广顺园', hours: 'Mo-Fr 07:30-17:30' },
  { name: '津港路托育园', category: 'education', subtype: '托育园', near: '津港路', dLon: -0.0008, hours: 'Mo-Fr 07:30-18:00' },
  { name: '桃园街第一小学', category: 'education', subtype: '小学', near: '元兴新里', dLon: -0.0010, hours: 'Mo-Fr 07:30-17:00' },
  { name: '照耀里文化活动室', category: 'culture', subtype: '文化活动室', near: '照耀里', dLon: 0.0007, hours: 'Tu-Su 09:00-11:30,14:00-20:00' },
  { name: '连荣里社区图书室', category: 'culture', subtype: '图书室', near: '连荣里', hours: 'Tu-Su 09:00-17:00' },
  { name: '罗兰花园文化广场活动室', category: 'culture', subtype: '文化活动室', near: '罗兰花园', dLat: 0.0009, hours: 'Mo-Su 08:00-20:00' },
  { name: '西楼北里健身广场', category: 'sports', subtype: '健身广场', near: '西楼北里', dLon: 0.0006, hours: 'Mo-Su 06:00-21:00', phone: 'none' },
  { name: '西楼北里乒乓球室', category: 'sports', subtype: '乒乓球室', near: '西楼北里', dLat: 0.0005, hours: 'Mo-Su 08:00-20:00' },
  { name: '友谊北路公交站', category: 'transport', subtype: '公交站', near: '罗兰花园', dLon: -0.0025, hours: 'Mo-Su 05:30-23:00', main: true, phone: 'none' },
  { name: '桃园村大街公交站', category: 'transport', subtype: '公交站', near: '照耀里', dLat: 0.0010, hours: 'Mo-Su 05:30-23:00', main: true, phone: 'none' },
  { name: '广顺道公交站', category: 'transport', subtype: '公交站', near: '广顺园', dLat: -0.0010, hours: 'Mo-Su 05:30-23:00', main: true, phone: 'none' },
  { name: '津港路公共自行车点', category: 'transport', subtype: '公共自行车点', near: '津港路', dLat: -0.0006, hours: '24/7', phone: 'none' },
  { name: '庆荣里小修小补便民点', category: 'convenience', subtype: '小修小补', near: '庆荣里', dLat: -0.0006, hours: 'Mo-Sa 08:00-18:00', phone: 'mobile' },
  { name: '津港路小修小补便民点', category: 'convenience', subtype: '小修小补', near: '津港路', dLon: 0.0005, hours: 'Mo-Sa 08:00-17:00', phone: 'mobile' },
  { name: '元兴新里便民理发点', category: 'convenience', subtype: '便民理发', near: '元兴新里', hours: 'Tu-Su 08:30-18:00', phone: 'mobile' },
  { name: '广顺园快递驿站', category: 'convenience', subtype: '快递驿站', near: '广顺园', dLon: 0.0007, hours: 'Mo-Su 08:00-21:00', phone: 'mobile' },
  { name: '桃园菜市场', category: 'shopping', subtype: '菜市场', near: '元兴新里', dLat: -0.0009, hours: 'Mo-Su 06:00-18:30' },
  { name: '西楼菜市场', category: 'shopping', subtype: '菜市场', near: '西楼北里', dLon: -0.0010, hours: 'Mo-Su 06:00-18:00' },
  { name: '照耀里便民超市', category: 'shopping', subtype: '超市', near: '照耀里', dLat: -0.0007, hours: 'Mo-Su 07:30-22:00' },
  { name: '罗兰花园早餐点', category: 'shopping', subtype: '早餐点', near: '罗兰花园', dLon: 0.0006, hours: 'Mo-Su 06:00-10:00', phone: 'mobile' },
  { name: '桃园街道便民服务中心', category: 'government', subtype: '街道便民服务中心', near: '连荣里', dLat: 0.0010, hours: 'Mo-Fr 08:30-12:00,13:30-17:30', main: true },
  { name: '津港路社区服务站', category: 'government', subtype: '社区服务站', near: '津港路', hours: 'Mo-Fr 08:30-17:00' },
  { name: '桃园街应急避难场所', category: 'emergency', subtype: '应急避难场所', near: '罗兰花园', dLon: 0.0009, dLat: -0.0006, hours: '24/7', phone: 'none' },
  { name: '庆荣里微型消防站', category: 'emergency', subtype: '微型消防站', near: '庆荣里', dLon: -0.0006, hours: '24/7' },
  { name: '桃园派出所', category: 'emergency', subtype: '派出所', near: '广顺园', dLon: -0.0008, hours: '24/7', main: true },
  { name: '广顺园AED设备点', category: 'emergency', subtype: 'AED设备点', near: '广顺园', dLat: 0.0006, hours: '24/7', phone: 'none' },
];

const points = planned.map((p, i) => {
  const c = byName[p.near];
  if (!c) throw new Error(`unknown community ${p.near}`);
  const target = jitter(c.lon + (p.dLon ?? 0), c.lat + (p.dLat ?? 0), 60);
  const at = besideWay(target.lon, target.lat, between(8, 20), (w) => (p.main ? MAIN : LOCAL).has(w.highway));
  const phone = p.phone === 'none' ? null : p.phone === 'mobile' ? mobile() : landline();
  return {
    external_id: `sample-taoyuan-${String(i + 1).padStart(3, '0')}`,
    name: p.name,
    category: p.category,
    subtype: p.subtype,
    community_code: c.code,
    address: `河西区${at.road ?? ''}（${c.short}社区）`,
    phone,
    opening_hours: p.hours,
    lon: at.lon,
    lat: at.lat,
  };
});

// --- mobile service desks (流动办公桌): recurring plans at board sites, as RFC 5545 rules. The file holds no
// dates: server/seed/sampleDesks.ts starts each plan in the month a database is seeded, so a fresh database
// always has visits ahead. `site` is a service center's key, or a compound's key for its main-gate site;
// `cancel` calls off the n-th upcoming visit, so that a cancelled visit is there to be seen.
const centerNamed = (short: string) => serviceCenters.find((c) => c.name === `${short}社区党群服务中心`)!;
const deskPlans = [
  {
    key: 'desk-zhaoyaoli', title: '照耀里社区流动办公桌', site: centerNamed('照耀里').key,
    rule: 'FREQ=MONTHLY;BYDAY=2WE,4WE', start_time: '14:00', end_time: '17:00',
    services: ['haircut', 'doctor', 'elderly_allowance'], partners: ['桃园街社区卫生服务中心', '照耀里社区居委会'],
    contact_phone: centerNamed('照耀里').phone, note: '高龄补贴认证请本人携带身份证到场',
    cancel: { occurrence: 2, reason: '社区活动室临时占用，本次暂停' },
  },
  {
    key: 'desk-yuanxingxinli', title: '元兴新里平安法治服务台', site: centerNamed('元兴新里').key,
    rule: 'FREQ=MONTHLY;BYDAY=1TU,3TU', start_time: '09:00', end_time: '11:30',
    services: ['anti_fraud', 'legal', 'policy'], partners: ['桃园派出所', '桃园街道司法所'],
    contact_phone: centerNamed('元兴新里').phone, note: null,
  },
  {
    key: 'desk-xiloubeili', title: '西楼北里物业便民服务', site: compounds.find((c) => c.name === '西楼北里')!.key,
    rule: 'FREQ=MONTHLY;BYDAY=1SA', start_time: '09:00', end_time: '11:00',
    services: ['home_repair', 'housing_fees', 'traffic'], partners: ['西楼北里物业服务中心'],
    contact_phone: landline(), note: '房屋报修请带上房本或租赁合同',
  },
];

const output = {
  $comment: 'SAMPLE data generated by scripts/generate-sample.ts on the real OSM network. These are NOT real places: names, positions, phones and hours are invented for demonstration and tests. Every record is loaded with is_sample = true. Desk plans hold rules, not dates: their visits are dated from the day a database is seeded.',
  is_sample: true,
  generator: 'scripts/generate-sample.ts',
  seed: SEED,
  street_code: STREET_CODE,
  crs: 'WGS84',
  service_centers: serviceCenters,
  compounds,
  points,
  desk_plans: deskPlans,
};
const file = path.join(PROJECT_ROOT, 'data', 'sample', 'taoyuan-sample.json');
fs.writeFileSync(file, JSON.stringify(output, null, 1) + '\n');
console.log(`wrote ${file}: ${serviceCenters.length} service centers, ${compounds.length} compounds, ` +
  `${compounds.reduce((n, c) => n + c.gates.length, 0)} gates, ${points.length} points, ${deskPlans.length} desk plans`);
