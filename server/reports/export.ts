// A street's reports as CSV or XLSX. The phone column is there only for roles that may see contacts;
// cells that a spreadsheet would run as formulas are neutralised.
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../importexport/spreadsheet.ts';
import type { StaffReportView } from './present.ts';

const HEADER = ['回执号', '收到时间', '类型', '服务类别', '街道', '社区', '站点', '服务点', '经度', '纬度', '补充说明', '重复次数', '状态', '公开答复', '办结时间', '已用天数'];

function rows(reports: StaffReportView[], withPhone: boolean): (string | number | null)[][] {
  const head = withPhone ? [...HEADER, '联系电话'] : HEADER;
  return [head, ...reports.map((r) => {
    const cells: (string | number | null)[] = [
      r.code, r.received_at, r.kind_zh, r.category_zh, r.street_name, r.community_name, r.site_name, r.point_name, r.lon, r.lat,
      r.text, r.repeats, r.status_zh, r.public_reply, r.closed_at, r.age_days,
    ];
    if (withPhone) cells.push(r.phone ?? null);
    return cells.map((c) => (typeof c === 'string' ? neutraliseCell(c) : c));
  })];
}

export function reportsCsv(reports: StaffReportView[], withPhone: boolean): string {
  // BOM: Excel opens UTF-8 Chinese correctly only with it.
  return `\ufeff${stringify(rows(reports, withPhone))}`;
}

export async function reportsXlsx(reports: StaffReportView[], withPhone: boolean): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = '15分钟综合服务圈';
  const sheet = book.addWorksheet('居民反馈');
  for (const row of rows(reports, withPhone)) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  sheet.getColumn(11).width = 40;
  sheet.getColumn(14).width = 40;
  return Buffer.from(await book.xlsx.writeBuffer());
}
