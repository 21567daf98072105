// The board's panel beside the map: the QR code with its caption (or the warning that its address
// cannot reach phones), the ring key naming the walking profile, and the category colour key.
import type { Catalog, Category } from '../catalog.ts';
import type { Rect } from './collisions.ts';
import { boardQrUrl, type BoardContent } from './content.ts';
import { baselineFor, categoryName, f1, text, type DrawItem } from './displayList.ts';
import { fitText, textWidth, wrapText } from './fonts.ts';
import type { BoardLang, BoardMessages } from './messages.ts';
import { LENGTHS_AT_A1, TYPE_AT_A1 } from './paper.ts';
import { qrSymbol } from './qr.ts';
import { boardTimeLabel } from './boardTime.ts';
import { ALERT, INK, INK_SOFT, ringStyle, textOn } from './style.ts';

/** Height the portrait side panel needs (QR block and ring key). */
export function sidePanelHeight(s: number): number {
  const body = TYPE_AT_A1.body * s, head = TYPE_AT_A1.heading * s, gap = LENGTHS_AT_A1.gap * s;
  const qrBlock = LENGTHS_AT_A1.qr * s + body * 1.4 + TYPE_AT_A1.footer * s * 1.5;
  const ringBlock = head * 1.6 + 3 * body * 1.6 + 3 * body * 1.3;
  return qrBlock + gap + ringBlock;
}

/** The QR code at (qrX, qrY) and its caption lines (the warning in red in place of the second line). */
function qrBlockItems(qrUrl: string, qrX: number, qrY: number, s: number, t: BoardMessages, qrWarning: string[]) {
  const items: DrawItem[] = [];
  const body = TYPE_AT_A1.body * s, foot = TYPE_AT_A1.footer * s;
  const qrSize = LENGTHS_AT_A1.qr * s;
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
  return { items, modules: sym.modules };
}

/** The ring key at (bx, by), `bw` wide: the fills of the rings, then the profile they assume. */
function ringKeyItems(content: BoardContent, lang: BoardLang, t: BoardMessages, s: number, bx: number, by: number, bw: number): DrawItem[] {
  const items: DrawItem[] = [];
  const body = TYPE_AT_A1.body * s, head = TYPE_AT_A1.heading * s;
  const profileName = lang === 'zh' ? content.profile.name_zh : content.profile.name_en;
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
  const note = t.ringNote(profileName, content.profile.speed_mps, boardTimeLabel(content.drawnFor, lang));
  const noteLines = wrapText(note, body, bw, 3);
  noteLines.forEach((line, i) => items.push(text(line, bx, ry + body * (0.9 + 1.3 * i), body, { fill: INK })));
  return items;
}

/** The QR code with its caption, and the ring key naming the walking profile. */
export function sidePanelItems(content: BoardContent, lang: BoardLang, t: BoardMessages, s: number,
  x: number, y: number, w: number, arrangement: 'column' | 'row', qrWarning: string[]) {
  const body = TYPE_AT_A1.body * s, gap = LENGTHS_AT_A1.gap * s, foot = TYPE_AT_A1.footer * s;
  const qrSize = LENGTHS_AT_A1.qr * s;
  const qrX = arrangement === 'column' ? x + (w - qrSize) / 2 : x;
  const qrY = y;
  const qrUrl = boardQrUrl(content, lang);
  const qr = qrBlockItems(qrUrl, qrX, qrY, s, t, qrWarning);
  const warningExtra = Math.max(0, qrWarning.length - 1) * foot * 1.45;

  let bx: number, by: number, bw: number;
  if (arrangement === 'column') { bx = x; by = qrY + qrSize + body * 1.4 + foot * 1.5 + warningExtra + gap; bw = w; } else { bx = x + qrSize + gap * 1.5; by = y; bw = (w - qrSize - gap * 3) * 0.42; }
  const items = [...qr.items, ...ringKeyItems(content, lang, t, s, bx, by, bw)];
  const rect: Rect = { x: qrX, y: qrY, w: qrSize, h: qrSize };
  return { items, keyX: bx + bw + gap * 1.5, qr: { url: qrUrl, rect, modules: qr.modules } };
}

/** How many lines the row form of the category key needs across `w` (1, or 2 when a name would not fit). */
export function categoryKeyLines(catalog: Catalog, lang: BoardLang, t: BoardMessages, s: number, w: number): number {
  const body = TYPE_AT_A1.body * s, chip = body * 1.25;
  const titleW = textWidth(t.categoryKeyTitle, body, 'bold') + body;
  const cell = (w - titleW) / catalog.categories.length;
  const widest = Math.max(...catalog.categories.map((c) => textWidth(categoryName(c, lang), body)));
  return chip + body * 0.7 + widest <= cell ? 1 : 2;
}

/** The category colour key: every category with the marker's colour and icon, in a row or a 2-column grid. */
export function categoryKeyItems(catalog: Catalog, lang: BoardLang, t: BoardMessages, s: number, x: number, y: number, w: number, arrangement: 'row' | 'grid'): DrawItem[] {
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
