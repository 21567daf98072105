// Benchmark section: Lighthouse 12.2.3 (pinned; 13 wants Node 22) on the phone page behind a board's QR code,
// on Debian's Chromium, with Lighthouse's default mobile emulation and simulated throttling (slow 4G, 4× CPU).
// Prints the accessibility and performance scores and the main timings (the median of three runs after one
// unmeasured warm-up run per page); the bar is ≥ 95 and ≥ 90.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lighthouse, { type Result } from 'lighthouse';
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
    // The child server finishes its start-up work (coverage, tiles) in the background: let it settle, and
    // let each page's answers be asked once, so that the runs measure the page rather than a cold server.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const pages = [`/m/site/${server.siteId}`, `/m/site/${server.siteId}?profile=elderly`, '/'];
    const RUNS = 3;
    for (const page of pages) {
      const url = `http://127.0.0.1:${server.port}${page}`;
      await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
      const runs: { perf: number; a11y: number; fcp: number; lcp: number; tbt: number; cls: number; kb: number }[] = [];
      let last: Result | undefined;
      for (let i = 0; i < RUNS; i++) {
        const lhr = (await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['accessibility', 'performance'] }))!.lhr;
        last = lhr;
        const ms = (id: string) => Math.round(Number(lhr.audits[id]?.numericValue ?? NaN));
        runs.push({
          perf: Math.round((lhr.categories.performance?.score ?? 0) * 100), a11y: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
          fcp: ms('first-contentful-paint'), lcp: ms('largest-contentful-paint'), tbt: ms('total-blocking-time'),
          cls: Number(lhr.audits['cumulative-layout-shift']?.numericValue ?? NaN), kb: Math.round(Number(lhr.audits['total-byte-weight']?.numericValue ?? 0) / 1024),
        });
      }
      // The whole last report beside the summary, for finding what costs the time (git-ignored).
      fs.mkdirSync(path.join(process.cwd(), 'test-artifacts'), { recursive: true });
      fs.writeFileSync(path.join(process.cwd(), 'test-artifacts', `lighthouse-${page.replace(/[^A-Za-z0-9]+/g, '_')}.json`), JSON.stringify(last));
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const pick = (k: keyof typeof runs[number]) => median(runs.map((r) => r[k]));
      console.log(`  ${page.padEnd(28)} accessibility ${pick('a11y')}, performance ${pick('perf')} (runs ${runs.map((r) => r.perf).join(', ')}; medians:` +
        ` FCP ${pick('fcp')} ms, LCP ${pick('lcp')} ms, TBT ${pick('tbt')} ms (runs ${runs.map((r) => r.tbt).join(', ')}), CLS ${pick('cls').toFixed(3)}, transferred ${pick('kb')} KB)`);
      const lhr = last!;
      const failing = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && (lhr.categories.accessibility.auditRefs ?? []).some((r) => r.id === a.id && r.weight > 0));
      if (failing.length) console.log(`    accessibility audits not passed: ${failing.map((a) => a.id).join(', ')}`);
    }
  },
});
