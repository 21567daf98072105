// Change events reach this instance at once and go out on NOTIFY, even for bulk changes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helper.ts';
import { CHANGE_CHANNEL } from '../../server/events.ts';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

it('publishes a bulk change of 10,000 ids: local listeners get the ids, NOTIFY gets a reload without them', async () => {
  const local: unknown[] = [];
  const remote: string[] = [];
  t.app.dataEvents.on((c) => local.push(c));
  const stop = await t.database.handle.listen(CHANGE_CHANNEL, (p) => remote.push(p));
  const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
  await t.app.dataEvents.publish(t.app.db, { kind: 'points', ids, street: '120103003000' });
  for (let i = 0; i < 50 && remote.filter((p) => !p.includes('resync')).length === 0; i += 1) await new Promise((r) => setTimeout(r, 100));
  await stop();
  // On a server, the primary's WAL position after the commit rides along (read replicas wait for it), the same here and in the notice.
  const onServer = t.app.database.engine === 'postgres';
  expect(local).toEqual([{ kind: 'points', ids, street: '120103003000', local: true, ...(onServer ? { lsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/) } : {}) }]);
  const notified = remote.map((p) => JSON.parse(p)).filter((m) => m.kind === 'points');
  expect(notified).toHaveLength(1);
  expect(notified[0].ids).toBeUndefined();
  expect(notified[0].street).toBe('120103003000');
  expect(notified[0].lsn).toBe(onServer ? (local[0] as { lsn: string }).lsn : undefined);
});
