// Data-change events. A repository publishes a change after its transaction commits; the walking
// engine, tiles and caches subscribe. Changes also go out on PostgreSQL NOTIFY so that other
// server instances on the same database see them (see server/db/engine.ts `listen`).
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

export type DataKind = 'points' | 'sites' | 'compounds' | 'network' | 'desks' | 'settings' | 'areas' | 'resync';

export interface DataChange {
  kind: DataKind;
  ids?: number[];
  /** Street the change belongs to, when known. */
  street?: string | null;
  /**
   * The primary's WAL position once the change was committed (server engine): a replica that has
   * replayed it holds the change (server/db/readRouting.ts). Absent from an operator's own notice.
   */
  lsn?: string;
  /** Made by this instance (its next reads must see it: they go to the primary). */
  local?: boolean;
}

export const CHANGE_CHANNEL = 'svc_changes';
const NOTIFY_MAX_BYTES = 7000;

export class DataEvents {
  readonly instanceId = randomUUID();
  private readonly listeners = new Set<(change: DataChange) => void>();
  private revision = 0;

  /** `stampLsn`: add the primary's WAL position to every notice (server engine; PGlite has no replicas). */
  constructor(private readonly options: { stampLsn?: boolean } = {}) {}

  /** Increases on every change seen by this instance (local or remote): a cheap cache key. */
  get currentRevision(): number { return this.revision; }

  on(listener: (change: DataChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call after the writing transaction has committed. */
  async publish(db: Kysely<any>, change: DataChange): Promise<void> {
    const { kind, ids, street } = change;
    let payload = JSON.stringify({ kind, ids, street, origin: this.instanceId });
    // NOTIFY carries at most 8,000 bytes: a bulk change goes out without its ids, and listeners reload.
    if (Buffer.byteLength(payload) > NOTIFY_MAX_BYTES) payload = JSON.stringify({ kind, street, origin: this.instanceId });
    let lsn: string | undefined;
    try {
      if (this.options.stampLsn) {
        // One position for the notice and for this instance: taken after the change's commit.
        const { rows } = await sql<{ lsn: string }>`
          with here as (select pg_current_wal_lsn()::text as lsn)
          select here.lsn, pg_notify(${CHANGE_CHANNEL}, (${payload}::jsonb || jsonb_build_object('lsn', here.lsn))::text) from here`.execute(db);
        lsn = rows[0].lsn;
      } else {
        await sql`select pg_notify(${CHANGE_CHANNEL}, ${payload})`.execute(db);
      }
    } finally {
      // Delivered here even when the notice failed: this instance's own answers must follow its writes.
      this.deliver({ kind, ids, street, lsn, local: true });
    }
  }

  /** Handles a NOTIFY payload from the database; changes made by this instance were already delivered. */
  receive(payload: string): void {
    let message: DataChange & { origin?: string };
    try { message = JSON.parse(payload); } catch { return; }
    if (message.origin === this.instanceId) return;
    this.deliver({ kind: message.kind, ids: message.ids, street: message.street, lsn: typeof message.lsn === 'string' ? message.lsn : undefined });
  }

  private deliver(change: DataChange): void {
    this.revision += 1;
    for (const listener of this.listeners) listener(change);
  }
}
