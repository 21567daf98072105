// Coverage history: a snapshot keeps, per profile, street (and the district) and category, the shares
// with the weighting they use and the targets in force; the active points; the gap compounds. Two
// snapshots in a row give what changed (points added/closed, gaps opened/closed), dated by the later one.
import type { FastifyInstance } from 'fastify';
import { activePoints, dataVersion, insertSnapshot, listSnapshots, type SnapshotGap, type SnapshotRow, type SnapshotShare } from './repository.ts';
import type { CheckupService } from './service.ts';

export const DISTRICT = 'district';

export async function takeSnapshot(app: FastifyInstance, checkup: CheckupService, kind: 'monthly' | 'on_demand', by: { id: number; name: string } | null): Promise<SnapshotRow> {
  const profiles = app.catalog.profiles.map((p) => p.id);
  const shares: SnapshotRow['shares'] = {};
  const targets: SnapshotRow['targets'] = {};
  const gaps: SnapshotRow['gaps'] = {};
  for (const profile of profiles) {
    const coverage = await app.coverage.snapshot(profile);
    shares[profile] = {};
    targets[profile] = {};
    gaps[profile] = {};
    for (const area of [null, ...coverage.streets.map((s) => s.code)]) {
      const a = await checkup.areaCheckup(profile, area);
      const key = area ?? DISTRICT;
      shares[profile][key] = {};
      targets[profile][key] = {};
      for (const c of a.categories) {
        const known = c.compounds_covered + c.compounds_gap;
        const s: SnapshotShare = {
          share: c.share, weighting: c.weighting,
          compounds_share: known > 0 ? Math.round((c.compounds_covered / known) * 1000) / 1000 : null,
          compounds_covered: c.compounds_covered, compounds_gap: c.compounds_gap,
          residents_covered: c.residents_covered, residents_counted: c.residents_counted,
          length_share: c.length_share, target_min: c.target_min,
        };
        shares[profile][key][c.category] = s;
        targets[profile][key][c.category] = c.target_min;
      }
    }
    for (const category of coverage.model.categories) {
      gaps[profile][category] = coverage.model.rows.filter((r) => r.category === category && r.status === 'gap')
        .map((r): SnapshotGap => ({ id: r.compound_id, name: r.compound_name, street_code: r.street_code }));
    }
  }
  const basemap = await app.basemap.get();
  const [points, version] = await Promise.all([activePoints(app.db), dataVersion(app.db, basemap.version)]);
  return insertSnapshot(app.db, {
    kind, period: new Date().toISOString().slice(0, 7), data_version: version.version, data_date: version.date,
    targets, shares, points, gaps, taken_by: by?.id ?? null, taken_by_name: by?.name ?? null,
  });
}

export interface SnapshotChanges {
  from_snapshot: number;
  to_snapshot: number;
  /** When the later snapshot was taken: the changes happened between the two dates. */
  from_date: string;
  date: string;
  points_added: SnapshotRow['points'];
  points_closed: SnapshotRow['points'];
  gaps_opened: (SnapshotGap & { category: string })[];
  gaps_closed: (SnapshotGap & { category: string })[];
  targets_changed: { area: string; category: string; from: number; to: number }[];
}

/** What changed between two snapshots, within a street (or the district) and a profile. */
export function changesBetween(a: SnapshotRow, b: SnapshotRow, street: string | null, profile: string): SnapshotChanges {
  const inArea = (s: string | null) => street === null || s === street;
  const before = new Map(a.points.filter((p) => inArea(p.street_code)).map((p) => [p.id, p]));
  const after = new Map(b.points.filter((p) => inArea(p.street_code)).map((p) => [p.id, p]));
  const gapKeys = (s: SnapshotRow) => {
    const m = new Map<string, SnapshotGap & { category: string }>();
    for (const [category, list] of Object.entries(s.gaps[profile] ?? {})) for (const g of list) if (inArea(g.street_code)) m.set(`${category}|${g.id}`, { ...g, category });
    return m;
  };
  const ga = gapKeys(a), gb = gapKeys(b);
  const key = street ?? DISTRICT;
  const targets_changed: SnapshotChanges['targets_changed'] = [];
  for (const [category, to] of Object.entries(b.targets[profile]?.[key] ?? {})) {
    const from = a.targets[profile]?.[key]?.[category];
    if (from !== undefined && from !== to) targets_changed.push({ area: key, category, from, to });
  }
  return {
    from_snapshot: a.id, to_snapshot: b.id, from_date: a.taken_at, date: b.taken_at,
    points_added: [...after.values()].filter((p) => !before.has(p.id)),
    points_closed: [...before.values()].filter((p) => !after.has(p.id)),
    gaps_opened: [...gb.entries()].filter(([k]) => !ga.has(k)).map(([, g]) => g),
    gaps_closed: [...ga.entries()].filter(([k]) => !gb.has(k)).map(([, g]) => g),
    targets_changed,
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

export interface HistoryAnswer {
  street_code: string | null;
  street_name: string;
  category: string;
  profile: string;
  series: { snapshot_id: number; taken_at: string; kind: string; data_version: string; target_min: number; share: number | null; weighting: string; compounds_share: number | null; length_share: number | null }[];
  /** First to last snapshot: the sentence the meeting wants. Compound shares where compounds exist, else street length. */
  change: { from: number | null; to: number | null; since: string; measure: 'compounds' | 'street_length'; targets_changed: boolean; text_zh: string; text_en: string } | null;
  changes: SnapshotChanges[];
}

export async function history(app: FastifyInstance, street: string | null, streetName: string, category: string, profile: string, since?: Date): Promise<HistoryAnswer> {
  let snapshots = await listSnapshots(app.db);
  if (since) snapshots = snapshots.filter((s) => new Date(s.taken_at) >= since);
  const key = street ?? DISTRICT;
  const series = snapshots.filter((s) => s.shares[profile]?.[key]?.[category]).map((s) => {
    const v = s.shares[profile][key][category];
    return { snapshot_id: s.id, taken_at: s.taken_at, kind: s.kind, data_version: s.data_version, target_min: v.target_min, share: v.share, weighting: v.weighting, compounds_share: v.compounds_share, length_share: v.length_share };
  });
  const changes: SnapshotChanges[] = [];
  for (let i = 1; i < snapshots.length; i++) changes.push(changesBetween(snapshots[i - 1], snapshots[i], street, profile));
  let change: HistoryAnswer['change'] = null;
  if (series.length >= 1) {
    const first = series[0], last = series.at(-1)!;
    const measure = first.compounds_share !== null && last.compounds_share !== null ? 'compounds' : 'street_length';
    const from = measure === 'compounds' ? first.compounds_share : first.length_share;
    const to = measure === 'compounds' ? last.compounds_share : last.length_share;
    const d = new Date(first.taken_at);
    const cat = app.catalog.categoryById.get(category)!;
    const targetsChanged = series.some((s) => s.target_min !== first.target_min);
    const what = measure === 'compounds' ? { zh: '小区覆盖率', en: 'of compounds' } : { zh: '街道长度覆盖率', en: 'of street length' };
    change = {
      from, to, since: first.taken_at, measure, targets_changed: targetsChanged,
      text_zh: `${streetName}，${cat.name_zh}：${pct(from)} → ${pct(to)}（${what.zh}，自${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月以来）${targetsChanged ? '；期间目标有调整' : ''}`,
      text_en: `${streetName}, ${cat.name_en.toLowerCase()}: ${pct(from)} → ${pct(to)} ${what.en} since ${d.toLocaleString('en', { month: 'long', timeZone: 'UTC' })} ${d.getUTCFullYear()}${targetsChanged ? ' (targets changed in between)' : ''}`,
    };
  }
  return { street_code: street, street_name: streetName, category, profile, series, change, changes };
}
