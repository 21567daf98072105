// Paper sizes and the type scale of a board. Every size on a board is given for A1 (the usual board
// at a community service center) and scaled linearly by the paper's short side, so an A4 proof is an
// exact miniature of the A1 print and the layout (and its label collisions) is the same at every size.
import type { BoardLang } from './messages.ts';
import type { BoardTime } from './boardTime.ts';

export const PAPER_SIZES = ['A0', 'A1', 'A2', 'A3', 'A4'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];
export const ORIENTATIONS = ['portrait', 'landscape'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

/** What one print asks for: paper, orientation, walking profile and language. */
export interface PrintOptions {
  size: PaperSize; orientation: Orientation; profile: string; lang: BoardLang;
  /** The time the walk is drawn for; a weekday at 10:00 when not given. */
  drawnFor?: BoardTime;
}

/** ISO 216 sizes, short × long side in millimetres. */
const PAPER_MM: Record<PaperSize, [number, number]> = {
  A0: [841, 1189], A1: [594, 841], A2: [420, 594], A3: [297, 420], A4: [210, 297],
};

export const PT_PER_MM = 72 / 25.4;

export interface Page {
  size: PaperSize;
  orientation: Orientation;
  /** Page size in PDF points (1/72 inch); the SVG uses the same units. */
  width: number;
  height: number;
  widthMm: number;
  heightMm: number;
  /** Multiplier applied to every A1 size below (1 at A1, ≈0.35 at A4, ≈1.42 at A0). */
  scale: number;
}

export function pageFor(size: PaperSize, orientation: Orientation): Page {
  const [short, long] = PAPER_MM[size];
  const [wMm, hMm] = orientation === 'portrait' ? [short, long] : [long, short];
  return {
    size, orientation,
    width: wMm * PT_PER_MM, height: hMm * PT_PER_MM, widthMm: wMm, heightMm: hMm,
    scale: short / PAPER_MM.A1[0],
  };
}

/**
 * Type sizes in points at A1. Why these: a board is read from about 2 m. The usual signage rule of
 * thumb is 2.5 mm of letter height per metre of viewing distance, so 5 mm at 2 m. A Noto Sans SC
 * ideograph fills about 0.88 em, so 24 pt (8.5 mm em) gives characters ≈ 7.4 mm tall: body text and
 * map labels stay at or above 22 pt, and only the footer (data date, version, attribution — read up
 * close) goes down to 18 pt (≈ 5.6 mm characters). At A4 the same layout scales to 8.5 pt body text,
 * a proof read at arm's length.
 */
export const TYPE_AT_A1 = {
  title: 88,
  subtitle: 36,
  heading: 30,
  body: 24,
  /** The smallest the legend may shrink to when a board lists many points (≈ 5.9 mm ideographs, still above 5 mm). */
  bodyMin: 19,
  pointLabel: 24,
  streetLabel: 22,
  ringLabel: 24,
  marker: 22,
  footer: 18,
  watermark: 300,
} as const;

/** Other lengths in points at A1. */
export const LENGTHS_AT_A1 = {
  margin: 56,
  gap: 28,
  /** Height of a numbered point marker (icon + number pill): 12.7 mm. */
  markerHeight: 36,
  /** Side of the QR code: 88 mm, about 2.3 mm per module for the board's URL. */
  qr: 250,
  sidePanel: 340,
} as const;
