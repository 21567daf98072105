// Exporting service points with the list's filters: CSV (UTF-8 with BOM, or GBK for old Excel), XLSX and
// GeoJSON. Spreadsheet exports use the import's columns, so an exported file imports back unchanged;
// sample rows are marked 示例, text that a spreadsheet would run as a formula is neutralised, and the
// attribution and notes travel with the file.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Catalog } from '../catalog.ts';
import { ODBL_ATTRIBUTION, SAMPLE_NOTICE } from '../http/geojson.ts';
import { pointFeature } from '../points/present.ts';
import type { ServicePointRow } from '../points/repository.ts';
import { fromWgs84, type Crs } from '../records/validation.ts';
import { exportHeaders } from './columns.ts';
import { neutraliseCell } from './spreadsheet.ts';

export interface ExportOptions {
  lang: 'zh' | 'en';
  /** Coordinate system of lon/lat in spreadsheets (GeoJSON is always WGS84, as RFC 7946 requires). */
  crs: Crs;
  streetNames: Map<string, string>;
  communityNames: Map<string, string>;
  /** Human-readable description of the filters, for the notes. */
  filters: string;
}

const COLUMNS = [
  'id', 'external_id', 'name', 'category', 'category_name', 'subtype', 'address', 'phone', 'opening_hours', 'lon', 'lat', 'crs',
  'street_code', 'street_name', 'community_code', 'community_name', 'status', 'sample_label', 'version', 'updated_at',
] as const;

type Cell = string | number | null;

function rowCells(row: ServicePointRow, catalog: Catalog, o: ExportOptions): Record<(typeof COLUMNS)[number], Cell> {
  const category = catalog.categoryById.get(row.category_id);
  const [lon, lat] = fromWgs84(row.lon, row.lat, o.crs);
  return {
    id: row.id, external_id: row.external_id, name: row.name, category: row.category_id,
    category_name: (o.lang === 'zh' ? category?.name_zh : category?.name_en) ?? row.category_id,
    subtype: row.subtype, address: row.address, phone: row.phone, opening_hours: row.opening_hours, lon, lat, crs: o.crs,
    street_code: row.street_code, street_name: row.street_code ? o.streetNames.get(row.street_code) ?? null : null,
    community_code: row.community_code, community_name: row.community_code ? o.communityNames.get(row.community_code) ?? null : null,
    status: o.lang === 'zh' ? (row.status === 'active' ? '开放' : '已关闭') : row.status,
    sample_label: row.is_sample ? (o.lang === 'zh' ? '示例' : 'sample') : '',
    version: row.version, updated_at: new Date(row.updated_at).toISOString(),
  };
}

const safe = (v: Cell): Cell => (typeof v === 'string' ? neutraliseCell(v) : v);

export function pointsCsv(rows: ServicePointRow[], catalog: Catalog, o: ExportOptions, encoding: 'utf-8' | 'gbk'): Buffer {
  const header = exportHeaders(o.lang);
  const text = stringify([
    COLUMNS.map(header),
    ...rows.map((r) => { const cells = rowCells(r, catalog, o); return COLUMNS.map((c) => safe(cells[c]) ?? ''); }),
  ], { record_delimiter: '\r\n' });
  // Excel opens UTF-8 CSV correctly only with a byte-order mark; GBK is for older Excel and WPS set-ups.
  return encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export async function pointsXlsx(rows: ServicePointRow[], catalog: Catalog, o: ExportOptions): Promise<Buffer> {
  const header = exportHeaders(o.lang);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '15分钟综合服务圈';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(o.lang === 'zh' ? '服务点' : 'Service points', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({
    header: header(c), key: c,
    width: ({ name: 28, address: 32, opening_hours: 30, phone: 18, lon: 13, lat: 12, updated_at: 22 } as Record<string, number>)[c] ?? 12,
  }));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) {
    const cells = rowCells(r, catalog, o);
    const added = sheet.addRow(Object.fromEntries(COLUMNS.map((c) => [c, safe(cells[c])])));
    if (r.is_sample) added.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF8C5' } };
  }
  const notes = workbook.addWorksheet(o.lang === 'zh' ? '说明' : 'Notes');
  notes.columns = [{ width: 18 }, { width: 90 }];
  const lines: [string, string][] = o.lang === 'zh'
    ? [['导出时间', new Date().toISOString()], ['筛选条件', o.filters], ['坐标系', o.crs], ['示例数据', `标有“示例”的行（黄色）为${SAMPLE_NOTICE.zh}`],
      ['路网数据', `街道路网 ${ODBL_ATTRIBUTION}`], ['再次导入', '本表可直接导入（POST /api/import/points）：按外部编号匹配，其次按名称+地址匹配；系统编号、状态等列导入时忽略。']]
    : [['Exported', new Date().toISOString()], ['Filters', o.filters], ['Coordinates', o.crs], ['Sample data', `Rows marked "sample" (yellow): ${SAMPLE_NOTICE.en}`],
      ['Street network', ODBL_ATTRIBUTION], ['Re-import', 'This sheet imports as is (POST /api/import/points): matched by external_id, else by name + address; id, status and the other system columns are skipped.']];
  for (const [k, v] of lines) notes.addRow([k, neutraliseCell(v)]);
  notes.getColumn(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function pointsGeoJson(rows: ServicePointRow[], catalog: Catalog, filters: string) {
  const anySample = rows.some((r) => r.is_sample);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => pointFeature(r, catalog)),
    exported_at: new Date().toISOString(),
    filters,
    contains_sample: anySample,
    ...(anySample ? { sample_notice: `${SAMPLE_NOTICE.zh} ${SAMPLE_NOTICE.en}` } : {}),
    attribution: ODBL_ATTRIBUTION,
  };
}
