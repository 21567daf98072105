// SVG boards to a vector PDF: pdfkit writes the document, svg-to-pdfkit draws each board's SVG on its
// page, and the Noto Sans SC glyphs used are embedded as a subset. No browser, no system font.
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { FONT_BOLD, FONT_REGULAR, registerBoardFonts } from './fonts.ts';

/**
 * A PDF built page by page, so that a print job of many boards can hand the event loop back between
 * pages instead of drawing sixty posters in one go.
 */
export class PdfBuilder {
  private readonly doc: PDFKit.PDFDocument;
  private readonly done: Promise<Buffer>;

  constructor(meta: { title: string; subject?: string }) {
    this.doc = new PDFDocument({
      autoFirstPage: false,
      margin: 0,
      compress: true,
      // A fixed date keeps the bytes of a board reproducible for the same content.
      info: { Title: meta.title, Subject: meta.subject ?? '', Creator: '15分钟综合服务圈', Producer: 'pdfkit', CreationDate: new Date(0) },
      lang: 'zh-CN',
    });
    const chunks: Buffer[] = [];
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    registerBoardFonts(this.doc);
  }

  /** Draw one board (an SVG in points) on a new page of `width` × `height` points. */
  addPage(svg: string, width: number, height: number): void {
    this.doc.addPage({ size: [width, height], margin: 0 });
    SVGtoPDF(this.doc, svg, 0, 0, {
      width,
      height,
      assumePt: true,
      fontCallback: (_family, bold) => (bold ? FONT_BOLD : FONT_REGULAR),
      warningCallback: () => { /* the board writer uses only supported SVG */ },
    });
  }

  finish(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }
}

export function svgToPdf(svg: string, width: number, height: number, meta: { title: string; subject?: string }): Promise<Buffer> {
  const b = new PdfBuilder(meta);
  b.addPage(svg, width, height);
  return b.finish();
}
