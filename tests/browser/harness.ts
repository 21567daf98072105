// Shared harness for tests in a real browser: the whole service on a fresh database copy, listening on
// 127.0.0.1, serving the pages built by Vite, driven by Debian's Chromium through playwright-core.
// Every request a page makes is recorded so that a test can prove nothing left the host.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { loadConfig, PROJECT_ROOT, type AppConfig } from '../../server/config.ts';
import { openTestDatabase, type TestDatabase } from '../helper.ts';
import { BROWSER_SHARED } from '../../scripts/ci/check-imports.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/**
 * The flags that give a working WebGL2 in headless Chromium on these machines (see NOTES.md).
 * Never add --use-gl=swiftshader: it removes WebGL2 and MapLibre refuses to start.
 * Playwright's `launch` gives every browser a fresh temporary --user-data-dir of its own.
 */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} satisfies Record<string, BrowserContextOptions>;
export type ViewportName = keyof typeof VIEWPORTS;

export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'test-artifacts');
const WEB_DIR = path.join(PROJECT_ROOT, 'web');
const WEB_DIST = path.join(WEB_DIR, 'dist');
const BUILD_STAMP = '.build-hash';

// ---------------------------------------------------------------------------------------------
// Pages: built once per change of their sources, shared by every test file (lock + content hash).

function listFiles(dir: string, skip: (p: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip(full)) continue;
    if (entry.isDirectory()) out.push(...listFiles(full, skip));
    else out.push(full);
  }
  return out;
}

/**
 * Hash of everything the built pages depend on: web/ sources, the server modules the pages bundle
 * (palette, field rules, placement: BROWSER_SHARED), the Vite config and the lock file.
 */
export function webSourcesHash(): string {
  const hash = crypto.createHash('sha256');
  const files = [
    ...listFiles(WEB_DIR, (p) => p === WEB_DIST || path.basename(p).startsWith('.')),
    ...[...BROWSER_SHARED].map((f) => path.join(PROJECT_ROOT, 'server', f)),
    path.join(PROJECT_ROOT, 'vite.config.ts'),
    path.join(PROJECT_ROOT, 'package-lock.json'),
  ].sort();
  for (const f of files) hash.update(path.relative(PROJECT_ROOT, f)).update(fs.readFileSync(f));
  return hash.digest('hex').slice(0, 16);
}

function builtHash(): string | undefined {
  try { return fs.readFileSync(path.join(WEB_DIST, BUILD_STAMP), 'utf8').trim(); } catch { return undefined; }
}

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

/**
 * Makes sure web/dist holds the pages built from the current sources. Builds into a temporary
 * directory and swaps it in, so a server of a concurrent test run never sees a half-written dist.
 * Several test files (and several engineers) may call this at once: a lock directory serialises them.
 */
export async function ensureWebBuilt(): Promise<void> {
  const want = webSourcesHash();
  if (builtHash() === want) return;
  const lock = path.join(PROJECT_ROOT, '.cache', 'web-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try { fs.mkdirSync(lock); break; } catch {
      // A build takes well under two minutes; an older lock was left by a killed run.
      try { if (Date.now() - fs.statSync(lock).mtimeMs > 180_000) fs.rmSync(lock, { recursive: true, force: true }); } catch { /* gone */ }
      await sleep(500);
    }
  }
  try {
    const current = webSourcesHash();
    if (builtHash() === current) return;
    const tmp = path.join(PROJECT_ROOT, '.cache', `web-build-${process.pid}-${Date.now()}`);
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn', '--outDir', tmp, '--emptyOutDir'], {
      cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 170_000,
    });
    if (result.status !== 0) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw new Error(`vite build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    }
    fs.writeFileSync(path.join(tmp, BUILD_STAMP), current);
    const old = `${WEB_DIST}.old-${process.pid}-${Date.now()}`;
    if (fs.existsSync(WEB_DIST)) fs.renameSync(WEB_DIST, old);
    fs.renameSync(tmp, WEB_DIST);
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The service on a real socket.

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface RecordedRequest { url: string; method: string; resourceType: string; page: string }

export interface BrowserSession {
  /** http://127.0.0.1:PORT — the service's own origin. */
  baseUrl: string;
  app: FastifyInstance;
  database: TestDatabase;
  browser: Browser;
  /** Every request made by every page of this session, in order. */
  requests: RecordedRequest[];
  /** Uncaught page errors and console errors, prefixed by the page's label. */
  pageErrors: string[];
  /** Responses with a status of 400 or more: "[label] STATUS URL". */
  failedResponses: string[];
  /** Console warnings, prefixed by the page's label (diagnostics for a failing test). */
  consoleWarnings: string[];
  /** A new page in its own browser context (fresh storage) at a named viewport. */
  newPage(viewport: ViewportName, label?: string, extra?: BrowserContextOptions): Promise<Page>;
  /** Requests whose URL is not on the service's origin (data: and blob: URLs are local and not counted). */
  foreignRequests(): RecordedRequest[];
  close(): Promise<void>;
}

export interface SessionOptions {
  config?: Partial<AppConfig>;
}

/**
 * Starts the whole service on a fresh copy of the test database (the engine under test: embedded,
 * or the server named by DATABASE_URL) and launches Chromium. Call once per test file in beforeAll
 * (the hook timeout covers a first build of the pages), and `close()` in afterAll.
 */
export async function startBrowserSession(options: SessionOptions = {}): Promise<BrowserSession> {
  // A browser test checks pages, not load shedding: with several suites (and Chromium) sharing two cores,
  // the event loop lags, and a lag longer than under-pressure's sampling interval reads as infinite delay.
  // 0 turns that check off (server/http/resilience.ts). Each test file runs in its own process.
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  await ensureWebBuilt();
  const database = await openTestDatabase();
  let app: FastifyInstance | undefined;
  let baseUrl = '';
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({ port, host: '127.0.0.1', publicBaseUrl: baseUrl, cookieSecure: false, ...options.config });
    app = await buildApp({ config, database: database.handle, logger: false });
    try {
      await app.listen({ port, host: '127.0.0.1' });
      break;
    } catch (err) {
      await app.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 4) { await database.drop(); throw err; }
    }
  }
  // Startup work (graph build, first queries) can leave the service briefly answering 503 "busy"
  // (server/http/resilience.ts); a test starts once it answers normally.
  for (let waited = 0; ; waited += 250) {
    const health = await app!.inject('/api/health');
    if (health.statusCode === 200) break;
    if (waited > 60_000) throw new Error(`service not ready after 60 s: ${health.statusCode} ${health.body.slice(0, 200)}`);
    await sleep(250);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  const origin = new URL(baseUrl).origin;
  const requests: RecordedRequest[] = [];
  const pageErrors: string[] = [];
  const failedResponses: string[] = [];
  const consoleWarnings: string[] = [];
  const contexts: BrowserContext[] = [];

  return {
    baseUrl, app: app!, database, browser, requests, pageErrors, failedResponses, consoleWarnings,
    async newPage(viewport, label = viewport, extra = {}) {
      const context = await browser.newContext({ ...VIEWPORTS[viewport], baseURL: baseUrl, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...extra });
      contexts.push(context);
      context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), resourceType: r.resourceType(), page: label }));
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(`[${label}] ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(`[${label}] console: ${m.text()}`);
        if (m.type() === 'warning') consoleWarnings.push(`[${label}] ${m.text()}`);
      });
      page.on('response', (r) => { if (r.status() >= 400) failedResponses.push(`[${label}] ${r.status()} ${r.url()}`); });
      return page;
    },
    foreignRequests() {
      return requests.filter((r) => {
        if (r.url.startsWith('data:') || r.url.startsWith('blob:')) return false;
        try { return new URL(r.url).origin !== origin; } catch { return true; }
      });
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await app!.close();
      await database.drop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Map and artifacts.

/**
 * Waits until the page's MapLibre map (exposed by every page as `window.__map`) has finished
 * loading and rendering: style, tiles and sources loaded and no transition running ('idle').
 */
export async function waitForMapIdle(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(() => Boolean((window as any).__map), undefined, { timeout: timeoutMs });
  await page.evaluate(async (ms) => {
    const map = (window as any).__map;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`map did not become idle within ${ms} ms`)), ms);
      map.once('idle', () => { clearTimeout(timer); resolve(); });
      // A repaint guarantees one more render, after which 'idle' fires once nothing is pending.
      map.triggerRepaint();
    });
  }, timeoutMs);
}

/** Saves a PNG under test-artifacts/ and returns its path. */
export async function saveScreenshot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Saves a PNG of one element (a map, a card) under test-artifacts/ and returns its path. */
export async function saveElementScreenshot(locator: Locator, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
  await locator.screenshot({ path: file });
  return file;
}

/** Writes a text or JSON artifact (measurements, request logs) under test-artifacts/. */
export function saveArtifact(name: string, content: string | object): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

export interface StaffAccount { username: string; role: 'admin' | 'editor' | 'viewer'; street_code: string | null }

/** A browser session with one staff account made in its database; the account's generated password with it. */
export async function startStaffBrowserSession(account: StaffAccount): Promise<{ session: BrowserSession; password: string }> {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  const session = await startBrowserSession();
  const password = generatePassword();
  await createStaffUser(session.app.db, { ...account, password });
  return { session, password };
}

/** Opens the admin page at `hash` (e.g. '#coverage') and signs in with its login form. */
export async function signInToAdmin(page: Page, hash: string, username: string, password: string): Promise<void> {
  await page.goto(`/admin${hash}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}
