// Importing service points from a spreadsheet. Every row is validated by the same rules as the form
// (server/records/validation.ts), matched to an existing point (by external id, else by name + address),
// and reported as created / updated / unchanged / rejected with its line, field and reason. A real run
// writes all accepted rows in ONE transaction with their audit rows, in batches of set-based SQL.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DataChange } from '../events.ts';
import type { StaffIdentity } from '../auth/users.ts';
import { judgePlacement, type AreaIndex } from '../records/placement.ts';
import { issue, validatePoint, type FieldIssue, type PointDraft, type PointInput, type ValidationContext } from '../records/validation.ts';
import { draftSnapshot, type PointSnapshot } from '../points/writes.ts';
import { IMPORT_COLUMNS, mapHeader, REQUIRED_COLUMNS, type HeaderMap } from './columns.ts';
import { unneutraliseCell, type Sheet } from './spreadsheet.ts';

export type RowStatus = 'created' | 'updated' | 'unchanged' | 'rejected';

export interface ReportRow {
  line: number;
  status: RowStatus;
  /** The point created or updated (a dry run gives the id it would update). */
  id: number | null;
  name: string;
  /** For updates: the fields that change. */
  changed?: string[];
  /** How the row was matched to an existing point. */
  matched_by?: 'external_id' | 'name_address';
  /** Rejected rows: the first problem's field and reason, and every problem. */
  field?: string;
  reason?: string;
  reason_zh?: string;
  errors?: FieldIssue[];
}

export interface ImportReport {
  dry_run: boolean;
  format: Sheet['format'];
  encoding: Sheet['encoding'];
  rows_read: number;
  summary: Record<RowStatus, number>;
  columns: { recognised: string[]; ignored: string[] };
  rows: ReportRow[];
  timings_ms: { read: number; validate: number; write: number };
}

export interface ImportOptions {
  dryRun: boolean;
  staff: StaffIdentity;
  /** Street for rows without a street column (an editor's own street by default). */
  defaultStreet: string | null;
  /**
   * Inside the writing transaction, first (`claim`: false rolls back and writes nothing, e.g. a retried
   * job that is done already) and last (`commit`, with the report: a job marks itself done in the same
   * transaction as its rows).
   */
  inTransaction?: {
    claim(trx: Transaction<Database>): Promise<boolean>;
    commit(trx: Transaction<Database>, report: ImportReport): Promise<void>;
  };
  /** Called as the work advances (for the progress bar of a large import). */
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
  /**
   * Street and community areas: each row's position is checked as a single write's is. A spreadsheet
   * cannot confirm, so only what is certain rejects a row (an official boundary, or far outside an
   * approximate one); a row without a community gets the one at its position.
   */
  areas?: AreaIndex;
}
export type ImportPhase = 'reading' | 'validating' | 'matching' | 'writing' | 'done';

export class ImportFileError extends Error {
  constructor(message: string, readonly messageZh: string, readonly field = 'file') { super(message); }
}

/** Rows for one batched statement: about 20 values each, far below the 65,535 parameter limit (one jsonb parameter anyway). */
const BATCH = 2000;

/**
 * One turn of the event loop between written batches: on the embedded engine each query resolves without
 * one, so the progress report (the job's log line) would otherwise leave the process only at the commit.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const MAX_IDS_IN_CHANGE = 500;

interface ExistingPoint {
  id: number; external_id: string | null; name: string; address: string | null; street_code: string | null;
  category_id: string; subtype: string | null; phone: string | null; opening_hours: string | null;
  community_code: string | null; lon: number; lat: number; status: 'active' | 'closed'; is_sample: boolean; source: string; version: number;
}

const COMPARED: (keyof PointDraft & keyof ExistingPoint)[] = [
  'external_id', 'name', 'category_id', 'subtype', 'address', 'phone', 'opening_hours', 'street_code', 'community_code',
];

function changedFields(existing: ExistingPoint, d: PointDraft): string[] {
  const changed: string[] = COMPARED.filter((k) => (existing[k] ?? null) !== (d[k] ?? null));
  // Positions compare to about a centimetre: a round trip through a spreadsheet keeps 7 decimals.
  if (Math.abs(existing.lon - d.lon) > 1e-7 || Math.abs(existing.lat - d.lat) > 1e-7) changed.push('position');
  return changed;
}

const nameAddressKey = (name: string, address: string | null) => `${name}\u0000${address ?? ''}`;

function rowInput(cells: string[], header: HeaderMap, defaultStreet: string | null): PointInput {
  const input: Record<string, string> = {};
  for (const column of IMPORT_COLUMNS) {
    const i = header.index[column];
    if (i !== undefined) input[column] = unneutraliseCell(String(cells[i] ?? '').trim());
  }
  if (!input.street_code && defaultStreet) input.street_code = defaultStreet;
  return input as PointInput;
}

function rejected(line: number, name: string, errors: FieldIssue[]): ReportRow {
  const [first] = errors;
  return { line, status: 'rejected', id: null, name, field: first.field, reason: first.message, reason_zh: first.message_zh, errors };
}

async function loadExisting(db: Kysely<Database>): Promise<ExistingPoint[]> {
  return (await db.selectFrom('service_points').select([
    'id', 'external_id', 'name', 'address', 'street_code', 'category_id', 'subtype', 'phone', 'opening_hours', 'community_code',
    'status', 'is_sample', 'source', 'version', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat'),
  ]).execute()) as ExistingPoint[];
}

interface Plan {
  report: ReportRow[];
  creates: { row: ReportRow; draft: PointDraft }[];
  updates: { row: ReportRow; draft: PointDraft; existing: ExistingPoint }[];
}

/** Validates and matches every row; no writes. */
function planImport(sheet: Sheet, header: HeaderMap, ctx: ValidationContext, existing: ExistingPoint[], options: ImportOptions): Plan {
  const byExternalId = new Map<string, ExistingPoint>();
  const byNameAddress = new Map<string, ExistingPoint[]>();
  for (const p of existing) {
    if (p.external_id) byExternalId.set(p.external_id, p);
    const key = nameAddressKey(p.name, p.address);
    byNameAddress.set(key, [...(byNameAddress.get(key) ?? []), p]);
  }
  const staff = options.staff;
  const mayWrite = (street: string | null) => staff.role === 'admin' || (staff.role === 'editor' && street !== null && street === staff.street_code);
  const seenExternal = new Map<string, number>();
  const seenNameAddress = new Map<string, number>();
  const plan: Plan = { report: [], creates: [], updates: [] };

  sheet.rows.forEach((sheetRow, i) => {
    if (i % 500 === 0) options.onProgress?.('validating', i, sheet.rows.length);
    const input = rowInput(sheetRow.cells, header, options.defaultStreet);
    const name = String(input.name ?? '');
    const { draft, issues } = validatePoint(input, ctx);
    if (!draft) { plan.report.push(rejected(sheetRow.line, name, issues)); return; }
    if (!mayWrite(draft.street_code)) {
      plan.report.push(rejected(sheetRow.line, name, [issue('street_code', `you may import only into street ${staff.street_code}`, '只能导入本街道的数据')]));
      return;
    }
    if (options.areas) {
      const verdict = judgePlacement(options.areas, staff, {
        lon: draft.lon, lat: draft.lat, street_code: draft.street_code, community_code: draft.community_code, community_picked: Boolean(draft.community_code),
      }, true);
      if (!verdict.ok) {
        const { field, message, message_zh } = verdict.problem;
        plan.report.push(rejected(sheetRow.line, name, [{ field, message, message_zh }]));
        return;
      }
      draft.community_code = verdict.community_code;
    }
    // One point per row: a second row for the same point is reported, not applied twice.
    const naKey = nameAddressKey(draft.name, draft.address);
    const earlier = (draft.external_id && seenExternal.get(draft.external_id)) || (!draft.external_id && seenNameAddress.get(naKey));
    if (earlier) {
      const what = draft.external_id ? `external_id "${draft.external_id}"` : 'name and address';
      plan.report.push(rejected(sheetRow.line, name, [issue(draft.external_id ? 'external_id' : 'name', `repeats the ${what} of line ${earlier}`, `与第 ${earlier} 行重复`)]));
      return;
    }
    if (draft.external_id) seenExternal.set(draft.external_id, sheetRow.line);
    else seenNameAddress.set(naKey, sheetRow.line);

    let match: ExistingPoint | undefined;
    let matchedBy: ReportRow['matched_by'];
    if (draft.external_id && byExternalId.has(draft.external_id)) {
      match = byExternalId.get(draft.external_id);
      matchedBy = 'external_id';
    } else {
      // By name and address, unless that point already carries another office id (then it is a different point).
      const candidates = (byNameAddress.get(naKey) ?? []).filter((p) => !p.external_id || !draft.external_id);
      if (candidates.length > 1) {
        plan.report.push(rejected(sheetRow.line, name, [issue('name',
          `matches ${candidates.length} existing points by name and address (ids ${candidates.map((c) => c.id).join(', ')}); add an external_id column to tell them apart`,
          `按名称和地址匹配到 ${candidates.length} 个已有服务点（编号 ${candidates.map((c) => c.id).join('、')}），请填写外部编号加以区分`)]));
        return;
      }
      match = candidates[0];
      if (match) matchedBy = 'name_address';
    }
    if (!match) {
      const row: ReportRow = { line: sheetRow.line, status: 'created', id: null, name: draft.name };
      plan.report.push(row);
      plan.creates.push({ row, draft });
      return;
    }
    if (!mayWrite(match.street_code)) {
      plan.report.push(rejected(sheetRow.line, name, [issue('street_code',
        `matches point ${match.id} of street ${match.street_code}, which you may not edit`, `匹配到其他街道的服务点（编号 ${match.id}），无权修改`)]));
      return;
    }
    // A point of the sample set that the office's own list describes becomes real data.
    const changed = [...changedFields(match, draft), ...(match.is_sample ? ['is_sample'] : [])];
    const row: ReportRow = { line: sheetRow.line, status: changed.length ? 'updated' : 'unchanged', id: match.id, name: draft.name, changed, matched_by: matchedBy };
    plan.report.push(row);
    if (changed.length) plan.updates.push({ row, draft, existing: match });
  });
  options.onProgress?.('validating', sheet.rows.length, sheet.rows.length);
  return plan;
}

const draftRecord = (id: number, d: PointDraft) => ({
  id, external_id: d.external_id, name: d.name, category_id: d.category_id, dimension_id: d.dimension_id, subtype: d.subtype,
  address: d.address, phone: d.phone, opening_hours: d.opening_hours, street_code: d.street_code,
  community_code: d.community_code, lon: d.lon, lat: d.lat,
});

const RECORD_COLUMNS = sql`v(id int, external_id text, name text, category_id text, dimension_id text, subtype text, address text,
  phone text, opening_hours text, street_code text, community_code text, lon float8, lat float8)`;

async function writePlan(trx: Transaction<Database>, plan: Plan, staff: StaffIdentity, onProgress: ImportOptions['onProgress']): Promise<void> {
  const total = plan.creates.length + plan.updates.length;
  let done = 0;
  const audit: { action: string; entity_id: string; street_code: string; before: PointSnapshot | null; after: PointSnapshot }[] = [];

  if (plan.creates.length) {
    const ids = await sql<{ id: number }>`
      select nextval(pg_get_serial_sequence('service_points', 'id'))::int as id from generate_series(1, ${plan.creates.length})`.execute(trx);
    plan.creates.forEach((c, i) => { c.row.id = Number(ids.rows[i].id); });
    for (let i = 0; i < plan.creates.length; i += BATCH) {
      const chunk = plan.creates.slice(i, i + BATCH);
      await sql`
        insert into service_points (id, external_id, name, category_id, dimension_id, subtype, address, phone, opening_hours,
                                    street_code, community_code, geom, source, is_sample)
        select v.id, v.external_id, v.name, v.category_id, v.dimension_id, v.subtype, v.address, v.phone, v.opening_hours,
               v.street_code, v.community_code, ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326), 'import', false
        from jsonb_to_recordset(${JSON.stringify(chunk.map((c) => draftRecord(c.row.id!, c.draft)))}::jsonb) as ${RECORD_COLUMNS}`.execute(trx);
      for (const c of chunk) {
        audit.push({ action: 'import', entity_id: String(c.row.id), street_code: c.draft.street_code, before: null,
          after: draftSnapshot(c.row.id!, c.draft, { status: 'active', is_sample: false, source: 'import', version: 1 }) });
      }
      done += chunk.length;
      onProgress?.('writing', done, total);
      await yieldToEventLoop();
    }
  }

  if (plan.updates.length) {
    // Lock the matched rows and read their current state: the audit's "before" is what is overwritten.
    const ids = plan.updates.map((u) => u.existing.id);
    const current = new Map<number, ExistingPoint>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const rows = await trx.selectFrom('service_points').select([
        'id', 'external_id', 'name', 'address', 'street_code', 'category_id', 'subtype', 'phone', 'opening_hours', 'community_code',
        'status', 'is_sample', 'source', 'version', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat'),
      ]).where('id', 'in', ids.slice(i, i + BATCH)).forUpdate().execute();
      for (const r of rows as ExistingPoint[]) current.set(r.id, r);
    }
    for (let i = 0; i < plan.updates.length; i += BATCH) {
      const chunk = plan.updates.slice(i, i + BATCH);
      await sql`
        update service_points p set
          external_id = v.external_id, name = v.name, category_id = v.category_id, dimension_id = v.dimension_id,
          subtype = v.subtype, address = v.address, phone = v.phone, opening_hours = v.opening_hours,
          street_code = v.street_code, community_code = v.community_code, geom = ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326),
          source = 'import', is_sample = false, version = p.version + 1, updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(chunk.map((u) => draftRecord(u.existing.id, u.draft)))}::jsonb) as ${RECORD_COLUMNS}
        where p.id = v.id`.execute(trx);
      for (const u of chunk) {
        const before = current.get(u.existing.id) ?? u.existing;
        const beforeSnapshot: PointSnapshot = {
          id: before.id, external_id: before.external_id, name: before.name, category_id: before.category_id, subtype: before.subtype,
          address: before.address, phone: before.phone, opening_hours: before.opening_hours, street_code: before.street_code,
          community_code: before.community_code, lon: before.lon, lat: before.lat, status: before.status, is_sample: before.is_sample,
          source: before.source, version: before.version,
        };
        audit.push({ action: 'import', entity_id: String(before.id), street_code: u.draft.street_code, before: beforeSnapshot,
          after: draftSnapshot(before.id, u.draft, { status: before.status, is_sample: false, source: 'import', version: before.version + 1 }) });
      }
      done += chunk.length;
      onProgress?.('writing', done, total);
      await yieldToEventLoop();
    }
  }

  for (let i = 0; i < audit.length; i += BATCH) {
    await sql`
      insert into audit_log (user_id, username, action, entity, entity_id, street_code, before, after)
      select ${staff.id}, ${staff.username}, v.action, 'point', v.entity_id, v.street_code, v.before, v.after
      from jsonb_to_recordset(${JSON.stringify(audit.slice(i, i + BATCH))}::jsonb)
        as v(action text, entity_id text, street_code text, before jsonb, after jsonb)`.execute(trx);
  }
}

/**
 * Runs an import: validate and match every row, then (unless a dry run) write the accepted rows in one
 * transaction. Returns the report and the change events to publish once the caller has the commit.
 */
export async function importPoints(
  db: Kysely<Database>, sheet: Sheet, ctx: ValidationContext, options: ImportOptions,
): Promise<{ report: ImportReport; changes: DataChange[] }> {
  const header = mapHeader(sheet.header);
  const missing = REQUIRED_COLUMNS.filter((c) => header.index[c] === undefined);
  if (missing.length) {
    throw new ImportFileError(
      `The header row lacks the column(s) ${missing.join(', ')} (found: ${sheet.header.filter(Boolean).join(', ')})`,
      `表头缺少列：${missing.map((c) => ({ name: '名称', category: '类别', lon: '经度', lat: '纬度' } as Record<string, string>)[c] ?? c).join('、')}`,
      missing[0]);
  }
  const t0 = performance.now();
  options.onProgress?.('matching', 0, sheet.rows.length);
  let plan: Plan;
  let writeMs = 0;
  let t1: number;
  if (options.dryRun) {
    plan = planImport(sheet, header, ctx, await loadExisting(db), options);
    t1 = performance.now();
  } else {
    // Matching happens inside the transaction (on the embedded engine the transaction holds the one
    // connection, so every read goes through trx), so that a point created or renamed meanwhile is seen.
    plan = await db.transaction().execute(async (trx) => {
      if (options.inTransaction && !(await options.inTransaction.claim(trx))) throw new ImportAlreadyDone();
      const inside = planImport(sheet, header, ctx, await loadExisting(trx), options);
      t1 = performance.now();
      if (inside.creates.length || inside.updates.length) await writePlan(trx, inside, options.staff, options.onProgress);
      writeMs = performance.now() - t1;
      if (options.inTransaction) await options.inTransaction.commit(trx, buildReport(sheet, header, inside, options, t1! - t0, writeMs));
      return inside;
    });
  }
  options.onProgress?.('done', sheet.rows.length, sheet.rows.length);

  const touched = [...plan.creates.map((c) => ({ id: c.row.id!, street: c.draft.street_code })),
    ...plan.updates.flatMap((u) => [{ id: u.existing.id, street: u.draft.street_code }, { id: u.existing.id, street: u.existing.street_code }])];
  const byStreet = new Map<string | null, Set<number>>();
  for (const { id, street } of touched) byStreet.set(street, (byStreet.get(street) ?? new Set()).add(id));
  // A NOTIFY payload holds at most 8000 bytes: past a few hundred ids the change goes out without them,
  // which listeners (the walking engine, caches) take as "reload this kind".
  const changes: DataChange[] = options.dryRun ? [] : [...byStreet].map(([street, ids]) =>
    (ids.size <= MAX_IDS_IN_CHANGE ? { kind: 'points', ids: [...ids], street } : { kind: 'points', street }));
  return { report: buildReport(sheet, header, plan, options, t1! - t0, writeMs), changes };
}

/** A retried import job whose rows were committed by an earlier attempt: nothing more to do. */
export class ImportAlreadyDone extends Error {
  constructor() { super('the import job was already done'); }
}

function buildReport(sheet: Sheet, header: HeaderMap, plan: Plan, options: ImportOptions, validateMs: number, writeMs: number): ImportReport {
  const summary: Record<RowStatus, number> = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const r of plan.report) summary[r.status] += 1;
  return {
    dry_run: options.dryRun,
    format: sheet.format,
    encoding: sheet.encoding,
    rows_read: sheet.rows.length,
    summary,
    columns: { recognised: IMPORT_COLUMNS.filter((c) => header.index[c] !== undefined), ignored: [...header.ignored, ...header.duplicates] },
    rows: plan.report,
    timings_ms: { read: 0, validate: Math.round(validateMs), write: Math.round(writeMs) },
  };
}
