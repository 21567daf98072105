// The check-up report (体检报告) as a vector A4 PDF: pdfkit draws the score map from the surface's samples
// (one stroked path per score, so the district's tens of thousands of segments stay small), the
// tables and the text; the Noto Sans SC glyphs used are embedded (the boards' font). Every page carries
// the data date, the sample mark where sample data is used, and the OpenStreetMap attribution.
import PDFDocument from 'pdfkit';
import { FONT_BOLD, FONT_REGULAR, fitText, registerBoardFonts } from '../boards/fonts.ts';
import type { ReportContent, ReportLang } from './reportContent.ts';

const A4 = { w: 595.28, h: 841.89 };
const M = 40;
const INK = '#1f2328';
const MUTED = '#57606a';
const RULE = '#d0d7de';
/** Score 0–10, red (nothing within target) to green (all ten); readable on white and in grey print. */
export const SCORE_COLORS = ['#67000d', '#a50f15', '#cb181d', '#ef3b2c', '#fb6a4a', '#fdae6b', '#fed976', '#c7e9b4', '#7fcdbb', '#41ae76', '#006d2c'];

const T = {
  zh: {
    profile: '步行方式', dataDate: '数据日期', generated: '生成时间', version: '数据版本', sample: '示例数据',
    sampleNote: '本报告使用示例数据（小区、人口与服务点为演示生成），不代表真实情况。',
    attribution: '道路数据 © OpenStreetMap contributors, ODbL 1.0', page: (n: number, t: number) => `第 ${n} / ${t} 页`,
    summary: '概况', compounds: '小区', residents: '居民', withoutGaps: '十类全部达标的小区', meanScore: '平均 15 分钟得分（按街道长度加权）',
    scoreMap: '15 分钟得分图', scoreLegend: '得分 = 在目标步行时间内可达的服务类别数（0–10），沿路网每约 {s} 米取样一次',
    perCategory: '分类别覆盖情况（与“覆盖分析”一致）', cat: '类别', target: '目标', covered: '达标小区', shareC: '小区覆盖率',
    coveredR: '达标居民', shareR: '居民覆盖率', shareL: '路段覆盖率', weighting: '口径', wRes: '按居民', wLen: '按街道长度', min: '分钟',
    weightingNote: '“口径”说明本行主数字的加权方式：有居民数的小区存在时按居民加权，否则按取样的街道长度加权。',
    worst: '最突出的缺口', compound: '小区', walk: '步行', over: '超出', none: '无可达服务点', noGaps: '暂无缺口。',
    suggestions: '建议选址及新增试算', sugCat: '类别', place: '位置', adds: '新增覆盖', after: '覆盖率变化', noSuggestions: '没有可建议的位置（无缺口，或缺口无法通过新增点位解决）。',
    trends: '历次快照的覆盖率', trendsNote: '每条线从第一次快照到今天（最右的点），纵轴 0–100 %，口径同“分类别覆盖情况”的主数字。', now: '今天',
    trendSentence: (a: string, b: string, d: string) => `${a} → ${b}（${d} 快照 → 今天）`, targetsChangedSince: '；期间目标有调整',
    changes: '自上次快照以来的变化', lastSnap: '上次快照', noSnap: '尚无快照：管理员可在“覆盖分析”中生成一次快照，之后的报告会列出变化。',
    added: '新增服务点', closed: '关闭服务点', gapsClosed: '消除的缺口', gapsOpened: '新出现的缺口', targetsChanged: '目标调整',
    desks: '流动办公桌与居民诉求', since: '统计自', requestsReceived: '收到诉求', requestsResolved: '办结诉求', visitsHeld: '已举办的流动办公', visitsPlanned: '未来 31 天已排期',
    residentReports: '居民反映（居民报告）', residentHook: '居民报告模块尚未接入本报告（预留接口：server/reports/ 提供 checkupResidentReports 后自动显示）。',
    received: '收到', resolved: '办结', streets: '各街道覆盖率（按类别）', streetsNote: '有居民数的小区的街道按居民加权（与“覆盖分析”的居民覆盖率一致）；其余街道尚无小区数据，按取样的街道长度加权，不是 0 %。', street: '街道', noData: '无数据',
    method: '方法说明', methodText: '步行时间在真实路网上计算（与 /api/reach、覆盖分析同一引擎），从小区最优出入口到最近的在营服务点；目标为各街道在用目标。',
    item: '项', people: '人', andMore: (n: number) => `等 ${n} 项`,
  },
  en: {
    profile: 'Walking profile', dataDate: 'Data date', generated: 'Generated', version: 'Data version', sample: 'SAMPLE',
    sampleNote: 'This report uses sample data (compounds, residents and service points generated for demonstration); it does not describe real places.',
    attribution: 'Streets © OpenStreetMap contributors, ODbL 1.0', page: (n: number, t: number) => `Page ${n} of ${t}`,
    summary: 'Summary', compounds: 'Compounds', residents: 'Residents', withoutGaps: 'Compounds with all ten categories within target', meanScore: 'Mean 15-minute score (weighted by street length)',
    scoreMap: '15-minute score map', scoreLegend: 'Score = number of service categories within their target walk (0–10), sampled about every {s} m along the network',
    perCategory: 'Coverage by category (as in Coverage analysis)', cat: 'Category', target: 'Target', covered: 'Compounds', shareC: 'Share',
    coveredR: 'Residents', shareR: 'Share', shareL: 'Street length', weighting: 'Weighting', wRes: 'residents', wLen: 'street length', min: 'min',
    weightingNote: '"Weighting" says what each row\'s headline share is weighted by: residents where compounds with residents exist, otherwise sampled street length.',
    worst: 'Worst gaps', compound: 'Compound', walk: 'Walk', over: 'Over', none: 'none reachable', noGaps: 'No gaps.',
    suggestions: 'Suggested sites and their what-if', sugCat: 'Category', place: 'Place', adds: 'Newly covered', after: 'Share change', noSuggestions: 'Nothing to suggest (no gaps, or none a new site can close).',
    trends: 'Coverage at each snapshot', trendsNote: 'Each line runs from the first snapshot to today (the rightmost dot), 0–100 % high, on the same measure as the main figure in the per-category table.', now: 'today',
    trendSentence: (a: string, b: string, d: string) => `${a} → ${b} (snapshot of ${d} → today)`, targetsChangedSince: '; targets changed in between',
    changes: 'Changes since the last snapshot', lastSnap: 'Last snapshot', noSnap: 'No snapshot yet: an admin can take one on the Coverage tab; later reports list the changes.',
    added: 'Points added', closed: 'Points closed', gapsClosed: 'Gaps closed', gapsOpened: 'Gaps opened', targetsChanged: 'Targets changed',
    desks: 'Mobile desks and requests', since: 'Since', requestsReceived: 'Requests received', requestsResolved: 'Requests resolved', visitsHeld: 'Desk visits held', visitsPlanned: 'Scheduled in the next 31 days',
    residentReports: "Residents' reports", residentHook: "Residents' reports are not connected to this report yet (hook: server/reports/ provides checkupResidentReports).",
    received: 'received', resolved: 'resolved', streets: 'Share by street and category', streetsNote: 'Streets with compounds that have residents are weighted by residents (the residents share of Coverage analysis); the others have no compound data yet and are weighted by sampled street length, not reported as 0 %.', street: 'Street', noData: 'no data',
    method: 'Method', methodText: 'Walking times on the real network (the engine of /api/reach and the coverage analysis), from each compound\'s best gate to the nearest open service point, against the street\'s targets in force.',
    item: '', people: '', andMore: (n: number) => `and ${n} more`,
  },
} as const;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const int = (n: number) => n.toLocaleString('en-US');
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

interface Column { title: string; width: number; align?: 'left' | 'right' }

/** Writes the report; `progress` is told the fraction of pages drawn. */
export function writeReportPdf(c: ReportContent, progress: (fraction: number) => void = () => {}): Promise<Buffer> {
  const t = T[c.lang as ReportLang];
  const doc = new PDFDocument({
    autoFirstPage: false, margin: 0, compress: true, bufferPages: true,
    info: { Title: c.title, Subject: t.scoreMap, Creator: '15分钟综合服务圈', Producer: 'pdfkit', CreationDate: new Date(c.generated_at) },
    lang: c.lang === 'zh' ? 'zh-CN' : 'en',
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (b: Buffer) => chunks.push(b));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  registerBoardFonts(doc);
  let y = 0;
  const FOOT = 36;
  const newPage = () => { doc.addPage({ size: [A4.w, A4.h], margin: 0 }); y = M; };
  const ensure = (h: number) => { if (y + h > A4.h - M - FOOT) newPage(); };
  const text = (s: string, x: number, size: number, opts: { bold?: boolean; color?: string; width?: number; align?: 'left' | 'right' | 'center' } = {}) => {
    const width = opts.width ?? A4.w - M - x;
    doc.font(opts.bold ? FONT_BOLD : FONT_REGULAR).fontSize(size).fillColor(opts.color ?? INK)
      .text(fitText(s, size, width, opts.bold ? 'bold' : 'regular'), x, y, { width, align: opts.align ?? 'left', lineBreak: false });
  };
  const para = (s: string, size = 9, color = MUTED) => {
    doc.font(FONT_REGULAR).fontSize(size).fillColor(color);
    const h = doc.heightOfString(s, { width: A4.w - 2 * M, lineGap: 2 });
    ensure(h + 4);
    doc.text(s, M, y, { width: A4.w - 2 * M, lineGap: 2 });
    y += h + 6;
  };
  const heading = (s: string) => {
    ensure(40);
    y += 6;
    text(s, M, 13, { bold: true });
    y += 19;
    doc.moveTo(M, y).lineTo(A4.w - M, y).lineWidth(0.6).strokeColor(RULE).stroke();
    y += 7;
  };
  const table = (cols: Column[], rows: string[][], size = 8.5, rowColors?: (string | null)[]) => {
    const rh = size + 6.5;
    const head = () => {
      let x = M;
      for (const col of cols) { text(col.title, x, size, { bold: true, color: MUTED, width: col.width - 4, align: col.align }); x += col.width; }
      y += rh;
      doc.moveTo(M, y - 2).lineTo(M + cols.reduce((n, col) => n + col.width, 0), y - 2).lineWidth(0.4).strokeColor(RULE).stroke();
    };
    ensure(rh * 2);
    head();
    rows.forEach((row, ri) => {
      if (y + rh > A4.h - M - FOOT) { newPage(); head(); }
      let x = M;
      const swatch = rowColors?.[ri];
      if (swatch) doc.rect(x, y + 1.5, 6, size - 1).fill(swatch);
      row.forEach((cell, ci) => {
        const indent = ci === 0 && swatch ? 9 : 0;
        text(cell, x + indent, size, { width: cols[ci].width - 4 - indent, align: cols[ci].align });
        x += cols[ci].width;
      });
      y += rh;
    });
    y += 4;
  };

  // ---- page 1: title, summary, score map ----
  newPage();
  text(c.title, M, 18, { bold: true });
  if (c.contains_sample) {
    doc.roundedRect(A4.w - M - 70, y, 70, 22, 3).fill('#b42318');
    text(t.sample, A4.w - M - 70, 12, { bold: true, color: '#ffffff', width: 70, align: 'center' });
    y += 2;
  }
  y += 28;
  text(`${t.profile}: ${c.profile_name}   ${t.dataDate}: ${day(c.data_date)}   ${t.generated}: ${c.generated_at.slice(0, 16).replace('T', ' ')} UTC`, M, 9, { color: MUTED });
  y += 14;
  text(`${t.version}: ${c.data_version}`, M, 7.5, { color: MUTED });
  y += 14;
  if (c.contains_sample) { para(t.sampleNote, 9, '#b42318'); }
  heading(t.summary);
  const facts: [string, string][] = [
    [t.compounds, int(c.overall.compounds)], [t.residents, int(c.overall.residents)],
    [t.withoutGaps, `${int(c.overall.compounds_without_gaps)} / ${int(c.overall.compounds)}`],
    [t.meanScore, c.overall.mean_score === null ? '—' : `${c.overall.mean_score.toFixed(1)} / 10`],
  ];
  for (const [k, v] of facts) { text(k, M, 9.5, { color: MUTED, width: 330 }); text(v, M + 330, 9.5, { bold: true, width: 185, align: 'right' }); y += 15; }

  heading(t.scoreMap);
  drawScoreMap(doc, c, M, y, A4.w - 2 * M, 400);
  y += 406;
  // legend
  const sw = (A4.w - 2 * M) / 11;
  SCORE_COLORS.forEach((col, i) => {
    doc.rect(M + i * sw, y, sw - 2, 8).fill(col);
    text(String(i), M + i * sw, 7.5, { width: sw - 2, align: 'center', color: i <= 4 || i >= 9 ? '#ffffff' : INK });
  });
  y += 8;
  y += 12;
  para(t.scoreLegend.replace('{s}', String(c.overall.spacing_m)), 8);
  progress(0.3);

  // ---- per category (a page of its own after the map) ----
  newPage();
  heading(t.perCategory);
  table([
    { title: t.cat, width: 78 }, { title: t.target, width: 40, align: 'right' }, { title: t.covered, width: 58, align: 'right' },
    { title: t.shareC, width: 50, align: 'right' }, { title: t.coveredR, width: 82, align: 'right' }, { title: t.shareR, width: 50, align: 'right' },
    { title: t.shareL, width: 58, align: 'right' }, { title: t.weighting, width: 99 },
  ], c.categories.map((k) => [
    k.name, `${k.target_min} ${t.min}`, `${k.tally.covered} / ${k.tally.covered + k.tally.gaps}`, pct(k.tally.share_covered),
    `${int(k.tally.residents_covered)} / ${int(k.tally.residents_covered + k.tally.residents_gap)}`, pct(k.tally.share_residents_covered),
    pct(k.share.length_share), `${pct(k.share.share)} ${k.share.weighting === 'residents' ? t.wRes : t.wLen}`,
  ]), 8.5, c.categories.map((k) => k.color));
  para(t.weightingNote, 8);

  if (c.streets.length) {
    heading(t.streets);
    const cw = (A4.w - 2 * M - 78 - 52) / c.categories.length;
    table([{ title: t.street, width: 78 }, ...c.categories.map((k) => ({ title: k.name, width: cw, align: 'right' as const })), { title: t.weighting, width: 52 }],
      c.streets.map((s) => [s.name, ...c.categories.map((k) => pct(s.shares[k.id]?.share ?? null)), s.weighting === 'residents' ? t.wRes : t.wLen]), 7.5);
    para(t.streetsNote, 8);
  }
  progress(0.5);

  // ---- worst gaps ----
  heading(t.worst);
  if (c.worst_gaps.length === 0) para(t.noGaps);
  else {
    const catName = new Map(c.categories.map((k) => [k.id, k.name]));
    table([{ title: t.compound, width: 170 }, { title: t.cat, width: 80 }, { title: t.residents, width: 70, align: 'right' }, { title: t.walk, width: 65, align: 'right' }, { title: t.target, width: 55, align: 'right' }, { title: t.over, width: 75, align: 'right' }],
      c.worst_gaps.map((r) => [r.compound_name, catName.get(r.category) ?? r.category, r.residents === null ? '—' : int(r.residents),
        r.walk_min === null ? t.none : `${r.walk_min} ${t.min}`, `${r.target_min} ${t.min}`, r.over_min === null ? '—' : `+${r.over_min} ${t.min}`]));
  }

  // ---- suggestions ----
  heading(t.suggestions);
  if (c.suggestions.length === 0) para(t.noSuggestions);
  else {
    table([{ title: '#', width: 24 }, { title: t.sugCat, width: 70 }, { title: t.place, width: 190 }, { title: t.adds, width: 110, align: 'right' }, { title: t.after, width: 121, align: 'right' }],
      c.suggestions.map((s, i) => [`S${i + 1}`, s.category_name, s.place_name, `${s.newly_covered_compounds} ${t.compounds} · ${int(s.newly_covered_residents)} ${t.residents}`,
        s.street_share_before === null ? '—' : `${pct(s.street_share_before)} → ${pct(s.street_share_after)}`]));
  }
  progress(0.7);

  // ---- changes since the last snapshot ----
  heading(t.changes);
  const ch = c.since.changes;
  if (!c.since.snapshot || !ch) para(t.noSnap);
  else {
    para(`${t.lastSnap}: ${c.since.snapshot.taken_at.slice(0, 16).replace('T', ' ')} UTC (${c.since.snapshot.data_version})`, 8.5);
    const catName = new Map(c.categories.map((k) => [k.id, k.name]));
    const sep = c.lang === 'zh' ? '、' : ', ';
    const inBrackets = (s: string) => (c.lang === 'zh' ? `（${s}）` : ` (${s})`);
    const list = <X>(items: X[], show: (x: X) => string) => (items.length === 0 ? '—' : items.slice(0, 8).map(show).join(sep) + (items.length > 8 ? ` ${t.andMore(items.length - 8)}` : ''));
    const lines: [string, string][] = [
      [`${t.added} (${ch.points_added.length})`, list(ch.points_added, (p) => p.name + inBrackets(catName.get(p.category) ?? p.category))],
      [`${t.closed} (${ch.points_closed.length})`, list(ch.points_closed, (p) => p.name + inBrackets(catName.get(p.category) ?? p.category))],
      [`${t.gapsClosed} (${ch.gaps_closed.length})`, list(ch.gaps_closed, (g) => `${g.name}·${catName.get(g.category) ?? g.category}`)],
      [`${t.gapsOpened} (${ch.gaps_opened.length})`, list(ch.gaps_opened, (g) => `${g.name}·${catName.get(g.category) ?? g.category}`)],
    ];
    if (ch.targets_changed.length) lines.push([t.targetsChanged, ch.targets_changed.map((x) => `${catName.get(x.category)} ${x.from}→${x.to} ${t.min}`).join(sep)]);
    for (const [k, v] of lines) {
      doc.font(FONT_REGULAR).fontSize(8.5);
      const h = Math.max(13, doc.heightOfString(v, { width: A4.w - 2 * M - 130, lineGap: 1.5 }) + 3);
      ensure(h);
      text(k, M, 8.5, { bold: true, width: 126 });
      doc.font(FONT_REGULAR).fontSize(8.5).fillColor(INK).text(v, M + 130, y, { width: A4.w - 2 * M - 130, lineGap: 1.5 });
      y += h + 2;
    }
  }

  // ---- coverage at each snapshot (the history API's answer, drawn) ----
  if (c.trends.length) {
    heading(t.trends);
    para(t.trendsNote, 8);
    const rowH = 22, nameW = 86, sparkW = 130, gap = 10, textX = M + nameW + sparkW + 2 * gap;
    for (const tr of c.trends) {
      ensure(rowH);
      doc.rect(M, y + 5, 6, 8).fill(tr.color);
      text(tr.name, M + 9, 8.5, { width: nameW - 12 });
      drawSparkline(doc, tr.points.map((p) => p.share), M + nameW + gap, y - 2, sparkW, rowH - 6);
      const now = tr.points.at(-1)!.share;
      const sentence = tr.first ? t.trendSentence(pct(tr.first.share), pct(now), day(tr.first.taken_at)) + (tr.targets_changed ? t.targetsChangedSince : '') : '—';
      doc.font(FONT_REGULAR).fontSize(8).fillColor(INK)
        .text(fitText(sentence, 8, A4.w - M - textX), textX, y + 1, { width: A4.w - M - textX, lineBreak: false });
      y += rowH;
    }
    y += 4;
  }

  // ---- desks and residents ----
  heading(t.desks);
  const deskFacts: [string, string][] = [
    [t.since, day(c.desks.since)], [t.requestsReceived, int(c.desks.requests_received)], [t.requestsResolved, int(c.desks.requests_resolved)],
    [t.visitsHeld, int(c.desks.visits_held)], [t.visitsPlanned, int(c.desks.visits_planned)],
  ];
  for (const [k, v] of deskFacts) { ensure(15); text(k, M, 9.5, { color: MUTED, width: 330 }); text(v, M + 330, 9.5, { bold: true, width: 185, align: 'right' }); y += 15; }
  // ==== HOOK: residents' reports (server/reports/, built separately) — see ResidentReportsHook ====
  heading(t.residentReports);
  if (c.resident_reports) para(`${t.received} ${int(c.resident_reports.received)} · ${t.resolved} ${int(c.resident_reports.resolved)}`, 9.5, INK);
  else para(t.residentHook, 8.5);

  heading(t.method);
  para(t.methodText, 8.5);
  progress(0.9);

  // ---- footers ----
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const fy = A4.h - M + 6;
    doc.moveTo(M, fy - 6).lineTo(A4.w - M, fy - 6).lineWidth(0.4).strokeColor(RULE).stroke();
    const left = `${c.area_name} · ${t.dataDate} ${day(c.data_date)}${c.contains_sample ? ` · ${t.sample}` : ''} · ${t.attribution}`;
    doc.font(FONT_REGULAR).fontSize(7).fillColor(MUTED)
      .text(fitText(left, 7, A4.w - 2 * M - 70), M, fy, { width: A4.w - 2 * M - 70, lineBreak: false });
    doc.text(t.page(i + 1, range.count), A4.w - M - 70, fy, { width: 70, align: 'right', lineBreak: false });
  }
  doc.end();
  return done;
}

/** A small line of shares (0–1) across a box: grey frame at 0 and 100 %, the line, the last dot filled. */
function drawSparkline(doc: PDFKit.PDFDocument, values: (number | null)[], x: number, y: number, w: number, h: number): void {
  doc.moveTo(x, y + h).lineTo(x + w, y + h).moveTo(x, y).lineTo(x + w, y).lineWidth(0.3).strokeColor(RULE).stroke();
  const pts = values.map((v, i) => (v === null ? null : [x + (values.length === 1 ? w : (i / (values.length - 1)) * w), y + h - v * h] as const));
  let started = false;
  for (const p of pts) {
    if (!p) { started = false; continue; }
    if (started) doc.lineTo(p[0], p[1]); else { doc.moveTo(p[0], p[1]); started = true; }
  }
  doc.lineWidth(1.2).strokeColor(INK).stroke();
  pts.forEach((p, i) => { if (p) doc.circle(p[0], p[1], i === pts.length - 1 ? 2.2 : 1.3).fill(i === pts.length - 1 ? INK : MUTED); });
}

/** The score map: each sample's stretch of street in its score's colour, the area outline, the suggested sites. */
function drawScoreMap(doc: PDFKit.PDFDocument, c: ReportContent, x0: number, y0: number, w: number, h: number): void {
  const { surface, streetOf, streets } = c.surface;
  const s = surface.samples;
  const keep = (i: number) => c.surface_street < 0 || streetOf[i] === c.surface_street;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < s.count; i++) {
    if (!keep(i)) continue;
    minX = Math.min(minX, s.lon[i]); maxX = Math.max(maxX, s.lon[i]); minY = Math.min(minY, s.lat[i]); maxY = Math.max(maxY, s.lat[i]);
  }
  doc.rect(x0, y0, w, h).lineWidth(0.5).strokeColor(RULE).stroke();
  if (!Number.isFinite(minX)) return;
  const kx = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
  const scale = Math.min((w - 16) / ((maxX - minX) * kx || 1e-9), (h - 16) / ((maxY - minY) || 1e-9));
  const ox = x0 + (w - (maxX - minX) * kx * scale) / 2, oy = y0 + (h - (maxY - minY) * scale) / 2;
  const px = (lon: number) => ox + (lon - minX) * kx * scale;
  const py = (lat: number) => oy + (maxY - lat) * scale;
  doc.save();
  doc.rect(x0, y0, w, h).clip();
  // Other streets faint, the area's outline dark.
  streets.forEach((st, si) => {
    for (const poly of st.polygons) {
      const ring = poly[0];
      doc.moveTo(px(ring[0][0]), py(ring[0][1]));
      for (const [lon, lat] of ring.slice(1)) doc.lineTo(px(lon), py(lat));
      doc.closePath();
    }
    const own = c.surface_street < 0 || si === c.surface_street;
    doc.lineWidth(own ? 0.9 : 0.4).strokeColor(own ? '#444c56' : '#c9d1d9').stroke();
  });
  const g = surfaceGeometry(c);
  const width = c.surface_street < 0 ? 0.5 : 1.6;
  for (let score = 0; score <= 10; score++) {
    let any = false;
    for (let i = 0; i < s.count; i++) {
      if (surface.score[i] !== score || !keep(i)) continue;
      const [ax, ay, bx, by] = g(i);
      doc.moveTo(px(ax), py(ay)).lineTo(px(bx), py(by));
      any = true;
    }
    if (any) doc.lineWidth(width).lineCap('round').strokeColor(SCORE_COLORS[score]).stroke();
  }
  // North arrow and a scale bar (metres per point from the projection).
  const mPerPt = 111_320 / scale;
  const nice = [100, 200, 250, 500, 1000, 2000, 5000].find((m) => m / mPerPt >= 50) ?? 5000;
  const bar = nice / mPerPt, bx = x0 + 10, by = y0 + h - 14;
  doc.rect(bx - 4, by - 12, bar + 8 + 40, 20).fillOpacity(0.85).fill('#ffffff').fillOpacity(1);
  doc.moveTo(bx, by).lineTo(bx + bar, by).lineWidth(1.5).strokeColor(INK).stroke();
  doc.moveTo(bx, by - 3).lineTo(bx, by + 3).moveTo(bx + bar, by - 3).lineTo(bx + bar, by + 3).lineWidth(1).stroke();
  doc.font(FONT_REGULAR).fontSize(7).fillColor(INK).text(nice >= 1000 ? `${nice / 1000} km` : `${nice} m`, bx + bar + 4, by - 4, { lineBreak: false });
  const nx = x0 + w - 16, ny = y0 + 12;
  doc.moveTo(nx, ny).lineTo(nx - 5, ny + 12).lineTo(nx, ny + 9).lineTo(nx + 5, ny + 12).closePath().fill(INK);
  doc.font(FONT_BOLD).fontSize(7).fillColor(INK).text('N', nx - 5, ny + 13, { width: 10, align: 'center', lineBreak: false });
  c.suggestions.forEach((sg, i) => {
    const x = px(sg.lon), y = py(sg.lat);
    doc.circle(x, y, 7).lineWidth(1.2).fillColor('#ffffff').strokeColor('#0b3d91').fillAndStroke();
    doc.font(FONT_BOLD).fontSize(6).fillColor('#0b3d91').text(`S${i + 1}`, x - 7, y - 3.6, { width: 14, align: 'center', lineBreak: false });
  });
  doc.restore();
}

/** The ends of each sample's stretch of edge (t0 to t1 along its straight edge), in lon/lat. */
function surfaceGeometry(c: ReportContent): (i: number) => [number, number, number, number] {
  const s = c.surface.surface.samples;
  return (i) => {
    const [ax, ay, bx, by] = c.surface.edgeEnds(s.edge[i]);
    return [ax + s.t0[i] * (bx - ax), ay + s.t0[i] * (by - ay), ax + s.t1[i] * (bx - ax), ay + s.t1[i] * (by - ay)];
  };
}
