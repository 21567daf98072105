// Worker threads for fresh /api/reach answers (REACH_WORKERS of them): each holds its own walking engine
// (reachWorker.ts), kept in step with the main one by mirroring every graph build and point change with
// its stamp. A question goes to a worker only when that worker's engine is at the stamp the main
// thread's is; otherwise, when every worker's bounded queue is full, or when a worker fails or dies, the
// caller computes it itself (`null`): the pool only ever moves work, it never changes an answer.
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import type { AnswerEncoding } from '../http/compression.ts';
import type { ReachQuestion } from './reachAnswer.ts';
import type { FromWorker, ReachJob, ToWorker } from './reachWorker.ts';
import type { WalkingProfile } from './profiles.ts';
import type { EngineChange, WalkingService } from './service.ts';
import { OutsideNetworkError } from './walkingEngine.ts';

const WORKER_URL = new URL('./reachWorker.ts', import.meta.url);

export interface ReachPoolOptions {
  workers: number;
  walking: WalkingService;
  profiles: readonly WalkingProfile[];
  maxSnapM: number;
  districtFile: string;
  log: FastifyBaseLogger;
  /** Questions one worker may hold at once; more are computed by the caller (default 16). */
  maxQueue?: number;
  /** A question unanswered this long is computed by the caller and its worker replaced (default 10 s). */
  timeoutMs?: number;
}

/** A worker's answer: the JSON bytes and, when the encoding asked for applies, the compressed bytes. */
export interface PooledAnswer { json: Buffer; compressed: { encoding: AnswerEncoding; bytes: Buffer } | null }

interface Pending { resolve: (a: PooledAnswer | null) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }

interface Slot {
  worker: Worker;
  /** The stamp the worker's engine answers for ('' while it has none). */
  ready: string;
  pending: Map<number, Pending>;
}

export interface ReachPoolStats {
  workers: number;
  /** Workers whose engine is at the main engine's stamp. */
  current: number;
  /** Questions the workers hold now. */
  queued: number;
  /** Questions answered by a worker, and computed by the caller instead (and why). */
  answered: number;
  fellBack: { stale: number; busy: number; failed: number };
  /** Workers started to replace one that died. */
  replaced: number;
}

export class ReachPool {
  private readonly slots: (Slot | null)[];
  private nextId = 1;
  private closed = false;
  private readonly stopFollowing: () => void;
  private readonly counts = { answered: 0, stale: 0, busy: 0, failed: 0, replaced: 0 };
  private readonly youngDeaths: number[];
  private readonly maxQueue: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: ReachPoolOptions) {
    this.maxQueue = options.maxQueue ?? 16;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.slots = Array.from({ length: options.workers }, () => null);
    this.youngDeaths = this.slots.map(() => 0);
    this.stopFollowing = options.walking.follow((change) => this.mirror(change));
    for (let i = 0; i < this.slots.length; i++) void this.start(i);
  }

  /** Counters for /api/walking/status, the bench and the tests. */
  stats(): ReachPoolStats {
    const stamp = this.options.walking.stamp;
    return {
      workers: this.slots.length,
      current: this.slots.filter((s) => s && s.ready === stamp).length,
      queued: this.slots.reduce((n, s) => n + (s ? s.pending.size : 0), 0),
      answered: this.counts.answered,
      fellBack: { stale: this.counts.stale, busy: this.counts.busy, failed: this.counts.failed },
      replaced: this.counts.replaced,
    };
  }

  /** The worker threads (a test terminates one to see it replaced). */
  threads(): Worker[] {
    return this.slots.flatMap((s) => (s ? [s.worker] : []));
  }

  /**
   * The answer to `question` for the engine at `stamp`, from a worker, or null when the caller should
   * compute it itself. Throws OutsideNetworkError as the engine would.
   */
  async reach(question: ReachQuestion, stamp: string, encoding: AnswerEncoding | null): Promise<PooledAnswer | null> {
    if (this.closed) return null;
    let best: Slot | null = null;
    let anyCurrent = false;
    for (const s of this.slots) {
      if (!s || s.ready !== stamp) continue;
      anyCurrent = true;
      if (s.pending.size < this.maxQueue && (!best || s.pending.size < best.pending.size)) best = s;
    }
    if (!best) { if (anyCurrent) this.counts.busy++; else this.counts.stale++; return null; }
    const slot = best;
    const id = this.nextId++;
    const answer = await new Promise<PooledAnswer | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        slot.pending.delete(id);
        this.counts.failed++;
        this.options.log.warn({ timeoutMs: this.timeoutMs }, 'reach worker did not answer in time; replacing it');
        resolve(null);
        void slot.worker.terminate();
      }, this.timeoutMs);
      slot.pending.set(id, { resolve, reject, timer });
      slot.worker.postMessage({ kind: 'reach', id, stamp, question, encoding } satisfies ReachJob);
    });
    if (answer) this.counts.answered++;
    return answer;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopFollowing();
    const workers = this.threads();
    for (let i = 0; i < this.slots.length; i++) { const s = this.slots[i]; this.slots[i] = null; if (s) this.settleAll(s, 'the server is stopping'); }
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private async start(index: number, delayMs = 0): Promise<void> {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    if (this.closed) return;
    // The worker loads TypeScript through tsx's loader, whatever started the main thread (tsx, vitest,
    // the bench), as the board printer's does (server/boards/renderPool.ts).
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
    const worker = new Worker(bootstrap, { eval: true });
    const slot: Slot = { worker, ready: '', pending: new Map() };
    this.slots[index] = slot;
    const startedAt = Date.now();
    worker.on('message', (msg: FromWorker) => this.receive(slot, msg));
    worker.on('error', (err) => this.options.log.error({ err }, 'reach worker failed'));
    worker.on('exit', (code) => {
      if (this.slots[index] !== slot) return;
      this.slots[index] = null;
      this.settleAll(slot, `exit ${code}`);
      if (this.closed) return;
      this.counts.replaced++;
      // A worker that keeps dying young is restarted ever more slowly (1 s, 2 s, 4 s … 60 s), not in a tight loop.
      const young = Date.now() - startedAt < 60_000;
      this.youngDeaths[index] = young ? this.youngDeaths[index] + 1 : 0;
      const delayMs = young ? Math.min(60_000, 1000 * 2 ** (this.youngDeaths[index] - 1)) : 0;
      this.options.log.warn({ code, delayMs }, 'reach worker exited; starting another');
      void this.start(index, delayMs);
    });
    // Init, then the engine as it is now; every later change follows in order (mirror()).
    worker.postMessage({ kind: 'init', districtFile: this.options.districtFile, profiles: [...this.options.profiles], maxSnapM: this.options.maxSnapM } satisfies ToWorker);
    worker.postMessage({ kind: 'change', change: { kind: 'graph', snapshot: this.options.walking.snapshot() } } satisfies ToWorker);
  }

  private mirror(change: EngineChange): void {
    for (const s of this.slots) if (s) s.worker.postMessage({ kind: 'change', change } satisfies ToWorker);
  }

  private receive(slot: Slot, msg: FromWorker): void {
    if (msg.kind === 'ready') { slot.ready = msg.stamp; return; }
    const p = slot.pending.get(msg.id);
    if (!p) return;
    slot.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.kind === 'answer') {
      p.resolve({
        json: Buffer.from(msg.bytes, 0, msg.jsonLength),
        compressed: msg.encoding ? { encoding: msg.encoding, bytes: Buffer.from(msg.bytes, msg.jsonLength) } : null,
      });
    } else if (msg.kind === 'outside') {
      this.counts.answered++;
      p.reject(new OutsideNetworkError(msg.failure, msg.role));
    } else {
      if (msg.kind === 'stale') this.counts.stale++;
      else { this.counts.failed++; this.options.log.warn({ message: msg.message }, 'reach worker could not answer; answering on the main thread'); }
      p.resolve(null);
    }
  }

  /** A worker gone: its questions are computed by their callers. */
  private settleAll(slot: Slot, why: string): void {
    if (slot.pending.size) this.options.log.warn({ why, questions: slot.pending.size }, 'reach worker gone; answering its questions on the main thread');
    for (const [id, p] of slot.pending) {
      slot.pending.delete(id);
      clearTimeout(p.timer);
      this.counts.failed++;
      p.resolve(null);
    }
  }
}
