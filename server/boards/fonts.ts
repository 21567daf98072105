// The one typeface of the boards: Noto Sans SC (regular and bold) from @expo-google-fonts/noto-sans-sc,
// which arrives with `npm install`, so printing needs no system font. This module measures text for
// the layout and makes every PDF draw glyphs with exactly those widths.
//
// Why glyph-by-glyph: fontkit shapes each distinct string through Noto's large GSUB/GPOS tables
// (≈0.6 ms a string, and a board has hundreds). Board text needs no shaping — ideographs have no
// ligatures and Latin kerning is invisible at these sizes — so widths come straight from the cmap
// and the horizontal metrics, both when measuring and when the PDF is written.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);

export const BOARD_FONT_FAMILY = 'Noto Sans SC';
export const FONT_REGULAR = 'NotoSansSC-Regular';
export const FONT_BOLD = 'NotoSansSC-Bold';
export type Weight = 'regular' | 'bold';

const FONT_FILES: Record<Weight, string> = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};

let buffers: Record<Weight, Buffer> | undefined;

/** The TTF files, read once (about 10 MB each; PDFs embed only the glyphs they use). */
export function fontBuffers(): Record<Weight, Buffer> {
  buffers ??= {
    regular: fs.readFileSync(require.resolve(FONT_FILES.regular)),
    bold: fs.readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return buffers;
}

/** The parts of fontkit's Font and Glyph (reached through pdfkit) that this module uses. */
interface FontkitGlyph { id: number; advanceWidth: number; codePoints: number[] }
interface FontkitFont {
  unitsPerEm: number;
  glyphsForString(text: string): FontkitGlyph[];
  glyphForCodePoint(cp: number): FontkitGlyph;
  hasGlyphForCodePoint(cp: number): boolean;
}
/** pdfkit's EmbeddedFont, the fields this module touches. */
interface EmbeddedFont {
  font: FontkitFont;
  scale: number;
  layoutRun(text: string, features?: unknown): unknown;
}

/**
 * Replace pdfkit's shaping run with the glyph-by-glyph one for an embedded font (idempotent).
 * The glyph positions are in pdfkit's 1000-unit space, as its own `layoutRun` returns them.
 */
function useUnshapedLayout(font: EmbeddedFont): void {
  if ((font as { unshaped?: boolean }).unshaped) return;
  (font as { unshaped?: boolean }).unshaped = true;
  font.layoutRun = (text: string) => {
    const glyphs = font.font.glyphsForString(text);
    let advanceWidth = 0;
    const positions = glyphs.map((g) => {
      const a = g.advanceWidth * font.scale;
      advanceWidth += a;
      return { xAdvance: a, yAdvance: 0, xOffset: 0, yOffset: 0, advanceWidth: a };
    });
    return { glyphs, positions, advanceWidth };
  };
}

/** pdfkit's document internals this module touches. */
interface DocInternals { _font: EmbeddedFont; _fontFamilies: Record<string, EmbeddedFont>; _fontCount: number }
type EmbeddedFontClass = new (doc: PDFKit.PDFDocument, font: FontkitFont, id: string) => EmbeddedFont;

/**
 * The parsed fonts, shared by every document: pdfkit would parse each 10 MB file again for every
 * PDF and start with cold glyph caches, which costs more than drawing a board. Each document still
 * gets its own embedded font object (its own subset of the glyphs it uses).
 */
let shared: { EmbeddedFont: EmbeddedFontClass; regular: FontkitFont; bold: FontkitFont } | undefined;

/** Register both weights on a document, with unshaped layout; leaves the regular weight selected. */
export function registerBoardFonts(doc: PDFKit.PDFDocument): void {
  const b = fontBuffers();
  doc.registerFont(FONT_REGULAR, b.regular);
  doc.registerFont(FONT_BOLD, b.bold);
  const d = doc as unknown as DocInternals;
  if (!shared) {
    doc.font(FONT_BOLD);
    const bold = d._font;
    doc.font(FONT_REGULAR);
    const regular = d._font;
    useUnshapedLayout(bold);
    useUnshapedLayout(regular);
    shared = { EmbeddedFont: regular.constructor as EmbeddedFontClass, regular: regular.font, bold: bold.font };
    return;
  }
  for (const [name, font] of [[FONT_BOLD, shared.bold], [FONT_REGULAR, shared.regular]] as const) {
    const embedded = new shared.EmbeddedFont(doc, font, `F${++d._fontCount}`);
    useUnshapedLayout(embedded);
    d._fontFamilies[name] = embedded;
  }
  doc.font(FONT_REGULAR);
}

interface Metrics { font: FontkitFont; advance: Map<number, number> }
let metrics: Record<Weight, Metrics> | undefined;

function fontMetrics(): Record<Weight, Metrics> {
  if (metrics) return metrics;
  // A document used only to open the fonts through pdfkit's own font loader (never written).
  const doc = new PDFDocument({ autoFirstPage: false });
  const b = fontBuffers();
  doc.registerFont(FONT_REGULAR, b.regular);
  doc.registerFont(FONT_BOLD, b.bold);
  const open = (name: string) => { doc.font(name); return (doc as unknown as { _font: EmbeddedFont })._font.font; };
  metrics = {
    bold: { font: open(FONT_BOLD), advance: new Map() },
    regular: { font: open(FONT_REGULAR), advance: new Map() },
  };
  return metrics;
}

/** Width of a code point in em. */
function advanceEm(m: Metrics, cp: number): number {
  let a = m.advance.get(cp);
  if (a === undefined) {
    a = m.font.glyphForCodePoint(cp).advanceWidth / m.font.unitsPerEm;
    m.advance.set(cp, a);
  }
  return a;
}

/** Width in points of `text` set in `sizePt` — the width the PDF will draw. */
export function textWidth(text: string, sizePt: number, weight: Weight = 'regular'): number {
  const m = fontMetrics()[weight];
  let em = 0;
  for (const ch of text) em += advanceEm(m, ch.codePointAt(0)!);
  return em * sizePt;
}

/**
 * Text as the board can print it: control characters removed, runs of white space collapsed, and
 * characters the font has no glyph for (emoji, rare symbols) replaced by "?" rather than drawn as tofu.
 */
export function printable(text: string): string {
  const m = fontMetrics().regular;
  let out = '';
  for (const ch of text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim()) {
    const cp = ch.codePointAt(0)!;
    out += cp === 0x20 || m.font.hasGlyphForCodePoint(cp) ? ch : '?';
  }
  return out;
}

/** Cut `text` to fit `maxWidth`, ending in "…" when something was cut. */
export function fitText(text: string, sizePt: number, maxWidth: number, weight: Weight = 'regular'): string {
  if (textWidth(text, sizePt, weight) <= maxWidth) return text;
  const chars = [...text];
  const ell = textWidth('…', sizePt, weight);
  let w = 0, n = 0;
  while (n < chars.length) {
    const cw = textWidth(chars[n], sizePt, weight);
    if (w + cw + ell > maxWidth) break;
    w += cw; n++;
  }
  return chars.slice(0, n).join('').trimEnd() + '…';
}

const BREAK_AFTER = new Set([' ', ',', ';', '，', '、', '；', '）', ')', '·']);
const WEAK_BREAK_AFTER = new Set(['/', '-']);
const BREAK_BEFORE = new Set(['（', '(']);
const NO_LINE_START = new Set(['）', ')', '，', ',', '、', '。', '；', ';', '：', ':', '”', '’']);

/**
 * Break `text` into at most `maxLines` lines no wider than `maxWidth`. Chinese may break between any
 * two characters; Latin runs (opening hours, phone numbers) break after a space or punctuation when
 * one is near. The last line ends in "…" if the text did not fit.
 */
export function wrapText(text: string, sizePt: number, maxWidth: number, maxLines: number, weight: Weight = 'regular'): string[] {
  const lines: string[] = [];
  let rest = [...text];
  while (rest.length > 0 && lines.length < maxLines) {
    let w = 0, n = 0;
    while (n < rest.length) {
      const cw = textWidth(rest[n], sizePt, weight);
      if (w + cw > maxWidth && n > 0) break;
      w += cw; n++;
    }
    if (n < rest.length) {
      // Prefer a break point in the last 55 % of the line — after a space or punctuation, or before
      // an opening bracket — so that "10:30-13:00" is not split and "（庆荣里社区）" stays together.
      const from = Math.max(1, Math.floor(n * 0.45));
      let at = -1;
      for (let k = n; k > from && at < 0; k--) if (BREAK_AFTER.has(rest[k - 1]) || BREAK_BEFORE.has(rest[k])) at = k;
      for (let k = n; k > from && at < 0; k--) if (WEAK_BREAK_AFTER.has(rest[k - 1])) at = k;
      if (at > 0) n = at;
      // Never start a line with closing punctuation: take the character before it along.
      while (n > 1 && n < rest.length && NO_LINE_START.has(rest[n])) n--;
    }
    if (lines.length === maxLines - 1 && n < rest.length) {
      lines.push(fitText(rest.join('').trim(), sizePt, maxWidth, weight));
      return lines;
    }
    lines.push(rest.slice(0, n).join('').trim());
    rest = rest.slice(n);
    while (rest[0] === ' ') rest.shift();
  }
  return lines;
}
