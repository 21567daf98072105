// TypeBox schemas shared by routes that speak RFC 7946 GeoJSON.
import { Type, type TSchema } from 'typebox';
import { badRequest } from './errors.ts';

export const PointGeometry = Type.Object({
  type: Type.Literal('Point'),
  coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
});

export const Feature = <P extends TSchema, G extends TSchema = typeof PointGeometry>(properties: P, geometry: G = PointGeometry as unknown as G) => Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  geometry,
  properties,
});

export const FeatureCollection = <P extends TSchema, G extends TSchema = typeof PointGeometry>(properties: P, geometry: G = PointGeometry as unknown as G) => Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Feature(properties, geometry)),
});

export const ErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  message_zh: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
}, { additionalProperties: true });

export type Bbox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** Parses "minLon,minLat,maxLon,maxLat" (WGS84); undefined when absent, a 400 naming `field` when malformed. */
export function parseBbox(value: string | undefined, field = 'bbox'): Bbox | undefined {
  if (value === undefined || value === '') return undefined;
  const parts = value.split(',').map((v) => Number(v.trim()));
  if (parts.length !== 4 || parts.some((v) => !Number.isFinite(v))) {
    throw badRequest(field, 'must be four numbers: minLon,minLat,maxLon,maxLat', `${field}：应为 最小经度,最小纬度,最大经度,最大纬度`);
  }
  const [minLon, minLat, maxLon, maxLat] = parts;
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90 || minLon > maxLon || minLat > maxLat) {
    throw badRequest(field, 'is out of range or inverted', `${field}：范围不正确`);
  }
  return parts as Bbox;
}

export const SAMPLE_NOTICE = {
  zh: '示例数据：本服务点并非真实信息，仅用于演示。',
  en: 'Sample data: not a real place, for demonstration only.',
};
export const ODBL_ATTRIBUTION = '© OpenStreetMap contributors, ODbL 1.0';
