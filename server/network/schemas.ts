// TypeBox schemas of the walking routes: one schema validates the query, documents it (/docs) and
// types the handler; every response code has one too.
import { Type, type Static } from 'typebox';
import { ProfileId } from '../records/schemas.ts';

const Lon = Type.Number({ minimum: -180, maximum: 180, description: 'longitude, WGS84' });
const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'latitude, WGS84' });

export const ReachQuery = Type.Object({
  lon: Type.Optional(Lon),
  lat: Type.Optional(Lat),
  site: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'a board site id instead of lon/lat' })),
  profile: Type.Optional(ProfileId),
  minutes: Type.Optional(Type.String({ maxLength: 40, default: '5,10,15', description: 'ring minutes, comma separated, each 1–60 (at most 6)' })),
  per_category: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 3, description: 'nearest points listed per category' })),
  categories: Type.Optional(Type.String({ maxLength: 400, description: 'only these category ids, comma separated (default all)' })),
  routes: Type.Optional(Type.Boolean({ default: false, description: 'include the walking route to each listed point' })),
  at: Type.Optional(Type.String({ maxLength: 40, description: 'local date-time in the district (its time zone), YYYY-MM-DDTHH:mm: gates shut then cannot be passed, services closed then are marked' })),
  rings: Type.Optional(Type.Union([Type.Literal('geojson'), Type.Literal('packed')], {
    default: 'geojson',
    description: 'how the rings are written: GeoJSON, or packed as integer differences (the same vertices, a third of the bytes; the pages ask for this, see server/network/packedRings.ts)',
  })),
}, { additionalProperties: false });
export type ReachQuery = Static<typeof ReachQuery>;

export const RouteQuery = Type.Object({
  from: Type.String({ maxLength: 60, description: 'lon,lat (WGS84)' }),
  to: Type.String({ maxLength: 60, description: 'lon,lat (WGS84)' }),
  profile: Type.Optional(ProfileId),
  at: Type.Optional(Type.String({ maxLength: 40, description: 'local date-time in the district (its time zone), YYYY-MM-DDTHH:mm: gates shut then cannot be passed, services closed then are marked' })),
}, { additionalProperties: false });
export type RouteQuery = Static<typeof RouteQuery>;

const LineStringGeometry = Type.Object({
  type: Type.Literal('LineString'),
  coordinates: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })),
});

export const RingFeature = Type.Object({
  type: Type.Literal('Feature'),
  properties: Type.Object({ minutes: Type.Integer() }),
  geometry: Type.Object({
    type: Type.Literal('MultiPolygon'),
    coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))),
  }),
});

const Walk = {
  walk_s: Type.Number({ description: 'walking seconds, including the legs between the points and the street' }),
  walk_m: Type.Integer({ description: 'walking metres' }),
  walk_min: Type.Number({ description: 'walking minutes, one decimal' }),
  straight_m: Type.Integer({ description: 'straight-line metres' }),
};

export const NearestItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  category_id: Type.String(),
  subtype: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  opening_hours: Type.Union([Type.String(), Type.Null()]),
  is_sample: Type.Boolean(),
  sample_label: Type.Optional(Type.String()),
  lon: Type.Number(),
  lat: Type.Number(),
  ...Walk,
  open_at: Type.Optional(Type.Boolean({ description: 'with at=: open at that time (a closed service is listed but not reachable then)' })),
  next_open: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'with at=: when it next opens (local YYYY-MM-DDTHH:mm)' })),
  route: Type.Optional(Type.Object({ type: Type.Literal('Feature'), properties: Type.Object({}), geometry: LineStringGeometry })),
});

export const ProfileSummary = Type.Object({
  id: Type.String(),
  name_zh: Type.String(),
  name_en: Type.String(),
  speed_mps: Type.Number(),
});

/** `rings=packed`: each ring's first vertex as integers of 10^-decimals degree, then differences, x and y in turn; no closing vertex. */
export const PackedRingsSchema = Type.Object({
  encoding: Type.Literal('delta'),
  decimals: Type.Integer(),
  features: Type.Array(Type.Object({ minutes: Type.Integer(), polygons: Type.Array(Type.Array(Type.Array(Type.Integer()))) })),
});

export const ReachResponse = Type.Object({
  origin: Type.Object({
    lon: Type.Number(),
    lat: Type.Number(),
    snap_lon: Type.Number({ description: 'where the origin joins the walking network' }),
    snap_lat: Type.Number(),
    snap_distance_m: Type.Number({ description: 'straight metres from the origin to the network (walked, and counted)' }),
    site: Type.Optional(Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() })),
  }),
  profile: ProfileSummary,
  minutes: Type.Array(Type.Integer()),
  rings: Type.Union([Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(RingFeature) }), PackedRingsSchema]),
  nearest: Type.Record(Type.String(), Type.Array(NearestItem), { description: 'per category id, nearest first; [] when none within 60 minutes' }),
  contains_sample: Type.Boolean(),
  sample_notice: Type.Optional(Type.String()),
  attribution: Type.String(),
});

export const RouteResponse = Type.Object({
  type: Type.Literal('Feature'),
  geometry: LineStringGeometry,
  properties: Type.Object({
    ...Walk,
    profile: Type.String(),
    from_snap_m: Type.Number(),
    to_snap_m: Type.Number(),
  }),
});

export const WalkingStatusResponse = Type.Object({
  graph: Type.Object({
    nodes: Type.Integer(), edges: Type.Integer(), totalLengthKm: Type.Number(), components: Type.Integer(),
    largestComponentShare: Type.Number(), majorJunctions: Type.Integer(), secondaryJunctions: Type.Integer(), stepsEdges: Type.Integer(), kerbConnectors: Type.Integer(),
  }, { additionalProperties: true }),
  builtAt: Type.String(),
  buildMs: Type.Integer(),
  points: Type.Integer(),
  pointsVersion: Type.Integer(),
  unsnappedPoints: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), nearest_m: Type.Union([Type.Number(), Type.Null()]) })),
  reachWorkers: Type.Object({
    workers: Type.Integer({ description: 'REACH_WORKERS: worker threads for fresh /api/reach answers (0 = the main thread computes them)' }),
    current: Type.Integer({ description: 'workers whose engine is at the live engine\'s state' }),
    queued: Type.Integer({ description: 'questions the workers hold now' }),
    answered: Type.Integer({ description: 'questions a worker answered since start' }),
    fellBack: Type.Object({
      stale: Type.Integer({ description: 'computed on the main thread because no worker was at the live state (a change still being applied)' }),
      busy: Type.Integer({ description: '… because every worker\'s queue was full' }),
      failed: Type.Integer({ description: '… because the worker failed, timed out or died' }),
    }),
    replaced: Type.Integer({ description: 'workers started to replace one that died' }),
  }),
});
