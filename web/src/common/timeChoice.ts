// The time a resident asks about, on the resident map and the phone page: now (the default), noon, the
// evening, or a time of their own today. Walking answers are asked for that time (at=: compound gates
// shut at night are not passed), and "open" means open then. Times are the district's wall clock (its
// time zone from /api/district/info), whatever the phone's own zone: a visitor's phone set to another
// zone asks about the same 12:00 as a resident's.
import { h } from './dom.ts';
import { districtNow } from './district.ts';

export type TimeKind = 'now' | 'noon' | 'evening' | 'at';
export interface TimeChoice { kind: TimeKind; /** HH:MM, for 'at' */ time: string | null }

export const NOW: TimeChoice = { kind: 'now', time: null };
const FIXED: Record<'noon' | 'evening', string> = { noon: '12:00', evening: '19:00' };

const LABELS = {
  zh: { label: '时间', now: '现在', noon: '中午 12:00', evening: '晚上 19:00', at: '其他时间…', atLabel: '选择时间（今天）', when: (hm: string) => `${hm} 时` },
  en: { label: 'Time', now: 'Now', noon: 'Noon, 12:00', evening: 'Evening, 19:00', at: 'Another time…', atLabel: 'Pick a time (today)', when: (hm: string) => `at ${hm}` },
};

const pad = (n: number) => String(n).padStart(2, '0');

/** The moment a choice stands for: today (in the district) at its clock time, or now. */
export function choiceDate(c: TimeChoice, now = districtNow()): Date {
  const hm = c.kind === 'at' ? c.time : c.kind === 'now' ? null : FIXED[c.kind];
  if (!hm) return now;
  const [hh, mm] = hm.split(':').map(Number);
  return new Date(now.getFullYear(), now.getMonth(), now.getDate(), hh, mm);
}

/** The API's at= for a moment: local YYYY-MM-DDTHH:mm. */
export const atParam = (d: Date): string =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** "12:00 时" / "at 12:00" for a chosen time; '' for now. */
export function choiceLabel(c: TimeChoice, lang: 'zh' | 'en', now = districtNow()): string {
  if (c.kind === 'now') return '';
  const d = choiceDate(c, now);
  return LABELS[lang].when(`${pad(d.getHours())}:${pad(d.getMinutes())}`);
}

/** The URL form (t=noon, t=evening, t=18:30); null for now. */
export function choiceToParam(c: TimeChoice): string | null {
  return c.kind === 'now' ? null : c.kind === 'at' ? c.time : c.kind;
}

export function choiceFromParam(value: string | null): TimeChoice {
  if (value === 'noon' || value === 'evening') return { kind: value, time: null };
  if (value && /^([01]\d|2[0-3]):[0-5]\d$/.test(value)) return { kind: 'at', time: value };
  return NOW;
}

/**
 * The control: a labelled list (now / noon / evening / another time…) and, for another time, a time
 * field. `onChange` gets each new choice; the element keeps its own state.
 */
export function timeControl(lang: 'zh' | 'en', initial: TimeChoice, onChange: (c: TimeChoice) => void): HTMLElement {
  const L = LABELS[lang];
  const select = h('select', { id: 'time-choice', class: 'field time-select' },
    ...(['now', 'noon', 'evening', 'at'] as const).map((k) => h('option', { value: k }, L[k]))) as HTMLSelectElement;
  select.value = initial.kind;
  const input = h('input', { id: 'time-at', type: 'time', class: 'field time-at', step: '300', value: initial.time ?? '' }) as HTMLInputElement;
  const atBox = h('label', { class: 'time-at-box', hidden: initial.kind !== 'at' }, h('span', {}, L.atLabel), input);
  const current = (): TimeChoice => (select.value === 'at' ? { kind: 'at', time: input.value || null } : { kind: select.value as TimeKind, time: null });
  select.addEventListener('change', () => {
    atBox.hidden = select.value !== 'at';
    if (select.value === 'at') {
      if (!input.value) input.value = `${pad(districtNow().getHours())}:00`;
      input.focus();
    }
    onChange(current());
  });
  input.addEventListener('change', () => { if (input.value) onChange(current()); });
  return h('div', { class: 'time-choice', role: 'group', 'aria-labelledby': 'time-choice-label' },
    h('label', { id: 'time-choice-label', for: 'time-choice', class: 'label' }, L.label), select, atBox);
}
