// What a check-up report (体检报告) says, gathered before anything is drawn: the coverage figures (the
// same tallies /api/coverage gives), the surface for the score map, the worst gaps, suggested sites with
// their what-if (the coverage suggestion code), what changed since the last snapshot, desk figures, and
// the data date. report.ts draws it; nothing here knows about PDF.
import type { FastifyInstance } from 'fastify';
import { tally, worstFirst, type CoverageRow, type CoverageTally } from '../coverage/analysis.ts';
import { suggest } from '../coverage/planning.ts';
import { activePoints, dataVersion, deskFigures, listSnapshots, type DeskFigures, type SnapshotRow } from './repository.ts';
import { changesBetween, history, type SnapshotChanges } from './history.ts';
import type { AreaCheckup, SurfaceState } from './service.ts';
import { districtName } from '../district.ts';

export type ReportLang = 'zh' | 'en';

export interface ReportCategory {
  id: string; name: string; color: string; target_min: number;
  tally: CoverageTally;
  share: AreaCheckup['categories'][number];
}

export interface ReportSuggestion {
  category: string; category_name: string; rank: number; place_name: string; lon: number; lat: number;
  adds_compounds: number; adds_residents: number; newly_covered_compounds: number; newly_covered_residents: number;
  /** The street whose compound share the what-if reports (the report's street; in the district report, the first street it helps). */
  street_code: string | null; street_share_before: number | null; street_share_after: number | null;
}

/**
 * A section other engineers fill: residents' reports (居民反映, server/reports/, built separately). When
 * the app is decorated with `checkupResidentReports`, the report prints what it returns; otherwise the
 * section says the figures are not connected yet.
 */
export type ResidentReportsHook = (street: string | null, since: Date) => Promise<{ received: number; resolved: number }>;

declare module 'fastify' {
  interface FastifyInstance { checkupResidentReports?: ResidentReportsHook }
}

export interface ReportContent {
  lang: ReportLang;
  street_code: string | null;
  title: string;
  area_name: string;
  profile: string;
  profile_name: string;
  generated_at: string;
  data_date: string | null;
  data_version: string;
  contains_sample: boolean;
  categories: ReportCategory[];
  overall: { compounds: number; residents: number; compounds_without_gaps: number; mean_score: number | null; sampled_m: number; spacing_m: number };
  worst_gaps: CoverageRow[];
  suggestions: ReportSuggestion[];
  since: { snapshot: SnapshotRow | null; changes: SnapshotChanges | null };
  /** Per category, the headline share at every kept snapshot and now, with the history API's sentence. */
  trends: ReportTrend[];
  desks: DeskFigures & { since: string };
  resident_reports: { received: number; resolved: number } | null;
  /** Per street (district report only): compounds share per category. */
  streets: { code: string; name: string; compounds: number; weighting: 'residents' | 'street_length'; shares: Record<string, AreaCheckup['categories'][number]> }[];
  surface: SurfaceState;
  /** Index of the street in surface.streets (-1: the whole district). */
  surface_street: number;
}

export interface ReportTrend {
  category: string;
  name: string;
  color: string;
  points: { taken_at: string; share: number | null; now: boolean }[];
  /** The first kept snapshot's figure (the line's left end); today's is the category's share. */
  first: { taken_at: string; share: number | null } | null;
  targets_changed: boolean;
}

/** Report progress: a stage name and a fraction, for the job's status. */
export type Progress = (stage: string, fraction: number) => void;

export async function gatherReport(app: FastifyInstance, street: { code: string; name: string } | null, profile: string, lang: ReportLang, progress: Progress): Promise<ReportContent> {
  progress('coverage', 0.05);
  const coverage = await app.coverage.snapshot(profile);
  progress('surface', 0.15);
  const surface = await app.checkup.surface(profile);
  const area = await app.checkup.areaCheckup(profile, street?.code ?? null);
  const rows = street ? coverage.model.rows.filter((r) => r.street_code === street.code) : coverage.model.rows;
  const name = (c: { name_zh: string; name_en: string }) => (lang === 'zh' ? c.name_zh : c.name_en);
  const categories: ReportCategory[] = app.catalog.categories.map((c) => ({
    id: c.id, name: name(c), color: c.color,
    target_min: street ? coverage.settings.target(street.code, c.id, profile).minutes : coverage.settings.defaultMinutes(c.id, profile),
    tally: tally(rows.filter((r) => r.category === c.id)),
    share: area.categories.find((a) => a.category === c.id)!,
  }));
  const byCompound = new Map<number, CoverageRow[]>();
  for (const r of rows) { if (!byCompound.has(r.compound_id)) byCompound.set(r.compound_id, []); byCompound.get(r.compound_id)!.push(r); }
  const compoundsWithoutGaps = [...byCompound.values()].filter((l) => !l.some((r) => r.status === 'gap')).length;
  const residents = [...byCompound.values()].reduce((n, l) => n + (l[0].residents ?? 0), 0);
  const worst_gaps = rows.filter((r) => r.status === 'gap').sort(worstFirst).slice(0, 12);

  progress('suggestions', 0.3);
  // Suggested sites for the three categories with the most gap residents (then gap compounds).
  const gapCats = categories.filter((c) => c.tally.gaps > 0)
    .sort((a, b) => b.tally.residents_gap - a.tally.residents_gap || b.tally.gaps - a.tally.gaps).slice(0, 3);
  const suggestions: ReportSuggestion[] = [];
  for (const [i, c] of gapCats.entries()) {
    const answer = suggest(coverage.engine, coverage.model, coverage.settings, { category: c.id, street: street?.code, top: 2 });
    for (const s of answer.suggestions) {
      const own = street ? s.streets.find((x) => x.street_code === street.code) : s.streets.find((x) => x.covered_after > x.covered_before);
      suggestions.push({
        category: c.id, category_name: c.name, rank: s.rank, place_name: s.place_name, lon: s.location.lon, lat: s.location.lat,
        adds_compounds: s.adds_compounds, adds_residents: s.adds_residents,
        newly_covered_compounds: s.newly_covered_compounds, newly_covered_residents: s.newly_covered_residents,
        street_code: own?.street_code ?? null, street_share_before: own?.share_before ?? null, street_share_after: own?.share_after ?? null,
      });
    }
    progress('suggestions', 0.3 + 0.3 * ((i + 1) / gapCats.length));
  }

  progress('history', 0.65);
  const snapshots = await listSnapshots(app.db);
  const last = snapshots.at(-1) ?? null;
  const points = await activePoints(app.db);
  let changes: SnapshotChanges | null = null;
  if (last) {
    const now: SnapshotRow = {
      ...last, id: 0, taken_at: new Date().toISOString(), points,
      gaps: { [profile]: Object.fromEntries(coverage.model.categories.map((c) => [c, coverage.model.rows.filter((r) => r.category === c && r.status === 'gap').map((r) => ({ id: r.compound_id, name: r.compound_name, street_code: r.street_code }))])) },
      targets: { [profile]: { [street?.code ?? 'district']: Object.fromEntries(categories.map((c) => [c.id, c.target_min])) } },
    };
    changes = changesBetween(last, now, street?.code ?? null, profile);
  }
  // GET /api/checkup/history's series, one per category, with today's figure as the last point.
  const trends: ReportTrend[] = [];
  if (snapshots.length) {
    for (const c of categories) {
      const h = await history(app, street?.code ?? null, street?.name ?? districtName(app.district, lang), c.id, profile);
      trends.push({
        category: c.id, name: c.name, color: c.color,
        points: [...h.series.map((p) => ({ taken_at: p.taken_at, share: p.share, now: false })), { taken_at: new Date().toISOString(), share: c.share.share, now: true }],
        first: h.series[0] ? { taken_at: h.series[0].taken_at, share: h.series[0].share } : null,
        targets_changed: h.change?.targets_changed ?? false,
      });
    }
  }
  const since = last ? new Date(last.taken_at) : new Date(Date.now() - 30 * 86400_000);
  const desks = await deskFigures(app.db, street?.code ?? null, since, new Date());
  const resident_reports = app.checkupResidentReports ? await app.checkupResidentReports(street?.code ?? null, since) : null;
  const basemap = await app.basemap.get();
  const version = await dataVersion(app.db, basemap.version);

  const streets: ReportContent['streets'] = [];
  if (!street) {
    for (const s of coverage.streets) {
      const a = await app.checkup.areaCheckup(profile, s.code);
      const compounds = new Set(coverage.model.rows.filter((r) => r.street_code === s.code).map((r) => r.compound_id)).size;
      streets.push({ code: s.code, name: s.name, compounds, weighting: a.categories.some((x) => x.weighting === 'residents') ? 'residents' : 'street_length', shares: Object.fromEntries(a.categories.map((x) => [x.category, x])) });
    }
  }
  const profileRow = app.catalog.profileById.get(profile)!;
  const areaName = street ? street.name : districtName(app.district, lang);
  return {
    lang, street_code: street?.code ?? null,
    title: lang === 'zh' ? `${areaName} 15分钟生活圈体检报告` : `${areaName}: 15-minute check-up report`,
    area_name: areaName, profile, profile_name: lang === 'zh' ? profileRow.name_zh : profileRow.name_en,
    generated_at: new Date().toISOString(), data_date: version.date, data_version: version.version,
    contains_sample: coverage.compounds.some((c) => c.is_sample && (!street || c.street_code === street.code)) || points.some((p) => p.is_sample && (!street || p.street_code === street.code)),
    categories,
    overall: { compounds: byCompound.size, residents, compounds_without_gaps: compoundsWithoutGaps, mean_score: area.mean_score, sampled_m: area.sampled_m, spacing_m: area.spacing_m },
    worst_gaps, suggestions,
    since: { snapshot: last, changes },
    trends,
    desks: { ...desks, since: since.toISOString() },
    resident_reports,
    streets,
    surface, surface_street: street ? surface.streets.findIndex((s) => s.code === street.code) : -1,
  };
}
