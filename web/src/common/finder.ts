// Finding a service among the points a page already has: by name, kind (subtype), category, compound,
// address or community, in Chinese characters or pinyin initials ("lrjst" finds 老人家食堂), and by
// walking time and opening hours. Pure filtering; the pages draw the form and the rows. pinyin-pro is
// loaded only when a query has Latin letters.
import type { NearestItem } from './api.ts';
import { openNow, type OpenNow } from './hours.ts';
import { districtNow } from './district.ts';

export interface FinderQuery {
  text: string;
  subtype: string;
  /** 'now': open now; 'at': open at `at`. */
  when: 'any' | 'now' | 'at';
  at: Date | null;
  /** Most walking minutes; null for any. */
  within: number | null;
}
export const EMPTY_QUERY: FinderQuery = { text: '', subtype: '', when: 'any', at: null, within: null };

export const isActive = (q: FinderQuery) => q.text.trim() !== '' || q.subtype !== '' || q.when !== 'any' || q.within !== null;

type PinyinMatch = (text: string, pinyin: string, options?: { continuous?: boolean }) => number[] | null;
let pinyin: Promise<PinyinMatch> | undefined;
const loadPinyin = () => (pinyin ??= import('pinyin-pro').then((m) => m.match as PinyinMatch));

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, '');

/** Text of an item that a query may match: its own fields and any the page adds (category names). */
export async function textMatches(fields: (string | null | undefined)[], query: string): Promise<boolean> {
  const q = normalise(query);
  if (!q) return true;
  const texts = fields.filter((f): f is string => !!f).map(normalise);
  if (texts.some((t) => t.includes(q))) return true;
  if (!/^[a-z]+$/.test(q)) return false;
  const match = await loadPinyin();
  return texts.some((t) => /[\u4e00-\u9fff]/.test(t) && match(t, q, { continuous: true }) !== null);
}

export interface Found { item: NearestItem; open: OpenNow }

/** The items that match, nearest first, each with its open state at the query's time (or now). */
export async function findServices(items: NearestItem[], q: FinderQuery, extraText: (item: NearestItem) => string[], now = districtNow()): Promise<Found[]> {
  const at = q.when === 'at' && q.at ? q.at : now;
  const out: Found[] = [];
  for (const item of [...items].sort((a, b) => a.walk_s - b.walk_s || a.id - b.id)) {
    if (q.subtype && item.subtype !== q.subtype) continue;
    if (q.within !== null && item.walk_s > q.within * 60) continue;
    if (!(await textMatches([item.name, item.subtype, item.address, ...extraText(item)], q.text))) continue;
    const open = await openNow(item.opening_hours, at);
    if (q.when !== 'any' && open.state !== 'open') continue;
    out.push({ item, open });
  }
  return out;
}
