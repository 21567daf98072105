// What a graph carries on top of the imported ways once corrections are applied (corrections.ts builds
// it, profiles.ts prices edges with it). Types only, so the graph and the corrections need not import each other.
export type CrossingKind = 'signalised' | 'zebra' | 'none';

export interface OverlayGate { id: number; openingHours: string | null; stepFree: boolean }
export interface OverlayClosure { id: number; stepFreeOnly: boolean; validFrom: string | null; validTo: string | null }

/** What the cost function reads on top of the base graph. */
export interface NetworkOverlay {
  /** Per edge: index into `gates`, or -1. */
  readonly edgeGate: Int32Array;
  readonly gates: readonly OverlayGate[];
  /** Per edge: the closures covering it. */
  readonly edgeClosures: ReadonlyMap<number, readonly number[]>;
  readonly closures: readonly OverlayClosure[];
  /** Junction node → the crossing that replaces the general crossing rule there. */
  readonly crossings: ReadonlyMap<number, { id: number; kind: CrossingKind; waitSec: number }>;
  /** Corrections that did not find their place on the network (a gate far from any edge…). */
  readonly unplaced: readonly number[];
  /** Ids of the corrections applied. */
  readonly applied: readonly number[];
}

