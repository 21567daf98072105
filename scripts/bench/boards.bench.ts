// Benchmark section: boards. One A1 board (content from the walking engine, layout, SVG, PDF), each
// step timed in this thread, then through the app (GET /api/boards/:id.pdf, drawn in the worker), and
// all 61 boards of 桃园街道 as one print job (ZIP of A1 PDFs), on the embedded database.
// Wall time and this process's CPU time are both printed: on a shared 2-core machine the wall time
// says more about the neighbours than about the printer.

import os from 'node:os';
import { registerBenchSection } from './registry.ts';
import { fmtMs, percentile } from './context.ts';
import { benchApp, preparedTemplate } from './benchApp.ts';

const TAOYUAN = '120103003000';

registerBenchSection({
  name: 'boards',
  title: 'Boards: one A1 board (target ≤ 1 s), all 61 boards of 桃园街道 as a print job (target ≤ 60 s)',
  order: 60,
  async run(ctx) {
    const template = preparedTemplate();
    const [{ loadCatalog }, { createStaffUser }, { generatePassword },
      { planBoard, layoutBoard, streetsWithin }, { boardSvg }, { svgToPdf }, { pageFor }, { allStreets }] = await Promise.all([
      import('../../server/catalog.ts'), import('../../server/auth/users.ts'),
      import('../../server/auth/passwords.ts'), import('../../server/boards/layout.ts'), import('../../server/boards/svg.ts'),
      import('../../server/boards/pdf.ts'), import('../../server/boards/paper.ts'), import('../../server/boards/repository.ts'),
    ]);
    if (!template) ctx.note('no prepared database in .cache/test-db: preparing one (about 20 s, not timed)');
    const app = await benchApp(ctx, 'boards', template);
    const catalog = loadCatalog();
    const printer = app.boards.printer;
    const sites = (await app.inject(`/api/sites?street=${TAOYUAN}`)).json().features.map((f: { id: number }) => f.id) as number[];
    ctx.note(`${sites.length} active board sites in 桃园街道; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

    // One A1 board, step by step, in this thread (after two warm-up boards).
    const ways = await allStreets(app.db);
    const options = { size: 'A1', orientation: 'portrait', profile: 'standard', lang: 'zh' } as const;
    const steps = { content: [] as number[], layout: [] as number[], svg: [] as number[], pdf: [] as number[], total: [] as number[], cpu: [] as number[] };
    let bytes = 0;
    for (const [i, site] of [sites[4], sites[11], ...sites.slice(0, 12)].entries()) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const content = await printer.content(await printer.site(site), 'standard');
      const t1 = performance.now();
      const plan = planBoard(content, pageFor(options.size, options.orientation), options.lang, catalog);
      const layout = layoutBoard(plan, streetsWithin(ways, plan.bbox));
      const t2 = performance.now();
      const svg = boardSvg(layout, 'pt');
      const t3 = performance.now();
      const pdf = await svgToPdf(svg, layout.page.width, layout.page.height, { title: 'bench' });
      const t4 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      if (i < 2) continue;
      steps.content.push(t1 - t0); steps.layout.push(t2 - t1); steps.svg.push(t3 - t2); steps.pdf.push(t4 - t3); steps.total.push(t4 - t0);
      steps.cpu.push((cpu.user + cpu.system) / 1000);
      bytes += pdf.length;
    }
    const med = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
    ctx.figure('one A1 board, in process: content (engine + database)', `median ${fmtMs(med(steps.content))}`);
    ctx.figure('one A1 board, in process: layout (labels placed)', `median ${fmtMs(med(steps.layout))}`);
    ctx.figure('one A1 board, in process: SVG', `median ${fmtMs(med(steps.svg))}`);
    ctx.figure('one A1 board, in process: PDF (svg-to-pdfkit, fonts subset)', `median ${fmtMs(med(steps.pdf))}`);
    ctx.figure('one A1 board, in process: total', `median ${fmtMs(med(steps.total))}  max ${fmtMs(Math.max(...steps.total))}  (CPU median ${fmtMs(med(steps.cpu))})`);
    ctx.figure('one A1 board: PDF size', `${(bytes / steps.total.length / 1024).toFixed(0)} KB on average`);
    ctx.results.set('boards.one', med(steps.total));

    // Through the app: the first request draws (in the worker), the second is served from the cache.
    const get = async (url: string) => {
      const t0 = performance.now();
      const res = await app.inject({ url });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return performance.now() - t0;
    };
    const http: number[] = [];
    for (const site of sites.slice(20, 30)) http.push(await get(`/api/boards/${site}.pdf?size=A1`));
    ctx.figure('GET /api/boards/:id.pdf?size=A1 (drawn in the worker)', `median ${fmtMs(med(http))}  max ${fmtMs(Math.max(...http))}`);
    ctx.figure('GET the same board again (unchanged: cached PDF)', fmtMs(await get(`/api/boards/${sites[20]}.pdf?size=A1`)));

    // All boards of the street as one job.
    const password = generatePassword();
    await createStaffUser(app.db, { username: 'bench_editor', password, role: 'editor', street_code: TAOYUAN });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench_editor', password } });
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrf = login.json().csrf_token as string;
    for (const format of ['zip', 'pdf'] as const) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const res = await app.inject({ method: 'POST', url: '/api/boards/jobs', headers: { cookie, 'x-csrf-token': csrf }, payload: { street: TAOYUAN, size: 'A1', format } });
      if (res.statusCode !== 202) throw new Error(`job: ${res.statusCode} ${res.body}`);
      await app.boards.jobs.idle();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const job = (await app.inject({ url: `/api/boards/jobs/${res.json().id}`, headers: { cookie } })).json();
      ctx.figure(`all ${job.total} boards of 桃园街道, A1, one ${format === 'zip' ? 'ZIP of PDFs' : 'multi-page PDF'}`,
        `${(ms / 1000).toFixed(1)} s (${fmtMs(ms / job.total)} a board; ${(job.result_bytes / 1024 / 1024).toFixed(1)} MB; process CPU, both threads, ${((cpu.user + cpu.system) / 1000 / 1000).toFixed(1)} s; ${job.status})`);
      if (format === 'zip') ctx.results.set('boards.street', ms);
    }
    const t0 = performance.now();
    const report = (await app.inject({ url: `/api/boards/reprint?street=${TAOYUAN}`, headers: { cookie } })).json();
    ctx.figure('GET /api/boards/reprint (61 boards compared with their last print)', `${fmtMs(performance.now() - t0)} (${report.needs_reprint.length} need reprint)`);
  },
});
