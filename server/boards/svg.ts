// Writes a board layout as an SVG document in page points (the PDF uses the same units). Every string
// from the database goes through `escapeXml`; text halos are separate stroked copies under the text,
// because svg-to-pdfkit ignores paint-order.
import { BOARD_FONT_FAMILY, textWidth } from './fonts.ts';
import type { BoardLayout, DrawItem, TextItem } from './layout.ts';
import { FONT_STACK_CSS } from '../palette.ts';

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

const n = (v: number) => String(Math.round(v * 100) / 100);

// svg-to-pdfkit is much slower on text-anchor, rounded rects and circles than on plain text and
// paths (it re-measures anchored text and converts arcs one by one), and a board has hundreds of
// them: anchors are resolved here with the same glyph widths the PDF uses, and rounded shapes are
// written as Bézier paths.
const KAPPA = 0.5523;

function circlePath(cx: number, cy: number, r: number): string {
  const k = KAPPA * r;
  return `M${n(cx - r)} ${n(cy)}C${n(cx - r)} ${n(cy - k)} ${n(cx - k)} ${n(cy - r)} ${n(cx)} ${n(cy - r)}`
    + `C${n(cx + k)} ${n(cy - r)} ${n(cx + r)} ${n(cy - k)} ${n(cx + r)} ${n(cy)}`
    + `C${n(cx + r)} ${n(cy + k)} ${n(cx + k)} ${n(cy + r)} ${n(cx)} ${n(cy + r)}`
    + `C${n(cx - k)} ${n(cy + r)} ${n(cx - r)} ${n(cy + k)} ${n(cx - r)} ${n(cy)}Z`;
}

function roundedRectPath(x: number, y: number, w: number, h: number, rx: number): string {
  const r = Math.min(rx, w / 2, h / 2), k = KAPPA * r;
  return `M${n(x + r)} ${n(y)}H${n(x + w - r)}C${n(x + w - r + k)} ${n(y)} ${n(x + w)} ${n(y + r - k)} ${n(x + w)} ${n(y + r)}`
    + `V${n(y + h - r)}C${n(x + w)} ${n(y + h - r + k)} ${n(x + w - r + k)} ${n(y + h)} ${n(x + w - r)} ${n(y + h)}`
    + `H${n(x + r)}C${n(x + r - k)} ${n(y + h)} ${n(x)} ${n(y + h - r + k)} ${n(x)} ${n(y + h - r)}`
    + `V${n(y + r)}C${n(x)} ${n(y + r - k)} ${n(x + r - k)} ${n(y)} ${n(x + r)} ${n(y)}Z`;
}

function paintAttrs(fill: string | undefined, stroke: string | undefined, strokeWidth: number | undefined): string {
  return `fill="${fill ?? 'none'}"` + (stroke ? ` stroke="${stroke}" stroke-width="${n(strokeWidth ?? 1)}"` : '');
}

function textElement(item: TextItem, stroke?: { color: string; width: number }): string {
  let x = item.x;
  if (item.anchor === 'middle' || item.anchor === 'end') {
    const w = textWidth(item.text, item.size, item.weight);
    x -= item.anchor === 'middle' ? w / 2 : w;
  }
  const attrs = [
    `x="${n(x)}"`, `y="${n(item.y)}"`, `font-size="${n(item.size)}"`,
    item.weight === 'bold' ? 'font-weight="bold"' : '',
    item.rotate ? `transform="rotate(${n(item.rotate)} ${n(item.origin?.[0] ?? item.x)} ${n(item.origin?.[1] ?? item.y)})"` : '',
    item.opacity !== undefined ? `opacity="${n(item.opacity)}"` : '',
    stroke
      ? `fill="${stroke.color}" stroke="${stroke.color}" stroke-width="${n(stroke.width)}" stroke-linejoin="round"`
      : `fill="${item.fill}"`,
  ].filter(Boolean).join(' ');
  return `<text ${attrs}>${escapeXml(item.text)}</text>`;
}

function element(item: DrawItem): string {
  switch (item.kind) {
    case 'text':
      return (item.halo ? textElement(item, item.halo) : '') + textElement(item);
    case 'rect': {
      const dash = item.dash ? ` stroke-dasharray="${item.dash.map(n).join(' ')}"` : '';
      if (item.rx) return `<path d="${roundedRectPath(item.x, item.y, item.w, item.h, item.rx)}" ${paintAttrs(item.fill, item.stroke, item.strokeWidth)}${dash}/>`;
      return `<rect x="${n(item.x)}" y="${n(item.y)}" width="${n(item.w)}" height="${n(item.h)}" ${paintAttrs(item.fill, item.stroke, item.strokeWidth)}${dash}/>`;
    }
    case 'circle':
      return `<path d="${circlePath(item.cx, item.cy, item.r)}" ${paintAttrs(item.fill, item.stroke, item.strokeWidth)}/>`;
    case 'path': {
      const a = [`d="${item.d}"`, `fill="${item.fill ?? 'none'}"`];
      if (item.evenOdd) a.push('fill-rule="evenodd"');
      if (item.stroke) a.push(`stroke="${item.stroke}"`, `stroke-width="${n(item.strokeWidth ?? 1)}"`);
      if (item.dash) a.push(`stroke-dasharray="${item.dash.map(n).join(' ')}"`);
      if (item.cap) a.push(`stroke-linecap="${item.cap}"`);
      if (item.join) a.push(`stroke-linejoin="${item.join}"`);
      return `<path ${a.join(' ')}/>`;
    }
  }
}

/**
 * The whole board as a standalone SVG, drawing units in points. For a file (`units: 'mm'`) the
 * outer size is in millimetres so that other programs print it at paper size; for the PDF it is in
 * points, one SVG unit to one PDF unit.
 */
export function boardSvg(layout: BoardLayout, units: 'mm' | 'pt' = 'mm'): string {
  const { page, content } = layout;
  const title = `${content.site.title_name} · ${content.site.street_name}`;
  const [w, h] = units === 'mm' ? [`${n(page.widthMm)}mm`, `${n(page.heightMm)}mm`] : [n(page.width), n(page.height)];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${n(page.width)} ${n(page.height)}"`,
    ` font-family="${BOARD_FONT_FAMILY}, ${FONT_STACK_CSS}" data-content-version="${content.version}">`,
    `<title>${escapeXml(title)}</title>`,
    ...layout.items.map(element),
    ...layout.mapItems.map(element),
    ...layout.overlay.map(element),
    '</svg>',
  ].join('\n');
}
