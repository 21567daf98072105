// One worker thread that draws boards (see renderWorker.ts), with a bounded queue: a busy printer
// answers 503 with Retry-After instead of piling up work. A worker that dies is replaced and the
// requests it held fail with a 503 rather than hanging.
import { Worker } from 'node:worker_threads';
import { HttpError } from '../http/errors.ts';
import type { StreetWay } from './layout.ts';
import type { RenderRequest, RenderResponse } from './renderWorker.ts';

const WORKER_URL = new URL('./renderWorker.ts', import.meta.url);

interface Pending { resolve: (r: RenderResponse) => void; reject: (e: Error) => void; priority: 'interactive' | 'batch'; onProgress?: (done: number) => void }

export class RenderPool {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private streets: { version: number; ways: StreetWay[] } | null = null;
  private sentStreets = -1;

  /**
   * @param maxInteractive requests from people waiting for a board (GET .pdf/.svg) allowed in the
   *   queue at once; more get a 503. Print jobs send one board at a time and always queue.
   */
  constructor(private readonly maxInteractive = 6) {}

  private start(): Worker {
    // The worker loads TypeScript through tsx's loader, whatever started the main thread (tsx,
    // vitest, the bench): a two-line bootstrap registers it, then imports the worker module.
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
    const w = new Worker(bootstrap, { eval: true });
    w.on('message', (msg: RenderResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.progress !== undefined && !msg.error && !msg.pdf && !msg.svg) { p.onProgress?.(msg.progress); return; }
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`board rendering failed: ${msg.error}`));
      else p.resolve(msg);
    });
    const fail = (why: string) => {
      if (this.worker === w) this.worker = null;
      for (const [id, p] of this.pending) { this.pending.delete(id); p.reject(new HttpError(503, `the board printer restarted (${why}); try again`, undefined, '打印服务重启，请重试')); }
    };
    w.on('error', (err) => fail(err.message));
    w.on('exit', (code) => { if (!this.closed) fail(`exit ${code}`); });
    return w;
  }

  /** The network's ways for the maps (sent to the worker once per version). */
  setStreets(version: number, ways: StreetWay[]): void {
    this.streets = { version, ways };
  }

  async render(req: Omit<RenderRequest, 'id'>, priority: Pending['priority'] = 'interactive', onProgress?: (done: number) => void): Promise<RenderResponse> {
    if (this.closed) throw new HttpError(503, 'the server is stopping', undefined, '服务正在停止');
    const waiting = [...this.pending.values()].filter((p) => p.priority === 'interactive').length;
    if (priority === 'interactive' && waiting >= this.maxInteractive) {
      throw new HttpError(503, 'the board printer is busy; try again in a few seconds', undefined, '打印服务繁忙，请稍后再试');
    }
    if (!this.worker) { this.worker = this.start(); this.sentStreets = -1; }
    const worker = this.worker;
    if (this.streets && this.sentStreets !== this.streets.version) {
      worker.postMessage({ kind: 'streets', version: this.streets.version, ways: this.streets.ways });
      this.sentStreets = this.streets.version;
    }
    const id = this.nextId++;
    return new Promise<RenderResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, priority, onProgress });
      worker.postMessage({ ...req, kind: 'render', id });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    for (const [id, p] of this.pending) { this.pending.delete(id); p.reject(new HttpError(503, 'the server is stopping', undefined, '服务正在停止')); }
    if (w) await w.terminate();
  }
}
