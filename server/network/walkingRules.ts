// Which OSM ways a pedestrian may use, and how ways join into a graph.
// These rules are the single place where the raw OSM attributes become walking facts;
// the importer stores their result in `ways.walkable`, and the graph builder reads it.

export interface WayAttributes {
  highway: string;
  layer: number;
  bridge: boolean;
  tunnel: boolean;
  /** OSM foot=* and access=*, when the source has them (an imported .osm extract; the shipped GeoJSON has neither). */
  foot?: string | null;
  access?: string | null;
}

/** foot=* values that allow walking whatever access=* says. */
const FOOT_ALLOWED: ReadonlySet<string> = new Set(['yes', 'designated', 'permissive', 'official']);
/** foot=* or access=* values that keep pedestrians out. */
const NO_ENTRY: ReadonlySet<string> = new Set(['no', 'private']);

/** Classes a pedestrian can use (foot=* and access=* may still exclude a way of these classes). */
export const WALKABLE_HIGHWAYS: ReadonlySet<string> = new Set([
  'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link',
  'tertiary', 'tertiary_link', 'unclassified', 'residential', 'living_street', 'service',
  'pedestrian', 'footway', 'path', 'steps', 'cycleway', 'track',
]);

/** Roads whose at-grade junctions cost a pedestrian a wait (profiles price this). */
export const MAJOR_ROADS: ReadonlySet<string> = new Set(['trunk', 'trunk_link', 'primary', 'primary_link']);

/**
 * Roads the general rule lets a pedestrian cross for free, but at whose at-grade junctions a street office
 * may record a crossing (a correction: signals and their wait, a zebra, or a median fence). A signalised
 * crossing of a secondary dual carriageway (友谊北路) is an everyday thing; below secondary it is not.
 */
export const SECONDARY_ROADS: ReadonlySet<string> = new Set(['secondary', 'secondary_link']);

/**
 * A way is walkable if its class is, except elevated or sunken trunk roads: in Tianjin an
 * elevated trunk (bridge or layer > 0) or a trunk underpass is an expressway without sidewalks.
 * foot=no or private, or access=no or private without a foot=yes/designated/permissive, keeps pedestrians
 * out; foot=yes etc. opens a way of another class (a bridleway, a platform) except a motorway.
 * `oneway` is deliberately ignored: pedestrians walk both ways.
 */
export function isWalkable(way: WayAttributes): boolean {
  if (way.foot && NO_ENTRY.has(way.foot)) return false;
  if (way.access && NO_ENTRY.has(way.access) && !(way.foot && FOOT_ALLOWED.has(way.foot))) return false;
  if (!WALKABLE_HIGHWAYS.has(way.highway)) return way.foot != null && FOOT_ALLOWED.has(way.foot) && way.highway !== 'motorway' && way.highway !== 'motorway_link';
  const grade = way.bridge || way.tunnel || way.layer !== 0;
  if ((way.highway === 'trunk' || way.highway === 'trunk_link') && grade) return false;
  return true;
}

/**
 * The level a vertex sits on. Ways meet only at shared vertices; at a shared coordinate,
 * interior vertices join only vertices of the same level (a bridge does not touch the road it
 * crosses), while way endpoints join everything there (a footbridge's stairs land on the street).
 */
export function wayLevel(way: WayAttributes): string {
  if (!way.bridge && !way.tunnel && way.layer === 0) return 'ground';
  return `${way.layer}|${way.bridge ? 'b' : ''}|${way.tunnel ? 't' : ''}`;
}

/**
 * Kerb gap (metres). In this extract footbridge stairs and many footways end on the sidewalk, which is
 * not mapped, so their last vertex lies 3–16 m from the street centreline and the bridge forms an
 * island that touches nothing. The graph builder therefore joins a dead end of a ground-level island
 * (a component other than the largest) to the nearest ground-level edge of another component within
 * this distance, with a short 'connector' edge. Dead ends of the main network are never joined (a
 * cul-de-sac 10 m from a street is often behind a wall), and nothing above or below ground is joined.
 */
export const KERB_GAP_M = 20;

/** Highway class given to the synthetic kerb-gap edges. */
export const CONNECTOR_HIGHWAY = 'connector';

// ---- tagged nodes of an imported extract (barriers and crossings) ---------------------------------

/** An OSM node's tags that the walking rules read (network_nodes). */
export interface NodeAttributes {
  barrier: string | null;
  crossing: string | null;
  opening_hours: string | null;
  wheelchair: string | null;
  access: string | null;
}

/** Barriers a walker passes only by climbing or squeezing: never step-free. */
const STEP_BARRIERS: ReadonlySet<string> = new Set(['stile', 'kissing_gate', 'turnstile', 'full-height_turnstile', 'step', 'kerb']);

/**
 * What a barrier node does to walking: shut outside its opening_hours, shut always when access=no or
 * private, and not step-free when it is a stile-like barrier or wheelchair=no. null when it changes
 * nothing (a bollard, an open gate with no hours).
 */
export function barrierRule(n: NodeAttributes): { opening_hours: string | null; step_free: boolean } | null {
  if (!n.barrier || n.barrier === 'no') return null;
  const shut = n.access !== null && NO_ENTRY.has(n.access);
  const stepFree = !STEP_BARRIERS.has(n.barrier) && n.wheelchair !== 'no';
  const hours = shut ? 'off' : n.opening_hours;
  if (hours === null && stepFree) return null;
  return { opening_hours: hours, step_free: stepFree };
}

/**
 * The mean wait at a signalised crossing when the extract does not say (seconds): half of a 60 s
 * pedestrian cycle. A street office that knows the real wait enters a crossing correction.
 */
export const DEFAULT_SIGNAL_WAIT_S = 30;

/** What a crossing node at a trunk/primary junction means: signals, a zebra, or no crossing at all. */
export function crossingRule(n: NodeAttributes): { crossing: 'signalised' | 'zebra' | 'none'; wait_s: number | null } | null {
  switch (n.crossing) {
    case 'traffic_signals': return { crossing: 'signalised', wait_s: DEFAULT_SIGNAL_WAIT_S };
    case 'no': return { crossing: 'none', wait_s: null };
    case 'marked': case 'zebra': case 'uncontrolled': return { crossing: 'zebra', wait_s: null };
    default: return null;
  }
}
