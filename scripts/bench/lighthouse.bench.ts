// Benchmark section: Lighthouse 12.2.3 (pinned; 13 wants Node 22) on the phone page behind a board's QR code,
// on Debian's Chromium, with Lighthouse's default mobile emulation and simulated throttling (slow 4G, 4× CPU).
// Prints the accessibility and performance scores and the main timings; the bar is ≥ 95 and ≥ 90.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { registerBenchSection } from './registry.ts';
import { startServer } from './http.bench.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

registerBenchSection({
  name: 'lighthouse',
  title: 'Lighthouse 12.2.3 on the phone page (mobile emulation, simulated slow 4G and 4× CPU)',
  order: 95,
  async run(ctx) {
    const server = await startServer();
    ctx.onCleanup(server.stop);
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-lighthouse-'));
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: [...FLAGS, `--user-data-dir=${profileDir}`] });
    ctx.onCleanup(async () => { await chrome.kill(); fs.rmSync(profileDir, { recursive: true, force: true }); });
    for (const page of [`/m/site/${server.siteId}`, `/m/site/${server.siteId}?profile=elderly`, '/']) {
      const url = `http://127.0.0.1:${server.port}${page}`;
      const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['accessibility', 'performance'] });
      const lhr = result!.lhr;
      // The whole report beside the summary, for finding what costs the time (git-ignored).
      fs.mkdirSync(path.join(process.cwd(), 'test-artifacts'), { recursive: true });
      fs.writeFileSync(path.join(process.cwd(), 'test-artifacts', `lighthouse-${page.replace(/[^A-Za-z0-9]+/g, '_')}.json`), JSON.stringify(lhr));
      const ms = (id: string) => Math.round(Number(lhr.audits[id]?.numericValue ?? NaN));
      const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
      console.log(`  ${page.padEnd(28)} accessibility ${score('accessibility')}, performance ${score('performance')}` +
        ` (FCP ${ms('first-contentful-paint')} ms, LCP ${ms('largest-contentful-paint')} ms, TBT ${ms('total-blocking-time')} ms,` +
        ` CLS ${Number(lhr.audits['cumulative-layout-shift']?.numericValue ?? NaN).toFixed(3)}, transferred ${Math.round(Number(lhr.audits['total-byte-weight']?.numericValue ?? 0) / 1024)} KB)`);
      const failing = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && (lhr.categories.accessibility.auditRefs ?? []).some((r) => r.id === a.id && r.weight > 0));
      if (failing.length) console.log(`    accessibility audits not passed: ${failing.map((a) => a.id).join(', ')}`);
    }
  },
});
