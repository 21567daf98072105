// The drawing half of the board printer, run in a worker thread: layout, SVG and PDF take a few hundred
// milliseconds of pure CPU per board, which on the main thread would stall every other request (and
// trip the service's event-loop guard) while a street's sixty boards print. The main thread gathers
// the content and the streets; this thread draws. Messages carry plain data only.
import { parentPort } from 'node:worker_threads';
import { loadCatalog } from '../catalog.ts';
import type { BoardContent } from './content.ts';
import { layoutBoard, planBoard, streetsWithin, type StreetWay } from './layout.ts';
import { pageFor } from './paper.ts';
import { PdfBuilder } from './pdf.ts';
import { boardSvg } from './svg.ts';
import type { PrintOptions } from './paper.ts';

/** The network's ways, sent once per version and kept by the worker. */
export interface StreetsMessage { kind: 'streets'; version: number; ways: StreetWay[] }

export interface RenderRequest {
  kind?: 'render';
  id: number;
  /** One board, or several for one multi-page PDF (progress is reported after each). */
  boards: { content: BoardContent }[];
  options: PrintOptions;
  /** What to produce: the SVG file (first board), the PDF, or both. */
  want: { svg: boolean; pdf: boolean };
  meta: { title: string; subject?: string };
}

export interface RenderResponse {
  id: number;
  /** Set on progress messages (boards drawn so far); the final message has none. */
  progress?: number;
  error?: string;
  svg?: string;
  pdf?: Uint8Array;
  ms?: number;
}

/** Draw boards: the same functions the in-process printer uses. */
export async function renderBoards(req: Omit<RenderRequest, 'id'>, ways: readonly StreetWay[], onProgress?: (done: number) => void): Promise<Omit<RenderResponse, 'id'>> {
  const started = performance.now();
  const catalog = loadCatalog();
  const out: Omit<RenderResponse, 'id'> = {};
  const builder = req.want.pdf ? new PdfBuilder(req.meta) : null;
  for (const [i, board] of req.boards.entries()) {
    const plan = planBoard(board.content, pageFor(req.options.size, req.options.orientation), req.options.lang, catalog);
    const layout = layoutBoard(plan, streetsWithin(ways, plan.bbox));
    if (req.want.svg && i === 0) out.svg = boardSvg(layout, 'mm');
    builder?.addPage(boardSvg(layout, 'pt'), layout.page.width, layout.page.height);
    onProgress?.(i + 1);
  }
  if (builder) out.pdf = await builder.finish();
  out.ms = performance.now() - started;
  return out;
}

if (parentPort) {
  const port = parentPort;
  let ways: StreetWay[] = [];
  port.on('message', async (msg: RenderRequest | StreetsMessage) => {
    if (msg.kind === 'streets') { ways = msg.ways; return; }
    const req = msg;
    try {
      const out = await renderBoards(req, ways, req.boards.length > 1 ? (done) => port.postMessage({ id: req.id, progress: done }) : undefined);
      // A fresh buffer of its own, handed over without a copy.
      const pdf = out.pdf ? new Uint8Array(out.pdf) : undefined;
      port.postMessage({ id: req.id, ...out, pdf }, pdf ? [pdf.buffer as ArrayBuffer] : []);
    } catch (error) {
      port.postMessage({ id: req.id, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
    }
  });
}
