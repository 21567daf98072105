// TypeBox schemas of the report routes: the public form, the public receipt, and the staff queue.
import { Type, type Static } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const ReportKindSchema = Type.String({ description: 'info_wrong 信息有误 | blocked 此路不通 | path_missing 这里有路 | service_missing 缺少服务 | other 其他', maxLength: 40 });
export const ReportStatusSchema = Type.Union(['new', 'accepted', 'in_progress', 'resolved', 'rejected'].map((s) => Type.Literal(s)));

export const TokenQuery = Type.Object({
  device: Type.Optional(Type.String({ maxLength: 100, description: 'the id this phone keeps (localStorage); a new one is issued when absent or malformed' })),
}, { additionalProperties: false });
export const TokenResponse = Type.Object({ token: Type.String(), device: Type.String(), expires_at: Type.String() });

export const ReportBody = Type.Object({
  token: Type.String({ maxLength: 400, description: 'from GET /api/reports/token' }),
  kind: ReportKindSchema,
  category: Type.Optional(Type.String({ maxLength: 40, description: 'required for service_missing: a category id' })),
  site_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'the board site the report was sent from' })),
  point_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'the service point it is about' })),
  lon: Type.Optional(Type.Number({ description: 'WGS84; default: the site or point' })),
  lat: Type.Optional(Type.Number()),
  text: Type.Optional(Type.String({ maxLength: 2000, description: 'up to 300 characters once cleaned; links are removed' })),
  phone: Type.Optional(Type.String({ maxLength: 60, description: 'for a call-back by the street office; never shown publicly' })),
  website: Type.Optional(Type.String({ maxLength: 400, description: 'leave empty (a field only robots fill in)' })),
}, { additionalProperties: false });
export type ReportBody = Static<typeof ReportBody>;

const Named = Type.Object({ zh: Type.String(), en: Type.String() });

/** What anyone with the receipt code may read: no text, no contact. */
export const PublicReport = Type.Object({
  code: Type.String(),
  kind: Type.String(), kind_name: Named,
  category: Nullable(Type.String()), category_name: Type.Union([Named, Type.Null()]),
  status: Type.String(), status_name: Named,
  public_reply: Nullable(Type.String()),
  street_name: Type.String(),
  received_at: Type.String(), updated_at: Type.String(), closed_at: Nullable(Type.String()),
});
export const CreatedReport = Type.Object({
  ...PublicReport.properties,
  merged: Type.Boolean({ description: 'true when this repeats an open report from the same device about the same thing' }),
  receipt_url: Type.String(),
});

export const StaffReport = Type.Object({
  id: Type.Integer(), code: Type.String(), kind: Type.String(), kind_zh: Type.String(),
  category: Nullable(Type.String()), category_zh: Nullable(Type.String()),
  site_id: NullableInt, site_name: Nullable(Type.String()), point_id: NullableInt, point_name: Nullable(Type.String()),
  source: Type.String(), lon: Type.Number(), lat: Type.Number(),
  street_code: Type.String(), street_name: Type.String(), community_code: Nullable(Type.String()), community_name: Nullable(Type.String()),
  text: Nullable(Type.String()),
  has_phone: Type.Boolean(),
  phone: Type.Optional(Nullable(Type.String({ description: 'only for admins and the street\'s editors' }))),
  repeats: Type.Integer(), status: Type.String(), status_zh: Type.String(), public_reply: Nullable(Type.String()),
  linked: Type.Union([Type.Object({ kind: Type.String(), point_id: Type.Optional(Type.Integer()), correction_id: Type.Optional(Type.Integer()), at: Type.String(), by: Type.String() }), Type.Null()]),
  received_at: Type.String(), accepted_at: Nullable(Type.String()), closed_at: Nullable(Type.String()), updated_at: Type.String(),
  age_days: Type.Integer(), version: Type.Integer(),
});

export const QueueQuery = Type.Object({
  street: Type.String({ pattern: '^[0-9]{12}$' }),
  status: Type.Optional(Type.Union([ReportStatusSchema, Type.Literal('open'), Type.Literal('all')], { default: 'open' })),
  kind: Type.Optional(ReportKindSchema),
}, { additionalProperties: false });
export const StreetQuery = Type.Object({ street: Type.String({ pattern: '^[0-9]{12}$' }) }, { additionalProperties: false });
export const ExportQuery = Type.Object({
  street: Type.String({ pattern: '^[0-9]{12}$' }),
  status: Type.Optional(Type.Union([ReportStatusSchema, Type.Literal('open'), Type.Literal('all')], { default: 'all' })),
}, { additionalProperties: false });
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export const CodeParams = Type.Object({ code: Type.String({ maxLength: 40 }) });

export const StatusBody = Type.Object({
  to: ReportStatusSchema,
  version: Type.Integer({ minimum: 1, description: 'the version the change was decided on; a newer stored version gets 409' }),
  public_reply: Type.Optional(Type.String({ maxLength: 500, description: 'shown on the receipt page; required when resolving or rejecting' })),
}, { additionalProperties: false });
export const ConvertBody = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const CountsResponse = Type.Object({
  street_code: Type.String(),
  received: Type.Integer(), open: Type.Integer(), resolved: Type.Integer(), rejected: Type.Integer(),
  median_days_to_close: NullableNumber,
  by_kind: Type.Array(Type.Object({ kind: Type.String(), kind_zh: Type.String(), received: Type.Integer(), resolved: Type.Integer() })),
  by_month: Type.Array(Type.Object({ month: Type.String(), received: Type.Integer(), resolved: Type.Integer() })),
});

export const DemandQuery = Type.Object({
  category: Type.Optional(Type.String({ maxLength: 40 })),
  street: Type.Optional(Type.String({ pattern: '^[0-9]{12}$' })),
}, { additionalProperties: false });
