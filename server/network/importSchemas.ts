// TypeBox schemas of the network import routes (POST/GET /api/network/imports): the report the import
// gives (server/network/networkImport.ts NetworkImportReport), the same shape the script prints as JSON.
import { Type } from 'typebox';

const Km = Type.Number({ description: 'kilometres of walkable way' });
export const NetworkImportReportSchema = Type.Object({
  import_id: Type.Union([Type.Integer(), Type.Null()], { description: 'the kept report; null for a dry run' }),
  source: Type.String(),
  format: Type.Union([Type.Literal('osm'), Type.Literal('osm.pbf'), Type.Literal('geojson')]),
  dry_run: Type.Boolean(),
  at: Type.String(),
  ways: Type.Object({ before: Type.Integer(), after: Type.Integer(), dropped_outside: Type.Integer(), not_walkable: Type.Integer() }),
  nodes: Type.Object({ barriers: Type.Integer(), crossings: Type.Integer(), barriers_with_hours: Type.Integer() }),
  km: Type.Object({ before: Km, after: Km, added: Km, removed: Km }),
  components: Type.Object({ before: Type.Integer(), after: Type.Integer() }),
  corrections: Type.Object({
    checked: Type.Integer(),
    reanchored: Type.Array(Type.Integer()),
    needs_review: Type.Array(Type.Object({
      id: Type.Integer(), kind: Type.String(), status: Type.String(), street_code: Type.String(), reason: Type.String(), reason_zh: Type.String(),
    })),
  }),
  board_sites: Type.Object({
    profile: Type.String(), sites_checked: Type.Integer(), sites_affected: Type.Integer(),
    changes: Type.Array(Type.Object({
      site_id: Type.Integer(), site_name: Type.String(), category_id: Type.String(),
      before_min: Type.Union([Type.Number(), Type.Null()]), after_min: Type.Union([Type.Number(), Type.Null()]),
    })),
  }),
  ms: Type.Integer(),
});

export const NetworkImportQuery = Type.Object({
  dry_run: Type.Optional(Type.Boolean({ default: false, description: 'check and report only; nothing is written' })),
  async: Type.Optional(Type.Boolean({ default: false, description: 'answer 202 at once with a durable job to poll (GET /api/network/imports/jobs/:id), on any instance' })),
}, { additionalProperties: false });

export const NetworkImportJobSchema = Type.Object({
  id: Type.String(),
  dry_run: Type.Boolean(),
  status: Type.String({ description: 'queued, running, done or failed' }),
  phase: Type.String(),
  elapsed_ms: Type.Integer(),
  report: Type.Union([NetworkImportReportSchema, Type.Null()]),
  error: Type.Union([Type.Object({
    statusCode: Type.Integer(), message: Type.String(), message_zh: Type.String(), field: Type.Optional(Type.String()),
  }), Type.Null()]),
});

export const NetworkImportList = Type.Object({ imports: Type.Array(NetworkImportReportSchema) });
