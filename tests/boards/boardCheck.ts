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
