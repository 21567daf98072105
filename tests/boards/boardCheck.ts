// Checking a board the way a person would: render the PDF to PNG with pdftoppm, read the QR code back
// with zbarimg, list fonts with pdffonts, read the text with pdftotext. And an independent test of
// whether two label boxes overlap (edge crossings and containment, not the layout's own routine).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ARTIFACTS = path.resolve('test-artifacts/boards');

export function saveArtifact(name: string, data: Buffer | string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  fs.writeFileSync(file, data);
  return file;
}

/** Render page 1 of a PDF to a PNG at `dpi`; returns the PNG path. */
export function renderPng(pdfFile: string, dpi: number, outBase: string): string {
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', '-f', '1', '-l', '1', '-singlefile', pdfFile, outBase]);
  return `${outBase}.png`;
}

/** The QR codes zbarimg finds in an image (empty when none). */
export function decodeQr(pngFile: string): string[] {
  try {
    const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', pngFile], { encoding: 'utf8' });
    return out.split('\n').map((s) => s.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

export interface PdfFont { name: string; type: string; embedded: boolean; subset: boolean }

export function pdfFonts(pdfFile: string): PdfFont[] {
  const out = execFileSync('pdffonts', [pdfFile], { encoding: 'utf8' });
  return out.split('\n').slice(2).filter((l) => l.trim()).map((line) => {
    const cols = line.trim().split(/\s+/);
    // name type... encoding emb sub uni object ID
    const n = cols.length;
    return { name: cols[0], type: cols.slice(1, n - 6).join(' '), embedded: cols[n - 5] === 'yes', subset: cols[n - 4] === 'yes' };
  });
}

/** The PDF's text in reading order with all white space removed (wrapped cells join up again). */
export function pdfTextCompact(pdfFile: string): string {
  return execFileSync('pdftotext', ['-raw', pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

export function pdfPageSizePt(pdfFile: string): [number, number] {
  const out = execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' });
  const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(out)!;
  return [Number(m[1]), Number(m[2])];
}

export function tempPdf(data: Buffer, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-board-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

type P = [number, number];

function segmentsCross(a: P, b: P, c: P, d: P): boolean {
  const orient = (p: P, q: P, r: P) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const d1 = orient(c, d, a), d2 = orient(c, d, b), d3 = orient(a, b, c), d4 = orient(a, b, d);
  return ((d1 > 1e-9 && d2 < -1e-9) || (d1 < -1e-9 && d2 > 1e-9)) && ((d3 > 1e-9 && d4 < -1e-9) || (d3 < -1e-9 && d4 > 1e-9));
}

function strictlyInside(p: P, poly: P[]): boolean {
  // Inside every edge of a convex polygon (either winding), by more than a hair.
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i], b = poly[(i + 1) % poly.length];
    const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    if (Math.abs(cross) < 1e-6) return false;
    const s = Math.sign(cross);
    if (sign === 0) sign = s; else if (s !== sign) return false;
  }
  return true;
}

/** Do two convex polygons share interior area? (Crossing edges, or one's vertex or centre inside the other.) */
export function polygonsIntersect(a: P[], b: P[]): boolean {
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (segmentsCross(a[i], a[(i + 1) % a.length], b[j], b[(j + 1) % b.length])) return true;
    }
  }
  const centre = (poly: P[]): P => [poly.reduce((s, p) => s + p[0], 0) / poly.length, poly.reduce((s, p) => s + p[1], 0) / poly.length];
  return a.some((p) => strictlyInside(p, b)) || b.some((p) => strictlyInside(p, a))
    || strictlyInside(centre(a), b) || strictlyInside(centre(b), a);
}

export interface PdfWord { text: string; left: number; top: number; width: number; height: number }

/** Every word on page 1 with its box in points, as pdftotext reads it (-tsv). */
export function pdfWords(pdfFile: string): PdfWord[] {
  const tsv = execFileSync('pdftotext', ['-tsv', '-f', '1', '-l', '1', pdfFile, '-'], { encoding: 'utf8' });
  return tsv.split('\n').slice(1).map((line) => line.split('\t')).filter((c) => c[0] === '5' && c.length >= 12)
    .map((c) => ({ left: Number(c[6]), top: Number(c[7]), width: Number(c[8]), height: Number(c[9]), text: c.slice(11).join('\t') }));
}

export interface PrintedLegendRow { number: number; name: string; minutes: number }

/**
 * The legend table as printed: the words under the headers 序号, 名称 and 步行, grouped into rows by the
 * number in the first column. Words much taller than the number (the 示例数据 watermark) are not table text.
 */
export function printedLegend(pdfFile: string): PrintedLegendRow[] {
  const words = pdfWords(pdfFile);
  const header = (text: string) => {
    const h = words.find((w) => w.text === text);
    if (!h) throw new Error(`no "${text}" header in ${pdfFile}`);
    return h;
  };
  const no = header('序号');
  const name = words.find((w) => w.text === '名称' && Math.abs(w.top - no.top) < 2);
  const kind = words.find((w) => w.text === '类别' && Math.abs(w.top - no.top) < 2);
  const walk = words.find((w) => w.text === '步行' && Math.abs(w.top - no.top) < 2);
  if (!name || !kind || !walk) throw new Error(`the legend's header row is incomplete in ${pdfFile}`);
  const below = words.filter((w) => w.top > no.top + no.height / 2);
  const numbers = below.filter((w) => /^\d+$/.test(w.text) && w.left >= no.left - 2 && w.left + w.width <= name.left)
    .sort((a, b) => a.top - b.top);
  // A row ends where the next begins; the last one no lower than the table's usual row pitch.
  const pitches = numbers.slice(1).map((w, i) => w.top - numbers[i].top).sort((a, b) => a - b);
  const pitch = pitches[Math.floor(pitches.length / 2)] ?? 2 * no.height;
  return numbers.map((n, i) => {
    const end = (numbers[i + 1]?.top ?? n.top + pitch) - n.height / 4;
    const sameRow = (w: PdfWord) => w.top > n.top - n.height / 2 && w.top < end && w.height < n.height * 1.5;
    const nameWords = below.filter((w) => sameRow(w) && w.left >= name.left - 2 && w.left < kind.left - 2)
      .sort((a, b) => a.top - b.top || a.left - b.left);
    const minutes = below.find((w) => sameRow(w) && Math.abs(w.top - n.top) < n.height / 2 && w.left >= walk.left - 2 && /^\d+分钟$/.test(w.text));
    return { number: Number(n.text), name: nameWords.map((w) => w.text).join(''), minutes: minutes ? Number.parseInt(minutes.text, 10) : NaN };
  });
}
