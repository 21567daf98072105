// Import jobs: a large file is imported in the background while the page polls its progress
// (phase and rows done). Jobs live in this process's memory for an hour; only their owner reads them.
import { randomUUID } from 'node:crypto';
import type { ImportPhase, ImportReport } from './importPoints.ts';

export interface ImportJob {
  id: string;
  staffId: number;
  dryRun: boolean;
  phase: ImportPhase | 'queued' | 'failed';
  done: number;
  total: number;
  startedAt: number;
  finishedAt: number | null;
  report: ImportReport | null;
  error: { statusCode: number; message: string; message_zh: string; field?: string } | null;
}

const KEEP_MS = 3600_000;
const MAX_JOBS = 200;

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();

  create(staffId: number, dryRun: boolean, total: number): ImportJob {
    this.prune();
    const job: ImportJob = {
      id: randomUUID(), staffId, dryRun, phase: 'queued', done: 0, total, startedAt: Date.now(), finishedAt: null, report: null, error: null,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string, staffId: number): ImportJob | undefined {
    const job = this.jobs.get(id);
    return job && job.staffId === staffId ? job : undefined;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, job] of this.jobs) if (job.finishedAt && now - job.finishedAt > KEEP_MS) this.jobs.delete(id);
    while (this.jobs.size >= MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value!);
  }
}
