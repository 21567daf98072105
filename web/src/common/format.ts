// Walking minutes and metres as people read them on a board: whole minutes, rounded up.
/** Whole minutes, rounded up (a 6.2-minute walk reads "7 min"), never less than 1: the board's rule. */
export function boardMinutes(walkSeconds: number): number {
  return Math.max(1, Math.ceil(walkSeconds / 60 - 1e-9));
}
export function metres(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m / 10) * 10} m`;
}
