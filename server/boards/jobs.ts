// Print jobs: many boards at once (a street, or a chosen list of sites) as one ZIP of PDFs or one
// multi-page PDF. A job is queued in the database (server/jobs/queue.ts) and run by whichever instance
// takes it, one board at a time, handing the event loop back between boards and writing its progress to
// the database (so any instance can report it). When it finishes, the file and a print record per board
// (with the content snapshot printed) are stored in one transaction with the "done" mark: a board counts
// as printed only if its file can be downloaded, and a job whose process died is printed again whole.
import { zipSync } from 'fflate';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { parseBoardTimeKey } from './boardTime.ts';
import { HttpError } from '../http/errors.ts';
import { clockToday, systemClock, type BoardClock } from './clock.ts';
import type { BoardContent } from './content.ts';
import type { BoardLang } from './messages.ts';
import type { Orientation, PaperSize } from './paper.ts';
import type { BoardPrinter } from './printer.ts';
import type { PrintOptions } from './paper.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { QUEUE_SCHEMA } from '../jobs/queue.ts';
import {
  claimJob, failAbandonedJobs, failJob, finishJob, getJob, markJobProgress, markJobRunning, pruneJobFiles, recordPrint, type JobRow,
} from './repository.ts';

/** The queue's name for board batch prints. */
export const BOARD_PRINT_JOB = 'board_print';

/** The server is stopping: the job goes back to the queue, for another instance or the next start. */
class JobReleased extends Error {}

/**
 * Finished files kept for download: the newest `keepPerOwner` jobs of each staff member in each street,
 * for at most `maxAgeDays`. Older job rows stay, without their file.
 */
export const JOB_FILE_RETENTION = { keepPerOwner: 10, maxAgeDays: 30 };
/** Print jobs one staff member may start in a window (a whole street is one job, so this is generous). */
export const JOB_RATE_LIMIT = { max: 12, windowSeconds: 600 };

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A file name that is safe in a ZIP on every system (Chinese kept, path characters replaced). */
export function safeFileName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/\s+/g, ' ').trim().slice(0, 60) || 'board';
}

interface PrintedBoard { content: BoardContent }

export class BoardJobRunner {
  private closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly printer: BoardPrinter,
    private readonly log: FastifyBaseLogger,
    private readonly queue: JobQueue,
    /** The date in the file name is the district's local date on this clock. */
    private readonly clock: BoardClock = systemClock(),
  ) {}

  /** Takes print jobs on this instance; marks failed the jobs the queue gave up on (their process died too often). */
  async start(): Promise<void> {
    await this.queue.work<{ job_id: number }>(BOARD_PRINT_JOB, ({ job_id: id }) => this.runSafely(id));
    const n = await failAbandonedJobs(this.db, BOARD_PRINT_JOB, QUEUE_SCHEMA);
    if (n) this.log.warn({ jobs: n }, 'boards: print jobs interrupted too often were marked failed');
  }

  async enqueue(jobId: number): Promise<void> {
    await this.queue.send(BOARD_PRINT_JOB, { job_id: jobId });
  }

  /** Resolves when every job queued here has finished (tests and benches). */
  async idle(): Promise<void> {
    await this.queue.idle();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async runSafely(id: number): Promise<void> {
    try {
      await this.run(id);
    } catch (error) {
      if (error instanceof JobReleased) throw error; // the queue runs it again
      const message = error instanceof HttpError ? error.message : 'the print job failed; see the server log';
      this.log.error({ err: error, job: id }, 'boards: print job failed');
      await failJob(this.db, id, message).catch(() => {});
    }
  }

  private async run(id: number): Promise<void> {
    const job = await getJob(this.db, id);
    // 'running': an earlier attempt's process died; nothing of it was stored, so print it again whole.
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return;
    await markJobRunning(this.db, id);
    const o = job.options;
    const options: PrintOptions = { size: o.size as PaperSize, orientation: o.orientation as Orientation, profile: o.profile, lang: o.lang as BoardLang, drawnFor: parseBoardTimeKey(o.drawn_for) };
    const printed: PrintedBoard[] = [];
    let data: Uint8Array;
    if (o.format === 'pdf') {
      // Content first (database and walking engine, here), then one multi-page PDF drawn in the worker.
      const contents: BoardContent[] = [];
      for (const siteId of job.site_ids) {
        if (this.closed) throw new JobReleased('the server is stopping');
        contents.push(await this.printer.content(await this.printer.site(siteId), options.profile, options.drawnFor));
      }
      let last = 0;
      const { pdf } = await this.printer.draw(contents, options, { svg: false, pdf: true }, 'batch', (done) => {
        last = done;
        markJobProgress(this.db, id, done).catch(() => {});
      });
      if (last < contents.length) await markJobProgress(this.db, id, contents.length);
      data = pdf!;
      printed.push(...contents.map((content) => ({ content })));
    } else {
      const files: Record<string, [Uint8Array, { level: 0 }]> = {};
      // A small pipeline: while the worker draws one board, this thread gathers the next one's
      // content (walking engine, database), so both cores work.
      const inFlight: { i: number; content: BoardContent; drawing: Promise<{ pdf?: Buffer }> }[] = [];
      const settle = async () => {
        const { i, content, drawing } = inFlight.shift()!;
        const { pdf } = await drawing;
        // PDFs are compressed already: store them as they are (level 0).
        files[`${String(i + 1).padStart(2, '0')}-${content.site.id}-${safeFileName(content.site.title_name + (content.site.gate_name ?? ''))}-${options.size}.pdf`] = [pdf!, { level: 0 }];
        printed.push({ content });
        await markJobProgress(this.db, id, printed.length);
      };
      try {
        for (const [i, siteId] of job.site_ids.entries()) {
          if (this.closed) throw new JobReleased('the server is stopping');
          const content = await this.printer.content(await this.printer.site(siteId), options.profile, options.drawnFor);
          inFlight.push({ i, content, drawing: this.printer.draw([content], options, { svg: false, pdf: true }, 'batch') });
          if (inFlight.length >= 2) await settle();
          await yieldToEventLoop();
        }
        while (inFlight.length) await settle();
      } finally {
        // A failure leaves drawings in flight: let them end quietly.
        for (const f of inFlight) f.drawing.catch(() => {});
      }
      data = zipSync(files);
    }
    const stamp = clockToday(this.clock);
    const name = `${safeFileName(jobTitle(job))}-${options.size}-${stamp}.${o.format}`;
    await this.db.transaction().execute(async (trx) => {
      // Another attempt of the same job (this one taken for dead while slow) may have stored it already.
      if (!(await claimJob(trx, id))) return;
      for (const p of printed) {
        await recordPrint(trx, {
          site_id: p.content.site.id, street_code: p.content.site.street_code, profile: options.profile, size: options.size,
          orientation: options.orientation, lang: options.lang, content_version: p.content.version, snapshot: p.content.snapshot,
          job_id: id, printed_by: job.created_by, printed_by_name: job.created_by_name,
        });
      }
      await finishJob(trx, id, { name, type: o.format === 'pdf' ? 'application/pdf' : 'application/zip', data });
    });
    await pruneJobFiles(this.db, JOB_FILE_RETENTION);
    this.log.info({ job: id, boards: printed.length, bytes: data.byteLength }, 'boards: print job done');
  }
}

function jobTitle(job: JobRow): string {
  return `${job.street_name ?? ''}展板${job.site_ids.length}块`;
}
