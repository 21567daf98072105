// Turns stored audit rows (who, action, entity, before/after JSON) into sentences a person reads:
// "李编辑 把 庆荣里老人家食堂 的开放时间 从 “08:00-17:00” 改为 “07:30-17:00”". Pure: the names it needs
// (staff display names, streets, communities, categories, account usernames) come in as lookups.
import { FIELD_NAMES_ZH } from '../records/validation.ts';

export type AuditLang = 'zh' | 'en';

export interface AuditRow {
  id: number;
  username: string | null;
  action: string;
  entity: string;
  entity_id: string;
  street_code: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditNames {
  /** username → display name */
  staff: Map<string, string>;
  /** account id → username (for rows about an account that carry no username, e.g. a CLI reset) */
  accounts: Map<string, string>;
  streets: Map<string, string>;
  communities: Map<string, string>;
  categories: Map<string, { zh: string; en: string }>;
}

export const emptyAuditNames = (): AuditNames => ({
  staff: new Map(), accounts: new Map(), streets: new Map(), communities: new Map(), categories: new Map(),
});

type Pair = { zh: string; en: string };

const ENTITY: Record<string, Pair> = {
  point: { zh: '服务点', en: 'service point' },
  site: { zh: '展板站点', en: 'board site' },
  compound: { zh: '小区', en: 'compound' },
  gate: { zh: '大门', en: 'gate' },
  staff_user: { zh: '账号', en: 'account' },
  board_job: { zh: '打印任务', en: 'print job' },
  desk_visit: { zh: '流动办公桌服务', en: 'mobile desk visit' },
  desk_plan: { zh: '流动办公桌计划', en: 'mobile desk plan' },
  desk_request: { zh: '群众诉求', en: 'resident request' },
  desk_service: { zh: '服务项目', en: 'desk service' },
  desk_topic: { zh: '诉求主题', en: 'request topic' },
  coverage_setting: { zh: '覆盖设置', en: 'coverage setting' },
  backup: { zh: '备份', en: 'backup' },
  resident_report: { zh: '居民反馈', en: 'resident report' },
};

/** Field names beyond the form's table (server/records/validation.ts), and every field in English. */
const FIELD_ZH: Record<string, string> = {
  ...FIELD_NAMES_ZH, category_id: '类别', status: '状态', is_sample: '示例标记', source: '来源', role: '角色',
  display_name: '姓名', active: '启用', username: '用户名', title: '标题', place_name: '地点', starts_at: '开始时间',
  ends_at: '结束时间', services: '服务项目', partners: '合作单位', note: '备注', cancel_reason: '取消原因',
  description: '诉求内容', assignee: '经办人', resolution_note: '办理结果', topic_id: '主题', rule: '重复规则',
  start_date: '开始日期', until_date: '结束日期', start_time: '开始时间', end_time: '结束时间', targets: '目标时间',
  incomplete: '数据不全标记', position: '位置', contact_phone: '联系电话', place_kind: '地点类型', site_id: '展板站点',
};
const FIELD_EN: Record<string, string> = {
  opening_hours: 'opening hours', category_id: 'category', street_code: 'street', community_code: 'community',
  external_id: 'external id', compound_id: 'compound', gate_id: 'gate', step_free: 'step-free access',
  display_name: 'display name', is_sample: 'sample flag', place_name: 'place', starts_at: 'start', ends_at: 'end',
  cancel_reason: 'reason for cancelling', resolution_note: 'outcome', topic_id: 'topic', until_date: 'end date',
  start_date: 'start date', start_time: 'start time', end_time: 'end time', targets: 'target minutes',
  incomplete: 'incomplete-data flag', contact_phone: 'contact phone', place_kind: 'kind of place', site_id: 'board site',
};

const ROLE: Record<string, Pair> = {
  admin: { zh: '管理员', en: 'admin' }, editor: { zh: '编辑', en: 'editor' }, viewer: { zh: '查看员', en: 'viewer' },
};
const STATUS: Record<string, Pair> = {
  active: { zh: '开放', en: 'open' }, closed: { zh: '关闭', en: 'closed' }, cancelled: { zh: '已取消', en: 'cancelled' },
  scheduled: { zh: '已安排', en: 'scheduled' }, open: { zh: '待办', en: 'open' }, in_progress: { zh: '办理中', en: 'in progress' },
  done: { zh: '已办结', en: 'done' }, resolved: { zh: '已解决', en: 'resolved' },
};

/** Fields never worth a clause: bookkeeping, or shown another way (lon/lat become one position). */
const SKIPPED = new Set(['id', 'version', 'restored_from', 'lon', 'lat', 'has_contact', 'detached', 'origin', 'plan_id', 'occurrence_date']);
const MAX_VALUE = 60;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null);

export function fieldName(field: string, lang: AuditLang): string {
  if (lang === 'zh') return FIELD_ZH[field] ?? field;
  return FIELD_EN[field] ?? field.replace(/_/g, ' ');
}

function quote(text: string, lang: AuditLang): string {
  const short = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
  return lang === 'zh' ? `“${short}”` : `"${short}"`;
}

/** A stored value as words: street codes become street names, true becomes 是, empty becomes 空. */
export function valueText(field: string, value: unknown, names: AuditNames, lang: AuditLang): string {
  if (value === null || value === undefined || value === '') return lang === 'zh' ? '空' : 'empty';
  if (typeof value === 'boolean') return lang === 'zh' ? (value ? '是' : '否') : (value ? 'yes' : 'no');
  const s = typeof value === 'string' ? value : null;
  if (s !== null) {
    if (field === 'street_code') return names.streets.get(s) ?? s;
    if (field === 'community_code') return names.communities.get(s) ?? s;
    if (field === 'category_id') { const c = names.categories.get(s); return c ? c[lang] : s; }
    if (field === 'role') return ROLE[s]?.[lang] ?? s;
    if (field === 'status') return STATUS[s]?.[lang] ?? s;
    return quote(s, lang);
  }
  if (Array.isArray(value)) return quote(value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(lang === 'zh' ? '、' : ', '), lang);
  if (typeof value === 'object') return quote(JSON.stringify(value), lang);
  return String(value);
}

const position = (r: Record<string, unknown> | null) =>
  r && typeof r.lon === 'number' && typeof r.lat === 'number' ? `${r.lon.toFixed(5)}, ${r.lat.toFixed(5)}` : null;

/** "开放时间 从 “A” 改为 “B”" clauses for every field that differs; lon+lat become one position clause. */
export function changeClauses(before: Record<string, unknown>, after: Record<string, unknown>, names: AuditNames, lang: AuditLang): string[] {
  const clauses: string[] = [];
  const clause = (field: string, from: string, to: string) => clauses.push(lang === 'zh'
    ? `${fieldName(field, lang)} 从 ${from} 改为 ${to}`
    : `${fieldName(field, lang)} from ${from} to ${to}`);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const key of keys) {
    if (SKIPPED.has(key) || !(key in before) || !(key in after)) continue;
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    clause(key, valueText(key, before[key], names, lang), valueText(key, after[key], names, lang));
  }
  const p0 = position(before);
  const p1 = position(after);
  if (p0 && p1 && p0 !== p1) clause('position', p0, p1);
  return clauses;
}

function who(row: AuditRow, names: AuditNames, lang: AuditLang): string {
  if (!row.username) return lang === 'zh' ? '系统' : 'The system';
  return names.staff.get(row.username) ?? row.username;
}

/** The record as a person names it: its name, title or place, else "服务点 #12". */
function recordName(row: AuditRow, names: AuditNames, lang: AuditLang): string {
  const r = row.after ?? row.before ?? {};
  const own = str(r.name) ?? str(r.title) ?? str(r.place_name) ?? str(r.username) ?? str(r.name_zh);
  if (own) return own;
  if (row.entity === 'staff_user') { const u = names.accounts.get(row.entity_id); if (u) return u; }
  const word = ENTITY[row.entity]?.[lang] ?? row.entity;
  return `${word} #${row.entity_id}`;
}

function entityWord(row: AuditRow, lang: AuditLang): string {
  return ENTITY[row.entity]?.[lang] ?? row.entity;
}

function address(row: AuditRow, lang: AuditLang): string {
  const r = row.after ?? {};
  const ip = str(r.ip) ?? str(r.address) ?? str(r.remote_address);
  if (!ip) return '';
  return lang === 'zh' ? `（来自 ${ip}）` : ` (from ${ip})`;
}

function accountSentence(row: AuditRow, names: AuditNames, lang: AuditLang, actor: string): string | null {
  const zh = lang === 'zh';
  const account = recordName(row, names, lang);
  const after = row.after ?? {};
  switch (row.action) {
    case 'create': {
      const role = ROLE[String(after.role)]?.[lang] ?? String(after.role ?? '');
      const street = typeof after.street_code === 'string' ? names.streets.get(after.street_code) ?? after.street_code : (zh ? '全区' : 'whole district');
      return zh ? `${actor} 新建账号 ${account}（${role}，${street}）` : `${actor} created the account ${account} (${role}, ${street})`;
    }
    case 'deactivate': return zh ? `${actor} 停用了账号 ${account}` : `${actor} deactivated the account ${account}`;
    case 'reactivate': return zh ? `${actor} 重新启用了账号 ${account}` : `${actor} reactivated the account ${account}`;
    case 'reset_password': {
      const viaCli = after.via === 'cli';
      return zh ? `${actor} 重置了账号 ${account} 的密码${viaCli ? '（命令行）' : ''}`
        : `${actor} reset the password of ${account}${viaCli ? ' (command line)' : ''}`;
    }
    case 'change_password': return zh ? `${actor} 修改了自己的密码` : `${actor} changed their own password`;
    case 'login': return zh ? `${actor} 登录${address(row, lang)}` : `${actor} signed in${address(row, lang)}`;
    case 'login_failed': {
      const name = row.username ?? str(after.username) ?? account;
      return zh ? `用户名 ${name} 登录失败${address(row, lang)}` : `Failed sign-in as ${name}${address(row, lang)}`;
    }
    case 'login_throttled': {
      const name = row.username ?? str(after.username) ?? account;
      return zh ? `用户名 ${name} 失败次数过多，登录被暂缓${address(row, lang)}`
        : `Sign-in as ${name} held back after repeated failures${address(row, lang)}`;
    }
    case 'logout': return zh ? `${actor} 退出登录` : `${actor} signed out`;
    default: return null;
  }
}

/** One sentence for one audit row, in the page language. */
export function describeAudit(row: AuditRow, names: AuditNames, lang: AuditLang): string {
  const zh = lang === 'zh';
  // Sign-in rows may carry no staff member (an unknown username): the username is then in the row or in `after`.
  const actor = who(row, names, lang);
  if (row.entity === 'staff_user' || row.action.startsWith('login')) {
    const s = accountSentence(row, names, lang, actor);
    if (s) return s;
  }
  const name = recordName(row, names, lang);
  const word = entityWord(row, lang);
  const clauses = row.before && row.after ? changeClauses(row.before, row.after, names, lang) : [];
  const joined = clauses.join(zh ? '，' : '; ');
  const after = row.after ?? {};

  if (row.entity === 'board_job' && row.action === 'print') {
    const n = Array.isArray(after.site_ids) ? after.site_ids.length : 0;
    const street = row.street_code ? names.streets.get(row.street_code) ?? row.street_code : null;
    return zh ? `${actor} 打印了 ${n} 块展板${street ? `（${street}）` : ''}`
      : `${actor} printed ${n} board${n === 1 ? '' : 's'}${street ? ` (${street})` : ''}`;
  }
  if (row.entity === 'backup' && row.action === 'restore') {
    return zh ? `${actor} 从备份恢复了数据库（${row.entity_id}）` : `${actor} restored the database from a backup (${row.entity_id})`;
  }
  if (row.entity === 'desk_request' && row.action.startsWith('status:')) {
    const status = row.action.slice('status:'.length);
    return zh ? `${actor} 把 ${name} 的状态改为 ${STATUS[status]?.zh ?? status}`
      : `${actor} set the status of ${name} to ${STATUS[status]?.en ?? status}`;
  }
  if (row.entity === 'coverage_setting') {
    const [street, category] = row.entity_id.split('/');
    const what = `${names.streets.get(street) ?? street} ${names.categories.get(category)?.[lang] ?? category}`;
    return zh ? `${actor} 修改了 ${what} 的覆盖设置${joined ? `：${joined}` : ''}`
      : `${actor} changed the coverage setting of ${what}${joined ? `: ${joined}` : ''}`;
  }
  switch (row.action) {
    case 'create':
      return zh ? `${actor} 新建${word} ${name}` : `${actor} created the ${word} ${name}`;
    case 'update':
      if (!joined) return zh ? `${actor} 保存了 ${name}（没有改动）` : `${actor} saved ${name} (no change)`;
      return zh ? `${actor} 把 ${name} 的${joined}` : `${actor} changed ${name}: ${joined}`;
    case 'import':
      if (!row.before) return zh ? `${actor} 通过导入新建${word} ${name}` : `${actor} imported the new ${word} ${name}`;
      return zh ? `${actor} 通过导入把 ${name} 的${joined || '内容更新（没有改动）'}` : `${actor} updated ${name} by import${joined ? `: ${joined}` : ' (no change)'}`;
    case 'close': return zh ? `${actor} 关闭了${word} ${name}` : `${actor} closed the ${word} ${name}`;
    case 'reopen': return zh ? `${actor} 重新开放了${word} ${name}` : `${actor} reopened the ${word} ${name}`;
    case 'restore': {
      const from = after.restored_from ? (zh ? `（记录 #${after.restored_from}）` : ` (entry #${after.restored_from})`) : '';
      return zh ? `${actor} 把 ${name} 恢复到较早的版本${from}${joined ? `：${joined}` : ''}`
        : `${actor} restored ${name} to an earlier version${from}${joined ? `: ${joined}` : ''}`;
    }
    case 'cancel': return zh ? `${actor} 取消了${word} ${name}` : `${actor} cancelled the ${word} ${name}`;
    case 'reinstate': return zh ? `${actor} 恢复了已取消的${word} ${name}` : `${actor} reinstated the ${word} ${name}`;
    case 'note': return zh ? `${actor} 给 ${name} 添加了备注` : `${actor} added a note to ${name}`;
    default:
      return zh ? `${actor} 对${word} ${name} 执行了“${row.action}”${joined ? `：${joined}` : ''}`
        : `${actor} did "${row.action}" on the ${word} ${name}${joined ? `: ${joined}` : ''}`;
  }
}
