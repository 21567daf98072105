// The browser harness itself: the built pages are served from our origin, Chromium has WebGL2 with
// the NOTES.md flags (MapLibre needs it), and requests are recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserSession, type BrowserSession } from './harness.ts';

let s: BrowserSession;
beforeAll(async () => { s = await startBrowserSession(); });
afterAll(async () => { await s?.close(); });

describe('browser harness', () => {
  it('serves the built home page to Chromium with WebGL2 and records its requests on our origin only', async () => {
    const page = await s.newPage('desktop', 'harness');
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    expect(await page.title()).toContain('15分钟');
    const webgl2 = await page.evaluate(() => Boolean(document.createElement('canvas').getContext('webgl2')));
    expect(webgl2).toBe(true);
    expect(s.requests.some((r) => r.url === `${s.baseUrl}/`)).toBe(true);
    expect(s.foreignRequests()).toEqual([]);
  });
});
