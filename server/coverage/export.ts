// Coverage exports: CSV (UTF-8 with BOM, so Excel opens Chinese text correctly) and XLSX (a street
// overview sheet, the rows, and a notes sheet). Every text cell that a spreadsheet could read as a
// formula (= + - @, tab, carriage return) is prefixed with an apostrophe: names come from people.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Catalog } from '../catalog.ts';
import type { CoverageRow, StreetSummary } from './analysis.ts';

export type ExportLang = 'zh' | 'en';

/** Text that a spreadsheet would evaluate is made inert; numbers and empty cells pass unchanged. */
export function neutraliseCell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const LABELS = {
  zh: {
    street: '街道', community: '社区代码', compound: '小区', households: '户数', residents: '人口', category: '类别',
    walk: '步行分钟', walkM: '步行米数', target: '目标分钟', over: '超出分钟', status: '状态', note: '说明',
    nearest: '最近服务点', gate: '出发门', sample: '示例数据',
    covered: '已覆盖', gap: '缺口', unknown: '未知',
    incomplete_data: '该类别数据不完整', no_point: '步行范围内无此类服务点', no_step_free_gate: '无无障碍出入口',
    off_network: '无法接入步行路网', no_location: '无位置',
    yes: '是', no: '否',
    overview: '街道概览', rows: '明细', notes: '说明',
    compounds: '小区数', noGap: '无缺口小区', gapRows: '缺口项', unknownRows: '未知项', share: '覆盖率', shareResidents: '人口覆盖率',
    noData: '无数据', profile: '步行方式', generated: '生成时间', attribution: '路网 © OpenStreetMap contributors, ODbL 1.0',
    sampleNotice: '示例数据：小区与服务点为演示用虚构数据。',
    method: '步行分钟：从小区最优出入口沿真实路网步行至最近的在用服务点；超过目标分钟即为缺口。标记为“数据不完整”的类别显示为未知。',
  },
  en: {
    street: 'Street', community: 'Community code', compound: 'Compound', households: 'Households', residents: 'Residents', category: 'Category',
    walk: 'Walk (min)', walkM: 'Walk (m)', target: 'Target (min)', over: 'Over target (min)', status: 'Status', note: 'Note',
    nearest: 'Nearest point', gate: 'From gate', sample: 'Sample data',
    covered: 'covered', gap: 'gap', unknown: 'unknown',
    incomplete_data: 'data marked incomplete', no_point: 'no point of this category reachable', no_step_free_gate: 'no step-free gate',
    off_network: 'not on the walking network', no_location: 'no location',
    yes: 'yes', no: 'no',
    overview: 'Streets', rows: 'Rows', notes: 'Notes',
    compounds: 'Compounds', noGap: 'Compounds without gaps', gapRows: 'Gap rows', unknownRows: 'Unknown rows', share: 'Covered', shareResidents: 'Residents covered',
    noData: 'no data', profile: 'Walking profile', generated: 'Generated', attribution: 'Network © OpenStreetMap contributors, ODbL 1.0',
    sampleNotice: 'Sample data: the compounds and service points are invented for demonstration.',
    method: 'Walk: from the compound\'s best gate along the real street network to the nearest active point; above the target minutes is a gap. Categories marked incomplete show as unknown.',
  },
} as const;

export interface ExportInput {
  lang: ExportLang;
  catalog: Catalog;
  profile: string;
  rows: readonly CoverageRow[];
  streets: readonly StreetSummary[];
  streetNames: ReadonlyMap<string, string>;
  sampleCompounds: ReadonlySet<number>;
}

function rowCells(input: ExportInput, r: CoverageRow): (string | number | null)[] {
  const L = LABELS[input.lang];
  const category = input.catalog.categoryById.get(r.category);
  return [
    input.streetNames.get(r.street_code) ?? r.street_code, r.community_code, r.compound_name, r.households, r.residents,
    category ? (input.lang === 'zh' ? category.name_zh : category.name_en) : r.category,
    r.walk_min, r.walk_m, r.target_min, r.over_min, L[r.status], r.note ? L[r.note] : null,
    r.nearest?.name ?? null, r.gate?.name ?? null, input.sampleCompounds.has(r.compound_id) ? L.yes : L.no,
  ].map(neutraliseCell);
}

function rowHeader(lang: ExportLang): string[] {
  const L = LABELS[lang];
  return [L.street, L.community, L.compound, L.households, L.residents, L.category, L.walk, L.walkM, L.target, L.over,
    L.status, L.note, L.nearest, L.gate, L.sample];
}

export function coverageCsv(input: ExportInput): Buffer {
  const text = stringify([rowHeader(input.lang), ...input.rows.map((r) => rowCells(input, r))]);
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export async function coverageXlsx(input: ExportInput): Promise<Buffer> {
  const L = LABELS[input.lang];
  const name = (id: string) => {
    const c = input.catalog.categoryById.get(id);
    return c ? (input.lang === 'zh' ? c.name_zh : c.name_en) : id;
  };
  const book = new ExcelJS.Workbook();
  book.creator = '15分钟综合服务圈';
  book.created = new Date();

  const overview = book.addWorksheet(L.overview);
  const categories = input.catalog.categories.map((c) => c.id);
  overview.addRow([L.street, L.compounds, L.residents, L.noGap, L.gapRows, L.unknownRows, L.share, L.shareResidents,
    ...categories.map((c) => `${name(c)} ${L.share}`)].map(neutraliseCell));
  for (const s of input.streets) {
    if (s.status === 'no_data') {
      overview.addRow([s.street_name, L.noData].map(neutraliseCell));
      continue;
    }
    overview.addRow([s.street_name, s.compounds, s.residents, s.compounds_without_gaps, s.gap_rows, s.unknown_rows,
      s.overall.share_covered, s.overall.share_residents_covered, ...categories.map((c) => s.by_category[c]?.share_covered ?? null)].map(neutraliseCell));
  }
  overview.getRow(1).font = { bold: true };
  for (let col = 7; col <= 8 + categories.length; col++) overview.getColumn(col).numFmt = '0.0%';
  overview.getColumn(1).width = 18;

  const rows = book.addWorksheet(L.rows);
  rows.addRow(rowHeader(input.lang));
  for (const r of input.rows) rows.addRow(rowCells(input, r));
  rows.getRow(1).font = { bold: true };
  rows.views = [{ state: 'frozen', ySplit: 1 }];
  rows.getColumn(3).width = 16;
  rows.getColumn(13).width = 22;

  const notes = book.addWorksheet(L.notes);
  const profile = input.catalog.profileById.get(input.profile);
  notes.addRow([L.profile, profile ? (input.lang === 'zh' ? profile.name_zh : profile.name_en) : input.profile].map(neutraliseCell));
  notes.addRow([L.generated, new Date().toISOString()]);
  notes.addRow([L.method]);
  if (input.sampleCompounds.size > 0) notes.addRow([L.sampleNotice]);
  notes.addRow([L.attribution]);
  notes.getColumn(1).width = 24;

  return Buffer.from(await book.xlsx.writeBuffer());
}
