// "Needs reprint": for each board of a street, what is on the wall (the posted print, 张贴确认; or, before
// anyone confirmed a posting, the last print) is compared with what the board would show now, per
// walking profile. A board whose content changed is listed with what changed: points added, removed,
// moved or renamed, other printed details, the rings, the title. Prints not yet confirmed as posted are
// listed apart from posted ones, so that staff can tell "printed" from "on the wall".
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { parseBoardTimeKey } from './boardTime.ts';
import { correctionsChangedNear, type ChangedNearQuestion, type CorrectionKind } from '../network/correctionsRepository.ts';
import { listSites } from '../sites/repository.ts';
import { BOARD_MAX_MINUTES, diffSnapshots, hasChanges, type BoardChanges } from './content.ts';
import type { BoardPrinter } from './printer.ts';
import { streetPostings, type StreetPosting } from './postingRepository.ts';
import { lastPrints, type LastPrint } from './repository.ts';

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
  /** What the changes are measured against: the posted print, or the last print when none is posted. */
  basis: 'posted' | 'printed';
  posted_on: string | null;
  posted_by: string | null;
  changes: BoardChanges;
  /** Network corrections published or retired since that print, near enough to change its walks. */
  corrections: CorrectionReason[];
  summary_zh: string;
  summary_en: string;
}

export interface CorrectionReason { id: number; kind: CorrectionKind; status: 'published' | 'retired'; note: string | null; changed_at: string }

const KIND_ZH: Record<CorrectionKind, string> = { path: '通道', closure: '封闭', gate: '门禁', crossing: '过街' };

/** "路网纠错 #5（通道，已发布）" / "network correction #5 (path, published)", appended to a summary. */
export function correctionsSummary(reasons: readonly CorrectionReason[], lang: 'zh' | 'en'): string {
  if (!reasons.length) return '';
  if (lang === 'zh') return `路网纠错：${reasons.map((r) => `#${r.id}（${KIND_ZH[r.kind]}，${r.status === 'published' ? '已发布' : '已撤销'}）`).join('、')}`;
  return `network correction${reasons.length > 1 ? 's' : ''}: ${reasons.map((r) => `#${r.id} (${r.kind}, ${r.status})`).join(', ')}`;
}

/** The latest print of a (site, profile) that nobody has confirmed as put up. */
export interface UnpostedEntry {
  site_id: number;
  site_name: string;
  profile: string;
  print_id: number;
  printed_at: string;
  printed_by: string | null;
  printed_size: string;
  /** The print still shows what the board would show now. */
  up_to_date: boolean;
  /** An earlier posting at the site (an older board still on the wall), if any. */
  posted_on: string | null;
  /** The version of the site's posting record (0 when nothing was ever posted); sent back to confirm. */
  posting_version: number;
}

/** A (site, profile) whose print on the wall is confirmed. */
export interface PostedEntry {
  site_id: number;
  site_name: string;
  profile: string;
  print_id: number;
  posted_on: string;
  posted_by: string;
  confirmed_by: string | null;
  up_to_date: boolean;
  posting_version: number;
}

export interface ReprintReport {
  street: string;
  checked: number;
  needs_reprint: ReprintEntry[];
  /** Printed, not posted (张贴确认 pending). */
  printed_not_posted: UnpostedEntry[];
  /** Posted (the print on the wall is confirmed). */
  posted: PostedEntry[];
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

/** The posted print counts for a later print of the very same content (a spare copy printed again). */
function isPosted(print: LastPrint, posting: StreetPosting | undefined): boolean {
  return !!posting && (posting.print_id === print.print_id || posting.content_version === print.content_version);
}

export async function reprintReport(db: Kysely<Database>, printer: BoardPrinter, street: string): Promise<ReprintReport> {
  const sites = await listSites(db, { street });
  const byId = new Map(sites.map((s) => [s.id, s]));
  const prints = await lastPrints(db, street);
  const postings = new Map((await streetPostings(db, street)).map((p) => [`${p.site_id}|${p.profile}`, p]));
  const postedPrintIds = [...postings.values()].map((p) => p.print_id);
  const printedAt = new Map(postedPrintIds.length
    ? (await db.selectFrom('board_prints').select(['id', 'printed_at']).where('id', 'in', postedPrintIds).execute()).map((r) => [Number(r.id), new Date(r.printed_at)])
    : []);
  const printedSites = new Set(prints.map((p) => p.site_id));
  const report: ReprintReport = {
    street,
    checked: prints.length,
    needs_reprint: [],
    printed_not_posted: [],
    posted: [],
    never_printed: sites.filter((s) => !printedSites.has(s.id)).map((s) => ({ site_id: s.id, site_name: s.name })),
    unavailable: [],
  };
  type NeedsReprint = ReprintReport['needs_reprint'][number];
  const stale: { question: ChangedNearQuestion; entry: Omit<NeedsReprint, 'corrections' | 'summary_zh' | 'summary_en'> }[] = [];
  for (const p of prints) {
    const site = byId.get(p.site_id);
    if (!site) continue;
    let current;
    try {
      current = await printer.content(site, p.profile, parseBoardTimeKey(p.snapshot.drawn_for));
    } catch (error) {
      if (error instanceof HttpError && error.statusCode < 500) {
        report.unavailable.push({ site_id: p.site_id, profile: p.profile, reason: error.message });
        continue;
      }
      throw error;
    }
    const posting = postings.get(`${p.site_id}|${p.profile}`);
    const printCurrent = p.content_version === current.version;
    if (posting) {
      report.posted.push({
        site_id: site.id, site_name: site.name, profile: p.profile, print_id: posting.print_id, posted_on: posting.posted_on,
        posted_by: posting.posted_by_name, confirmed_by: posting.confirmed_by_name,
        up_to_date: posting.content_version === current.version, posting_version: posting.version,
      });
    }
    if (!isPosted(p, posting)) {
      report.printed_not_posted.push({
        site_id: site.id, site_name: site.name, profile: p.profile, print_id: p.print_id,
        printed_at: new Date(p.printed_at).toISOString(), printed_by: p.printed_by_name, printed_size: p.size,
        up_to_date: printCurrent, posted_on: posting?.posted_on ?? null, posting_version: posting?.version ?? 0,
      });
    }
    // Measured against the wall. A stale posted board whose up-to-date replacement is printed and
    // waiting needs posting, not printing.
    const basis = posting ? { version: posting.content_version, snapshot: posting.snapshot } : { version: p.content_version, snapshot: p.snapshot };
    if (basis.version === current.version || (posting && printCurrent)) continue;
    const changes = diffSnapshots(basis.snapshot, current.snapshot);
    if (!hasChanges(changes)) continue; // e.g. a snapshot format change with the same visible content
    // The network corrections behind it (asked for all stale boards at once, below): changed since the
    // print on the wall was printed, within the farthest a 15-minute walk of this profile can go.
    const since = posting ? printedAt.get(Number(posting.print_id)) ?? new Date(p.printed_at) : new Date(p.printed_at);
    stale.push({
      question: { lon: Number(site.lon), lat: Number(site.lat), radiusM: current.profile.speed_mps * BOARD_MAX_MINUTES * 60, since },
      entry: {
        site_id: site.id, site_name: site.name, title: current.site.title_name, profile: p.profile,
        printed_at: new Date(p.printed_at).toISOString(), printed_by: p.printed_by_name, printed_size: p.size, prints: p.prints,
        printed_version: p.content_version, current_version: current.version,
        basis: posting ? 'posted' : 'printed', posted_on: posting?.posted_on ?? null, posted_by: posting?.posted_by_name ?? null,
        changes,
      },
    });
  }
  const near = await correctionsChangedNear(db, stale.map((s) => s.question));
  stale.forEach(({ entry }, i) => {
    const corrections: CorrectionReason[] = near[i].map((c) => ({ id: c.id, kind: c.kind, status: c.status as CorrectionReason['status'], note: c.note, changed_at: c.changed_at.toISOString() }));
    const summary = (lang: 'zh' | 'en') => [summarise(entry.changes, lang), correctionsSummary(corrections, lang)].filter(Boolean).join(lang === 'zh' ? '；' : '; ');
    report.needs_reprint.push({ ...entry, corrections, summary_zh: summary('zh'), summary_en: summary('en') });
  });
  return report;
}
