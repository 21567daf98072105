// The legend table: one row per listed point (number, name, category, minutes, address, phone, hours),
// its column widths fitted to the room, long cells wrapped, and split into side-by-side runs when asked.
import type { Catalog } from '../catalog.ts';
import type { BoardRow } from './content.ts';
import { baselineFor, categoryName, categoryOf, f1, text, type DrawItem } from './displayList.ts';
import { printable, textWidth, wrapText } from './fonts.ts';
import { markerItems, markerMetrics, markerWidth } from './markers.ts';
import { formatOpeningHours, type BoardLang, type BoardMessages } from './messages.ts';
import { TYPE_AT_A1 } from './paper.ts';
import { ACCENT, HEADER_SHADE, INK, ROW_SHADE, RULE } from './style.ts';

type Column = 'number' | 'name' | 'category' | 'minutes' | 'address' | 'phone' | 'hours';
const COLUMNS: Column[] = ['number', 'name', 'category', 'minutes', 'address', 'phone', 'hours'];
const FLEXIBLE = new Set<Column>(['name', 'address', 'hours']);

export interface TableGeometry {
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

/** The table's marker pills are sized from its font size. */
const tableMarkerScale = (size: number, s: number) => s * (size / (TYPE_AT_A1.body * s)) * 0.9;

/** Each column's natural width: its widest cell or header, plus padding. */
function naturalWidths(rows: BoardRow[], texts: Record<Column, string>[], size: number, padX: number, s: number, t: BoardMessages): Record<Column, number> {
  const m = markerMetrics(tableMarkerScale(size, s));
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
  return natural;
}

/** Fit the columns into `width`: fixed columns keep their natural width, the flexible ones share the rest. */
function fittedWidths(natural: Record<Column, number>, width: number, size: number, padX: number): Record<Column, number> {
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
    return widths;
  }
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
  return widths;
}

export function tableGeometry(rows: BoardRow[], width: number, size: number, s: number, catalog: Catalog, lang: BoardLang, t: BoardMessages): TableGeometry {
  const lineH = size * 1.2, padX = size * 0.4, padY = size * 0.22;
  const texts = rows.map((r) => Object.fromEntries(COLUMNS.map((c) => [c, cellText(r, c, catalog, lang, t)])) as Record<Column, string>);
  const widths = fittedWidths(naturalWidths(rows, texts, size, padX, s, t), width, size, padX);
  const cells = texts.map((tx) => Object.fromEntries(COLUMNS.map((c) => {
    if (!FLEXIBLE.has(c)) return [c, [tx[c]]];
    return [c, wrapText(tx[c], size, widths[c] - 2 * padX, 2, c === 'name' ? 'bold' : 'regular')];
  })) as Record<Column, string[]>);
  const rowHeights = cells.map((c) => Math.max(...COLUMNS.map((k) => c[k].length)) * lineH + 2 * padY);
  const headerH = lineH + 2 * padY;
  return { size, lineH, padX, padY, widths, cells, rowHeights, headerH };
}

export function tableHeight(g: TableGeometry, from: number, to: number): number {
  let h = g.headerH;
  for (let i = from; i < to; i++) h += g.rowHeights[i];
  return h;
}

/** Split rows into `k` runs of about equal height (rows keep their order, top to bottom then left to right). */
export function splitColumns(g: TableGeometry, n: number, k: number): [number, number][] {
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

/** The cells of row `i`, its top at `top`, the table's left edge at `x`. */
function rowCellItems(g: TableGeometry, row: BoardRow, i: number, x: number, top: number, s: number, catalog: Catalog): DrawItem[] {
  const items: DrawItem[] = [];
  const cat = categoryOf(catalog, row.category_id);
  const m = markerMetrics(tableMarkerScale(g.size, s));
  let cx = x;
  for (const c of COLUMNS) {
    const lines = g.cells[i][c];
    if (c === 'number') {
      items.push(...markerItems(m, cx + g.padX, top + (g.lineH - m.h) / 2, row.number, cat, tableMarkerScale(g.size, s)));
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
  return items;
}

/** Rows `from`…`to` as a table with its header row, top left at (x, y); every other row shaded. */
export function tableItems(g: TableGeometry, rows: BoardRow[], from: number, to: number, x: number, y: number, s: number,
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
  for (let i = from; i < to; i++) {
    const h = g.rowHeights[i];
    if ((i - from) % 2 === 1) items.push({ kind: 'rect', x: f1(x), y: f1(cy), w: f1(width), h: f1(h), fill: ROW_SHADE });
    items.push(...rowCellItems(g, rows[i], i, x, cy + g.padY, s, catalog));
    cy += h;
    items.push({ kind: 'path', d: `M${f1(x)} ${f1(cy)}h${f1(width)}`, stroke: RULE, strokeWidth: f1(1 * s) });
  }
  return items;
}
