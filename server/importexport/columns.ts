// The columns of a service-point spreadsheet, with the header names staff use in Chinese and English.
// Export writes these headers; import recognises them (and the export's read-only columns, which it skips).
import { FIELD_NAMES_ZH } from '../records/validation.ts';

export const IMPORT_COLUMNS = [
  'external_id', 'name', 'category', 'subtype', 'address', 'phone', 'opening_hours', 'lon', 'lat', 'crs', 'street_code', 'community_code',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

const ALIASES: Record<ImportColumn, string[]> = {
  external_id: ['external_id', 'externalid', 'external id', 'ext_id', '外部编号', '原编号', '台账编号', '自编号'],
  name: ['name', '名称', '服务点名称', '点位名称', '设施名称', '机构名称'],
  category: ['category', 'category_id', '类别', '分类', '服务类别', '设施类别'],
  subtype: ['subtype', 'sub_type', 'sub-type', '子类型', '子类', '细类', '小类', '具体类型'],
  address: ['address', '地址', '详细地址', '所在地址'],
  phone: ['phone', 'tel', 'telephone', '电话', '联系电话', '电话号码', '服务电话'],
  opening_hours: ['opening_hours', 'opening hours', 'hours', '开放时间', '营业时间', '服务时间', '办公时间'],
  lon: ['lon', 'lng', 'long', 'longitude', 'x', '经度'],
  lat: ['lat', 'latitude', 'y', '纬度'],
  crs: ['crs', 'coordinate_system', 'coordinate system', 'srs', '坐标系', '坐标系统'],
  street_code: ['street_code', 'street', '街道', '街道代码', '所属街道'],
  community_code: ['community_code', 'community', '社区', '社区代码', '所属社区'],
};

/** Columns an export writes that an import reads past (they are the system's, not the office's). */
const EXPORT_ONLY = ['id', '系统编号', 'category_name', '类别名称', 'street_name', '街道名称', 'community_name', '社区名称',
  'status', '状态', 'is_sample', '示例数据', 'sample_label', '示例标记', 'version', '版本', 'updated_at', '更新时间', 'source', '来源'];

const normalise = (h: string) => h.replace(/^\uFEFF/, '').replace(/[（(].*?[)）]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

const LOOKUP = new Map<string, ImportColumn>(
  (Object.entries(ALIASES) as [ImportColumn, string[]][]).flatMap(([column, names]) => names.map((n) => [normalise(n), column] as const)),
);
const SKIPPED = new Set(EXPORT_ONLY.map(normalise));

export interface HeaderMap {
  /** Column → index in the row. */
  index: Partial<Record<ImportColumn, number>>;
  /** Headers that are neither a column nor an export column: reported, not read. */
  ignored: string[];
  /** A column named twice (the second is ignored). */
  duplicates: string[];
}

export function mapHeader(header: string[]): HeaderMap {
  const index: Partial<Record<ImportColumn, number>> = {};
  const ignored: string[] = [];
  const duplicates: string[] = [];
  header.forEach((raw, i) => {
    const key = normalise(raw);
    if (!key) return;
    const column = LOOKUP.get(key);
    if (column) {
      if (index[column] === undefined) index[column] = i;
      else duplicates.push(raw);
    } else if (!SKIPPED.has(key)) ignored.push(raw);
  });
  return { index, ignored, duplicates };
}

export const REQUIRED_COLUMNS: ImportColumn[] = ['name', 'category', 'lon', 'lat'];

/** Headers for an export, in the language of the request (both import back). */
export function exportHeaders(lang: 'zh' | 'en') {
  const zh: Record<string, string> = {
    id: '系统编号', category_name: '类别名称', street_name: '街道名称', community_name: '社区名称', status: '状态',
    sample_label: '示例标记', version: '版本', updated_at: '更新时间', source: '来源',
  };
  return (key: string) => (lang === 'en' ? key : zh[key] ?? FIELD_NAMES_ZH[key] ?? key);
}
