// A reach worker thread: its own copy of the walking engine, built from exactly what the main thread's
// is built from and kept in step by the changes the main thread mirrors to it (reachPool.ts). It answers
// fresh /api/reach questions with the JSON bytes and, when asked, the compressed bytes, so the main
// thread only passes buffers on. Messages carry plain data; answers transfer their buffers.
import { parentPort } from 'node:worker_threads';
import { useDistrict } from '../district.ts';
import type { AnswerEncoding } from '../http/compression.ts';
import { buildCorrectedGraphAsync } from './corrections.ts';
import type { WalkingProfile } from './profiles.ts';
import { reachAnswerBytes, type ReachQuestion } from './reachAnswer.ts';
import type { WalkingPoint } from './repository.ts';
import type { EngineChange } from './service.ts';
import type { SnapFailure } from './snapping.ts';
import { OutsideNetworkError, WalkingEngine } from './walkingEngine.ts';

export interface WorkerInit { kind: 'init'; districtFile: string; profiles: WalkingProfile[]; maxSnapM: number }
export interface ReachJob { kind: 'reach'; id: number; stamp: string; question: ReachQuestion; encoding: AnswerEncoding | null }
export type ToWorker = WorkerInit | ReachJob | { kind: 'change'; change: EngineChange };

export type FromWorker =
  /** The engine now answers for this stamp. */
  | { kind: 'ready'; stamp: string }
  /** `bytes` holds the JSON (its first `jsonLength` bytes), then the compressed bytes when `encoding` is set: one buffer to transfer. */
  | { kind: 'answer'; id: number; bytes: ArrayBuffer; jsonLength: number; encoding: AnswerEncoding | null }
  /** The question's stamp is not this worker's (a change is still being applied): the main thread answers it. */
  | { kind: 'stale'; id: number }
  | { kind: 'outside'; id: number; failure: SnapFailure; role: string }
  | { kind: 'failed'; id: number; message: string };

if (parentPort) {
  const port = parentPort;
  let init: WorkerInit | null = null;
  let engine: WalkingEngine<WalkingPoint> | null = null;
  let stamp = '';
  // Changes are applied one after another (a graph build awaits); questions are answered at once
  // from whatever stamp is applied, and only when it is the question's.
  let applying: Promise<void> = Promise.resolve();

  const apply = async (change: EngineChange) => {
    if (change.kind === 'graph') {
      const s = change.snapshot;
      const graph = await buildCorrectedGraphAsync(s.ways, s.corrections);
      const fresh = new WalkingEngine<WalkingPoint>(graph, init!.profiles, { maxSnapM: init!.maxSnapM });
      fresh.points.setAll(s.points);
      for (const profile of init!.profiles) fresh.pointView(profile.id);
      engine = fresh;
    } else if (!engine) {
      return; // a points change before any graph: the next graph message carries the points
    } else if (change.kind === 'points') {
      for (const p of change.upsert) engine.points.upsert(p);
      for (const id of change.remove) engine.points.remove(id);
    } else {
      engine.points.setAll(change.points);
    }
    stamp = change.kind === 'graph' ? change.snapshot.stamp : change.stamp;
    port.postMessage({ kind: 'ready', stamp } satisfies FromWorker);
  };

  const answer = (job: ReachJob) => {
    if (!engine || job.stamp !== stamp) { port.postMessage({ kind: 'stale', id: job.id } satisfies FromWorker); return; }
    try {
      const { json, compressed } = reachAnswerBytes(engine, job.question, job.encoding);
      // One buffer of its own, transferred: each transfer costs far more than copying 15 KB once.
      const bytes = new Uint8Array(json.byteLength + (compressed?.byteLength ?? 0));
      bytes.set(json, 0);
      if (compressed) bytes.set(compressed, json.byteLength);
      const msg: FromWorker = { kind: 'answer', id: job.id, bytes: bytes.buffer, jsonLength: json.byteLength, encoding: compressed ? job.encoding : null };
      port.postMessage(msg, [bytes.buffer]);
    } catch (e) {
      if (e instanceof OutsideNetworkError) port.postMessage({ kind: 'outside', id: job.id, failure: e.failure, role: e.role } satisfies FromWorker);
      else port.postMessage({ kind: 'failed', id: job.id, message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    }
  };

  port.on('message', (msg: ToWorker) => {
    if (msg.kind === 'reach') answer(msg);
    else if (msg.kind === 'init') { init = msg; useDistrict(msg.districtFile); }
    else {
      applying = applying.then(() => apply(msg.change)).catch((err: unknown) => {
        // An engine this worker cannot build answers nothing: every question falls back to the main thread.
        engine = null; stamp = '';
        port.postMessage({ kind: 'ready', stamp: '' } satisfies FromWorker);
        console.error('reach worker: could not apply a change', err);
      });
    }
  });
}
