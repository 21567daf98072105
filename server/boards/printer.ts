// The board printer: from a site id and print options to the board's content, layout, SVG and PDF.
// Content comes from the database (site, points, streets) and the walking engine (rings, walking
// times); rendering is pure. Finished PDFs are cached by content version and options, so printing an
// unchanged board again costs one walking search and no drawing.
import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog.ts';
import type { Database } from '../db/schema.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { OutsideNetworkError, UnknownProfileError } from '../network/walkingEngine.ts';
import { selectPoints, type ServicePointRow } from '../points/repository.ts';
import { getSite, type BoardSiteRow } from '../sites/repository.ts';
import { buildBoardContent, type BoardContent } from './content.ts';
import { layoutBoard, planBoard, streetsWithin, type BoardLayout, type StreetWay } from './layout.ts';
import type { BoardLang } from './messages.ts';
import { pageFor, type Orientation, type PaperSize, type PrintOptions } from './paper.ts';
import { PdfBuilder } from './pdf.ts';
import type { RenderPool } from './renderPool.ts';
import { allStreets } from './repository.ts';
import { boardSvg } from './svg.ts';
import type { BoardWalking } from './walking.ts';
import { boardDistrictTime, DEFAULT_BOARD_TIME, type BoardTime } from './boardTime.ts';
import { localToday } from '../localTime.ts';


/** `svg` is the file form (millimetres); `pdfSvg` the same drawing sized in points for the PDF. */
export interface RenderedBoard { content: BoardContent; layout: BoardLayout; svg: string; pdfSvg: string }

/** A small LRU of finished PDFs. */
class PdfCache {
  private readonly map = new Map<string, Buffer>();
  constructor(private readonly maxEntries: number) {}
  get(key: string): Buffer | undefined {
    const v = this.map.get(key);
    if (v) { this.map.delete(key); this.map.set(key, v); }
    return v;
  }
  set(key: string, value: Buffer): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!);
  }
}

export class BoardPrinter {
  private readonly cache = new PdfCache(64);
  private streetSet: Promise<{ version: number; ways: StreetWay[] }> | null = null;
  private streetVersion = 0;

  /**
   * With a render pool, PDFs and SVG files are drawn in its worker thread; without one (scripts,
   * layout inspection) everything runs here.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly catalog: Catalog,
    private readonly walking: BoardWalking,
    private readonly publicBaseUrl: string,
    private readonly pool: RenderPool | null = null,
  ) {}

  /** The site, or a 404 that names it (closed sites have no board). */
  async site(siteId: number): Promise<BoardSiteRow> {
    const site = await getSite(this.db, siteId);
    if (!site || site.status !== 'active') throw notFound(`site ${siteId}`, `站点 ${siteId} 不存在或已停用`);
    return site;
  }

  /** What the board of a site shows for a profile at a stated time (independent of paper and language). */
  async content(site: BoardSiteRow, profile: string, drawnFor: BoardTime = DEFAULT_BOARD_TIME): Promise<BoardContent> {
    const walkingProfile = this.walking.profiles().find((p) => p.id === profile);
    if (!walkingProfile) throw new HttpError(400, `profile: unknown walking profile "${profile}"`, 'profile', '步行方式不存在');
    let reach;
    try {
      reach = await this.walking.reach(site.lon, site.lat, profile, boardDistrictTime(drawnFor, localToday()));
    } catch (error) {
      if (error instanceof OutsideNetworkError) {
        throw new HttpError(422, `site ${site.id} cannot be placed on the walking network: ${error.message}`, 'siteId', '站点不在步行路网范围内，无法计算步行范围');
      }
      if (error instanceof UnknownProfileError) throw new HttpError(400, `profile: ${error.message}`, 'profile', '步行方式不存在');
      throw error;
    }
    const ids = [...new Set(Object.values(reach.within).flat().map((w) => w.id))];
    const rows: ServicePointRow[] = ids.length
      ? (await selectPoints(this.db).where('id', 'in', ids).execute()) as ServicePointRow[]
      : [];
    const points = new Map(rows.map((r) => [r.id, { ...r, lon: Number(r.lon), lat: Number(r.lat) }]));
    return buildBoardContent({
      site: { ...site, lon: Number(site.lon), lat: Number(site.lat) },
      profile: walkingProfile, reach, points, catalog: this.catalog, publicBaseUrl: this.publicBaseUrl, drawnFor,
    });
  }

  /** Every way of the network, loaded once and kept until the network changes. */
  private async network(): Promise<{ version: number; ways: StreetWay[] }> {
    if (!this.streetSet) {
      const version = ++this.streetVersion;
      this.streetSet = allStreets(this.db).then((ways) => {
        this.pool?.setStreets(version, ways);
        return { version, ways };
      });
      this.streetSet.catch(() => { this.streetSet = null; });
    }
    return this.streetSet;
  }

  /** Call when the ways change: the next board reloads them. */
  networkChanged(): void {
    this.streetSet = null;
  }

  /**
   * Draw boards whose content is known: one PDF (one page per board), and the first board's SVG file
   * if asked. In the worker when there is a pool.
   */
  async draw(contents: BoardContent[], options: PrintOptions, want: { svg: boolean; pdf: boolean },
    priority: 'interactive' | 'batch' = 'interactive', onProgress?: (done: number) => void): Promise<{ svg?: string; pdf?: Buffer }> {
    const boards = contents.map((content) => ({ content }));
    const { ways } = await this.network();
    const meta = contents.length === 1 ? pdfMeta(contents[0], options) : { title: `${contents.length} boards`, subject: options.size };
    if (this.pool) {
      const out = await this.pool.render({ boards, options, want, meta }, priority, onProgress);
      return { svg: out.svg, pdf: out.pdf ? Buffer.from(out.pdf.buffer, out.pdf.byteOffset, out.pdf.byteLength) : undefined };
    }
    const builder = want.pdf ? new PdfBuilder(meta) : null;
    let svg: string | undefined;
    for (const [i, b] of boards.entries()) {
      const plan = planBoard(b.content, pageFor(options.size, options.orientation), options.lang, this.catalog);
      const layout = layoutBoard(plan, streetsWithin(ways, plan.bbox));
      if (want.svg && i === 0) svg = boardSvg(layout, 'mm');
      builder?.addPage(boardSvg(layout, 'pt'), layout.page.width, layout.page.height);
      onProgress?.(i + 1);
    }
    return { svg, pdf: builder ? await builder.finish() : undefined };
  }

  /** Lay out and write the SVG of a board whose content is known (in this thread; for checks and tests). */
  async render(content: BoardContent, options: PrintOptions): Promise<RenderedBoard> {
    const plan = planBoard(content, pageFor(options.size, options.orientation), options.lang, this.catalog);
    const { ways } = await this.network();
    const layout = layoutBoard(plan, streetsWithin(ways, plan.bbox));
    return { content, layout, svg: boardSvg(layout, 'mm'), pdfSvg: boardSvg(layout, 'pt') };
  }

  /** A board's content, layout (with every label box) and SVG, drawn in this thread. */
  async board(siteId: number, options: PrintOptions): Promise<RenderedBoard> {
    const site = await this.site(siteId);
    return this.render(await this.content(site, options.profile, options.drawnFor), options);
  }

  private cacheKey(content: BoardContent, o: PrintOptions): string {
    return [content.site.id, content.version, content.dataDate, o.profile, content.snapshot.drawn_for, o.size, o.orientation, o.lang, this.publicBaseUrl].join('|');
  }

  /** The board as a one-page PDF (from the cache when its content has not changed). */
  async pdf(siteId: number, options: PrintOptions): Promise<{ pdf: Buffer; content: BoardContent; cached: boolean }> {
    const site = await this.site(siteId);
    const content = await this.content(site, options.profile, options.drawnFor);
    const key = this.cacheKey(content, options);
    const hit = this.cache.get(key);
    if (hit) return { pdf: hit, content, cached: true };
    const { pdf } = await this.draw([content], options, { svg: false, pdf: true });
    this.cache.set(key, pdf!);
    return { pdf: pdf!, content, cached: false };
  }

  /** The board as an SVG file (millimetre page size). */
  async svg(siteId: number, options: PrintOptions): Promise<{ svg: string; content: BoardContent }> {
    const site = await this.site(siteId);
    const content = await this.content(site, options.profile, options.drawnFor);
    const { svg } = await this.draw([content], options, { svg: true, pdf: false });
    return { svg: svg!, content };
  }
}

export function pdfMeta(content: BoardContent, o: PrintOptions) {
  return {
    title: `${content.site.title_name} 15分钟综合服务圈`,
    subject: `${content.site.street_name} · #${content.site.id} · ${o.profile} · ${o.size} · v${content.version}`,
  };
}
