// Walking minutes and metres as people read them on a board (whole minutes, rounded up), and time stamps.
/** Whole minutes, rounded up (a 6.2-minute walk reads "7 min"), never less than 1: the board's rule. */
export function boardMinutes(walkSeconds: number): number {
  return Math.max(1, Math.ceil(walkSeconds / 60 - 1e-9));
}
export function metres(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m / 10) * 10} m`;
}

/** A stored time stamp as the page's language writes it (24-hour clock). */
export function formatTime(iso: string | Date, lang: 'zh' | 'en'): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}
