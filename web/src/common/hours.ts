// "Open now" from an OSM opening_hours value. The parser is large, so pages load it on demand after
// the first content is on screen; until then (or for a value it cannot read) the raw value is shown.
export type OpenState = 'open' | 'closed' | 'unknown';

type OpeningHoursCtor = typeof import('opening_hours').default;
let parser: Promise<OpeningHoursCtor> | undefined;

export function loadHoursParser(): Promise<OpeningHoursCtor> {
  parser ??= import('opening_hours').then((m) => m.default);
  return parser;
}

/** Tianjin, so that public-holiday rules (PH) resolve to the right calendar. */
const WHERE = { lat: 39.1, lon: 117.2, address: { country_code: 'cn', state: '天津市' } };

export interface OpenNow { state: OpenState; /** next change of state, when known */ next?: Date }

export async function openNow(value: string | null, at: Date = new Date()): Promise<OpenNow> {
  if (!value) return { state: 'unknown' };
  try {
    const OpeningHours = await loadHoursParser();
    const oh = new OpeningHours(value, WHERE);
    const unknown = oh.getUnknown(at);
    return { state: unknown ? 'unknown' : oh.getState(at) ? 'open' : 'closed', next: oh.getNextChange(at) ?? undefined };
  } catch {
    return { state: 'unknown' };
  }
}

export function hhmm(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
