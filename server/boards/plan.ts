// Planning the board's page: the header, the legend table, the side panel and the footer placed around
// the map frame, and the map projection fitted to the 15-minute ring. The map itself is drawn by
// mapFrame.ts once the streets inside the planned extent are known.
import type { GeoProjection } from 'd3-geo';
import type { Catalog } from '../catalog.ts';
import type { Pt, Rect } from './collisions.ts';
import type { BoardContent, BoardRow } from './content.ts';
import { baselineFor, categoryName, categoryOf, f1, text, type DrawItem } from './displayList.ts';
import { fitText, printable, textWidth, wrapText } from './fonts.ts';
import { splitColumns, tableGeometry, tableHeight, tableItems, type TableGeometry } from './legendTable.ts';
import { fitMapProjection } from './mapGeometry.ts';
import { BOARD_MESSAGES, type BoardLang, type BoardMessages } from './messages.ts';
import { LENGTHS_AT_A1, TYPE_AT_A1, type Page } from './paper.ts';
import { qrProblems, qrWarningLine } from './publicUrl.ts';
import { categoryKeyItems, categoryKeyLines, sidePanelHeight, sidePanelItems } from './sidePanel.ts';
import { ACCENT, ALERT, INK_SOFT, PAPER, RULE } from './style.ts';

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

/** What every part of the page plan shares: the messages, the scale and the page's margins. */
interface PageFrame {
  page: Page; lang: BoardLang; t: BoardMessages; s: number;
  margin: number; gap: number; contentW: number; portrait: boolean;
}

/** Header: "<name> 15分钟综合服务圈", then street · community · gate, and the sample banner. Returns its bottom. */
function headerItems(f: PageFrame, content: BoardContent, items: DrawItem[]): number {
  const { t, s, margin, gap, contentW, lang } = f;
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
  return headerBottom;
}

interface LegendChoice { cols: number; size: number; g: TableGeometry; runs: [number, number][]; h: number }

/** The room the legend must leave, and what it needs around the table. */
interface LegendRoom {
  legendW: number; bodyH: number; keyRowH: number; minMapH: number; headingH: number; notesH: number;
}

const fitsRoom = (f: PageFrame, r: LegendRoom, h: number) =>
  (f.portrait ? r.bodyH - r.keyRowH - h - f.gap >= r.minMapH : h <= r.bodyH);

/**
 * Legend: try sizes and column counts until the map keeps enough room; the rows never change order.
 * Still too many rows (hundreds of points): list what fits, and say the rest is on the phone page.
 */
function chooseLegend(f: PageFrame, r: LegendRoom, rows: BoardRow[], catalog: Catalog): { legend: LegendChoice; shownRows: number } {
  const { s, gap, portrait, lang, t } = f;
  const options: { cols: number; size: number }[] = portrait
    ? [{ cols: 1, size: TYPE_AT_A1.body }, { cols: 1, size: (TYPE_AT_A1.body + TYPE_AT_A1.bodyMin) / 2 }, { cols: 1, size: TYPE_AT_A1.bodyMin }, { cols: 2, size: TYPE_AT_A1.bodyMin }]
    : [{ cols: 1, size: TYPE_AT_A1.body }, { cols: 1, size: (TYPE_AT_A1.body + TYPE_AT_A1.bodyMin) / 2 }, { cols: 1, size: TYPE_AT_A1.bodyMin }];
  let chosen: LegendChoice | undefined;
  for (const o of options) {
    const size = o.size * s;
    const colW = (r.legendW - (o.cols - 1) * gap) / o.cols;
    const g = tableGeometry(rows, colW, size, s, catalog, lang, t);
    const runs = splitColumns(g, rows.length, o.cols);
    const h = r.headingH + Math.max(...runs.map(([a, b]) => tableHeight(g, a, b))) + r.notesH;
    chosen = { ...o, g, runs, h };
    if (fitsRoom(f, r, h)) break;
  }
  const legend = chosen!;
  let shownRows = rows.length;
  if (!fitsRoom(f, r, legend.h)) {
    const room = portrait ? r.bodyH - r.keyRowH - gap - r.minMapH : r.bodyH;
    const g = legend.g;
    const perCol = room - r.headingH - r.notesH - TYPE_AT_A1.body * s * 1.5 - g.headerH;
    let used = 0, n = 0;
    while (n < rows.length && used + g.rowHeights[n] <= perCol * legend.cols) { used += g.rowHeights[n]; n++; }
    shownRows = n;
    legend.runs = splitColumns(g, n, legend.cols);
    legend.h = room;
  }
  return { legend, shownRows };
}

/** Legend heading with the per-category limit, the table(s), then the "more not listed" notes. */
function legendItems(f: PageFrame, content: BoardContent, catalog: Catalog, legend: LegendChoice, shownRows: number,
  at: { x: number; y: number; w: number; headingH: number }, items: DrawItem[]): void {
  const { t, s, gap, lang } = f;
  const rows = content.rows;
  const headingSize = TYPE_AT_A1.heading * s;
  const headBase = at.y + headingSize * 1.05;
  items.push(text(t.legendTitle, at.x, headBase, headingSize, { weight: 'bold' }));
  const limitSize = TYPE_AT_A1.body * s * 0.9;
  items.push(text(`（${t.limitNote(content.perCategoryLimit)}）`, at.x + textWidth(t.legendTitle, headingSize, 'bold') + headingSize * 0.3, headBase, limitSize, { fill: INK_SOFT }));
  const tableTop = at.y + at.headingH;
  const colW = (at.w - (legend.cols - 1) * gap) / legend.cols;
  if (rows.length === 0) {
    items.push(text(t.emptyLegend, at.x, baselineFor(tableTop + legend.g.headerH / 2, legend.g.size), legend.g.size, { fill: INK_SOFT }));
  } else {
    legend.runs.forEach(([a, b], k) => items.push(...tableItems(legend.g, rows, a, b, at.x + k * (colW + gap), tableTop, s, catalog, t)));
  }
  const tableBottom = tableTop + Math.max(...legend.runs.map(([a, b]) => tableHeight(legend.g, a, b)));
  const noteParts = Object.entries(content.omitted).map(([cat, n]) => t.omitted(categoryName(categoryOf(catalog, cat), lang), n));
  const overflow = rows.length - shownRows;
  if (overflow > 0) noteParts.push(lang === 'zh' ? `另有 ${overflow} 处未能列入本表` : `${overflow} more not in this table`);
  if (noteParts.length) {
    const note = noteParts.join(lang === 'zh' ? '；' : '; ') + (lang === 'zh' ? '。扫码查看全部。' : '. Scan the QR code for all.');
    items.push(text(fitText(note, TYPE_AT_A1.body * s * 0.9, at.w), at.x, tableBottom + TYPE_AT_A1.body * s * 1.2, TYPE_AT_A1.body * s * 0.9, { fill: ALERT }));
  }
}

/** Footer: a rule, then data date · version · limit and the site · profile · paper, then the attribution. */
function footerItems(f: PageFrame, content: BoardContent, lines: { top: number; line1: number; line2: number }, items: DrawItem[]): void {
  const { t, s, margin, contentW, page, lang } = f;
  const footSize = TYPE_AT_A1.footer * s;
  const profileName = lang === 'zh' ? content.profile.name_zh : content.profile.name_en;
  items.push({ kind: 'path', d: `M${f1(margin)} ${f1(lines.top)}h${f1(contentW)}`, stroke: RULE, strokeWidth: f1(1.5 * s) });
  const footLeft = [t.dataDate(content.dataDate), t.version(content.version), t.limitNote(content.perCategoryLimit)].join('  ·  ');
  items.push(text(footLeft, margin, lines.line1, footSize, { fill: INK_SOFT }));
  const paperLabel = `${page.size} ${page.orientation === 'portrait' ? (lang === 'zh' ? '纵向' : 'portrait') : (lang === 'zh' ? '横向' : 'landscape')}`;
  items.push(text(`#${content.site.id} · ${profileName} · ${paperLabel}`, margin + contentW, lines.line1, footSize, { fill: INK_SOFT, anchor: 'end' }));
  items.push(text(t.attribution, margin, lines.line2, footSize, { fill: INK_SOFT }));
  if (content.containsSample) items.push(text(t.sampleBanner, margin + contentW, lines.line2, footSize, { fill: ALERT, anchor: 'end', weight: 'bold' }));
}

/** The sample watermark: large, turned, translucent, over the map and (for a long list) over the legend. */
function watermarkItems(f: PageFrame, spots: Pt[]): DrawItem[] {
  const wm = TYPE_AT_A1.watermark * f.s * (f.lang === 'zh' ? 1 : 0.55);
  return spots.map(([cx, cy]) => text(f.t.sample, cx, cy + wm * 0.36, wm, { weight: 'bold', fill: ALERT, anchor: 'middle', rotate: -24, opacity: 0.13 }));
}

/** The regions of the body: the map frame, the legend's top left and the side panel's place. */
function bodyRegions(f: PageFrame, body: { top: number; bottom: number; h: number }, legendH: number, keyRowH: number, stripH: number, landscapeMapW: number) {
  const { margin, gap, contentW, s } = f;
  const sidePanelW = LENGTHS_AT_A1.sidePanel * s;
  if (f.portrait) {
    const mapH = body.h - keyRowH - legendH - gap;
    return {
      mapFrame: { x: margin, y: body.top, w: contentW - sidePanelW - gap, h: mapH },
      legendX: margin, legendY: body.top + mapH + keyRowH + gap,
      side: { x: margin + contentW - sidePanelW, y: body.top, w: sidePanelW, layout: 'column' as const },
    };
  }
  return {
    mapFrame: { x: margin, y: body.top, w: landscapeMapW, h: body.h - stripH - gap },
    legendX: margin + landscapeMapW + gap, legendY: body.top,
    side: { x: margin, y: body.bottom - stripH, w: landscapeMapW, layout: 'row' as const },
  };
}

export function planBoard(content: BoardContent, page: Page, lang: BoardLang, catalog: Catalog): BoardPlan {
  const s = page.scale;
  const margin = LENGTHS_AT_A1.margin * s;
  const f: PageFrame = {
    page, lang, t: BOARD_MESSAGES[lang], s, margin, gap: LENGTHS_AT_A1.gap * s,
    contentW: page.width - 2 * margin, portrait: page.orientation === 'portrait',
  };
  const { t, gap, contentW, portrait } = f;
  const items: DrawItem[] = [];
  items.push({ kind: 'rect', x: 0, y: 0, w: f1(page.width), h: f1(page.height), fill: PAPER });
  const headerBottom = headerItems(f, content, items);

  // Footer: two lines at the bottom margin.
  const footSize = TYPE_AT_A1.footer * s;
  const footLine2 = page.height - margin;
  const footLine1 = footLine2 - footSize * 1.5;
  const footerTop = footLine1 - footSize * 1.3;
  const body = { top: headerBottom + gap, bottom: footerTop - gap * 0.5, h: 0 };
  body.h = body.bottom - body.top;

  // Landscape: the map with a strip (QR, ring key, category key) under it on the left, the legend
  // the full height of the page on the right.
  const landscapeMapW = Math.round(contentW * 0.44);
  const legendW = portrait ? contentW : contentW - landscapeMapW - gap;
  // An unreachable QR address is said in red under the code, in place of its second caption line;
  // the panel grows by the lines that need.
  const qrCodes = qrProblems(content.mobileUrl);
  const qrWarning = qrCodes.length
    ? wrapText(qrWarningLine(qrCodes, lang), footSize, portrait ? LENGTHS_AT_A1.sidePanel * s : LENGTHS_AT_A1.qr * s + gap, 3, 'bold') : [];
  const warningExtra = Math.max(0, qrWarning.length - 1) * footSize * 1.45;
  const stripH = (LENGTHS_AT_A1.qr + 70) * s + warningExtra;
  // Portrait: the category key runs across the page under the map, in one row (two when the names are long).
  const keyLines = portrait ? categoryKeyLines(catalog, lang, t, s, contentW) : 0;
  const room: LegendRoom = {
    legendW, bodyH: body.h,
    keyRowH: portrait ? keyLines * TYPE_AT_A1.body * s * 1.6 + gap * 0.6 : 0,
    minMapH: portrait ? sidePanelHeight(s) + warningExtra : 0,
    headingH: TYPE_AT_A1.heading * s * 1.7,
    notesH: Object.keys(content.omitted).length ? TYPE_AT_A1.body * s * 1.5 : 0,
  };
  const { legend, shownRows } = chooseLegend(f, room, content.rows, catalog);

  const { mapFrame, legendX, legendY, side } = bodyRegions(f, body, legend.h, room.keyRowH, stripH, landscapeMapW);
  legendItems(f, content, catalog, legend, shownRows, { x: legendX, y: legendY, w: legendW, headingH: room.headingH }, items);

  // Side panel: QR code, ring key (naming the profile), category colour key.
  const panel = sidePanelItems(content, lang, t, s, side.x, side.y, side.w, side.layout, qrWarning);
  items.push(...panel.items);
  if (portrait) {
    items.push(...categoryKeyItems(catalog, lang, t, s, margin, mapFrame.y + mapFrame.h + gap * 0.6, contentW, 'row'));
  } else {
    items.push(...categoryKeyItems(catalog, lang, t, s, panel.keyX, side.y, side.x + side.w - panel.keyX, 'grid'));
  }
  footerItems(f, content, { top: footerTop, line1: footLine1, line2: footLine2 }, items);

  const overlay: DrawItem[] = [];
  if (content.containsSample) {
    const spots: Pt[] = [[mapFrame.x + mapFrame.w / 2, mapFrame.y + mapFrame.h / 2]];
    if (content.rows.length > 6) spots.push([legendX + legendW / 2, legendY + legend.h / 2]);
    overlay.push(...watermarkItems(f, spots));
  }

  // Projection: fit the largest ring, the listed points and the site, with room for markers.
  const { projection, bbox } = fitMapProjection(content, mapFrame, s);
  return {
    page, lang, content, catalog, items, overlay, mapFrame, projection, bbox,
    legendPointIds: content.rows.slice(0, shownRows).map((r) => r.point_id),
    legendOverflow: content.rows.length - shownRows,
    legendFontSize: legend.g.size,
    legendColumns: legend.cols,
    qr: panel.qr,
    qrWarning,
  };
}
