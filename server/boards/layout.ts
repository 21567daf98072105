// The board's layout: where everything goes on the page, as a display list that svg.ts writes out.
// Two steps, because the streets to draw depend on the map's extent: `planBoard` lays out the page
// (header, legend table, side panel, footer) and fits the map projection to the 15-minute ring;
// `layoutBoard` then draws the map: rings, streets, markers and labels placed without collisions.
// Every placed label and marker box is returned, so tests can check that none overlap.
import { geoArea, geoMercator, geoPath, type GeoProjection } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import type { Catalog, Category } from '../catalog.ts';
import { boardQrUrl, type BoardContent, type BoardRow } from './content.ts';
import { CollisionIndex, rectBox, rotatedBox, boxesOverlap, type Box, type Pt, type Rect } from './collisions.ts';
import { fitText, printable, textWidth, wrapText, type Weight } from './fonts.ts';
import { BOARD_MESSAGES, formatOpeningHours, type BoardLang, type BoardMessages } from './messages.ts';
import { LENGTHS_AT_A1, TYPE_AT_A1, type Page } from './paper.ts';
import { qrProblems, qrWarningLine } from './publicUrl.ts';
import { qrSymbol } from './qr.ts';
import {
  ACCENT, ALERT, HEADER_SHADE, INK, INK_SOFT, MAP_BACKGROUND, PAPER, ringStyle, ROW_SHADE, RULE,
  streetStyle, textOn,
} from './style.ts';
import { ringColor } from '../palette.ts';
import { haversineM } from '../geo.ts';

// ---- the display list ----------------------------------------------------------------------------

export interface TextItem {
  kind: 'text';
  text: string;
  x: number; y: number; // baseline position
  size: number;
  weight: Weight;
  fill: string;
  anchor?: 'start' | 'middle' | 'end';
  /** Degrees, clockwise, about `origin` (default: the baseline point x, y). */
  rotate?: number;
  origin?: Pt;
  /** A white (or given) outline drawn as a separate stroked copy under the text. */
  halo?: { color: string; width: number };
  opacity?: number;
}
export interface RectItem { kind: 'rect'; x: number; y: number; w: number; h: number; rx?: number; fill?: string; stroke?: string; strokeWidth?: number; dash?: number[] }
export interface PathItem {
  kind: 'path'; d: string; fill?: string; stroke?: string; strokeWidth?: number; dash?: number[];
  cap?: 'round' | 'butt'; join?: 'round' | 'miter'; evenOdd?: boolean;
}
export interface CircleItem { kind: 'circle'; cx: number; cy: number; r: number; fill: string; stroke?: string; strokeWidth?: number }
export type DrawItem = TextItem | RectItem | PathItem | CircleItem;

/** A label placed on the map. `box` is what it covers (rotated for street names). */
export interface PlacedLabel { kind: 'you' | 'ring' | 'point' | 'street'; text: string; box: Box; pointId?: number }
/** A marker on the map; `at` is the true position, `box` where the marker is drawn (moved off a neighbour if needed). */
export interface PlacedMarker { pointId: number | null; number: number | null; at: Pt; box: Box; displaced: boolean }

/** A way from the `ways` table, for drawing and naming streets. */
export interface StreetWay {
  name: string | null; highway: string; bridge: boolean; tunnel: boolean; coordinates: Position[];
  /** minLon, minLat, maxLon, maxLat */
  bbox?: [number, number, number, number];
}

/** The ways whose bounds meet `bbox` (ways without bounds are kept). */
export function streetsWithin(ways: readonly StreetWay[], bbox: [number, number, number, number]): StreetWay[] {
  const [x0, y0, x1, y1] = bbox;
  return ways.filter((w) => !w.bbox || (w.bbox[0] <= x1 && w.bbox[2] >= x0 && w.bbox[1] <= y1 && w.bbox[3] >= y0));
}

export interface BoardPlan {
  page: Page;
  lang: BoardLang;
  content: BoardContent;
  catalog: Catalog;
  /** Items outside the map (header, side panel, legend, footer). */
  items: DrawItem[];
  /** Items drawn over everything (the sample watermark). */
  overlay: DrawItem[];
  mapFrame: Rect;
  projection: GeoProjection;
  /** The map's extent in lon/lat (minLon, minLat, maxLon, maxLat), for the streets query. */
  bbox: [number, number, number, number];
  /** Point ids listed in the legend table, in table order. */
  legendPointIds: number[];
  /** Points that did not fit the legend at all (only for extreme counts; the board says so). */
  legendOverflow: number;
  legendFontSize: number;
  legendColumns: number;
  qr: { url: string; rect: Rect; modules: number };
  /** The line printed under the QR code when its address cannot reach residents' phones (empty when it can). */
  qrWarning: string[];
}

export interface BoardLayout extends BoardPlan {
  /** Map items (background, rings, streets, markers, labels), drawn before the overlay. */
  mapItems: DrawItem[];
  labels: PlacedLabel[];
  markers: PlacedMarker[];
  /** Point labels that found no free place and show the number only. */
  numberOnly: number[];
}

// ---- small helpers --------------------------------------------------------------------------------

const f1 = (v: number) => Math.round(v * 100) / 100;

/** Baseline for text of `size` vertically centred on `cy` (CJK ideographs span −0.12…0.88 em). */
const baselineFor = (cy: number, size: number) => cy + 0.36 * size;

function text(t: string, x: number, y: number, size: number, opts: Partial<TextItem> = {}): TextItem {
  return { kind: 'text', text: t, x: f1(x), y: f1(y), size: f1(size), weight: 'regular', fill: INK, ...opts };
}

function categoryOf(catalog: Catalog, id: string): Category {
  return catalog.categoryById.get(id) ?? {
    id, name_zh: id, name_en: id, color: '#777777', icon: '?', dimension: '', target_minutes: {}, subtypes: [],
  };
}

const categoryName = (c: Category, lang: BoardLang) => (lang === 'zh' ? c.name_zh : c.name_en);

// ---- markers ---------------------------------------------------------------------------------------

interface MarkerMetrics { h: number; size: number; padX: number; iconW: number; gap: number }

function markerMetrics(s: number): MarkerMetrics {
  const h = LENGTHS_AT_A1.markerHeight * s;
  return { h, size: TYPE_AT_A1.marker * s, padX: 0.12 * h, iconW: h - 0.24 * h, gap: 0.14 * h };
}

/** Width of the pill "(icon) number". */
function markerWidth(m: MarkerMetrics, number: number): number {
  return m.padX + m.iconW + m.gap + textWidth(String(number), m.size, 'bold') + 0.32 * m.h;
}

/** The pill: the category colour, the icon in a white disc on the left, the number on the right. */
function markerItems(m: MarkerMetrics, x: number, y: number, number: number, category: Category, s: number): DrawItem[] {
  const w = markerWidth(m, number);
  const fg = textOn(category.color);
  const discR = m.iconW / 2;
  const discCx = x + m.padX + discR, cy = y + m.h / 2;
  return [
    { kind: 'rect', x: f1(x), y: f1(y), w: f1(w), h: f1(m.h), rx: f1(m.h / 2), fill: category.color, stroke: '#ffffff', strokeWidth: f1(2.4 * s) },
    { kind: 'circle', cx: f1(discCx), cy: f1(cy), r: f1(discR), fill: '#ffffff' },
    text(category.icon, discCx, baselineFor(cy, m.size * 0.82), m.size * 0.82, { weight: 'bold', fill: fg === '#000000' ? INK : category.color, anchor: 'middle' }),
    text(String(number), x + m.padX + m.iconW + m.gap, baselineFor(cy, m.size), m.size, { weight: 'bold', fill: fg }),
  ];
}

// ---- the legend table ------------------------------------------------------------------------------

type Column = 'number' | 'name' | 'category' | 'minutes' | 'address' | 'phone' | 'hours';
const COLUMNS: Column[] = ['number', 'name', 'category', 'minutes', 'address', 'phone', 'hours'];
const FLEXIBLE = new Set<Column>(['name', 'address', 'hours']);

interface TableGeometry {
  size: number; lineH: number; padX: number; padY: number;
  widths: Record<Column, number>;
  /** Lines of each wrapped cell per row (index aligned with rows). */
  cells: Record<Column, string[]>[];
  rowHeights: number[];
  headerH: number;
}

function cellText(row: BoardRow, col: Column, catalog: Catalog, lang: BoardLang, t: BoardMessages): string {
  switch (col) {
    case 'number': return String(row.number);
    case 'name': return printable(row.name);
    case 'category': return categoryName(categoryOf(catalog, row.category_id), lang);
    case 'minutes': return t.walkMinutes(row.minutes);
    case 'address': return row.address ? printable(row.address) : t.none;
    case 'phone': return row.phone ? printable(row.phone) : t.none;
    case 'hours': return printable(formatOpeningHours(row.opening_hours, lang) ?? t.none);
  }
}

function tableGeometry(rows: BoardRow[], width: number, size: number, s: number, catalog: Catalog, lang: BoardLang, t: BoardMessages): TableGeometry {
  const lineH = size * 1.2, padX = size * 0.4, padY = size * 0.22;
  const m = markerMetrics(s * (size / (TYPE_AT_A1.body * s)) * 0.9);
  const texts = rows.map((r) => Object.fromEntries(COLUMNS.map((c) => [c, cellText(r, c, catalog, lang, t)])) as Record<Column, string>);
  const chip = size * 0.9;
  const natural = {} as Record<Column, number>;
  COLUMNS.forEach((c, i) => {
    let w = textWidth(t.headers[i], size, 'bold');
    for (const [k, r] of rows.entries()) {
      const cw = c === 'number' ? markerWidth(m, r.number)
        : c === 'category' ? chip + size * 0.3 + textWidth(texts[k][c], size)
          : textWidth(texts[k][c], size, c === 'name' ? 'bold' : 'regular');
      w = Math.max(w, cw);
    }
    natural[c] = w + 2 * padX;
  });
  const widths = { ...natural };
  const fixedSum = COLUMNS.filter((c) => !FLEXIBLE.has(c)).reduce((a, c) => a + natural[c], 0);
  const flex = COLUMNS.filter((c) => FLEXIBLE.has(c));
  const flexNatural = flex.reduce((a, c) => a + natural[c], 0);
  const room = width - fixedSum;
  if (flexNatural <= room) {
    // Spare width goes to the name and address columns.
    const spare = room - flexNatural;
    widths.name += spare * 0.5;
    widths.address += spare * 0.5;
  } else {
    // Water-filling: every flexible column gets its share of the room, never less than 4 em,
    // never more than it needs; what a column does not need goes to the others.
    const minW = size * 4 + 2 * padX;
    let left = flex.slice(), space = room;
    for (let iter = 0; iter < 8 && left.length; iter++) {
      const need = left.reduce((a, c) => a + natural[c], 0);
      const next: Column[] = [];
      let used = 0;
      for (const c of left) {
        const share = Math.max(minW, (space * natural[c]) / need);
        if (share >= natural[c]) { widths[c] = natural[c]; used += natural[c]; } else next.push(c);
      }
      if (next.length === left.length) {
        for (const c of left) widths[c] = Math.max(minW, (space * natural[c]) / need);
        break;
      }
      space -= used; left = next;
    }
  }
  const cells = texts.map((tx) => Object.fromEntries(COLUMNS.map((c) => {
    if (!FLEXIBLE.has(c)) return [c, [tx[c]]];
    return [c, wrapText(tx[c], size, widths[c] - 2 * padX, 2, c === 'name' ? 'bold' : 'regular')];
  })) as Record<Column, string[]>);
  const rowHeights = cells.map((c) => Math.max(...COLUMNS.map((k) => c[k].length)) * lineH + 2 * padY);
  const headerH = lineH + 2 * padY;
  return { size, lineH, padX, padY, widths, cells, rowHeights, headerH };
}

function tableHeight(g: TableGeometry, from: number, to: number): number {
  let h = g.headerH;
  for (let i = from; i < to; i++) h += g.rowHeights[i];
  return h;
}

/** Split rows into `k` runs of about equal height (rows keep their order, top to bottom then left to right). */
function splitColumns(g: TableGeometry, n: number, k: number): [number, number][] {
  if (k === 1 || n === 0) return [[0, n]];
  const total = g.rowHeights.slice(0, n).reduce((a, b) => a + b, 0);
  const runs: [number, number][] = [];
  let start = 0, acc = 0;
  for (let i = 0; i < n; i++) {
    acc += g.rowHeights[i];
    if (runs.length < k - 1 && acc >= (total * (runs.length + 1)) / k) { runs.push([start, i + 1]); start = i + 1; }
  }
  runs.push([start, n]);
  return runs;
}

function tableItems(g: TableGeometry, rows: BoardRow[], from: number, to: number, x: number, y: number, s: number,
  catalog: Catalog, t: BoardMessages): DrawItem[] {
  const items: DrawItem[] = [];
  const width = COLUMNS.reduce((a, c) => a + g.widths[c], 0);
  items.push({ kind: 'rect', x: f1(x), y: f1(y), w: f1(width), h: f1(g.headerH), fill: HEADER_SHADE });
  let cx = x;
  COLUMNS.forEach((c, i) => {
    items.push(text(t.headers[i], cx + g.padX, baselineFor(y + g.headerH / 2, g.size), g.size, { weight: 'bold', fill: INK }));
    cx += g.widths[c];
  });
  let cy = y + g.headerH;
  const m = markerMetrics(s * (g.size / (TYPE_AT_A1.body * s)) * 0.9);
  for (let i = from; i < to; i++) {
    const row = rows[i], h = g.rowHeights[i], cat = categoryOf(catalog, row.category_id);
    if ((i - from) % 2 === 1) items.push({ kind: 'rect', x: f1(x), y: f1(cy), w: f1(width), h: f1(h), fill: ROW_SHADE });
    cx = x;
    for (const c of COLUMNS) {
      const lines = g.cells[i][c];
      const top = cy + g.padY;
      if (c === 'number') {
        items.push(...markerItems(m, cx + g.padX, top + (g.lineH - m.h) / 2, row.number, cat, s * (g.size / (TYPE_AT_A1.body * s)) * 0.9));
      } else if (c === 'category') {
        const chip = g.size * 0.9;
        items.push({ kind: 'rect', x: f1(cx + g.padX), y: f1(top + (g.lineH - chip) / 2), w: f1(chip), h: f1(chip), rx: f1(chip * 0.2), fill: cat.color });
        items.push(text(lines[0], cx + g.padX + chip + g.size * 0.3, baselineFor(top + g.lineH / 2, g.size), g.size));
      } else {
        lines.forEach((line, k) => items.push(text(line, cx + g.padX, baselineFor(top + g.lineH * (k + 0.5), g.size), g.size, {
          weight: c === 'name' ? 'bold' : 'regular', fill: c === 'minutes' ? ACCENT : INK,
        })));
      }
      cx += g.widths[c];
    }
    cy += h;
    items.push({ kind: 'path', d: `M${f1(x)} ${f1(cy)}h${f1(width)}`, stroke: RULE, strokeWidth: f1(1 * s) });
  }
  return items;
}

// ---- planning the page -----------------------------------------------------------------------------

/** A polygon's rings turned the way d3-geo expects (clockwise exterior), whatever the input winding. */
function d3Winding(geometry: MultiPolygon): MultiPolygon {
  return {
    type: 'MultiPolygon',
    coordinates: geometry.coordinates.map((poly) => {
      const a = geoArea({ type: 'Polygon', coordinates: poly });
      return a > 2 * Math.PI ? poly.map((ring) => ring.slice().reverse()) : poly;
    }),
  };
}

function ringFeatures(content: BoardContent): Feature<MultiPolygon, { minutes: number }>[] {
  return content.rings.features
    .filter((f) => f.geometry.coordinates.length > 0)
    .map((f) => ({ ...f, geometry: d3Winding(f.geometry) }))
    .sort((a, b) => b.properties.minutes - a.properties.minutes);
}

export function planBoard(content: BoardContent, page: Page, lang: BoardLang, catalog: Catalog): BoardPlan {
  const t = BOARD_MESSAGES[lang];
  const s = page.scale;
  const margin = LENGTHS_AT_A1.margin * s, gap = LENGTHS_AT_A1.gap * s;
  const contentW = page.width - 2 * margin;
  const items: DrawItem[] = [];
  const overlay: DrawItem[] = [];
  items.push({ kind: 'rect', x: 0, y: 0, w: f1(page.width), h: f1(page.height), fill: PAPER });

  // Header: "<name> 15分钟综合服务圈", then street · community · gate, and the sample banner.
  let titleSize = TYPE_AT_A1.title * s;
  const name = printable(content.site.title_name);
  const sep = lang === 'zh' ? ' ' : ' · ';
  const titleW = (size: number) => textWidth(name + sep, size, 'bold') + textWidth(t.circle, size, 'bold');
  while (titleW(titleSize) > contentW && titleSize > TYPE_AT_A1.title * s * 0.5) titleSize *= 0.95;
  let y = margin + titleSize * 0.95;
  const shownName = fitText(name, titleSize, contentW - textWidth(sep + t.circle, titleSize, 'bold'), 'bold');
  items.push(text(shownName + sep, margin, y, titleSize, { weight: 'bold' }));
  items.push(text(t.circle, margin + textWidth(shownName + sep, titleSize, 'bold'), y, titleSize, { weight: 'bold', fill: ACCENT }));
  const subSize = TYPE_AT_A1.subtitle * s;
  y += subSize * 1.55;
  const subtitle = [content.site.street_name, content.site.community_name, content.site.gate_name].filter(Boolean).map((v) => printable(v!)).join(' · ');
  let bannerW = 0;
  if (content.containsSample) {
    const bs = TYPE_AT_A1.heading * s;
    bannerW = textWidth(t.sampleBanner, bs, 'bold') + bs * 1.2;
    const bh = bs * 1.6;
    items.push({ kind: 'rect', x: f1(margin + contentW - bannerW), y: f1(y - subSize * 0.36 - bh / 2), w: f1(bannerW), h: f1(bh), rx: f1(bh / 2), fill: ALERT });
    items.push(text(t.sampleBanner, margin + contentW - bannerW / 2, baselineFor(y - subSize * 0.36, bs), bs, { weight: 'bold', fill: '#ffffff', anchor: 'middle' }));
  }
  items.push(text(fitText(subtitle, subSize, contentW - bannerW - gap), margin, y, subSize, { fill: INK_SOFT }));
  const headerBottom = y + subSize * 0.6 + gap * 0.6;
  items.push({ kind: 'path', d: `M${f1(margin)} ${f1(headerBottom)}h${f1(contentW)}`, stroke: ACCENT, strokeWidth: f1(4 * s) });

  // Footer: two lines at the bottom margin.
  const footSize = TYPE_AT_A1.footer * s;
  const footLine2 = page.height - margin;
  const footLine1 = footLine2 - footSize * 1.5;
  const footerTop = footLine1 - footSize * 1.3;
  const bodyTop = headerBottom + gap, bodyBottom = footerTop - gap * 0.5;
  const bodyH = bodyBottom - bodyTop;

  // Legend: try sizes and column counts until the map keeps enough room; the rows never change order.
  const sidePanelW = LENGTHS_AT_A1.sidePanel * s;
  const portrait = page.orientation === 'portrait';
  // Landscape: the map with a strip (QR, ring key, category key) under it on the left, the legend
  // the full height of the page on the right.
  const landscapeMapW = Math.round(contentW * 0.44);
  const legendW = portrait ? contentW : contentW - landscapeMapW - gap;
  // An unreachable QR address is said in red under the code, in place of its second caption line;
  // the panel grows by the lines that need.
  const qrCodes = qrProblems(content.mobileUrl);
  const qrWarning = qrCodes.length
    ? wrapText(qrWarningLine(qrCodes, lang), footSize, portrait ? sidePanelW : LENGTHS_AT_A1.qr * s + gap, 3, 'bold') : [];
  const warningExtra = Math.max(0, qrWarning.length - 1) * footSize * 1.45;
  const stripH = (LENGTHS_AT_A1.qr + 70) * s + warningExtra;
  const headingSize = TYPE_AT_A1.heading * s;
  const headingH = headingSize * 1.7;
  const minMapH = portrait ? sidePanelHeight(s) + warningExtra : 0;
  // Portrait: the category key runs across the page under the map, in one row (two when the names are long).
  const keyLines = portrait ? categoryKeyLines(catalog, lang, t, s, contentW) : 0;
  const keyRowH = portrait ? keyLines * TYPE_AT_A1.body * s * 1.6 + gap * 0.6 : 0;
  const rows = content.rows;
  const omittedCats = Object.entries(content.omitted);
  const notesH = omittedCats.length ? TYPE_AT_A1.body * s * 1.5 : 0;
  const options: { cols: number; size: number }[] = portrait
    ? [{ cols: 1, size: TYPE_AT_A1.body }, { cols: 1, size: (TYPE_AT_A1.body + TYPE_AT_A1.bodyMin) / 2 }, { cols: 1, size: TYPE_AT_A1.bodyMin }, { cols: 2, size: TYPE_AT_A1.bodyMin }]
    : [{ cols: 1, size: TYPE_AT_A1.body }, { cols: 1, size: (TYPE_AT_A1.body + TYPE_AT_A1.bodyMin) / 2 }, { cols: 1, size: TYPE_AT_A1.bodyMin }];
  const legendRoom = portrait ? (h: number) => bodyH - keyRowH - h - gap >= minMapH : (h: number) => h <= bodyH;
  let chosen: { cols: number; size: number; g: TableGeometry; runs: [number, number][]; h: number } | undefined;
  for (const o of options) {
    const size = o.size * s;
    const colGap = gap;
    const colW = (legendW - (o.cols - 1) * colGap) / o.cols;
    const g = tableGeometry(rows, colW, size, s, catalog, lang, t);
    const runs = splitColumns(g, rows.length, o.cols);
    const h = headingH + Math.max(...runs.map(([a, b]) => tableHeight(g, a, b))) + notesH;
    chosen = { ...o, g, runs, h };
    if (legendRoom(h)) break;
  }
  // Still too many rows (hundreds of points): list what fits, and say the rest is on the phone page.
  let shownRows = rows.length;
  if (!legendRoom(chosen!.h)) {
    const room = portrait ? bodyH - keyRowH - gap - minMapH : bodyH;
    const g = chosen!.g;
    const perCol = room - headingH - notesH - TYPE_AT_A1.body * s * 1.5 - g.headerH;
    let used = 0, n = 0;
    const cols = chosen!.cols;
    while (n < rows.length && used + g.rowHeights[n] <= perCol * cols) { used += g.rowHeights[n]; n++; }
    shownRows = n;
    chosen!.runs = splitColumns(g, n, cols);
    chosen!.h = room;
  }
  const legend = chosen!;
  const legendH = legend.h;

  // Regions.
  let mapFrame: Rect;
  let legendX: number, legendY: number;
  let sideX: number, sideY: number, sideW: number, sideLayout: 'column' | 'row';
  if (portrait) {
    const mapH = bodyH - keyRowH - legendH - gap;
    mapFrame = { x: margin, y: bodyTop, w: contentW - sidePanelW - gap, h: mapH };
    sideX = margin + contentW - sidePanelW; sideY = bodyTop; sideW = sidePanelW; sideLayout = 'column';
    legendX = margin; legendY = bodyTop + mapH + keyRowH + gap;
  } else {
    mapFrame = { x: margin, y: bodyTop, w: landscapeMapW, h: bodyH - stripH - gap };
    legendX = margin + landscapeMapW + gap; legendY = bodyTop;
    sideX = margin; sideY = bodyBottom - stripH; sideW = landscapeMapW; sideLayout = 'row';
  }

  // Legend heading with the per-category limit, the table(s), then the "more not listed" notes.
  const headBase = legendY + headingSize * 1.05;
  items.push(text(t.legendTitle, legendX, headBase, headingSize, { weight: 'bold' }));
  const limitSize = TYPE_AT_A1.body * s * 0.9;
  items.push(text(`（${t.limitNote(content.perCategoryLimit)}）`, legendX + textWidth(t.legendTitle, headingSize, 'bold') + headingSize * 0.3, headBase, limitSize, { fill: INK_SOFT }));
  const tableTop = legendY + headingH;
  const colW = (legendW - (legend.cols - 1) * gap) / legend.cols;
  if (rows.length === 0) {
    items.push(text(t.emptyLegend, legendX, baselineFor(tableTop + legend.g.headerH / 2, legend.g.size), legend.g.size, { fill: INK_SOFT }));
  } else {
    legend.runs.forEach(([a, b], k) => items.push(...tableItems(legend.g, rows, a, b, legendX + k * (colW + gap), tableTop, s, catalog, t)));
  }
  const tableBottom = tableTop + Math.max(...legend.runs.map(([a, b]) => tableHeight(legend.g, a, b)));
  const noteParts = omittedCats.map(([cat, n]) => t.omitted(categoryName(categoryOf(catalog, cat), lang), n));
  const overflow = rows.length - shownRows;
  if (overflow > 0) noteParts.push(lang === 'zh' ? `另有 ${overflow} 处未能列入本表` : `${overflow} more not in this table`);
  if (noteParts.length) {
    const note = noteParts.join(lang === 'zh' ? '；' : '; ') + (lang === 'zh' ? '。扫码查看全部。' : '. Scan the QR code for all.');
    items.push(text(fitText(note, TYPE_AT_A1.body * s * 0.9, legendW), legendX, tableBottom + TYPE_AT_A1.body * s * 1.2, TYPE_AT_A1.body * s * 0.9, { fill: ALERT }));
  }

  // Side panel: QR code, ring key (naming the profile), category colour key.
  const side = sidePanelItems(content, catalog, lang, t, s, sideX, sideY, sideW, sideLayout, qrWarning);
  items.push(...side.items);
  if (portrait) {
    items.push(...categoryKeyItems(catalog, lang, t, s, margin, mapFrame.y + mapFrame.h + gap * 0.6, contentW, 'row'));
  } else {
    items.push(...categoryKeyItems(catalog, lang, t, s, side.keyX, sideY, sideX + sideW - side.keyX, 'grid'));
  }

  // Footer.
  const profileName = lang === 'zh' ? content.profile.name_zh : content.profile.name_en;
  items.push({ kind: 'path', d: `M${f1(margin)} ${f1(footerTop)}h${f1(contentW)}`, stroke: RULE, strokeWidth: f1(1.5 * s) });
  const footLeft = [t.dataDate(content.dataDate), t.version(content.version), t.limitNote(content.perCategoryLimit)].join('  ·  ');
  items.push(text(footLeft, margin, footLine1, footSize, { fill: INK_SOFT }));
  const paperLabel = `${page.size} ${page.orientation === 'portrait' ? (lang === 'zh' ? '纵向' : 'portrait') : (lang === 'zh' ? '横向' : 'landscape')}`;
  items.push(text(`#${content.site.id} · ${profileName} · ${paperLabel}`, margin + contentW, footLine1, footSize, { fill: INK_SOFT, anchor: 'end' }));
  items.push(text(t.attribution, margin, footLine2, footSize, { fill: INK_SOFT }));
  if (content.containsSample) items.push(text(t.sampleBanner, margin + contentW, footLine2, footSize, { fill: ALERT, anchor: 'end', weight: 'bold' }));

  // The sample watermark: large, turned, translucent, over the map and over the legend.
  if (content.containsSample) {
    const wm = TYPE_AT_A1.watermark * s * (lang === 'zh' ? 1 : 0.55);
    const spots: Pt[] = [[mapFrame.x + mapFrame.w / 2, mapFrame.y + mapFrame.h / 2]];
    if (rows.length > 6) spots.push([legendX + legendW / 2, legendY + legendH / 2]);
    for (const [cx, cy] of spots) {
      overlay.push(text(t.sample, cx, cy + wm * 0.36, wm, { weight: 'bold', fill: ALERT, anchor: 'middle', rotate: -24, opacity: 0.13 }));
    }
  }

  // Projection: fit the largest ring, the listed points and the site, with room for markers.
  const rings = ringFeatures(content);
  const fit: FeatureCollection<Geometry> = {
    type: 'FeatureCollection',
    features: [
      ...(rings.length ? [rings[0] as Feature<Geometry>] : []),
      ...[...content.rows.map((r) => [r.lon, r.lat]), [content.site.lon, content.site.lat]].map((c) => ({
        type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: c },
      })),
    ],
  };
  const pad = Math.max(LENGTHS_AT_A1.markerHeight * s * 1.4, Math.min(mapFrame.w, mapFrame.h) * 0.045);
  const projection = geoMercator().fitExtent(
    [[mapFrame.x + pad, mapFrame.y + pad], [mapFrame.x + mapFrame.w - pad, mapFrame.y + mapFrame.h - pad]], fit,
  );
  projection.clipExtent([[mapFrame.x, mapFrame.y], [mapFrame.x + mapFrame.w, mapFrame.y + mapFrame.h]]);
  const corners = [
    projection.invert!([mapFrame.x, mapFrame.y])!, projection.invert!([mapFrame.x + mapFrame.w, mapFrame.y + mapFrame.h])!,
  ];
  const bbox: [number, number, number, number] = [
    Math.min(corners[0][0], corners[1][0]), Math.min(corners[0][1], corners[1][1]),
    Math.max(corners[0][0], corners[1][0]), Math.max(corners[0][1], corners[1][1]),
  ];

  return {
    page, lang, content, catalog, items, overlay, mapFrame, projection, bbox,
    legendPointIds: rows.slice(0, shownRows).map((r) => r.point_id),
    legendOverflow: overflow,
    legendFontSize: legend.g.size,
    legendColumns: legend.cols,
    qr: side.qr,
    qrWarning,
  };
}

/** Height the portrait side panel needs (QR block and ring key). */
function sidePanelHeight(s: number): number {
  const body = TYPE_AT_A1.body * s, head = TYPE_AT_A1.heading * s, gap = LENGTHS_AT_A1.gap * s;
  const qrBlock = LENGTHS_AT_A1.qr * s + body * 1.4 + TYPE_AT_A1.footer * s * 1.5;
  const ringBlock = head * 1.6 + 3 * body * 1.6 + 3 * body * 1.3;
  return qrBlock + gap + ringBlock;
}

/** The QR code with its caption, and the ring key naming the walking profile. */
function sidePanelItems(content: BoardContent, catalog: Catalog, lang: BoardLang, t: BoardMessages, s: number,
  x: number, y: number, w: number, arrangement: 'column' | 'row', qrWarning: string[]) {
  const items: DrawItem[] = [];
  const body = TYPE_AT_A1.body * s, head = TYPE_AT_A1.heading * s, gap = LENGTHS_AT_A1.gap * s, foot = TYPE_AT_A1.footer * s;
  const qrSize = LENGTHS_AT_A1.qr * s;
  const profileName = lang === 'zh' ? content.profile.name_zh : content.profile.name_en;

  const qrX = arrangement === 'column' ? x + (w - qrSize) / 2 : x;
  const qrY = y;
  const qrUrl = boardQrUrl(content, lang);
  const sym = qrSymbol(qrUrl, qrX, qrY, qrSize);
  items.push({ kind: 'rect', x: f1(qrX), y: f1(qrY), w: f1(qrSize), h: f1(qrSize), fill: '#ffffff' });
  items.push({ kind: 'path', d: sym.path, fill: '#000000' });
  const capCx = qrX + qrSize / 2;
  items.push(text(t.qrCaption, capCx, qrY + qrSize + body * 1.05, body, { weight: 'bold', anchor: 'middle' }));
  if (qrWarning.length) {
    qrWarning.forEach((line, i) => items.push(text(line, capCx, qrY + qrSize + body * 1.05 + foot * 1.45 * (i + 1), foot, { fill: ALERT, anchor: 'middle', weight: 'bold' })));
  } else {
    items.push(text(t.qrCaption2, capCx, qrY + qrSize + body * 1.05 + foot * 1.45, foot, { fill: INK_SOFT, anchor: 'middle' }));
  }
  const warningExtra = Math.max(0, qrWarning.length - 1) * foot * 1.45;

  let bx: number, by: number, bw: number;
  if (arrangement === 'column') { bx = x; by = qrY + qrSize + body * 1.4 + foot * 1.5 + warningExtra + gap; bw = w; } else { bx = x + qrSize + gap * 1.5; by = y; bw = (w - qrSize - gap * 3) * 0.42; }

  // Ring key: the three fills, and the profile they assume.
  items.push(text(t.ringKeyTitle, bx, by + head * 1.0, head, { weight: 'bold' }));
  let ry = by + head * 1.6;
  const minutes = [...content.minutes].sort((a, b) => a - b);
  minutes.forEach((m, i) => {
    const st = ringStyle(m, i, minutes.length);
    const sw = body * 2.2, sh = body * 1.2;
    items.push({ kind: 'rect', x: f1(bx), y: f1(ry), w: f1(sw), h: f1(sh), fill: st.fill, stroke: st.line, strokeWidth: f1(st.width * s), ...(st.dash ? { dash: st.dash.map((v) => v * s * 0.6) } : {}) });
    items.push(text(t.minutes(m), bx + sw + body * 0.4, baselineFor(ry + sh / 2, body), body, { weight: 'bold', fill: st.line }));
    ry += body * 1.6;
  });
  const note = t.ringNote(profileName, content.profile.speed_mps);
  const noteLines = wrapText(note, body, bw, 3);
  noteLines.forEach((line, i) => items.push(text(line, bx, ry + body * (0.9 + 1.3 * i), body, { fill: INK })));
  return { items, keyX: bx + bw + gap * 1.5, qr: { url: qrUrl, rect: { x: qrX, y: qrY, w: qrSize, h: qrSize }, modules: sym.modules } };
}

/** How many lines the row form of the category key needs across `w` (1, or 2 when a name would not fit). */
function categoryKeyLines(catalog: Catalog, lang: BoardLang, t: BoardMessages, s: number, w: number): number {
  const body = TYPE_AT_A1.body * s, chip = body * 1.25;
  const titleW = textWidth(t.categoryKeyTitle, body, 'bold') + body;
  const cell = (w - titleW) / catalog.categories.length;
  const widest = Math.max(...catalog.categories.map((c) => textWidth(categoryName(c, lang), body)));
  return chip + body * 0.7 + widest <= cell ? 1 : 2;
}

/** The category colour key: every category with the marker's colour and icon, in a row or a 2-column grid. */
function categoryKeyItems(catalog: Catalog, lang: BoardLang, t: BoardMessages, s: number, x: number, y: number, w: number, arrangement: 'row' | 'grid'): DrawItem[] {
  const items: DrawItem[] = [];
  const body = TYPE_AT_A1.body * s, head = TYPE_AT_A1.heading * s;
  const chip = body * 1.25;
  const cats = catalog.categories;
  const entry = (c: Category, cx: number, cy: number, maxW: number) => {
    items.push({ kind: 'circle', cx: f1(cx + chip / 2), cy: f1(cy + chip / 2), r: f1(chip / 2), fill: c.color });
    items.push(text(c.icon, cx + chip / 2, baselineFor(cy + chip / 2, body * 0.8), body * 0.8, { weight: 'bold', fill: textOn(c.color), anchor: 'middle' }));
    items.push(text(fitText(categoryName(c, lang), body, maxW - chip - body * 0.7), cx + chip + body * 0.3, baselineFor(cy + chip / 2, body), body));
  };
  if (arrangement === 'row') {
    const title = t.categoryKeyTitle;
    const titleW = textWidth(title, body, 'bold') + body;
    items.push(text(title, x, baselineFor(y + chip / 2, body), body, { weight: 'bold' }));
    const lines = categoryKeyLines(catalog, lang, t, s, w);
    const perLine = Math.ceil(cats.length / lines);
    const cell = (w - titleW) / perLine;
    cats.forEach((c, i) => entry(c, x + titleW + (i % perLine) * cell, y + Math.floor(i / perLine) * body * 1.6, cell));
  } else {
    items.push(text(t.categoryKeyTitle, x, y + head, head, { weight: 'bold' }));
    const perCol = Math.ceil(cats.length / 2);
    cats.forEach((c, i) => entry(c, x + (i >= perCol ? w / 2 : 0), y + head * 1.6 + (i % perCol) * body * 1.6, w / 2));
  }
  return items;
}

// ---- the map ---------------------------------------------------------------------------------------

/** Points along a polyline at distance `d` from its start. */
function pointAt(line: Pt[], cum: number[], d: number): Pt {
  let i = 1;
  while (i < line.length - 1 && cum[i] < d) i++;
  const seg = cum[i] - cum[i - 1] || 1;
  const f = Math.min(1, Math.max(0, (d - cum[i - 1]) / seg));
  return [line[i - 1][0] + f * (line[i][0] - line[i - 1][0]), line[i - 1][1] + f * (line[i][1] - line[i - 1][1])];
}

/** Join same-named ways end to end (in page coordinates) so a long street gets one long line to label. */
function chainByName(lines: { name: string; rank: number; pts: Pt[] }[]): { name: string; rank: number; pts: Pt[] }[] {
  const byName = new Map<string, { rank: number; pts: Pt[] }[]>();
  for (const l of lines) {
    if (!byName.has(l.name)) byName.set(l.name, []);
    byName.get(l.name)!.push({ rank: l.rank, pts: l.pts });
  }
  const out: { name: string; rank: number; pts: Pt[] }[] = [];
  const key = (p: Pt) => `${Math.round(p[0] * 2)},${Math.round(p[1] * 2)}`;
  for (const [name, parts] of byName) {
    const unused = new Set(parts.map((_, i) => i));
    while (unused.size) {
      const first = unused.values().next().value as number;
      unused.delete(first);
      let chain = parts[first].pts.slice();
      let rank = parts[first].rank;
      for (let grew = true; grew;) {
        grew = false;
        for (const i of unused) {
          const p = parts[i].pts;
          const [h, tl] = [key(chain[0]), key(chain[chain.length - 1])];
          if (key(p[0]) === tl) chain = chain.concat(p.slice(1));
          else if (key(p[p.length - 1]) === tl) chain = chain.concat(p.slice(0, -1).reverse());
          else if (key(p[p.length - 1]) === h) chain = p.slice(0, -1).concat(chain);
          else if (key(p[0]) === h) chain = p.slice(1).reverse().concat(chain);
          else continue;
          rank = Math.max(rank, parts[i].rank);
          unused.delete(i); grew = true;
        }
      }
      out.push({ name, rank, pts: chain });
    }
  }
  return out;
}

function lineLength(pts: Pt[]): number[] {
  const cum = [0];
  for (let i = 1; i < pts.length; i++) cum.push(cum[i - 1] + Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]));
  return cum;
}

/** Pick a "nice" scale-bar length (m) of about `target` metres. */
function niceMetres(target: number): number {
  const steps = [50, 100, 200, 250, 300, 500, 1000, 2000];
  let best = steps[0];
  for (const v of steps) if (v <= target) best = v;
  return best;
}

/** Records what d3-geo draws (after projection and clipping) as polylines in page points. */
class PolylineRecorder {
  lines: { pts: Pt[]; closed: boolean }[] = [];
  private current: Pt[] | null = null;
  moveTo(x: number, y: number): void { this.current = [[x, y]]; this.lines.push({ pts: this.current, closed: false }); }
  lineTo(x: number, y: number): void { this.current?.push([x, y]); }
  closePath(): void { if (this.lines.length) this.lines[this.lines.length - 1].closed = true; this.current = null; }
  arc(): void { /* points are not drawn through this path */ }
  rect(): void { /* unused */ }
}

/** Douglas–Peucker on page coordinates: vertices closer than `tol` to the simplified line go. */
function simplify(pts: Pt[], tol: number): Pt[] {
  if (pts.length <= 2) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack: [number, number][] = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = pts[a], [bx, by] = pts[b];
    const len = Math.hypot(bx - ax, by - ay);
    let worst = -1, worstD = tol;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = pts[i];
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
      if (d > worstD) { worstD = d; worst = i; }
    }
    if (worst > 0) { keep[worst] = 1; stack.push([a, worst], [worst, b]); }
  }
  return pts.filter((_, i) => keep[i]);
}

/**
 * Path data for a geometry, projected and clipped by d3-geo, simplified to `tol` points (far below
 * what print shows) and written with one decimal: rings from the travel-time grid have a vertex
 * every few metres, which is slow for the PDF writer and invisible on paper.
 */
function pathData(projection: GeoProjection, geometry: Geometry | Feature, tol: number): string {
  const rec = new PolylineRecorder();
  geoPath(projection, rec as unknown as CanvasRenderingContext2D)(geometry as Feature);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  let d = '';
  for (const line of rec.lines) {
    const pts = line.closed && line.pts.length > 3 ? simplify(line.pts.concat([line.pts[0]]), tol).slice(0, -1) : simplify(line.pts, tol);
    if (pts.length < 2) continue;
    d += `M${r1(pts[0][0])} ${r1(pts[0][1])}`;
    for (let i = 1; i < pts.length; i++) d += `L${r1(pts[i][0])} ${r1(pts[i][1])}`;
    if (line.closed) d += 'Z';
  }
  return d;
}

export function layoutBoard(plan: BoardPlan, streets: StreetWay[]): BoardLayout {
  const { page, content, catalog, projection, mapFrame: fr, lang } = plan;
  const t = BOARD_MESSAGES[lang];
  const s = page.scale;
  const tol = 0.4 * s;
  const path = (g: Geometry | Feature) => pathData(projection, g, tol);
  const mapItems: DrawItem[] = [];
  mapItems.push({ kind: 'rect', x: f1(fr.x), y: f1(fr.y), w: f1(fr.w), h: f1(fr.h), fill: MAP_BACKGROUND });

  // Rings, outermost first so nearer rings paint over farther ones.
  const rings = ringFeatures(content);
  rings.forEach((r, i) => {
    const d = path(r);
    if (d) mapItems.push({ kind: 'path', d, fill: ringStyle(r.properties.minutes, rings.length - 1 - i, rings.length).fill, evenOdd: true });
  });

  // Streets: casings, then fills, by rank so major roads sit on top; bridges last.
  const styled = streets.map((w) => ({ w, st: streetStyle(w.highway) }))
    .sort((a, b) => Number(a.w.bridge) - Number(b.w.bridge) || a.st.rank - b.st.rank);
  const drawn = styled.map(({ w, st }) => ({ w, st, d: path({ type: 'LineString', coordinates: w.coordinates }) }))
    .filter((x) => x.d);
  // One path per class and layer (ground, then bridges): a few dozen elements instead of hundreds.
  for (const bridge of [false, true]) {
    const groups = new Map<number, { st: ReturnType<typeof streetStyle>; d: string[] }>();
    for (const x of drawn) {
      if (x.w.bridge !== bridge) continue;
      if (!groups.has(x.st.rank)) groups.set(x.st.rank, { st: x.st, d: [] });
      groups.get(x.st.rank)!.d.push(x.d!);
    }
    const ranks = [...groups.keys()].sort((a, b) => a - b);
    for (const r of ranks) {
      const { st, d } = groups.get(r)!;
      if (st.casing === 'none') continue;
      mapItems.push({ kind: 'path', d: d.join(''), stroke: bridge ? '#8d8a84' : st.casing, strokeWidth: f1((st.width + 2 * st.casingWidth) * s), cap: 'round', join: 'round', fill: 'none' });
    }
    for (const r of ranks) {
      const { st, d } = groups.get(r)!;
      mapItems.push({
        kind: 'path', d: d.join(''), stroke: st.fill, strokeWidth: f1(st.width * s), cap: st.dash ? 'butt' : 'round', join: 'round', fill: 'none',
        ...(st.dash ? { dash: st.dash.map((v) => v * s) } : {}),
      });
    }
  }

  // Ring outlines over the streets.
  rings.forEach((r, i) => {
    const d = path(r);
    const st = ringStyle(r.properties.minutes, rings.length - 1 - i, rings.length);
    if (d) mapItems.push({ kind: 'path', d, fill: 'none', stroke: st.line, strokeWidth: f1(st.width * s), join: 'round', ...(st.dash ? { dash: st.dash.map((v) => v * s) } : {}) });
  });

  const index = new CollisionIndex({ x: fr.x + 2 * s, y: fr.y + 2 * s, w: fr.w - 4 * s, h: fr.h - 4 * s });
  const labels: PlacedLabel[] = [];
  const markers: PlacedMarker[] = [];
  const markerItemsOut: DrawItem[] = [];
  const leaderItems: DrawItem[] = [];

  // Map furniture first: north arrow (top right) and scale bar (bottom left) are obstacles.
  const furniture: DrawItem[] = [];
  {
    const size = TYPE_AT_A1.pointLabel * s;
    const ax = fr.x + fr.w - size * 1.8, ay = fr.y + size * 0.8;
    const aw = size * 1.1, ah = size * 1.5;
    furniture.push({ kind: 'rect', x: f1(ax - size * 0.6), y: f1(ay - size * 0.3), w: f1(aw + size * 0.6), h: f1(ah + size * 1.6), rx: f1(size * 0.3), fill: '#ffffff', stroke: RULE, strokeWidth: f1(1 * s) });
    const cx = ax - size * 0.6 + (aw + size * 0.6) / 2;
    furniture.push({ kind: 'path', d: `M${f1(cx)} ${f1(ay)}L${f1(cx + aw / 2)} ${f1(ay + ah)}L${f1(cx)} ${f1(ay + ah * 0.72)}L${f1(cx - aw / 2)} ${f1(ay + ah)}Z`, fill: INK });
    furniture.push(text(t.north, cx, ay + ah + size * 1.05, size, { weight: 'bold', anchor: 'middle' }));
    index.add(rectBox(ax - size * 0.6, ay - size * 0.3, aw + size * 0.6, ah + size * 1.6));

    // Scale bar: metres per point measured across the map's middle.
    const midY = fr.y + fr.h / 2;
    const a = projection.invert!([fr.x + fr.w * 0.25, midY])!, b = projection.invert!([fr.x + fr.w * 0.75, midY])!;
    const metresPerPt = haversineM(a[0], a[1], b[0], b[1]) / (fr.w * 0.5);
    const metres = niceMetres((fr.w * 0.22) * metresPerPt);
    const barW = metres / metresPerPt, barH = 7 * s;
    const sx = fr.x + size * 0.8, sy = fr.y + fr.h - size * 1.0;
    const boxX = sx - size * 0.4, boxY = sy - size * 1.7, boxW = barW + size * 0.8 + textWidth(t.metres(metres), size * 0.85), boxH = size * 2.3;
    furniture.push({ kind: 'rect', x: f1(boxX), y: f1(boxY), w: f1(boxW), h: f1(boxH), rx: f1(size * 0.3), fill: '#ffffff', stroke: RULE, strokeWidth: f1(1 * s) });
    furniture.push({ kind: 'rect', x: f1(sx), y: f1(sy - barH), w: f1(barW / 2), h: f1(barH), fill: INK });
    furniture.push({ kind: 'rect', x: f1(sx + barW / 2), y: f1(sy - barH), w: f1(barW / 2), h: f1(barH), fill: '#ffffff', stroke: INK, strokeWidth: f1(1.2 * s) });
    furniture.push(text('0', sx, sy - barH - size * 0.35, size * 0.85, { anchor: 'middle' }));
    furniture.push(text(t.metres(metres), sx + barW, sy - barH - size * 0.35, size * 0.85, { anchor: 'middle' }));
    index.add(rectBox(boxX, boxY, boxW + size * 0.4, boxH));
  }

  const labelItems: DrawItem[] = [];
  const halo = (size: number) => ({ color: '#ffffff', width: f1(size * 0.26) });

  // "You are here": a red disc at the site.
  const m = markerMetrics(s);
  const youAt = projection([content.site.lon, content.site.lat])!;
  const youR = m.h * 0.55;
  const youBox = rectBox(youAt[0] - youR, youAt[1] - youR, 2 * youR, 2 * youR);
  index.add(youBox);
  markers.push({ pointId: null, number: null, at: youAt as Pt, box: youBox, displaced: false });

  // The "you are here" callout: a red tag beside the disc.
  {
    const size = TYPE_AT_A1.pointLabel * s * 1.1;
    const w = textWidth(t.youAreHere, size, 'bold') + size * 0.9, h = size * 1.55;
    const g = youR * 0.5;
    const cands = [
      [youAt[0] - w / 2, youAt[1] - youR - g - h], [youAt[0] + youR + g, youAt[1] - h / 2], [youAt[0] - youR - g - w, youAt[1] - h / 2],
      [youAt[0] - w / 2, youAt[1] + youR + g], [youAt[0] + youR, youAt[1] - youR - h], [youAt[0] - youR - w, youAt[1] - youR - h],
      [youAt[0] + youR, youAt[1] + youR], [youAt[0] - youR - w, youAt[1] + youR],
    ].map(([x, y]) => rectBox(x, y, w, h));
    // Placed before the point markers, so only the frame can refuse it; then it is never dropped.
    let k = index.placeFirst(cands);
    if (k < 0) { k = 0; index.add(cands[0]); }
    const b = cands[k];
    labelItems.push({ kind: 'rect', x: f1(b.minX), y: f1(b.minY), w: f1(w), h: f1(h), rx: f1(h * 0.25), fill: ALERT, stroke: '#ffffff', strokeWidth: f1(2 * s) });
    labelItems.push(text(t.youAreHere, b.minX + w / 2, baselineFor(b.minY + h / 2, size), size, { weight: 'bold', fill: '#ffffff', anchor: 'middle' }));
    labels.push({ kind: 'you', text: t.youAreHere, box: b });
  }

  // Point markers, nearest first: at the point if free, else on the nearest free spot of a spiral
  // around it, with a leader line back to the true position.
  const order = content.rows.slice().sort((a, b) => a.walk_min - b.walk_min || a.number - b.number);
  const markerAt = new Map<number, Box>();
  for (const row of order) {
    const at = projection([row.lon, row.lat]);
    if (!at) continue;
    const w = markerWidth(m, row.number);
    const cat = categoryOf(catalog, row.category_id);
    let placed: Box | undefined;
    let displaced = false;
    const candidates: Pt[] = [[at[0], at[1]]];
    for (let r = 0.7; r <= 8; r += 0.45) {
      const steps = Math.max(8, Math.round(r * 10));
      for (let k = 0; k < steps; k++) {
        const ang = (k / steps) * 2 * Math.PI - Math.PI / 2;
        candidates.push([at[0] + Math.cos(ang) * r * m.h * 1.1, at[1] + Math.sin(ang) * r * m.h]);
      }
    }
    for (const [cx, cy] of candidates) {
      const box = rectBox(cx - w / 2, cy - m.h / 2, w, m.h);
      if (index.fits(box)) { placed = box; displaced = cx !== at[0] || cy !== at[1]; break; }
    }
    if (!placed) { placed = rectBox(at[0] - w / 2, at[1] - m.h / 2, w, m.h); displaced = false; }
    index.add(placed);
    markerAt.set(row.point_id, placed);
    markers.push({ pointId: row.point_id, number: row.number, at: at as Pt, box: placed, displaced });
    if (displaced) {
      const mx = (placed.minX + placed.maxX) / 2, my = (placed.minY + placed.maxY) / 2;
      leaderItems.push({ kind: 'path', d: `M${f1(at[0])} ${f1(at[1])}L${f1(mx)} ${f1(my)}`, stroke: INK_SOFT, strokeWidth: f1(1.6 * s), fill: 'none' });
      leaderItems.push({ kind: 'circle', cx: f1(at[0]), cy: f1(at[1]), r: f1(4.5 * s), fill: cat.color, stroke: '#ffffff', strokeWidth: f1(1.5 * s) });
      const dot = rectBox(at[0] - 5 * s, at[1] - 5 * s, 10 * s, 10 * s);
      index.add(dot);
    }
    markerItemsOut.push(...markerItems(m, placed.minX, placed.minY, row.number, cat, s));
  }


  // Ring labels: "5分钟" on each ring's outline, at the first free spot, preferring the top.
  for (const r of rings.slice().reverse()) {
    const size = TYPE_AT_A1.ringLabel * s;
    const label = t.minutes(r.properties.minutes);
    const w = textWidth(label, size, 'bold') + size * 0.4, h = size * 1.2;
    const outer = largestOuterRing(r.geometry).map((c) => projection(c as [number, number])).filter(Boolean) as Pt[];
    if (outer.length < 3) continue;
    const cum = lineLength(outer);
    const total = cum[cum.length - 1];
    const samples: Pt[] = [];
    for (let k = 0; k < 48; k++) samples.push(pointAt(outer, cum, (k / 48) * total));
    samples.sort((a, b) => a[1] - b[1] || a[0] - b[0]); // topmost first: labels read like a contour key
    const cands = samples.map(([x, y]) => rectBox(x - w / 2, y - h / 2, w, h));
    const k = index.placeFirst(cands);
    if (k < 0) continue;
    const b = cands[k];
    labelItems.push(text(label, (b.minX + b.maxX) / 2, baselineFor((b.minY + b.maxY) / 2, size), size, { weight: 'bold', fill: ringColor(r.properties.minutes).line, anchor: 'middle', halo: halo(size) }));
    labels.push({ kind: 'ring', text: label, box: b });
  }

  // Point names beside their markers (nearest points first); a name that finds no free place is
  // left out and the marker's number (and the legend) carries it.
  const numberOnly: number[] = [];
  for (const row of order) {
    const mb = markerAt.get(row.point_id);
    if (!mb) continue;
    const size = TYPE_AT_A1.pointLabel * s;
    const name = fitText(printable(row.name), size, size * 10);
    const w = textWidth(name, size) + size * 0.3, h = size * 1.2;
    const cands: Box[] = [];
    for (const g of [0.2 * size, 0.7 * size]) {
      const cy = (mb.minY + mb.maxY) / 2, cx = (mb.minX + mb.maxX) / 2;
      cands.push(
        rectBox(mb.maxX + g, cy - h / 2, w, h), rectBox(mb.minX - g - w, cy - h / 2, w, h),
        rectBox(cx - w / 2, mb.minY - g - h, w, h), rectBox(cx - w / 2, mb.maxY + g, w, h),
        rectBox(mb.maxX + g * 0.5, mb.minY - h - g * 0.5, w, h), rectBox(mb.maxX + g * 0.5, mb.maxY + g * 0.5, w, h),
        rectBox(mb.minX - w - g * 0.5, mb.minY - h - g * 0.5, w, h), rectBox(mb.minX - w - g * 0.5, mb.maxY + g * 0.5, w, h),
      );
    }
    const k = index.placeFirst(cands);
    if (k < 0) { numberOnly.push(row.point_id); continue; }
    const b = cands[k];
    labelItems.push(text(name, b.minX + size * 0.15, baselineFor((b.minY + b.maxY) / 2, size), size, { fill: INK, halo: halo(size) }));
    labels.push({ kind: 'point', text: name, box: b, pointId: row.point_id });
  }

  // Street names along straight stretches of their streets, major streets first, near the site first.
  {
    const size = TYPE_AT_A1.streetLabel * s;
    const named = streets.filter((w) => w.name && w.name.trim()).map((w) => ({
      name: printable(w.name!), rank: streetStyle(w.highway).rank,
      // Unclipped: parts outside the frame are refused by the collision index's area test.
      pts: w.coordinates.map((c) => projection(c as [number, number]) as Pt),
    })).filter((l) => l.name);
    const chains = chainByName(named).map((c) => ({ ...c, cum: lineLength(c.pts) }))
      .sort((a, b) => b.rank - a.rank || b.cum[b.cum.length - 1] - a.cum[a.cum.length - 1]);
    const placedAt = new Map<string, Pt[]>();
    const spacing = Math.hypot(fr.w, fr.h) * 0.33;
    for (const chain of chains) {
      const w = textWidth(chain.name, size) + size * 0.5, h = size * 1.15;
      const total = chain.cum[chain.cum.length - 1];
      if (total < w * 1.05) continue;
      const already = placedAt.get(chain.name) ?? [];
      if (already.length >= 2) continue;
      const cands: { box: Box; c: Pt; angle: number; score: number }[] = [];
      const step = Math.max(w / 4, 6 * s);
      for (let d = w / 2; d <= total - w / 2; d += step) {
        const a = pointAt(chain.pts, chain.cum, d - w / 2), b = pointAt(chain.pts, chain.cum, d + w / 2);
        // Straight enough: every vertex between a and b within a fifth of the text height of the chord.
        const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
        if (len < w * 0.92) continue;
        let straight = true;
        for (let i = 0; i < chain.pts.length; i++) {
          if (chain.cum[i] <= d - w / 2 || chain.cum[i] >= d + w / 2) continue;
          const [px, py] = chain.pts[i];
          const dev = Math.abs((b[0] - a[0]) * (a[1] - py) - (a[0] - px) * (b[1] - a[1])) / len;
          if (dev > h * 0.2) { straight = false; break; }
        }
        if (!straight) continue;
        let angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
        if (angle > Math.PI / 2) angle -= Math.PI;
        if (angle < -Math.PI / 2) angle += Math.PI;
        const c: Pt = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        if (already.some((p) => Math.hypot(p[0] - c[0], p[1] - c[1]) < spacing)) continue;
        cands.push({ box: rotatedBox(c[0], c[1], w, h, angle), c, angle, score: Math.hypot(c[0] - youAt[0], c[1] - youAt[1]) });
      }
      cands.sort((x, y) => x.score - y.score);
      for (const cand of cands) {
        if (already.some((p) => Math.hypot(p[0] - cand.c[0], p[1] - cand.c[1]) < spacing)) continue;
        if (!index.fits(cand.box)) continue;
        index.add(cand.box);
        already.push(cand.c);
        placedAt.set(chain.name, already);
        labelItems.push(text(chain.name, cand.c[0], baselineFor(cand.c[1], size), size, {
          fill: INK_SOFT, anchor: 'middle', rotate: f1((cand.angle * 180) / Math.PI), origin: [f1(cand.c[0]), f1(cand.c[1])], halo: halo(size),
        }));
        labels.push({ kind: 'street', text: chain.name, box: cand.box });
        if (already.length >= 2) break;
      }
    }
  }

  mapItems.push(...leaderItems, ...markerItemsOut);
  // The you-are-here disc above the markers.
  mapItems.push({ kind: 'circle', cx: f1(youAt[0]), cy: f1(youAt[1]), r: f1(youR), fill: ALERT, stroke: '#ffffff', strokeWidth: f1(3 * s) });
  mapItems.push({ kind: 'circle', cx: f1(youAt[0]), cy: f1(youAt[1]), r: f1(youR * 0.35), fill: '#ffffff' });
  mapItems.push(...labelItems, ...furniture);
  mapItems.push({ kind: 'rect', x: f1(fr.x), y: f1(fr.y), w: f1(fr.w), h: f1(fr.h), fill: 'none', stroke: INK, strokeWidth: f1(2 * s) });

  return { ...plan, mapItems, labels, markers, numberOnly };
}

function largestOuterRing(g: MultiPolygon | Polygon): Position[] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best: Position[] = [], bestN = -1;
  for (const p of polys) if (p[0] && p[0].length > bestN) { best = p[0]; bestN = p[0].length; }
  return best;
}

/** Every pair of placed label boxes and every label/marker pair that overlap (for tests and checks). */
export function layoutCollisions(layout: Pick<BoardLayout, 'labels' | 'markers'>): string[] {
  const out: string[] = [];
  const { labels, markers } = layout;
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      if (boxesOverlap(labels[i].box, labels[j].box)) out.push(`label "${labels[i].text}" × label "${labels[j].text}"`);
    }
    for (const mk of markers) {
      if (boxesOverlap(labels[i].box, mk.box)) out.push(`label "${labels[i].text}" × marker ${mk.number ?? 'you'}`);
    }
  }
  return out;
}
