// What a resident's report may hold: its kind, a category for 缺少服务, up to 300 characters of text with
// links taken out, and an optional call-back phone checked like a desk request's. Messages name the
// field in English and Chinese.
import { issue, normalizeText, validatePhone, type FieldIssue } from '../records/validation.ts';
import type { ReportKind, ReportStatus } from '../db/schema.ts';

export const REPORT_KINDS: ReportKind[] = ['info_wrong', 'blocked', 'path_missing', 'service_missing', 'other'];
export const KIND_NAMES: Record<ReportKind, { zh: string; en: string }> = {
  info_wrong: { zh: '信息有误', en: 'Information is wrong' },
  blocked: { zh: '此路不通', en: 'Way is blocked' },
  path_missing: { zh: '这里有路', en: 'A path is missing' },
  service_missing: { zh: '缺少服务', en: 'A service is missing' },
  other: { zh: '其他', en: 'Other' },
};
export const STATUS_NAMES: Record<ReportStatus, { zh: string; en: string }> = {
  new: { zh: '已收到', en: 'Received' },
  accepted: { zh: '已受理', en: 'Accepted' },
  in_progress: { zh: '办理中', en: 'In progress' },
  resolved: { zh: '已办结', en: 'Resolved' },
  rejected: { zh: '不予受理', en: 'Not accepted' },
};
/** Where a report may go next; resolved and rejected are closed. */
export const NEXT_STATUS: Record<ReportStatus, ReportStatus[]> = {
  new: ['accepted', 'rejected'],
  accepted: ['in_progress', 'resolved', 'rejected'],
  in_progress: ['resolved', 'rejected'],
  resolved: [],
  rejected: [],
};
export const CLOSED: ReportStatus[] = ['resolved', 'rejected'];
export const MAX_BODY = 300;

export const reportIssue = (field: string, en: string, zh: string): FieldIssue => ({ field, message: `${field}: ${en}`, message_zh: `${FIELD_ZH[field] ?? field}：${zh}` });
const FIELD_ZH: Record<string, string> = {
  kind: '反馈类型', category: '服务类别', text: '补充说明', phone: '联系电话', token: '表单凭证', website: '网址', lon: '经度', lat: '纬度',
  site_id: '展板站点', point_id: '服务点', public_reply: '公开答复', to: '状态', version: '版本',
};

// http(s)://…, www.…, and bare domains with a path or a common top-level domain: a report carries words, not links.
const LINK = /(?:https?:\/\/|ftp:\/\/|www\.)[^\s\u3000，。；、]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|top|xyz|info|io|cc|me|vip|shop|site|online|link|club)\b(?:\/[^\s\u3000，。；、]*)?/gi;

/** The resident's text: control characters dropped, white space collapsed, links removed; null if nothing is left. */
export function cleanReportText(value: unknown, issues: FieldIssue[]): string | null {
  const text = normalizeText(String(value ?? '').replace(LINK, ' ')).trim();
  if (!text) return null;
  if ([...text].length > MAX_BODY) {
    issues.push(reportIssue('text', `is longer than ${MAX_BODY} characters`, `不能超过${MAX_BODY}个字`));
    return null;
  }
  return text;
}

export function cleanReportPhone(value: unknown, issues: FieldIssue[]): string | null {
  const own: FieldIssue[] = [];
  const phone = validatePhone(value, own, 'phone');
  issues.push(...own.map((i) => ({ ...i, message_zh: i.message_zh.replace(/^电话/, '联系电话') })));
  return phone;
}

export { issue };
