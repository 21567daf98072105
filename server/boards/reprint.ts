// "Needs reprint": for each board of a street, the last print (per walking profile) is compared with
// what the board would show now. A board whose content version changed is listed with what changed:
// points added, removed, moved or renamed, other printed details, the rings, the title.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { listSites } from '../sites/repository.ts';
import { diffSnapshots, hasChanges, type BoardChanges } from './content.ts';
import type { BoardPrinter } from './printer.ts';
import { lastPrints } from './repository.ts';

export interface ReprintEntry {
  site_id: number;
  site_name: string;
  title: string;
  profile: string;
  printed_at: string;
  printed_by: string | null;
  printed_size: string;
  prints: number;
  printed_version: string;
  current_version: string;
  changes: BoardChanges;
  summary_zh: string;
  summary_en: string;
}

export interface ReprintReport {
  street: string;
  checked: number;
  needs_reprint: ReprintEntry[];
  /** Active sites of the street with no print yet (any profile). */
  never_printed: { site_id: number; site_name: string }[];
  /** Printed boards that cannot be drawn now (e.g. the site moved off the network). */
  unavailable: { site_id: number; profile: string; reason: string }[];
}

const list = (items: string[], zh: boolean) => {
  const shown = items.slice(0, 4).join(zh ? '、' : ', ');
  return items.length > 4 ? `${shown}${zh ? `等${items.length}处` : ` and ${items.length - 4} more`}` : shown;
};

export function summarise(c: BoardChanges, lang: 'zh' | 'en'): string {
  const zh = lang === 'zh';
  const parts: string[] = [];
  if (c.added.length) parts.push(zh ? `新增：${list(c.added.map((p) => p.name), zh)}` : `added: ${list(c.added.map((p) => p.name), zh)}`);
  if (c.removed.length) parts.push(zh ? `移除：${list(c.removed.map((p) => p.name), zh)}` : `removed: ${list(c.removed.map((p) => p.name), zh)}`);
  if (c.moved.length) parts.push(zh ? `位置或步行时间变化：${list(c.moved.map((p) => p.name), zh)}` : `moved: ${list(c.moved.map((p) => p.name), zh)}`);
  if (c.renamed.length) parts.push(zh ? `更名：${list(c.renamed.map((p) => `${p.from}→${p.to}`), zh)}` : `renamed: ${list(c.renamed.map((p) => `${p.from} → ${p.to}`), zh)}`);
  if (c.updated.length) parts.push(zh ? `信息变更：${list(c.updated.map((p) => p.name), zh)}` : `details changed: ${list(c.updated.map((p) => p.name), zh)}`);
  if (c.rings.length) parts.push(zh ? `步行范围变化（${c.rings.join('、')}分钟）` : `rings changed (${c.rings.join(', ')} min)`);
  if (c.title) parts.push(zh ? '标题或社区信息变化' : 'title or community changed');
  if (c.omitted) parts.push(zh ? '未列出的数量变化' : 'points left out changed');
  if (c.sample) parts.push(zh ? '示例数据标记变化' : 'sample marking changed');
  return parts.join(zh ? '；' : '; ');
}

export async function reprintReport(db: Kysely<Database>, printer: BoardPrinter, street: string): Promise<ReprintReport> {
  const sites = await listSites(db, { street });
  const byId = new Map(sites.map((s) => [s.id, s]));
  const prints = await lastPrints(db, street);
  const printedSites = new Set(prints.map((p) => p.site_id));
  const report: ReprintReport = {
    street,
    checked: prints.length,
    needs_reprint: [],
    never_printed: sites.filter((s) => !printedSites.has(s.id)).map((s) => ({ site_id: s.id, site_name: s.name })),
    unavailable: [],
  };
  for (const p of prints) {
    const site = byId.get(p.site_id);
    if (!site) continue;
    let current;
    try {
      current = await printer.content(site, p.profile);
    } catch (error) {
      if (error instanceof HttpError && error.statusCode < 500) {
        report.unavailable.push({ site_id: p.site_id, profile: p.profile, reason: error.message });
        continue;
      }
      throw error;
    }
    if (current.version === p.content_version) continue;
    const changes = diffSnapshots(p.snapshot, current.snapshot);
    if (!hasChanges(changes)) continue; // e.g. a snapshot format change with the same visible content
    report.needs_reprint.push({
      site_id: site.id, site_name: site.name, title: current.site.title_name, profile: p.profile,
      printed_at: new Date(p.printed_at).toISOString(), printed_by: p.printed_by_name, printed_size: p.size, prints: p.prints,
      printed_version: p.content_version, current_version: current.version, changes,
      summary_zh: summarise(changes, 'zh'), summary_en: summarise(changes, 'en'),
    });
  }
  return report;
}
