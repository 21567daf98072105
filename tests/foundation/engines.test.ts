// Runs on the server leg (DATABASE_URL set): the embedded engine and the PostGIS server, loaded from
// the same files by the same migrations, answer the same API requests with the same points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helper.ts';

const onServerLeg = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onServerLeg)('embedded and PostGIS server agree', () => {
  let server: TestApp;
  let embedded: TestApp;
  beforeAll(async () => {
    [server, embedded] = await Promise.all([buildTestApp(), buildTestApp({}, 'embedded')]);
  });
  afterAll(async () => { await Promise.all([server?.close(), embedded?.close()]); });

  it('runs on two different engines', async () => {
    expect((await server.app.inject('/api/health')).json().engine).toBe('postgres');
    expect((await embedded.app.inject('/api/health')).json().engine).toBe('embedded');
  });

  it.each([
    '/api/points',
    '/api/points?category=elder_care',
    '/api/points?category=health,shopping&street=120103003000',
    '/api/points?bbox=117.195,39.100,117.205,39.106',
    '/api/points?q=%E8%8F%9C%E5%B8%82%E5%9C%BA',
    '/api/sites?street=120103003000',
    '/api/sites?kind=service_center',
  ])('%s', async (url) => {
    const a = (await server.app.inject(url)).json();
    const b = (await embedded.app.inject(url)).json();
    const strip = (fc: any) => fc.features.map((f: any) => ({ ...f, properties: { ...f.properties, updated_at: undefined } }));
    expect(a.features.length).toBeGreaterThan(0);
    expect(strip(a)).toEqual(strip(b));
  });
});
