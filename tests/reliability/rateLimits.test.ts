// Route request limits are counted in the database (server/http/rateLimitStore.ts), so every instance
// of a group sees the same count: here on one app, the public receipt page's 60 a minute per address,
// with the refusal's reason in both languages, other addresses and other routes counted apart, and the
// count visible in the database. The two-instance case is in instances.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../helper.ts';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

const receipt = (address: string) => t.app.inject({ url: '/r/ABCD-2345', remoteAddress: address });

describe('route request limits, counted in the database', () => {
  it('the receipt page answers an address 60 times a minute, then 429 with Retry-After and the reason in both languages', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await receipt('10.77.0.1')).statusCode);
    expect(statuses.every((s) => s === 404), statuses.join(',')).toBe(true); // no such report: a page saying so
    const refused = await receipt('10.77.0.1');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    const body = refused.json();
    expect(body.message).toMatch(/rate limit|too many/i);
    expect(body.message_zh).toMatch(/频繁/);
    // The count is a row of the database, not a process's memory.
    const rows = await sql<{ key: string; hits: number }>`select key, hits from rate_limit_windows where key like ${'%/r/:code|10.77.0.1'}`.execute(t.app.db);
    expect(rows.rows).toHaveLength(1);
    expect(Number(rows.rows[0].hits)).toBe(61);
  });

  it('another address, and another limited route from the same address, are counted apart', async () => {
    expect((await receipt('10.77.0.2')).statusCode).toBe(404);
    const other = await t.app.inject({ method: 'POST', url: '/api/reports', remoteAddress: '10.77.0.1', payload: {} });
    expect(other.statusCode).toBe(400); // refused for its content, not for the receipt page's count
  });
});
