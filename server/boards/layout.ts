// The board's layout: where everything goes on the page, as a display list that svg.ts writes out.
// Two steps, because the streets to draw depend on the map's extent: `planBoard` (plan.ts) lays out
// the page (header, legend table, side panel, footer) and fits the map projection to the 15-minute
// ring; `layoutBoard` (mapFrame.ts) then draws the map: rings, streets, markers and labels placed
// without collisions. The parts: displayList.ts (items and primitives), markers.ts, legendTable.ts,
// sidePanel.ts, mapGeometry.ts (projection, paths, polylines).
export { planBoard, type BoardPlan } from './plan.ts';
export { layoutBoard, layoutCollisions, type BoardLayout } from './mapFrame.ts';
export { streetsWithin, type StreetWay } from './mapGeometry.ts';
export type { DrawItem, PlacedLabel, PlacedMarker, TextItem } from './displayList.ts';
