// Reading the spreadsheets street offices keep: CSV as Excel in China saves it (GBK) or as UTF-8 (with
// or without a byte-order mark), and XLSX. The result is a header row and data rows that remember
// the line number a person sees in the file. Writing: cells that a spreadsheet would run as a formula
// are neutralised.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Unzip, UnzipInflate } from 'fflate';

export type SheetFormat = 'csv' | 'xlsx';
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'gbk';

export interface SheetRow { line: number; cells: string[] }
export interface Sheet { format: SheetFormat; encoding: TextEncoding | null; header: string[]; headerLine: number; rows: SheetRow[] }

export class SpreadsheetError extends Error {
  constructor(message: string, readonly messageZh: string) { super(message); }
}

const isZip = (buf: Buffer) => buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;

/** UTF-8 (BOM or valid bytes) first; anything else is read as GBK (GB18030, its superset). */
export function decodeText(buf: Buffer): { text: string; encoding: TextEncoding } {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  }
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(buf, 'gb18030'), encoding: 'gbk' };
  }
}

/** The delimiter the header line uses most: comma, tab (Excel's "Unicode text") or semicolon. */
function guessDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const);
  return counts.sort((a, b) => b[1] - a[1])[0][0];
}

function readCsv(buf: Buffer): Sheet {
  const { text, encoding } = decodeText(buf);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: guessDelimiter(text), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new SpreadsheetError(`The CSV file cannot be read${line ? ` at line ${line}` : ''}: ${(err as Error).message}`,
      `CSV 文件无法读取${line ? `（第 ${line} 行）` : ''}，请检查引号和分隔符`);
  }
  return toSheet('csv', encoding, records.map((r) => ({ line: r.info.lines, cells: r.record })));
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? '');
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('error' in value) return '';
  }
  return String(value);
}

/** Unpacked, a workbook of a street's points is a few MB; a zip bomb (1 GB of XML in 1 MB) stops here. */
export const MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024;

/**
 * Inflates every entry once, counting and throwing the bytes away, before the workbook reader (which
 * keeps everything in memory) sees the file. The count is of real output, not of the sizes the zip
 * claims, so a forged header does not get past it.
 */
function checkUnpackedSize(buf: Buffer): void {
  let total = 0;
  let problem: Error | null = null;
  const unzip = new Unzip((file) => {
    file.ondata = (err, chunk) => {
      if (problem) return;
      if (err) { problem = err; return; }
      total += chunk.length;
      if (total > MAX_XLSX_UNPACKED_BYTES) {
        problem = new SpreadsheetError(`The XLSX file unpacks to more than ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MB; split it or save it as CSV`,
          `XLSX 文件解压后超过 ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MB，请拆分或另存为 CSV`);
        file.terminate();
      }
    };
    if (problem) file.terminate(); else file.start();
  });
  unzip.register(UnzipInflate);
  // Fed in small slices: one slice of deflate inflates to at most about 1,000 times its size, so the
  // count stops a bomb after a few MB instead of after inflating a whole entry at once.
  const SLICE = 16 * 1024;
  try {
    for (let at = 0; at < buf.length && !problem; at += SLICE) unzip.push(buf.subarray(at, at + SLICE), at + SLICE >= buf.length);
  } catch (err) { problem ??= err as Error; }
  if (problem instanceof SpreadsheetError) throw problem;
  if (problem) throw new SpreadsheetError(`The XLSX file cannot be read: ${(problem as Error).message}`, 'XLSX 文件无法读取，请用 Excel 另存为 .xlsx 或 CSV 后重试');
}

async function readXlsx(buf: Buffer): Promise<Sheet> {
  checkUnpackedSize(buf);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    throw new SpreadsheetError(`The XLSX file cannot be read: ${(err as Error).message}`, 'XLSX 文件无法读取，请用 Excel 另存为 .xlsx 或 CSV 后重试');
  }
  // The first sheet that has rows (a workbook may start with an empty or instructions sheet).
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) throw new SpreadsheetError('The workbook has no rows', '工作簿中没有数据');
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values = row.values as ExcelJS.CellValue[]; // 1-based
    rows.push({ line: number, cells: values.slice(1).map(cellText) });
  });
  return toSheet('xlsx', null, rows);
}

function toSheet(format: SheetFormat, encoding: TextEncoding | null, all: SheetRow[]): Sheet {
  const nonEmpty = all.filter((r) => r.cells.some((c) => String(c ?? '').trim() !== ''));
  if (!nonEmpty.length) throw new SpreadsheetError('The file has no rows', '文件中没有数据');
  const [head, ...rows] = nonEmpty;
  return { format, encoding, header: head.cells.map((c) => String(c ?? '').trim()), headerLine: head.line, rows };
}

export async function readSpreadsheet(buf: Buffer): Promise<Sheet> {
  if (!buf.length) throw new SpreadsheetError('The file is empty', '文件为空');
  return isZip(buf) ? readXlsx(buf) : readCsv(buf);
}

// ---------------------------------------------------------------------------------------------
// Writing

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell that Excel or WPS would run as a formula gets a leading apostrophe (OWASP CSV injection). */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes neutraliseCell on the way back in, so an exported file imports unchanged. */
export function unneutraliseCell(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}
