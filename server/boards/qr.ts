// The board's QR code as vector paths: the qrcode package computes the modules, and each row's runs
// of dark modules become rectangles in one SVG path, so the PDF stays vector and prints sharp.
import QRCode from 'qrcode';

export interface QrSymbol {
  /** Modules per side, without the quiet zone. */
  modules: number;
  /** SVG path data of the dark modules, in a square of `size` placed at (x, y) with a 4-module quiet zone. */
  path: string;
  /** Side of the square including the quiet zone. */
  size: number;
}

export const QR_QUIET_MODULES = 4;

export function qrSymbol(text: string, x: number, y: number, size: number): QrSymbol {
  // Level M survives a smudge or a sticker over 15 % of the symbol, at a modest module count.
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const unit = size / (n + 2 * QR_QUIET_MODULES);
  const ox = x + QR_QUIET_MODULES * unit, oy = y + QR_QUIET_MODULES * unit;
  const f = (v: number) => Math.round(v * 1000) / 1000;
  let path = '';
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) { col++; continue; }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col++;
      // Runs overlap their neighbours by a hair so that no seam shows between rows when printed.
      path += `M${f(ox + start * unit)} ${f(oy + row * unit)}h${f((col - start) * unit)}v${f(unit + 0.01)}h${f(-(col - start) * unit)}z`;
    }
  }
  return { modules: n, path, size };
}
