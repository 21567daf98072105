// Benchmark section: /api/reach over HTTP on loopback with autocannon, against the whole app on the
// embedded database in a child process. Two loads: the same board site again and again (what QR
// codes produce; answered from the response cache after the first) and a fresh random origin on every
// request (no cache help: every request computes rings and nearest points), run twice side by side:
// with no reach worker (REACH_WORKERS=0: the main thread computes) and with one (REACH_WORKERS=1).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import { registerBenchSection } from './registry.ts';
import { ROOT, seededRandom } from './context.ts';

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS || 10);
/** What a current browser sends: the loads pay for compression as a real client makes the server do. */
const BROWSER_ENCODINGS = 'gzip, deflate, br';

export async function startServer(env: Record<string, string> = {}): Promise<{ port: number; siteId: number | null; fromTemplate: boolean; reachWorkers: number; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/reachServer.ts')], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.stdin!.end();
    setTimeout(() => { child.kill('SIGKILL'); }, 10_000).unref();
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const ready = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with code ${code} before it was ready`)));
  });
  return { ...JSON.parse(ready), pid: child.pid!, stop };
}

/**
 * CPU seconds (user + system) the process has used so far, all its threads (Linux /proc), or null
 * elsewhere; with `thread`, that thread's only (the main thread's id is the process id).
 */
function cpuSeconds(pid: number, thread?: number): number | null {
  try {
    const fields = fs.readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

registerBenchSection({
  name: 'http',
  title: `/api/reach over HTTP (loopback, autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per load)`,
  order: 30,
  async run(ctx) {
    const { origins } = ctx.hexi();
    // 50,000 distinct origins: the 2,000-entry cache almost never helps.
    const rnd = seededRandom(99);
    const paths = Array.from({ length: 50_000 }, () => {
      const o = origins[Math.floor(rnd() * origins.length)];
      const lon = (o[0] + (rnd() - 0.5) * 0.0004).toFixed(6), lat = (o[1] + (rnd() - 0.5) * 0.0004).toFixed(6);
      return `/api/reach?lon=${lon}&lat=${lat}&profile=standard&minutes=5,10,15`;
    });
    // Each fresh load twice: rings packed, as the resident map and the phone page ask, and as GeoJSON.
    const FORMATS = [['packed', '&rings=packed'], ['geojson', '']] as const;
    const fresh: Record<string, { rps: number; p50: number; p99: number; cpuMs: number; mainMs: number }> = {};
    // The same loads against a server with no reach worker, then one with one: CPU per request counts
    // the whole process, every thread (/proc/PID/stat).
    // BENCH_REACH_WORKERS (default "0,1"): the worker counts to compare; the first gives the byte figures.
    const workerCounts = (process.env.BENCH_REACH_WORKERS ?? '0,1').split(',').map(Number);
    for (const workers of workerCounts) {
      const t0 = performance.now();
      const server = await startServer({ REACH_WORKERS: String(workers) });
      ctx.onCleanup(server.stop);
      ctx.note(`REACH_WORKERS=${server.reachWorkers}: ${server.reachWorkers === 0 ? 'no reach worker, the main thread computes every answer' : `${server.reachWorkers} reach worker thread(s) compute fresh answers`}; service started in ${((performance.now() - t0) / 1000).toFixed(1)} s (${server.fromTemplate ? 'database copied from the prepared test database' : 'database prepared from scratch'})`);
      const base = `http://127.0.0.1:${server.port}`;
      const tag = `[${server.reachWorkers} worker${server.reachWorkers === 1 ? '' : 's'}]`;

      // Server CPU per request is less sensitive to other load on the machine than req/s: 1000 / it is
      // roughly what one core could serve.
      let cpuBefore = 0, mainBefore = 0;
      const mainThreadMs = () => (cpuSeconds(server.pid, server.pid) ?? NaN) * 1000;
      const measure = async () => { mainBefore = mainThreadMs(); cpuBefore = cpuSeconds(server.pid) ?? NaN; };
      const report = async (label: string, r: autocannon.Result) => {
        const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
        ctx.figure(label, `${r.requests.average.toFixed(0)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  (${r['2xx']} ok, ${r.non2xx} non-2xx, ${r.errors} errors; load average ${load})`);
        const cpuMs = ((cpuSeconds(server.pid) ?? NaN) - cpuBefore) * 1000 / Math.max(1, r['2xx'] + r.non2xx);
        const mainMs = (mainThreadMs() - mainBefore) / Math.max(1, r['2xx'] + r.non2xx);
        if (Number.isFinite(cpuMs)) ctx.figure('  server CPU per request, all threads', `${cpuMs.toFixed(2)} ms (main thread ${mainMs.toFixed(2)} ms)`);
        return { cpuMs, mainMs };
      };
      if (server.siteId !== null && workers === workerCounts[0]) {
        await measure();
        const same = await run({ url: `${base}/api/reach?site=${server.siteId}&profile=standard&minutes=5,10,15`, connections: CONNECTIONS, duration: DURATION_S, headers: { 'accept-encoding': BROWSER_ENCODINGS } });
        await report('same board site (?site=ID): cached answer', same);
        ctx.results.set('http.cached.rps', same.requests.average);
      }
      for (const [format, suffix] of FORMATS) {
        if (workers === workerCounts[0]) {
          // Bytes per fresh answer, as a browser asks (gzip/br accepted) and as a bare client asks.
          const wire: number[] = [], raw: number[] = [];
          for (const p of paths.slice(-40)) {
            const zipped = await fetch(base + p + suffix, { headers: { 'accept-encoding': BROWSER_ENCODINGS } });
            const encoding = zipped.headers.get('content-encoding') ?? 'identity';
            wire.push(Number(zipped.headers.get('content-length') ?? NaN));
            await zipped.arrayBuffer();
            const plain = await fetch(base + p + suffix, { headers: { 'accept-encoding': 'identity' } });
            raw.push((await plain.arrayBuffer()).byteLength);
            if (p === paths.at(-1)) ctx.note(`rings ${format}: answers sent as ${encoding} to "accept-encoding: ${BROWSER_ENCODINGS}"`);
          }
          const kb = (xs: number[]) => `${(xs.reduce((a, b) => a + b, 0) / xs.length / 1024).toFixed(1)} KB mean, ${(Math.max(...xs) / 1024).toFixed(1)} KB max`;
          ctx.figure(`rings ${format}: fresh answer bytes, raw JSON (40 origins)`, kb(raw));
          ctx.figure(`rings ${format}: fresh answer bytes on the wire, browser accept-encoding`, kb(wire));
          ctx.results.set(`http.fresh.${format}.wireBytes`, wire.reduce((a, b) => a + b, 0) / wire.length);
        }
        let next = 0;
        await measure();
        const load = await run({
          url: base, connections: CONNECTIONS, duration: DURATION_S, headers: { 'accept-encoding': BROWSER_ENCODINGS },
          requests: [{ method: 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[next++ % paths.length] + suffix }) }],
        });
        const { cpuMs, mainMs } = await report(`${tag} rings ${format}, a new random origin per request: computed every time`, load);
        fresh[`${format}.${workers}`] = { rps: load.requests.average, p50: load.latency.p50, p99: load.latency.p99, cpuMs, mainMs };
      }
      if (workers > 0) {
        const status = await (await fetch(`${base}/api/walking/status`)).json() as { reachWorkers: { answered: number; fellBack: Record<string, number> } };
        const w = status.reachWorkers;
        ctx.note(`${tag} answered by a worker: ${w.answered}; on the main thread instead: ${w.fellBack.busy} (worker queue full), ${w.fellBack.stale} (worker behind), ${w.fellBack.failed} (worker failed)`);
      }
      await server.stop();
    }
    for (const [format] of FORMATS) {
      const [w0, w1] = [workerCounts[0], workerCounts.at(-1)!];
      const a = fresh[`${format}.${w0}`], b = fresh[`${format}.${w1}`];
      for (const w of workerCounts) ctx.results.set(`http.fresh.${format}.workers${w}.rps`, fresh[`${format}.${w}`].rps);
      ctx.figure(`rings ${format}, fresh origin, REACH_WORKERS ${w0} → ${w1}`, `${a.rps.toFixed(0)} → ${b.rps.toFixed(0)} req/s, p50 ${a.p50} → ${b.p50} ms, p99 ${a.p99} → ${b.p99} ms, CPU ${a.cpuMs.toFixed(2)} → ${b.cpuMs.toFixed(2)} ms per request (main thread ${a.mainMs.toFixed(2)} → ${b.mainMs.toFixed(2)} ms)`);
    }
  },
});
