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
}

export const CHANGE_CHANNEL = 'svc_changes';
const NOTIFY_MAX_BYTES = 7000;

export class DataEvents {
  readonly instanceId = randomUUID();
  private readonly listeners = new Set<(change: DataChange) => void>();
  private revision = 0;

  /** Increases on every change seen by this instance (local or remote): a cheap cache key. */
  get currentRevision(): number { return this.revision; }

  on(listener: (change: DataChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call after the writing transaction has committed. */
  async publish(db: Kysely<any>, change: DataChange): Promise<void> {
    this.deliver(change);
    let payload = JSON.stringify({ ...change, origin: this.instanceId });
    // NOTIFY carries at most 8,000 bytes: a bulk change goes out without its ids, and listeners reload.
    if (Buffer.byteLength(payload) > NOTIFY_MAX_BYTES) payload = JSON.stringify({ kind: change.kind, street: change.street, origin: this.instanceId });
    await sql`select pg_notify(${CHANGE_CHANNEL}, ${payload})`.execute(db);
  }

  /** Handles a NOTIFY payload from the database; changes made by this instance were already delivered. */
  receive(payload: string): void {
    let message: DataChange & { origin?: string };
    try { message = JSON.parse(payload); } catch { return; }
    if (message.origin === this.instanceId) return;
    this.deliver({ kind: message.kind, ids: message.ids, street: message.street });
  }

  private deliver(change: DataChange): void {
    this.revision += 1;
    for (const listener of this.listeners) listener(change);
  }
}
